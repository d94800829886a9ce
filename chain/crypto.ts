// The crypto the chain needs (hashes, signature checks) as one interface, and the one
// written rule for each signature scheme. Backends (crypto-noble.ts, crypto-node.ts) do
// the arithmetic; the checks that make the rule strict live here so both apply them alike.

/** What the chain asks of a crypto backend. Pure functions: no state a caller can observe. */
export interface Crypto {
  sha256(data: Uint8Array): Uint8Array
  keccak256(data: Uint8Array): Uint8Array
  /** BLAKE3 with its default 32-byte output. */
  blake3(data: Uint8Array): Uint8Array
  /** Ed25519 by the rule below; false (never a throw) for any input that breaks it. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
  /** ECDSA P-256 over SHA-256(message) by the rule below; false (never a throw) otherwise. */
  p256Verify(publicKey33: Uint8Array, message: Uint8Array, signature64: Uint8Array): boolean
}

/*
 * THE ED25519 RULE (RFC 8032 §5.1.7, pure Ed25519, strict, cofactorless).
 * A 32-byte public key A_ and a 64-byte signature R_ ‖ S_ over a message M are valid iff:
 *   1. S (S_ read little-endian) < L, where L = 2^252 + 27742317777372353535851937790883648493.
 *   2. A_ and R_ are canonical: the 255-bit y they encode (sign bit cleared) is below
 *      p = 2^255 - 19.
 *   3. Neither A_ nor R_ encodes a point of small order, or a non-canonical spelling of one:
 *      with the sign bit cleared, y is none of 0, 1, p-1, the two order-8 y values, p, p+1
 *      (SMALL_ORDER_Y; this also catches x = 0 written with the sign bit set).
 *   4. A_ decodes to a point A on the curve.
 *   5. With k = SHA-512(R_ ‖ A_ ‖ M) mod L, the canonical encoding of [S]B - [k]A equals R_
 *      byte for byte (the cofactorless equation [S]B = R + [k]A with R decoded from R_).
 * Why this one: it is in substance libsodium's rule, and what OpenSSL computes once 1-3
 * have run, so node:crypto can do the work in Node while @noble/curves gives the same
 * verdicts in a browser. 1 and the byte comparison in 5 make signatures non-malleable; 3 stops keys for
 * which a signature verifies for any message (the identity key accepts R_ = [S]B). Honest
 * keys and signatures never have a small-order part, so the cofactored equation would give
 * the same verdicts on them; it is not used because the two differ on crafted mixed-order
 * keys and consensus needs one answer (test/chain/crypto.test.ts has such vectors).
 *
 * THE P-256 RULE (ECDSA, SEC 1 §4.1.4 over SHA-256, low-S).
 * A 33-byte compressed SEC 1 public key and a 64-byte signature r ‖ s (big-endian) over a
 * message M are valid iff:
 *   1. The key starts with 0x02 or 0x03 and its x is below the field prime p.
 *   2. 1 <= r <= n-1 and 1 <= s <= (n-1)/2 (low-S, so a third party cannot flip s to n-s).
 *   3. The key decompresses to a point Q on the curve.
 *   4. With e = SHA-256(M) as a big-endian integer, X = [e/s]G + [r/s]Q (mod n scalars) is
 *      not the point at infinity and X.x mod n == r.
 * Hardware signers (secure elements) produce this; their high-S output is normalised by
 * the signer (s := n - s) before it reaches a transaction.
 *
 * Rules 1-3 of each are the pre-checks below; every backend runs them first.
 */

export const ED25519_PUBLIC_KEY_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64
export const P256_PUBLIC_KEY_LENGTH = 33
export const P256_SIGNATURE_LENGTH = 64

function leBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}

function beBytes(v: bigint): Uint8Array {
  return leBytes(v).reverse()
}

const ED_P = 2n ** 255n - 19n
const ED_L = 2n ** 252n + 27742317777372353535851937790883648493n
/** y of the order-8 points with x even and odd ((p - this) is the other pair). */
const ED_Y8 = 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n

const ED_P_LE = leBytes(ED_P)
const ED_L_LE = leBytes(ED_L)

/** Every y (sign bit cleared) whose points have small order, canonical or not; see rule 3. */
export const SMALL_ORDER_Y: readonly Uint8Array[] = [0n, 1n, ED_P - 1n, ED_Y8, ED_P - ED_Y8, ED_P, ED_P + 1n].map(leBytes)

/** a[off..off+32) < limit, both little-endian; `topMask` clears bits of a's last byte first. */
function belowLE(a: Uint8Array, off: number, limit: Uint8Array, topMask: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = i === 31 ? a[off + 31] & topMask : a[off + i]
    if (x !== limit[i]) return x < limit[i]
  }
  return false
}

function smallOrderY(a: Uint8Array, off: number): boolean {
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (a[off + i] !== y[i]) continue outer
    if ((a[off + 31] & 0x7f) === y[31]) return true
  }
  return false
}

/** Rules 1-3 of the Ed25519 rule, and the lengths. */
export function ed25519Precheck(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false
  if (!belowLE(signature, 32, ED_L_LE, 0xff)) return false
  if (!belowLE(publicKey, 0, ED_P_LE, 0x7f) || !belowLE(signature, 0, ED_P_LE, 0x7f)) return false
  return !smallOrderY(publicKey, 0) && !smallOrderY(signature, 0)
}

const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const P256_P_BE = beBytes(P256_P)
const P256_N_BE = beBytes(P256_N)
const P256_HALF_N_PLUS_1_BE = beBytes((P256_N >> 1n) + 1n)

/** a[off..off+32) < limit, both big-endian. */
function belowBE(a: Uint8Array, off: number, limit: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const x = a[off + i]
    if (x !== limit[i]) return x < limit[i]
  }
  return false
}

function zero32(a: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) if (a[off + i] !== 0) return false
  return true
}

/** Rules 1-2 of the P-256 rule, and the lengths. */
export function p256Precheck(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== P256_PUBLIC_KEY_LENGTH || signature.length !== P256_SIGNATURE_LENGTH) return false
  if (publicKey[0] !== 0x02 && publicKey[0] !== 0x03) return false
  if (!belowBE(publicKey, 1, P256_P_BE)) return false
  if (zero32(signature, 0) || !belowBE(signature, 0, P256_N_BE)) return false
  return !zero32(signature, 32) && belowBE(signature, 32, P256_HALF_N_PLUS_1_BE)
}

/** The curve constants the rules name, for backends and tests. */
export const CURVE_CONSTANTS = { ed25519: { p: ED_P, L: ED_L, y8: ED_Y8 }, p256: { p: P256_P, n: P256_N } } as const
