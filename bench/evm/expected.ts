// The workloads' answers computed independently of the EVM: JS BigInt and @noble/hashes
// keccak. The runner checks every rep against these; the Nest side may reuse them.

import { keccak_256 } from '@noble/hashes/sha3.js'

export function fib(n: number): bigint {
  let [a, b] = [0n, 1n]
  for (let i = 0; i < n; i++) [a, b] = [b, a + b]
  return a
}

export function loopSum(n: number): bigint {
  let s = 0n
  for (let i = 0n; i < BigInt(n); i++) s += (i * i) % 7n
  return s
}

/** write(n) stores m[i] = i + 1, readSum(n) adds them up. */
export function storageSum(n: number): bigint {
  let s = 0n
  for (let i = 1n; i <= BigInt(n); i++) s += i
  return s
}

export function keccakChain(n: number): Uint8Array {
  let h = new Uint8Array(32)
  for (let i = 0; i < n; i++) h = keccak_256(h)
  return h
}

/** The buffer both bytes workloads build: byte i is i mod 256. */
export function appendedBytes(n: number): { length: number; keccak: Uint8Array } {
  const buf = new Uint8Array(n)
  for (let i = 0; i < n; i++) buf[i] = i & 0xff
  return { length: n, keccak: keccak_256(buf) }
}

export const TOKEN_ACCOUNTS = 100
export const TOKEN_MINT = 1_000_000n
export const TOKEN_FIRST_ACCOUNT = 0x10000n

/** Transfer k: A[k % 100] sends 1 + (k % 10) to A[(k + 1) % 100]. */
export function tokenTransfer(k: number): { from: number; to: number; amount: bigint } {
  return { from: k % TOKEN_ACCOUNTS, to: (k + 1) % TOKEN_ACCOUNTS, amount: BigInt(1 + (k % 10)) }
}

/** Balances of A[0..99] after minting and `transfers` transfers. */
export function tokenBalances(transfers: number): bigint[] {
  const bal = new Array<bigint>(TOKEN_ACCOUNTS).fill(TOKEN_MINT)
  for (let k = 0; k < transfers; k++) {
    const t = tokenTransfer(k)
    if (bal[t.from] < t.amount) throw new RangeError(`transfer ${k} would overdraw A[${t.from}]`)
    bal[t.from] -= t.amount
    bal[t.to] += t.amount
  }
  return bal
}
