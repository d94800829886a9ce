// `unest send <address> <method> [args...]`: calls a contract method in a transaction signed
// here with a development key and sent raw over JSON-RPC, then shows its receipt. Also the
// pieces `unest deploy` and `unest call` share: signing and submitting, showing a receipt
// and a revert with its Nest stack.

import { formatAddress, parseAddress, AddressError, SCHEMES, type Address } from '../../chain/address.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import { DEFAULT_GAS_LIMIT } from '../../chain/local-chain.js'
import { abiValueFromJson, toHex, JsonValueError, type AbiMethodJson, type OutcomeJson, type ReceiptJson } from '../../chain/rpc.js'
import { encodeTx, signTx, type Payload } from '../../chain/tx.js'
import { encodeArgs, type AbiValue } from '../../vm/contract/abi-values.js'
import { ArgError, devAccount, formatValue, parseArgs, parseInt256, pickMethod, type DevAccount } from '../abi-args.js'
import { EXIT_USAGE, FileHost } from '../host.js'
import { EXIT_REVERTED, RpcClient, Stop, runClient, usage } from '../rpc-client.js'

export interface TxOptions {
  readonly rpc: string
  readonly from: string
  readonly gasLimit?: number
  /** NEST attached to a payable method or constructor, in base units. */
  readonly value?: string
}

export function need<T>(v: T | ArgError): T {
  if (v instanceof ArgError) throw usage(v)
  return v
}

export function contractAddress(text: string): Address {
  const a = parseAddress(text)
  if (a instanceof AddressError) throw new Stop(EXIT_USAGE, `error: ${a.message}`)
  return a
}

/** The ABI of the contract at `address`, from the node. */
export async function fetchAbi(client: RpcClient, address: Address): Promise<{ contract: string; methods: AbiMethodJson[] }> {
  const abi = (await client.call('unest_getAbi', [formatAddress(address)])) as { contract: string; methods: AbiMethodJson[] } | null
  if (abi === null) throw new Stop(EXIT_USAGE, `error: no contract at ${formatAddress(address)}`)
  return abi
}

/** Signs `payload` as `from` (nonce and fee from the node), submits it, and returns its
 *  receipt: the local chain makes a block per transaction, so it is there at once. */
export async function submit(client: RpcClient, from: DevAccount, payload: Payload, gasLimit = DEFAULT_GAS_LIMIT): Promise<ReceiptJson> {
  const chainId = String(await client.call('unest_chainId'))
  const price = BigInt(String(await client.call('unest_gasPrice')))
  const key = { scheme: from.signer.scheme, publicKey: from.signer.publicKey }
  const keyHex = toHex(Uint8Array.of(SCHEMES[key.scheme].tag, ...key.publicKey))
  const nonce = Number(await client.call('unest_getNonce', [formatAddress(from.address), keyHex]))
  const tx = await signTx(from.signer, chainId, {
    sender: from.address,
    key,
    nonce,
    fee: { token: NATIVE_TOKEN, amount: BigInt(gasLimit) * price },
    gasLimit,
    payload,
  })
  const hash = String(await client.call('unest_sendRawTransaction', [toHex(encodeTx(tx))]))
  const receipt = (await client.call('unest_getReceipt', [hash])) as ReceiptJson | null
  if (receipt === null) throw new Stop(EXIT_REVERTED, `error: the node took transaction ${hash} but has no receipt for it`)
  return receipt
}

function jsonToText(j: unknown): string {
  const v = abiValueFromJson(j)
  return v instanceof JsonValueError ? JSON.stringify(j) : formatValue(v)
}

/** Where a Nest frame is: the module's file (relative to the working directory) if it is
 *  here, else the module name as a path. */
function framePath(host: FileHost, module: string): { path: string; text: string | null } {
  const found = host.read(module)
  return found ? { path: found.path, text: found.text } : { path: module.replace(/^\.\//, '') + '.nest', text: null }
}

/** A revert as `unest run` shows a runtime error: the message, where (with the source line
 *  when the file is here), then the Nest stack, innermost first. */
export function renderRevert(o: OutcomeJson): string {
  const lines = [`error: ${o.error ?? 'reverted'}${o.code ? ` [${o.code}]` : ''}`]
  const top = o.debug.trace[0]
  if (top === undefined) return lines.join('\n')
  const host = new FileHost(process.cwd())
  const where = framePath(host, top.module)
  lines.push(`  --> ${where.path}:${top.line}:${top.col}`)
  const text = where.text?.split('\n')[top.line - 1]
  if (text !== undefined && top.line > 0) {
    const g = ' '.repeat(String(top.line).length)
    lines.push(`${g} |`, `${top.line} | ${text}`, `${g} | ${text.slice(0, Math.max(0, top.col - 1)).replace(/[^\t]/g, ' ')}^`)
  }
  lines.push('stack:')
  for (const f of o.debug.trace) lines.push(`  at ${f.fn} (${framePath(host, f.module).path}:${f.line}:${f.col})`)
  return lines.join('\n')
}

/** The parts of an outcome after its status: result, events, prints. */
function outcomeLines(o: OutcomeJson, showResult = true): string[] {
  const lines: string[] = []
  if (o.status === 'ok' && showResult) lines.push(`result: ${jsonToText(o.returnValue)}`)
  for (const e of o.events) lines.push(`event: ${e.topic} ${jsonToText(e.data)} (from ${e.address})`)
  for (const p of o.debug.prints) lines.push(`print: ${p}`)
  return lines
}

/** Prints a receipt (stdout) and, on revert, the error with its stack (stderr); the exit code. */
export function showReceipt(r: ReceiptJson): number {
  const lines = [
    `transaction: ${r.transactionHash}`,
    `block: ${r.blockHeight}`,
    `status: ${r.status}`,
    `gas used: ${r.gasUsed} (fee ${r.fee} ${NATIVE_TOKEN})`,
  ]
  // A deploy's result is the new contract's address.
  if (r.contractAddress !== null) lines.push(`contract: ${r.contractAddress}`)
  lines.push(...outcomeLines(r, r.contractAddress === null))
  process.stdout.write(lines.join('\n') + '\n')
  if (r.status === 'ok') return 0
  process.stderr.write(renderRevert(r) + '\n')
  return EXIT_REVERTED
}

export function outcomeText(o: OutcomeJson): string {
  return outcomeLines(o).join('\n')
}

export function attachedValue(text: string | undefined): bigint {
  return text === undefined ? 0n : need(parseInt256(text))
}

export function sendCommand(address: string, method: string, args: readonly string[], o: TxOptions): Promise<number> {
  return runClient(async () => {
    const from = need(devAccount(o.from))
    const to = contractAddress(address)
    const value = attachedValue(o.value)
    const client = new RpcClient(o.rpc)
    const abi = await fetchAbi(client, to)
    const m = need(pickMethod(abi.methods, method, args.length))
    const values: AbiValue[] = need(parseArgs(m, args))
    return showReceipt(await submit(client, from, { kind: 'call', to, method: m.name, args: encodeArgs(values), value }, o.gasLimit))
  })
}
