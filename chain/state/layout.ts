// The state key layout: every key of chain state, one prefix byte per kind. Fixed here for
// the local chain and the node alike; the state root (smt.ts) is over exactly these keys.
//
//   0x01 ‖ address                         account: its key list (accounts.ts)
//   0x02 ‖ address ‖ scheme tag ‖ key       the last nonce used with that key
//   0x03 ‖ address ‖ token                  balance of a token (minimal big-endian Int)
//   0x04 ‖ token                            total supply of a token
//   0x05 ‖ address                          contract: module hash ‖ class name
//   0x06 ‖ module hash                      module bytes (shared by every contract using them)
//   0x07 ‖ address ‖ contract key           a contract's own state (vm/contract/host.ts keys)
//   0x08 ‖ address                          how many contracts the account has created

import { ByteReader, ByteWriter } from '../../vm/bytes-io.js'
import { SCHEMES } from '../address.js'
import { tagged } from '../codec.js'
import { bigintToBytes, bytesToBigint } from '../../vm/module.js'
import type { Address, TxKey } from '../tx.js'

export const enum Prefix {
  Account = 1,
  Nonce = 2,
  Balance = 3,
  Supply = 4,
  Code = 5,
  Module = 6,
  Storage = 7,
  Created = 8,
}


const key = (prefix: Prefix, ...parts: Uint8Array[]): Uint8Array => tagged(prefix, ...parts)

/** Token ids are 1-8 of A-Z and 0-9 (codec.ts): their bytes are their char codes. */
function tokenBytes(token: string): Uint8Array {
  const out = new Uint8Array(token.length)
  for (let i = 0; i < token.length; i++) out[i] = token.charCodeAt(i)
  return out
}

export const accountKey = (a: Address) => key(Prefix.Account, a)
export const nonceKey = (a: Address, k: TxKey) => key(Prefix.Nonce, a, Uint8Array.of(SCHEMES[k.scheme].tag), k.publicKey)
export const balanceKey = (a: Address, token: string) => key(Prefix.Balance, a, tokenBytes(token))
export const supplyKey = (token: string) => key(Prefix.Supply, tokenBytes(token))
export const codeKey = (a: Address) => key(Prefix.Code, a)
export const moduleKey = (hash: Uint8Array) => key(Prefix.Module, hash)
export const storageKey = (a: Address, k: Uint8Array) => key(Prefix.Storage, a, k)
export const createdKey = (a: Address) => key(Prefix.Created, a)

/** A contract's own keys all start with this: iteration and debugging scan it. */
export const storagePrefix = (a: Address) => key(Prefix.Storage, a)

/** Numbers held in state (nonces, counters, balances): minimal big-endian, no bytes for 0,
 *  as the module format writes Int constants. */
export const encodeCount = (n: number | bigint): Uint8Array => bigintToBytes(BigInt(n))

export const decodeCount = (b: Uint8Array | undefined): bigint => (b === undefined ? 0n : bytesToBigint(b))

/** The code record of a contract account. */
export interface CodeRecord {
  readonly moduleHash: Uint8Array
  readonly className: string
}

export function encodeCode(c: CodeRecord): Uint8Array {
  const w = new ByteWriter()
  w.bytes(c.moduleHash)
  w.str(c.className)
  return w.finish()
}

export function decodeCode(b: Uint8Array): CodeRecord {
  const r = new ByteReader(b.subarray(32), (m) => {
    throw new Error(`corrupt code record: ${m}`)
  })
  return { moduleHash: b.slice(0, 32), className: r.str() }
}
