// The slice of the Solidity ABI the EVM workloads need: static uint256/address arguments
// in, 32-byte words out. Not a general ABI codec (no dynamic types, no tuples).

import { keccak_256 } from '@noble/hashes/sha3.js'

const WORD = 32
const MAX_UINT256 = (1n << 256n) - 1n
const MAX_ADDRESS = (1n << 160n) - 1n

export type AbiArg = { readonly uint256: bigint } | { readonly address: bigint }

export function selector(signature: string): Uint8Array {
  return keccak_256(new TextEncoder().encode(signature)).subarray(0, 4)
}

export function uintWord(value: bigint, max = MAX_UINT256): Uint8Array {
  if (value < 0n || value > max) throw new RangeError(`${value} does not fit the ABI type`)
  const out = new Uint8Array(WORD)
  for (let i = WORD - 1, v = value; v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}

/** Calldata for `signature` (e.g. `transfer(address,uint256)`) with static arguments. */
export function encodeCall(signature: string, args: readonly AbiArg[] = []): Uint8Array {
  const out = new Uint8Array(4 + WORD * args.length)
  out.set(selector(signature), 0)
  args.forEach((a, i) => out.set('uint256' in a ? uintWord(a.uint256) : uintWord(a.address, MAX_ADDRESS), 4 + WORD * i))
  return out
}

/** The `index`th 32-byte word of return data as an unsigned integer. */
export function wordAt(data: Uint8Array, index: number): bigint {
  if (data.length < WORD * (index + 1)) throw new RangeError(`return data has ${data.length} bytes, word ${index} missing`)
  let v = 0n
  for (let i = WORD * index; i < WORD * (index + 1); i++) v = (v << 8n) | BigInt(data[i])
  return v
}

export const toHex = (bytes: Uint8Array): string => '0x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
export const wordHex = (v: bigint): string => toHex(uintWord(v))
