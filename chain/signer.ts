// Who signs transactions: the Signer interface and software signers over @noble/curves,
// plus deterministic development keys. Hardware and remote signers implement the same
// interface elsewhere.

import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { schemeInfo, type Scheme } from './address.js'

export interface Signer {
  readonly scheme: Scheme
  readonly publicKey: Uint8Array
  /** The 64-byte signature of a transaction preimage. A signer is given the preimage, never
   *  a digest: a P-256 secure element hashes it itself, so it knows what it signs. */
  sign(preimage: Uint8Array): Promise<Uint8Array>
}

const SEED_LENGTH = 32

/** Pure Ed25519 (RFC 8032) from a 32-byte seed; signatures are deterministic. */
export function ed25519Signer(seed: Uint8Array): Signer {
  if (seed.length !== SEED_LENGTH) throw new RangeError(`an ed25519 seed has ${SEED_LENGTH} bytes, not ${seed.length}`)
  const secret = seed.slice()
  return {
    scheme: 'ed25519',
    publicKey: ed25519.getPublicKey(secret),
    sign: async (preimage) => ed25519.sign(preimage, secret),
  }
}

/** ECDSA P-256 over SHA-256(preimage) from a 32-byte private key: r ‖ s with low S, the
 *  nonce from RFC 6979 so the same input gives the same signature. */
export function p256Signer(privateKey: Uint8Array): Signer {
  if (privateKey.length !== SEED_LENGTH || !p256.utils.isValidSecretKey(privateKey)) {
    throw new RangeError('a P-256 private key is 32 bytes holding a number in 1..n-1')
  }
  const secret = privateKey.slice()
  return {
    scheme: 'p256',
    publicKey: p256.getPublicKey(secret, true),
    sign: async (preimage) => p256.sign(preimage, secret, { prehash: true, lowS: true, format: 'compact' }),
  }
}

const SIGNERS: Readonly<Record<Scheme, (secret: Uint8Array) => Signer>> = {
  ed25519: ed25519Signer,
  p256: p256Signer,
}

const DEV_KEY_LABEL = 'unest/dev-key/v1'

/** The secret of development key `index`: SHA-256 of a fixed label, the scheme and the
 *  index, rehashed in the (never yet seen) case it is not a valid P-256 key. Public
 *  knowledge: for local chains and tests only, never for anything holding value. */
export function devSecret(scheme: Scheme, index: number): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`a dev key index is a natural number, not ${index}`)
  if (schemeInfo(scheme) === undefined) throw new RangeError(`unknown scheme ${JSON.stringify(scheme)}`)
  let secret = sha256(new TextEncoder().encode(`${DEV_KEY_LABEL}/${scheme}/${index}`))
  while (scheme === 'p256' && !p256.utils.isValidSecretKey(secret)) secret = sha256(secret)
  return secret
}

/** Development signer `index` of a scheme: the same key on every machine. For local chains
 *  and tests only. */
export function devKey(scheme: Scheme, index: number): Signer {
  return SIGNERS[scheme](devSecret(scheme, index))
}
