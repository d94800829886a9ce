// The Crypto backend in pure JavaScript (@noble/hashes, @noble/curves): runs in a browser.
// It checks each signature rule of crypto.ts itself rather than trusting noble's verify,
// whose Ed25519 equation is the cofactored one.

import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { CURVE_CONSTANTS, ed25519Precheck, p256Precheck, type Crypto } from './crypto.js'

const EdPoint = ed25519.Point
const L = CURVE_CONSTANTS.ed25519.L

function le(b: Uint8Array, from: number, to: number): bigint {
  let v = 0n
  for (let i = to - 1; i >= from; i--) v = (v << 8n) | BigInt(b[i])
  return v
}

function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!ed25519Precheck(publicKey, signature)) return false
  let A
  try {
    A = EdPoint.fromBytes(publicKey)
  } catch {
    return false
  }
  const r = signature.subarray(0, 32)
  const digest = sha512.create().update(r).update(publicKey).update(message).digest()
  const k = le(digest, 0, 64) % L
  const check = EdPoint.BASE.multiplyUnsafe(le(signature, 32, 64)).subtract(A.multiplyUnsafe(k)).toBytes()
  for (let i = 0; i < 32; i++) if (check[i] !== r[i]) return false
  return true
}

function p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!p256Precheck(publicKey, signature)) return false
  try {
    return p256.verify(signature, message, publicKey, { prehash: true, lowS: true, format: 'compact' })
  } catch {
    return false
  }
}

export const nobleCrypto: Crypto = {
  sha256: (d) => sha256(d),
  keccak256: (d) => keccak_256(d),
  blake3: (d) => blake3(d),
  ed25519Verify,
  p256Verify,
}
