// Canonical encodings of the chain's field types (counts, amounts, addresses, token ids) on
// top of vm/bytes-io.ts. One value has one encoding: decoders refuse any other spelling, so
// hashes of encoded data identify the value. Not a format itself (tx.ts is).

import { ByteReader, ByteWriter } from '../vm/bytes-io.js'
import { ADDRESS_LENGTH, type Address } from './address.js'

/** Data that is not the canonical encoding of a value, or a value that has none. */
export class CodecError extends Error {
  override name = 'CodecError'
}

function fail(message: string): never {
  throw new CodecError(message)
}

/** One byte, then the parts, in one array: tagged hashes and keyed state. */
export function tagged(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 1
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  out[0] = tag
  let at = 1
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function codecReader(bytes: Uint8Array): ByteReader {
  return new ByteReader(bytes, fail)
}

export function expectEnd(r: ByteReader, what: string): void {
  if (!r.atEnd()) fail(`${r.remaining()} trailing bytes after the ${what}`)
}

/** Counts, nonces, gas: safe integers as LEB128 (minimal, which ByteReader enforces). */
export function writeU64(w: ByteWriter, v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0) fail(`${what} must be an integer in 0..2^53-1, not ${v}`)
  w.uvar(v)
}

export const readU64 = (r: ByteReader): number => r.uvar()

export const MAX_AMOUNT = (1n << 256n) - 1n
const AMOUNT_BYTES = 32
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** An amount (0..2^256-1) as a blob of its minimal big-endian bytes: 0 is the empty blob. */
export function writeAmount(w: ByteWriter, v: bigint, what: string): void {
  if (typeof v !== 'bigint' || v < 0n || v > MAX_AMOUNT) fail(`${what} must be an integer in 0..2^256-1, not ${v}`)
  let n = 0
  if (v <= MAX_SAFE) {
    // Most amounts fit a Number: no string round trip.
    const x = Number(v)
    for (let t = x; t >= 1; t = Math.floor(t / 256)) n++
    w.uvar(n)
    for (let i = n - 1; i >= 0; i--) w.u8(Math.floor(x / 256 ** i) % 256)
    return
  }
  let hex = v.toString(16)
  if (hex.length % 2) hex = '0' + hex
  n = hex.length / 2
  w.uvar(n)
  for (let i = 0; i < n; i++) w.u8(parseInt(hex.slice(2 * i, 2 * i + 2), 16))
}

export function readAmount(r: ByteReader, what: string): bigint {
  const b = r.blob()
  if (b.length === 0) return 0n
  if (b.length > AMOUNT_BYTES) fail(`${what} has ${b.length} bytes, more than ${AMOUNT_BYTES}`)
  if (b[0] === 0) fail(`${what} is not minimally encoded (leading zero byte)`)
  // Six bytes at a time stay exact in a Number, so a 32-byte amount costs six BigInt steps.
  const head = b.length % 6 || 6
  let chunk = 0
  for (let i = 0; i < head; i++) chunk = chunk * 256 + b[i]
  let v = BigInt(chunk)
  for (let i = head; i < b.length; i += 6) {
    chunk = 0
    for (let j = i; j < i + 6; j++) chunk = chunk * 256 + b[j]
    v = (v << 48n) | BigInt(chunk)
  }
  return v
}

/** Exactly 20 raw bytes: the length is fixed, so no prefix. */
export function writeAddress(w: ByteWriter, a: Address, what: string): void {
  if (!(a instanceof Uint8Array) || a.length !== ADDRESS_LENGTH) fail(`${what} must be ${ADDRESS_LENGTH} bytes`)
  w.bytes(a)
}

export function readAddress(r: ByteReader): Address {
  const a = new Uint8Array(ADDRESS_LENGTH)
  for (let i = 0; i < ADDRESS_LENGTH; i++) a[i] = r.u8()
  return a
}

/** Token ids: 1 to 8 of A-Z and 0-9, as a length-prefixed ASCII string. */
export const MAX_TOKEN_LENGTH = 8
const TOKEN_PATTERN = /^[A-Z0-9]{1,8}$/
export const NATIVE_TOKEN = 'NEST'

export function isTokenId(s: string): boolean {
  return TOKEN_PATTERN.test(s)
}

export function writeToken(w: ByteWriter, token: string, what: string): void {
  if (typeof token !== 'string' || !isTokenId(token)) fail(`${what} ${JSON.stringify(token)} is not a token id (1-8 of A-Z, 0-9)`)
  w.uvar(token.length)
  for (let i = 0; i < token.length; i++) w.u8(token.charCodeAt(i))
}

function tokenByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
}

export function readToken(r: ByteReader, what: string): string {
  const b = r.blob()
  if (b.length < 1 || b.length > MAX_TOKEN_LENGTH) fail(`${what} has ${b.length} characters, not 1-${MAX_TOKEN_LENGTH}`)
  // The native token is in nearly every transaction (fees): return the one shared string.
  if (b.length === 4 && b[0] === 0x4e && b[1] === 0x45 && b[2] === 0x53 && b[3] === 0x54) return NATIVE_TOKEN
  let s = ''
  for (const c of b) {
    if (!tokenByte(c)) fail(`${what} has byte ${c}, not one of A-Z, 0-9`)
    s += String.fromCharCode(c)
  }
  return s
}
