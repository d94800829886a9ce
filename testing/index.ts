// `unest/testing`: contract tests in TypeScript against an in-process local chain (the node's
// own state transition), with the comfort of Hardhat: deploy from source, send and read,
// decoded events, revert messages with the Nest stack, time travel and snapshots.
//
//   import { LocalChain } from 'unest/testing'
//   const chain = new LocalChain()
//   const [alice, bob] = chain.accounts
//   const counter = await chain.deploy(alice, 'examples/counter/counter.nest', [5n])
//   await counter.send(bob, 'increment', [2n])
//   counter.read('count')                                  // 7n
//   expectRevert(await counter.send(bob, 'reset'), 'only the owner')

import { readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { compile } from '../compiler/compile.js'
import { renderDiagnostic } from '../compiler/diagnostics.js'
import { entryModuleName } from '../compiler/module-names.js'
import { decodeAbiValue, encodeArgs, type AbiValue } from '../vm/contract/abi-values.js'
import type { AbiMethod } from '../vm/contract/abi.js'
import type { TraceFrame } from '../vm/vm.js'
import { formatAddress, type Address } from '../chain/address.js'
import { nodeCrypto } from '../chain/crypto-node.js'
import { LocalChain as CoreChain, type DevAccount, type LocalChainOptions, type SendOptions, type TxResult } from '../chain/local-chain.js'
import { FileHost } from '../cli/host.js'

export { AddressValue, HandleValue, InstanceValue, type AbiValue } from '../vm/contract/abi-values.js'
export type { DevAccount, TxResult } from '../chain/local-chain.js'
export { InvalidTx } from '../chain/execute.js'

/** A compile error of a contract deployed from source: the rendered diagnostics. */
export class CompileError extends Error {
  override name = 'CompileError'
}

/** What a transaction did, decoded. */
export interface Sent {
  readonly ok: boolean
  /** The method's result (a deploy: the new contract's address). */
  readonly value: AbiValue
  readonly events: readonly { readonly address: string; readonly topic: string; readonly data: AbiValue }[]
  /** The revert message, or null. */
  readonly error: string | null
  readonly code: string | null
  /** Where the revert happened: the Nest stack, innermost first. */
  readonly trace: readonly TraceFrame[]
  readonly prints: readonly string[]
  readonly gasUsed: number
  readonly result: TxResult
}

export interface DeployOptions extends SendOptions {
  readonly value?: bigint
  /** Which contract class of the program to deploy (default: its last). */
  readonly contract?: string
  /** Imports resolve from here (default: the working directory). */
  readonly root?: string
}

export class LocalChain extends CoreChain {
  constructor(opts: Partial<LocalChainOptions> = {}) {
    super({ crypto: nodeCrypto, ...opts })
  }

  /** Compiles a contract (a file, or `{ source }`) and deploys it from `from`. */
  async deploy(from: DevAccount, program: string | { readonly source: string; readonly path?: string }, args: readonly AbiValue[] = [], opts: DeployOptions = {}): Promise<Contract> {
    const root = opts.root ?? process.cwd()
    const file = typeof program === 'string' ? program : program.path ?? 'contract.nest'
    const rel = relative(root, isAbsolute(file) ? file : resolve(root, file)).replace(/\\/g, '/')
    const text = typeof program === 'string' ? readFileSync(resolve(root, rel), 'utf8') : program.source
    const compiled = compile({ name: entryModuleName(rel), path: rel, text }, new FileHost(root), { contract: true })
    if (!compiled.bytes) throw new CompileError(compiled.diagnostics.map((d) => renderDiagnostic(d)).join('\n'))
    const r = await this.send(from, { kind: 'deploy', module: compiled.bytes, args: encodeArgs(args), value: opts.value ?? 0n, ...(opts.contract ? { contract: opts.contract } : {}) }, opts)
    if (r.receipt.status !== 'ok' || r.contract === null) throw new Error(`deploying ${rel} reverted: ${r.receipt.error}`)
    return new Contract(this, r.contract)
  }

  /** A contract already on this chain. */
  at(address: Address): Contract {
    return new Contract(this, address)
  }

  /** Sends NEST (or a token) from a development account. */
  async transfer(from: DevAccount, to: Address, amount: bigint, token = 'NEST'): Promise<Sent> {
    return decoded(await this.send(from, { kind: 'transfer', to, token, amount }))
  }
}

export class Contract {
  constructor(
    readonly chain: LocalChain,
    readonly address: Address,
  ) {}

  get abi(): readonly AbiMethod[] {
    return this.chain.abi(this.address) ?? []
  }

  toString(): string {
    return formatAddress(this.address)
  }

  /** Calls a method as a transaction from `from`. A revert is a result, not an exception:
   *  check `ok`, or use expectRevert. */
  async send(from: DevAccount, method: string, args: readonly AbiValue[] = [], opts: SendOptions & { readonly value?: bigint } = {}): Promise<Sent> {
    return decoded(await this.chain.send(from, { kind: 'call', to: this.address, method, args: encodeArgs(args), value: opts.value ?? 0n }, opts))
  }

  /** A view (or any method, as a dry run: nothing is kept); throws when it reverts. */
  read(method: string, args: readonly AbiValue[] = []): AbiValue {
    return this.chain.read(this.address, method, args)
  }
}

function decoded(r: TxResult): Sent {
  const rc = r.receipt
  return {
    ok: rc.status === 'ok',
    value: rc.status === 'ok' ? decodeAbiValue(rc.returnValue) : null,
    events: rc.events.map((e) => ({ address: formatAddress(e.address), topic: e.topic, data: decodeAbiValue(e.data) })),
    error: rc.error,
    code: rc.code,
    trace: r.debug.trace,
    prints: r.debug.prints,
    gasUsed: rc.gasUsed,
    result: r,
  }
}

/** Throws unless the transaction reverted (with a message containing `message`, if given). */
export function expectRevert(sent: Sent, message?: string | RegExp): void {
  if (sent.ok) throw new Error(`expected a revert${message ? ` (${message})` : ''}, but the call succeeded`)
  const text = sent.error ?? ''
  const matches = message === undefined || (typeof message === 'string' ? text.includes(message) : message.test(text))
  if (!matches) throw new Error(`expected a revert with ${message}, got: ${text}`)
}
