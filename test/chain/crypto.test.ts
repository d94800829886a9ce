// The two Crypto backends (chain/crypto-node.ts, chain/crypto-noble.ts) against the written
// rules of chain/crypto.ts: every vector states the verdict the rule gives, and both
// backends must give it. Edge vectors are crafted so that the equation holds and only the
// rule's extra checks reject them (small-order and non-canonical points, S >= L, high S).

import t, { type Test } from 'tap'
import * as node from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js'
import { CURVE_CONSTANTS, SMALL_ORDER_Y, ed25519Precheck, p256Precheck, type Crypto } from '../../chain/crypto.js'
import { nobleCrypto } from '../../chain/crypto-noble.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { Prng } from '../fuzz/prng.js'

const BACKENDS: readonly [string, Crypto][] = [
  ['noble', nobleCrypto],
  ['node', nodeCrypto],
]

interface Vector {
  name: string
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
  /** The rule's verdict. */
  valid: boolean
}

const text = (s: string) => new TextEncoder().encode(s)

function randomBytes(rng: Prng, n: number): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = rng.int(256)
  return b
}

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const c = b.slice()
  c[bit >> 3] ^= 1 << (bit & 7)
  return c
}

function le(b: Uint8Array): bigint {
  let v = 0n
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i])
  return v
}

function leBytes(v: bigint, n = 32): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}

const beBytes = (v: bigint, n = 32) => leBytes(v, n).reverse()
const same = (a: Uint8Array, b: Uint8Array) => bytesToHex(a) === bytesToHex(b)

/** Runs every vector through both backends; a failure names the vector and its bytes. */
/** A valid signature, then the same with one bit flipped in the key, the message or the
 *  signature (the rng picks which, and where). */
function signedAndFlipped(rng: Prng, name: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Vector[] {
  const which = rng.int(3)
  const corrupt = (b: Uint8Array) => (b.length === 0 ? new Uint8Array([1]) : flipBit(b, rng.int(b.length * 8)))
  return [
    { name, publicKey, message, signature, valid: true },
    {
      name: `${name} with a bit flipped in the ${['key', 'message', 'signature'][which]}`,
      publicKey: which === 0 ? corrupt(publicKey) : publicKey,
      message: which === 1 ? corrupt(message) : message,
      signature: which === 2 ? corrupt(signature) : signature,
      valid: false,
    },
  ]
}

function checkVectors(t: Test, scheme: 'ed25519' | 'p256', vectors: readonly Vector[]): void {
  const wrong: string[] = []
  for (const v of vectors) {
    for (const [name, c] of BACKENDS) {
      let got: boolean | string
      try {
        got = scheme === 'ed25519' ? c.ed25519Verify(v.publicKey, v.message, v.signature) : c.p256Verify(v.publicKey, v.message, v.signature)
      } catch (e) {
        got = `a throw (${e})`
      }
      if (got !== v.valid) {
        wrong.push(`${name} gave ${got} for ${v.name} (rule: ${v.valid}); key ${bytesToHex(v.publicKey)} msg ${bytesToHex(v.message)} sig ${bytesToHex(v.signature)}`)
      }
    }
  }
  t.same(wrong, [], `${vectors.length} vectors (${vectors.filter((v) => v.valid).length} valid): both backends follow the rule`)
}

// ---- Ed25519 ----

const EdPoint = ed25519.Point
type EdPt = InstanceType<typeof EdPoint>
const { p: P, L } = CURVE_CONSTANTS.ed25519

const challenge = (R: Uint8Array, A: Uint8Array, M: Uint8Array) => le(sha512(concatBytes(R, A, M))) % L
const edSig = (R: Uint8Array, S: bigint) => concatBytes(R, leBytes(S))

/** A point from any 32 bytes that name one, canonical or not (y reduced mod p). */
function lenientPoint(b: Uint8Array): EdPt | null {
  try {
    return EdPoint.fromBytes(b, true)
  } catch {
    return null
  }
}

/** Only the equation: encode([S]B - [k]A) == R_ with S reduced and A read leniently. Vectors
 *  the rule rejects although this holds are rejected by rules 1-3 alone. */
function equationHolds(A: Uint8Array, M: Uint8Array, sig: Uint8Array): boolean {
  const a = lenientPoint(A)
  if (a === null) return false
  const R = sig.subarray(0, 32)
  const check = EdPoint.BASE.multiplyUnsafe(le(sig.subarray(32)) % L).subtract(a.multiplyUnsafe(challenge(R, A, M)))
  return same(check.toBytes(), R)
}

/** The cofactored equation [8]([S]B - R - [k]A) = 0, which the rule does not use. */
function cofactoredHolds(A: Uint8Array, M: Uint8Array, sig: Uint8Array): boolean {
  const a = lenientPoint(A)
  const r = lenientPoint(sig.subarray(0, 32))
  if (a === null || r === null) return false
  const k = challenge(sig.subarray(0, 32), A, M)
  return EdPoint.BASE.multiplyUnsafe(le(sig.subarray(32)) % L).subtract(r).subtract(a.multiplyUnsafe(k)).clearCofactor().is0()
}

/** A point of order 8: [L]Q for a point Q whose torsion part has order 8. */
function order8Point(): EdPt {
  for (let y = 2n; ; y++) {
    const q = lenientPoint(leBytes(y))
    if (q === null) continue
    const tp = q.multiplyUnsafe(L - 1n).add(q)
    if (!tp.multiplyUnsafe(4n).is0()) return tp
  }
}

const T8 = order8Point()
const SMALL_ORDER_POINTS = Array.from({ length: 8 }, (_, k) => (k === 0 ? EdPoint.ZERO : T8.multiplyUnsafe(BigInt(k))))
const withSignBit = (y: bigint) => leBytes(y | (1n << 255n))
/** The 8 canonical encodings and the 6 non-canonical ones (x = 0 with the sign bit; y = p, p+1). */
const SMALL_ORDER_ENCODINGS: readonly [string, Uint8Array][] = [
  ...SMALL_ORDER_POINTS.map((pt, k): [string, Uint8Array] => [`[${k}]T8`, pt.toBytes()]),
  ['identity with the sign bit', withSignBit(1n)],
  ['order 2 with the sign bit', withSignBit(P - 1n)],
  ['y = p (order 4)', leBytes(P)],
  ['y = p with the sign bit', withSignBit(P)],
  ['y = p+1 (identity)', leBytes(P + 1n)],
  ['y = p+1 with the sign bit', withSignBit(P + 1n)],
]

interface EdKey {
  a: bigint
  A: Uint8Array
}

function edKey(rng: Prng): EdKey {
  const a = (le(randomBytes(rng, 40)) % (L - 1n)) + 1n
  return { a, A: EdPoint.BASE.multiply(a).toBytes() }
}

/** Signs with raw scalars (any A bytes, any nonce), as RFC 8032 does once a and r are known. */
function edSign(a: bigint, A: Uint8Array, M: Uint8Array, r: bigint): Uint8Array {
  const R = EdPoint.BASE.multiply(r).toBytes()
  return edSig(R, (r + challenge(R, A, M) * a) % L)
}

t.test('hashes: known answers, the same from both backends', async (t) => {
  // SHA-256: FIPS 180-2 examples and Python's hashlib. Keccak-256: Ethereum's empty hash and
  // js-sha3 (a second implementation). BLAKE3: the official test_vectors.json ("" ) and b3sum.
  const known: [string, Record<'sha256' | 'keccak256' | 'blake3', string>][] = [
    ['', {
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      keccak256: 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
      blake3: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    }],
    ['abc', {
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      keccak256: '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
      blake3: '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85',
    }],
    ['The quick brown fox jumps over the lazy dog', {
      sha256: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592',
      keccak256: '4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15',
      blake3: '2f1514181aadccd913abd94cfa592701a5686ab23f8df1dff1b74710febc6d4a',
    }],
  ]
  for (const [input, digests] of known) {
    for (const [name, c] of BACKENDS) {
      for (const [fn, hex] of Object.entries(digests) as [keyof typeof digests, string][]) {
        const out = c[fn](text(input))
        t.ok(out instanceof Uint8Array && out.constructor === Uint8Array, `${name} ${fn} returns a plain Uint8Array`)
        t.equal(bytesToHex(out), hex, `${name} ${fn}(${JSON.stringify(input)})`)
      }
    }
  }
  const rng = new Prng(0xc0ffee, 1)
  const mismatches: string[] = []
  for (let i = 0; i < 200; i++) {
    const d = randomBytes(rng, rng.int(300))
    if (!same(nodeCrypto.sha256(d), nobleCrypto.sha256(d))) mismatches.push(bytesToHex(d))
  }
  t.same(mismatches, [], 'node and noble SHA-256 agree on 200 random inputs')
})

t.test('ed25519: the small-order blacklist is exactly the small-order points and their other spellings', async (t) => {
  const orders = SMALL_ORDER_POINTS.map((pt) => [1, 2, 4, 8].find((o) => pt.multiplyUnsafe(BigInt(o)).is0()))
  t.same(orders.slice().sort(), [1, 2, 4, 4, 8, 8, 8, 8], 'the 8 points: orders 1, 2, 4, 4, 8, 8, 8, 8')
  const masked = (b: Uint8Array) => bytesToHex(leBytes(le(b) & ((1n << 255n) - 1n)))
  const expected = new Set([...SMALL_ORDER_ENCODINGS.map(([, b]) => masked(b))])
  t.same(new Set(SMALL_ORDER_Y.map(bytesToHex)), expected, 'SMALL_ORDER_Y is the y of each, canonical or not')
  for (const [name, b] of SMALL_ORDER_ENCODINGS) {
    t.not(lenientPoint(b), null, `${name} decodes in a lenient decoder`)
  }
})

t.test('ed25519: RFC 8032 §7.1 test vectors', async (t) => {
  const vectors: [string, string, string, string][] = [
    ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '',
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
    ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72',
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
    ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82',
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
  ]
  checkVectors(t, 'ed25519', vectors.map(([, pk, m, s], i) => ({
    name: `RFC 8032 test ${i + 1}`, publicKey: hexToBytes(pk), message: hexToBytes(m), signature: hexToBytes(s), valid: true,
  })))
})

t.test('ed25519: edge vectors', async (t) => {
  const rng = new Prng(0xed25519, 2)
  const vectors: Vector[] = []
  const { a, A } = edKey(rng)
  const M = text('edge vectors')
  const good = edSign(a, A, M, 1234567n)
  vectors.push({ name: 'valid', publicKey: A, message: M, signature: good, valid: true })

  // Signed by OpenSSL, checked by both.
  const opensslKey = node.generateKeyPairSync('ed25519')
  const raw = new Uint8Array(opensslKey.publicKey.export({ format: 'der', type: 'spki' }).subarray(12))
  vectors.push({ name: 'signed by node:crypto', publicKey: raw, message: M, signature: new Uint8Array(node.sign(null, M, opensslKey.privateKey)), valid: true })

  // Small-order keys with a signature that satisfies the equation: k is a multiple of the
  // key's order, so [S]B - [k]A = [S]B = R for any S. Only rule 3 (and 2) reject them.
  for (const [name, encoding] of SMALL_ORDER_ENCODINGS) {
    const T = lenientPoint(encoding)!
    const S = le(randomBytes(rng, 40)) % L
    const R = EdPoint.BASE.multiplyUnsafe(S).toBytes()
    let msg = text('small order key 0')
    for (let i = 1; !T.multiplyUnsafe(challenge(R, encoding, msg)).is0(); i++) msg = text(`small order key ${i}`)
    const sig = edSig(R, S)
    t.ok(equationHolds(encoding, msg, sig), `the equation holds for key ${name}`)
    vectors.push({ name: `small-order key ${name}`, publicKey: encoding, message: msg, signature: sig, valid: false })
  }

  // R = identity with S = k*a mod L: the equation holds, rule 3 rejects R.
  const identity = EdPoint.ZERO.toBytes()
  const sIdentity = (challenge(identity, A, M) * a) % L
  t.ok(equationHolds(A, M, edSig(identity, sIdentity)), 'the equation holds for R = identity')
  vectors.push({ name: 'R = identity', publicKey: A, message: M, signature: edSig(identity, sIdentity), valid: false })
  // Every small-order R: a key with a torsion part T8 and S = k*a make [S]B - [k]A' = [-k]T8.
  const mixed = EdPoint.fromBytes(A).add(T8).toBytes()
  for (const [name, R] of SMALL_ORDER_ENCODINGS.slice(0, 8)) {
    let msg = M
    for (let i = 0; !same(T8.multiplyUnsafe(challenge(R, mixed, msg)).negate().toBytes(), R); i++) msg = text(`small order R ${i}`)
    const sig = edSig(R, (challenge(R, mixed, msg) * a) % L)
    t.ok(equationHolds(mixed, msg, sig), `the equation holds for R = ${name}`)
    vectors.push({ name: `small-order R ${name}`, publicKey: mixed, message: msg, signature: sig, valid: false })
  }
  // Non-canonical spellings of the identity as R never equal an encoding: rejected everywhere.
  for (const [name, R] of SMALL_ORDER_ENCODINGS.slice(8)) {
    vectors.push({ name: `non-canonical R ${name}`, publicKey: A, message: M, signature: edSig(R, sIdentity), valid: false })
  }

  // A key with a torsion part: the cofactored equation always holds for an honest-style
  // signature, the rule's (cofactorless) one only when 8 divides k. Both verdicts occur.
  const verdicts = new Set<boolean>()
  for (let i = 0; verdicts.size < 2 || i < 16; i++) {
    const msg = text(`mixed-order key ${i}`)
    const sig = edSign(a, mixed, msg, 1000n + BigInt(i))
    const valid = challenge(sig.subarray(0, 32), mixed, msg) % 8n === 0n
    t.ok(cofactoredHolds(mixed, msg, sig), `the cofactored equation holds (${i})`)
    t.equal(equationHolds(mixed, msg, sig), valid, `the cofactorless equation holds iff 8 | k (${i})`)
    verdicts.add(valid)
    vectors.push({ name: `mixed-order key ${i}`, publicKey: mixed, message: msg, signature: sig, valid })
  }
  // R with a torsion part: S fits rB, not R + T8. Cofactored would accept, the rule does not.
  for (let i = 0; i < 8; i++) {
    const msg = text(`mixed-order R ${i}`)
    const r = 777n + BigInt(i)
    const R = EdPoint.BASE.multiply(r).add(T8).toBytes()
    const sig = edSig(R, (r + challenge(R, A, msg) * a) % L)
    t.ok(cofactoredHolds(A, msg, sig), `the cofactored equation holds for mixed-order R ${i}`)
    vectors.push({ name: `mixed-order R ${i}`, publicKey: A, message: msg, signature: sig, valid: false })
  }

  // Non-canonical keys (y >= p) of points that are not small order, and a y off the curve.
  for (let y = 2n; y < 19n; y++) {
    const onCurve = lenientPoint(leBytes(y)) !== null
    vectors.push({ name: `key y = p+${y}`, publicKey: leBytes(P + y), message: M, signature: good, valid: false })
    if (!onCurve) vectors.push({ name: `key y = ${y}, off the curve`, publicKey: leBytes(y), message: M, signature: good, valid: false })
  }

  // S out of range: S + L keeps the equation, rule 1 rejects it.
  const S = le(good.subarray(32))
  const R = good.subarray(0, 32)
  for (const [name, bad] of [['S + L', S + L], ['S + 2L', S + 2n * L], ['S + 15L', S + 15n * L]] as const) {
    t.ok(equationHolds(A, M, edSig(R, bad)), `the equation holds with ${name}`)
    vectors.push({ name, publicKey: A, message: M, signature: edSig(R, bad), valid: false })
  }
  for (const [name, bad] of [['S = L', L], ['S = L+1', L + 1n], ['S = 2^256-1', (1n << 256n) - 1n], ['S with bit 255', S | (1n << 255n)], ['S with bit 253', S | (1n << 253n)]] as const) {
    vectors.push({ name, publicKey: A, message: M, signature: edSig(R, bad), valid: false })
  }
  vectors.push({ name: 'S = 0', publicKey: A, message: M, signature: edSig(R, 0n), valid: false })

  // Lengths.
  for (const [name, pk, sig] of [
    ['key of 31 bytes', A.subarray(0, 31), good],
    ['key of 33 bytes', concatBytes(A, new Uint8Array(1)), good],
    ['empty key', new Uint8Array(0), good],
    ['signature of 63 bytes', A, good.subarray(0, 63)],
    ['signature of 65 bytes', A, concatBytes(good, new Uint8Array(1))],
    ['empty signature', A, new Uint8Array(0)],
  ] as const) {
    vectors.push({ name, publicKey: pk, message: M, signature: sig, valid: false })
  }

  // Every bit of the signature, the key and the message flipped.
  for (let bit = 0; bit < 512; bit++) vectors.push({ name: `signature bit ${bit}`, publicKey: A, message: M, signature: flipBit(good, bit), valid: false })
  for (let bit = 0; bit < 256; bit++) vectors.push({ name: `key bit ${bit}`, publicKey: flipBit(A, bit), message: M, signature: good, valid: false })
  for (let bit = 0; bit < M.length * 8; bit++) vectors.push({ name: `message bit ${bit}`, publicKey: A, message: flipBit(M, bit), signature: good, valid: false })
  vectors.push({ name: 'message with a byte added', publicKey: A, message: concatBytes(M, new Uint8Array(1)), signature: good, valid: false })

  checkVectors(t, 'ed25519', vectors)
})

t.test('ed25519: seeded random signatures, valid and corrupted', async (t) => {
  const rng = new Prng(0xed25519, 3)
  const vectors: Vector[] = []
  for (let i = 0; i < 150; i++) {
    const seed = randomBytes(rng, 32)
    const publicKey = ed25519.getPublicKey(seed)
    const message = randomBytes(rng, rng.int(200))
    const signature = ed25519.sign(message, seed)
    vectors.push(...signedAndFlipped(rng, `random ${i}`, publicKey, message, signature))
  }
  checkVectors(t, 'ed25519', vectors)
})

t.test('ed25519: the pre-checks alone', async (t) => {
  const { A } = edKey(new Prng(5))
  const R = EdPoint.BASE.multiply(99n).toBytes()
  t.ok(ed25519Precheck(A, edSig(R, L - 1n)), 'S = L-1 passes')
  t.notOk(ed25519Precheck(A, edSig(R, L)), 'S = L fails')
  t.ok(ed25519Precheck(leBytes(P - 2n), edSig(R, 1n)), 'y = p-2 is canonical (whether or not on the curve)')
  t.notOk(ed25519Precheck(leBytes(P + 2n), edSig(R, 1n)), 'y = p+2 is not')
  t.notOk(ed25519Precheck(A, edSig(leBytes(P + 3n), 1n)), 'neither is R with y = p+3')
})

// ---- P-256 ----

const { n: N, p: P256P } = CURVE_CONSTANTS.p256
const HALF_N = N >> 1n

const be = (b: Uint8Array) => le(b.slice().reverse())
const rs = (r: bigint, s: bigint) => concatBytes(beBytes(r), beBytes(s))

/** The equation alone, high S allowed: what the low-S rule adds to. */
const p256EquationHolds = (pk: Uint8Array, m: Uint8Array, sig: Uint8Array) => {
  try {
    return p256.verify(sig, m, pk, { lowS: false })
  } catch {
    return false
  }
}

t.test('p256: RFC 6979 §A.2.5 (SHA-256, "sample"), and noble signs the same', async (t) => {
  const sk = hexToBytes('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721')
  const publicKey = p256.getPublicKey(sk, true)
  const r = 0xefd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716n
  const s = 0xf7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8n
  t.ok(s > HALF_N, 'the RFC signature has a high S')
  t.equal(bytesToHex(p256.sign(text('sample'), sk, { lowS: false })), bytesToHex(rs(r, s)), 'noble computes the RFC signature')
  t.ok(p256EquationHolds(publicKey, text('sample'), rs(r, s)), 'its equation holds')
  checkVectors(t, 'p256', [
    { name: 'RFC 6979 signature (high S)', publicKey, message: text('sample'), signature: rs(r, s), valid: false },
    { name: 'RFC 6979 signature, S normalised', publicKey, message: text('sample'), signature: rs(r, N - s), valid: true },
  ])
})

t.test('p256: edge vectors', async (t) => {
  const rng = new Prng(0x256, 4)
  const sk = p256.utils.randomSecretKey(randomBytes(rng, 48))
  const pk = p256.getPublicKey(sk, true)
  const M = text('edge vectors')
  const good = p256.sign(M, sk, { lowS: true })
  const r = be(good.subarray(0, 32))
  const s = be(good.subarray(32))
  const vectors: Vector[] = [{ name: 'valid', publicKey: pk, message: M, signature: good, valid: true }]

  t.ok(p256EquationHolds(pk, M, rs(r, N - s)), 'the high-S twin satisfies the equation')
  vectors.push({ name: 'high S (n - s)', publicKey: pk, message: M, signature: rs(r, N - s), valid: false })

  // Signed by OpenSSL (which may give a high S), normalised as a signer must.
  const ossl = node.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const osslPk = new Uint8Array(ossl.publicKey.export({ format: 'der', type: 'spki' }).subarray(-65))
  const osslPkCompressed = p256.Point.fromBytes(osslPk).toBytes(true)
  for (let i = 0; i < 8; i++) {
    const msg = text(`openssl ${i}`)
    const sig = new Uint8Array(node.sign('sha256', msg, { key: ossl.privateKey, dsaEncoding: 'ieee-p1363' }))
    const sr = be(sig.subarray(0, 32))
    const ss = be(sig.subarray(32))
    const low = ss <= HALF_N ? ss : N - ss
    vectors.push({ name: `signed by node:crypto ${i}, low S`, publicKey: osslPkCompressed, message: msg, signature: rs(sr, low), valid: true })
    vectors.push({ name: `signed by node:crypto ${i}, high S`, publicKey: osslPkCompressed, message: msg, signature: rs(sr, N - low), valid: false })
  }
  vectors.push({ name: 'uncompressed key (65 bytes)', publicKey: osslPk, message: text('openssl 0'), signature: new Uint8Array(64), valid: false })

  for (const [name, sig] of [
    ['r = 0', rs(0n, s)],
    ['s = 0', rs(r, 0n)],
    ['r = n', rs(N, s)],
    ['r = n + 1', rs(N + 1n, s)],
    ['r = 2^256-1', rs((1n << 256n) - 1n, s)],
    ['s = n', rs(r, N)],
    ['s = n - 1', rs(r, N - 1n)],
    ['s = 2^256-1', rs(r, (1n << 256n) - 1n)],
    ['all zero', new Uint8Array(64)],
  ] as const) {
    vectors.push({ name, publicKey: pk, message: M, signature: sig, valid: false })
  }

  // Keys: bad prefixes, x >= p, x off the curve, and the non-canonical x + p of a valid x.
  const x = pk.subarray(1)
  for (const prefix of [0x00, 0x01, 0x04, 0x05, 0x06, 0x07]) {
    vectors.push({ name: `key prefix ${prefix}`, publicKey: concatBytes(new Uint8Array([prefix]), x), message: M, signature: good, valid: false })
  }
  const flipPrefix = concatBytes(new Uint8Array([pk[0] ^ 1]), x)
  vectors.push({ name: 'the other y of the same x', publicKey: flipPrefix, message: M, signature: good, valid: false })
  vectors.push({ name: 'x = p', publicKey: concatBytes(new Uint8Array([2]), beBytes(P256P)), message: M, signature: good, valid: false })
  vectors.push({ name: 'x = 2^256-1', publicKey: concatBytes(new Uint8Array([3]), beBytes((1n << 256n) - 1n)), message: M, signature: good, valid: false })
  const decodes = (key: Uint8Array) => {
    try {
      p256.Point.fromBytes(key)
      return true
    } catch {
      return false
    }
  }
  let offCurve = 0
  let smallX = -1n
  for (let xi = 1n; offCurve < 3 || smallX < 0n; xi++) {
    const key = concatBytes(new Uint8Array([2]), beBytes(xi))
    if (decodes(key)) {
      if (smallX < 0n) smallX = xi
    } else if (offCurve++ < 3) {
      vectors.push({ name: `x = ${xi}, off the curve`, publicKey: key, message: M, signature: good, valid: false })
    }
  }
  vectors.push({ name: `x = ${smallX} + p`, publicKey: concatBytes(new Uint8Array([2]), beBytes(smallX + P256P)), message: M, signature: good, valid: false })

  for (const [name, key, sig] of [
    ['key of 32 bytes', pk.subarray(0, 32), good],
    ['key of 34 bytes', concatBytes(pk, new Uint8Array(1)), good],
    ['signature of 63 bytes', pk, good.subarray(0, 63)],
    ['signature of 65 bytes', pk, concatBytes(good, new Uint8Array(1))],
    ['DER signature', pk, p256.sign(M, sk, { format: 'der' })],
  ] as const) {
    vectors.push({ name, publicKey: key, message: M, signature: sig, valid: false })
  }

  for (let bit = 0; bit < 512; bit++) vectors.push({ name: `signature bit ${bit}`, publicKey: pk, message: M, signature: flipBit(good, bit), valid: false })
  for (let bit = 0; bit < 264; bit++) vectors.push({ name: `key bit ${bit}`, publicKey: flipBit(pk, bit), message: M, signature: good, valid: false })
  for (let bit = 0; bit < M.length * 8; bit += 3) vectors.push({ name: `message bit ${bit}`, publicKey: pk, message: flipBit(M, bit), signature: good, valid: false })
  checkVectors(t, 'p256', vectors)
})

t.test('p256: seeded random signatures, valid and corrupted', async (t) => {
  const rng = new Prng(0x256, 5)
  const vectors: Vector[] = []
  for (let i = 0; i < 100; i++) {
    const sk = p256.utils.randomSecretKey(randomBytes(rng, 48))
    const publicKey = p256.getPublicKey(sk, true)
    const message = randomBytes(rng, rng.int(200))
    const signature = p256.sign(message, sk, { lowS: true })
    vectors.push(...signedAndFlipped(rng, `random ${i}`, publicKey, message, signature))
  }
  checkVectors(t, 'p256', vectors)
})

t.test('p256: the pre-checks alone', async (t) => {
  const pk = p256.getPublicKey(p256.utils.randomSecretKey(new Uint8Array(48).fill(3)), true)
  t.ok(p256Precheck(pk, rs(1n, HALF_N)), 's = (n-1)/2 is low')
  t.notOk(p256Precheck(pk, rs(1n, HALF_N + 1n)), 's = (n+1)/2 is high')
  t.ok(p256Precheck(pk, rs(N - 1n, 1n)), 'r = n-1 is in range')
  t.notOk(p256Precheck(pk, rs(N, 1n)), 'r = n is not')
  t.ok(p256Precheck(concatBytes(new Uint8Array([3]), beBytes(P256P - 1n)), rs(1n, 1n)), 'x = p-1 is canonical')
  t.notOk(p256Precheck(concatBytes(new Uint8Array([3]), beBytes(P256P)), rs(1n, 1n)), 'x = p is not')
})
