// Shared helpers of the chain tests: compiling contracts, a local chain on node:crypto,
// deploying and calling through signed transactions, hand-made transactions for validity
// tests, and whole-state reads (every balance, a state root recomputed from scratch).

import { readFileSync } from 'node:fs'
import { compile } from '../../compiler/compile.js'
import { addressOf, type Address } from '../../chain/address.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import type { Crypto } from '../../chain/crypto.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { LocalChain, type DevAccount, type LocalChainOptions, type TxResult } from '../../chain/local-chain.js'
import type { Signer } from '../../chain/signer.js'
import { Prefix } from '../../chain/state/layout.js'
import { MemoryNodeStore, Smt } from '../../chain/state/smt.js'
import { signTx, type Payload, type Tx, type UnsignedTx } from '../../chain/tx.js'
import { AddressValue, decodeAbiValue, encodeArgs, type AbiValue } from '../../vm/contract/abi-values.js'

export const crypto: Crypto = nodeCrypto

/** A contract module, or a thrown error listing the diagnostics. */
export function compileContract(text: string, path = 'c.nest'): Uint8Array {
  const r = compile({ name: 'main', path, text }, null, { contract: true })
  if (!r.bytes) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'))
  return r.bytes
}

/** A contract from a file of the repository (the examples). */
export function compileFile(path: string): Uint8Array {
  return compileContract(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), path)
}

export function newChain(opts: Partial<LocalChainOptions> = {}): LocalChain {
  return new LocalChain({ crypto, ...opts })
}

export interface TxOptions {
  readonly from?: DevAccount
  readonly value?: bigint
  readonly gasLimit?: number
}

/** Deploys through a transaction; throws when the deploy reverts. */
export async function deploy(chain: LocalChain, module: Uint8Array, args: readonly AbiValue[] = [], opts: TxOptions = {}): Promise<Address> {
  const r = await chain.send(opts.from ?? chain.accounts[0], { kind: 'deploy', module, args: encodeArgs(args), value: opts.value ?? 0n }, { gasLimit: opts.gasLimit })
  if (r.receipt.status !== 'ok' || r.contract === null) throw new Error(`deploy reverted: ${r.receipt.code} ${r.receipt.error}`)
  return r.contract
}

/** A call as a transaction of its own, whatever its outcome. */
export function call(chain: LocalChain, to: Address, method: string, args: readonly AbiValue[] = [], opts: TxOptions = {}): Promise<TxResult> {
  return chain.send(opts.from ?? chain.accounts[0], { kind: 'call', to, method, args: encodeArgs(args), value: opts.value ?? 0n }, { gasLimit: opts.gasLimit })
}

/** A call's decoded return value; throws with the revert otherwise. */
export async function callValue(chain: LocalChain, to: Address, method: string, args: readonly AbiValue[] = [], opts: TxOptions = {}): Promise<AbiValue> {
  const r = await call(chain, to, method, args, opts)
  if (r.receipt.status !== 'ok') throw new Error(`${method} reverted: ${r.receipt.code} ${r.receipt.error}`)
  return decodeAbiValue(r.receipt.returnValue)
}

export const returned = (r: TxResult): AbiValue => decodeAbiValue(r.receipt.returnValue)

export const addr = (a: Address) => new AddressValue(a)

export function transfer(to: Address, amount: bigint, token = NATIVE_TOKEN): Payload {
  return { kind: 'transfer', to, token, amount }
}

/** A transaction as `send` would make it, with any field overridden, signed by `signer`. */
export function signed(chain: LocalChain, signer: Signer, sender: Address, payload: Payload, over: Partial<UnsignedTx> = {}): Promise<Tx> {
  const gasLimit = over.gasLimit ?? 100_000
  const key = { scheme: signer.scheme, publicKey: signer.publicKey }
  return signTx(signer, chain.params.chainId, {
    sender,
    key,
    nonce: chain.world.nonce(sender, over.key ?? key) + 1,
    fee: { token: NATIVE_TOKEN, amount: BigInt(gasLimit) * chain.params.minGasPrice },
    gasLimit,
    payload,
    ...over,
  })
}

/** The address a signer's key gives a new account. */
export const accountOf = (signer: Signer): Address => addressOf(crypto, signer.scheme, signer.publicKey)

/** Every balance of a token in committed state, by address (hex). */
export function balances(chain: LocalChain, token: string): Map<string, bigint> {
  const out = new Map<string, bigint>()
  const want = new TextEncoder().encode(token)
  for (const [k, v] of chain.entries(Uint8Array.of(Prefix.Balance))) {
    const t = k.subarray(21)
    if (t.length !== want.length || !t.every((b, i) => b === want[i])) continue
    let n = 0n
    for (const b of v) n = (n << 8n) | BigInt(b)
    out.set(hex(k.subarray(1, 21)), n)
  }
  return out
}

export function sum(values: Iterable<bigint>): bigint {
  let s = 0n
  for (const v of values) s += v
  return s
}

/** The state root of the committed state, computed from scratch in a new tree. */
export function freshRoot(chain: LocalChain): Uint8Array {
  const smt = new Smt(new MemoryNodeStore(), (d) => crypto.sha256(d), undefined, { hashKind: 'sha256' })
  return smt.update(chain.entries(new Uint8Array(0)))
}

export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
