// Accounts' addresses and the key schemes they come from: the scheme table, address
// derivation and the 0x-hex text form. Not the account state (keys, nonces) itself.

import type { Crypto } from './crypto.js'

/** 20 bytes. An account's address comes from its first key and never changes. */
export type Address = Uint8Array
export const ADDRESS_LENGTH = 20

export type Scheme = 'ed25519' | 'p256'

interface SchemeInfo {
  /** The byte that names the scheme in addresses and transactions; never reused. */
  readonly tag: number
  /** Public key bytes: Ed25519 as RFC 8032 encodes it, P-256 compressed SEC 1. */
  readonly keyLength: number
}

export const SCHEMES: Readonly<Record<Scheme, SchemeInfo>> = {
  ed25519: { tag: 1, keyLength: 32 },
  p256: { tag: 2, keyLength: 33 },
}

/** The scheme's entry, or undefined for a name no scheme has (never an Object method). */
export function schemeInfo(name: string): SchemeInfo | undefined {
  return Object.hasOwn(SCHEMES, name) ? SCHEMES[name as Scheme] : undefined
}

/** Scheme by tag byte; undefined for a tag no scheme has. */
export const SCHEME_BY_TAG: readonly (Scheme | undefined)[] = (() => {
  const table: (Scheme | undefined)[] = new Array(256).fill(undefined)
  for (const [name, info] of Object.entries(SCHEMES)) table[info.tag] = name as Scheme
  return table
})()

/** First 20 bytes of SHA-256(scheme tag ‖ public key). Throws RangeError on a key of the
 *  wrong length: a caller bug, since keys reaching here have been decoded or generated. */
export function addressOf(crypto: Pick<Crypto, 'sha256'>, scheme: Scheme, publicKey: Uint8Array): Address {
  const info = schemeInfo(scheme)
  if (info === undefined) throw new RangeError(`unknown scheme ${JSON.stringify(scheme)}`)
  if (publicKey.length !== info.keyLength) {
    throw new RangeError(`a ${scheme} public key has ${info.keyLength} bytes, not ${publicKey.length}`)
  }
  const input = new Uint8Array(1 + publicKey.length)
  input[0] = info.tag
  input.set(publicKey, 1)
  return crypto.sha256(input).slice(0, ADDRESS_LENGTH)
}

const HEX = '0123456789abcdef'

/** "0x" and 40 lowercase hex digits. */
export function formatAddress(address: Address): string {
  let s = '0x'
  for (const b of address) s += HEX[b >> 4] + HEX[b & 15]
  return s
}

export class AddressError {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message
  }
}

/** Parses "0x" and 40 hex digits (either case, as people paste them). */
export function parseAddress(text: string): Address | AddressError {
  const shown = text.length > 50 ? `${JSON.stringify(text.slice(0, 50))}...` : JSON.stringify(text)
  if (!text.startsWith('0x')) return new AddressError(`${shown} is not an address: it must start with 0x`)
  const digits = text.slice(2)
  if (digits.length !== ADDRESS_LENGTH * 2) {
    return new AddressError(`${shown} is not an address: it needs ${ADDRESS_LENGTH * 2} hex digits after 0x, not ${digits.length}`)
  }
  const bad = digits.search(/[^0-9a-fA-F]/)
  if (bad >= 0) return new AddressError(`${shown} is not an address: ${JSON.stringify(digits[bad])} is not a hex digit`)
  const out = new Uint8Array(ADDRESS_LENGTH)
  for (let i = 0; i < ADDRESS_LENGTH; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function sameAddress(a: Address, b: Address): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
