// Typed reads and writes of chain state (accounts, keys, nonces, balances, supply, code)
// through the block's journal, in the layout of layout.ts. Every effect goes through the one
// journal, so a revert undoes balances, nonces and contract state alike.

import { ByteReader, ByteWriter } from '../../vm/bytes-io.js'
import { sameAddress } from '../address.js'
import { readKey, writeKey, type Address, type TxKey } from '../tx.js'
import { bytesEqual } from './kv.js'
import type { Journal } from './journal.js'
import {
  accountKey,
  balanceKey,
  codeKey,
  createdKey,
  decodeCode,
  decodeCount,
  encodeCode,
  encodeCount,
  moduleKey,
  nonceKey,
  supplyKey,
  type CodeRecord,
} from './layout.js'

export class StateError extends Error {}

function fail(m: string): never {
  throw new StateError(`corrupt state: ${m}`)
}

/** An account's key list: a count, then each key as a transaction writes it. */
export function encodeKeys(keys: readonly TxKey[]): Uint8Array {
  const w = new ByteWriter()
  w.uvar(keys.length)
  for (const k of keys) writeKey(w, k, 'account key')
  return w.finish()
}

export function decodeKeys(b: Uint8Array): TxKey[] {
  const r = new ByteReader(b, fail)
  const n = r.uvar()
  const out: TxKey[] = []
  for (let i = 0; i < n; i++) out.push(readKey(r, 'account key'))
  return out
}

export const sameKey = (a: TxKey, b: TxKey) => a.scheme === b.scheme && bytesEqual(a.publicKey, b.publicKey)

export class World {
  constructor(readonly journal: Journal) {}

  /** The account's key list; empty until its first transaction registers the first key. */
  keys(a: Address): TxKey[] {
    const b = this.journal.get(accountKey(a))
    return b === undefined ? [] : decodeKeys(b)
  }
  setKeys(a: Address, keys: readonly TxKey[]): void {
    this.journal.set(accountKey(a), keys.length === 0 ? null : encodeKeys(keys))
  }

  nonce(a: Address, k: TxKey): number {
    return Number(decodeCount(this.journal.get(nonceKey(a, k))))
  }
  setNonce(a: Address, k: TxKey, n: number): void {
    this.journal.set(nonceKey(a, k), encodeCount(n))
  }

  balance(a: Address, token: string): bigint {
    return decodeCount(this.journal.get(balanceKey(a, token)))
  }
  private setBalance(a: Address, token: string, v: bigint): void {
    this.journal.set(balanceKey(a, token), v === 0n ? null : encodeCount(v))
  }
  /** Moves tokens; false (and nothing moved) when `from` holds too few. */
  move(from: Address, to: Address, token: string, amount: bigint): boolean {
    const have = this.balance(from, token)
    if (have < amount) return false
    if (amount === 0n || sameAddress(from, to)) return true
    this.setBalance(from, token, have - amount)
    this.setBalance(to, token, this.balance(to, token) + amount)
    return true
  }
  /** Creates tokens (genesis, the test host's deal): supply grows with the balance. */
  mint(to: Address, token: string, amount: bigint): void {
    this.setBalance(to, token, this.balance(to, token) + amount)
    this.journal.set(supplyKey(token), encodeCount(this.supply(token) + amount))
  }
  supply(token: string): bigint {
    return decodeCount(this.journal.get(supplyKey(token)))
  }

  code(a: Address): CodeRecord | null {
    const b = this.journal.get(codeKey(a))
    return b === undefined ? null : decodeCode(b)
  }
  setCode(a: Address, c: CodeRecord): void {
    this.journal.set(codeKey(a), encodeCode(c))
  }
  module(hash: Uint8Array): Uint8Array | undefined {
    return this.journal.get(moduleKey(hash))
  }
  putModule(hash: Uint8Array, bytes: Uint8Array): void {
    if (this.journal.get(moduleKey(hash)) === undefined) this.journal.set(moduleKey(hash), bytes)
  }

  /** How many contracts the account has created: a new contract's address depends on it. */
  created(a: Address): number {
    return Number(decodeCount(this.journal.get(createdKey(a))))
  }
  setCreated(a: Address, n: number): void {
    this.journal.set(createdKey(a), encodeCount(n))
  }
}
