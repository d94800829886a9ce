// A development key's signer on node:crypto: the same Ed25519 signatures as chain/signer.ts
// (they are deterministic), many times faster, so pre-signing 10,000 transactions for the
// benchmark takes a moment. Bench-side only.

import * as node from 'node:crypto'
import { devKey, devSecret, type Signer } from '../../chain/signer.js'

// PKCS#8 header of a raw Ed25519 seed (RFC 8410 §7).
const ED25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

export function nodeDevSigner(index: number): Signer {
  const seed = devSecret('ed25519', index)
  const der = new Uint8Array(ED25519_PKCS8.length + seed.length)
  der.set(ED25519_PKCS8)
  der.set(seed, ED25519_PKCS8.length)
  const key = node.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
  return {
    scheme: 'ed25519',
    publicKey: devKey('ed25519', index).publicKey,
    sign: async (preimage) => new Uint8Array(node.sign(null, preimage, key)),
  }
}
