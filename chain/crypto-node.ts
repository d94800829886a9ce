// The Crypto backend for Node: node:crypto (OpenSSL) for SHA-256 and both signature
// schemes, which is several times faster than pure JS. Node-side only; the chain core never
// imports this file. Keccak and BLAKE3 come from @noble/hashes (OpenSSL has neither).

import * as node from 'node:crypto'
import { blake3 } from '@noble/hashes/blake3.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { ed25519Precheck, p256Precheck, type Crypto } from './crypto.js'

// DER SubjectPublicKeyInfo headers that precede the raw key (RFC 8410 §4; RFC 5480 with the
// compressed point of SEC 1 §2.3.3).
const ED25519_SPKI = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
const P256_SPKI = Uint8Array.from([
  0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
  0x03, 0x01, 0x07, 0x03, 0x22, 0x00,
])

/** KeyObjects per key: building one costs more than the verification, and a chain sees the
 *  same senders again and again. Oldest entries go first once full. */
const KEY_CACHE_SIZE = 4096

class KeyCache {
  private readonly keys = new Map<string, node.KeyObject | null>()
  constructor(private readonly header: Uint8Array) {}

  /** The key, or null when OpenSSL refuses it (not a point on the curve). */
  get(raw: Uint8Array): node.KeyObject | null {
    const id = String.fromCharCode.apply(null, raw as unknown as number[])
    let key = this.keys.get(id)
    if (key !== undefined) return key
    const der = new Uint8Array(this.header.length + raw.length)
    der.set(this.header)
    der.set(raw, this.header.length)
    try {
      key = node.createPublicKey({ key: der as Buffer, format: 'der', type: 'spki' })
    } catch {
      key = null
    }
    if (this.keys.size >= KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!)
    this.keys.set(id, key)
    return key
  }
}

const edKeys = new KeyCache(ED25519_SPKI)
const p256Keys = new KeyCache(P256_SPKI)

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

// node:crypto's one-shot hash (Node 20.12+) skips the Hash object; older Nodes build one.
const sha256: (d: Uint8Array) => Uint8Array =
  typeof node.hash === 'function'
    ? (d) => view(node.hash('sha256', d, 'buffer') as unknown as Buffer)
    : (d) => view(node.createHash('sha256').update(d).digest())

function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!ed25519Precheck(publicKey, signature)) return false
  const key = edKeys.get(publicKey)
  if (key === null) return false
  try {
    return node.verify(null, message, key, signature)
  } catch {
    return false
  }
}

function p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!p256Precheck(publicKey, signature)) return false
  const key = p256Keys.get(publicKey)
  if (key === null) return false
  try {
    return node.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature)
  } catch {
    return false
  }
}

export const nodeCrypto: Crypto = {
  sha256,
  keccak256: (d) => keccak_256(d),
  blake3: (d) => blake3(d),
  ed25519Verify,
  p256Verify,
}
