// The transaction format (chain/tx.ts) and what it stands on (chain/codec.ts, address.ts,
// signer.ts): the committed vectors, the byte layout written out by hand, round trips of
// seeded random transactions, every way a decoder must refuse bytes, and signatures that
// break when anything they cover changes.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { p256 } from '@noble/curves/nist.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js'
import { ByteWriter } from '../../vm/bytes-io.js'
import { AddressError, addressOf, formatAddress, parseAddress, SCHEMES, type Scheme } from '../../chain/address.js'
import { CodecError, codecReader, MAX_AMOUNT, readAmount, writeAmount } from '../../chain/codec.js'
import { CURVE_CONSTANTS, type Crypto } from '../../chain/crypto.js'
import { nobleCrypto } from '../../chain/crypto-noble.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { devKey, devSecret, ed25519Signer, p256Signer } from '../../chain/signer.js'
import {
  decodeTx,
  encodeTx,
  encodeUnsigned,
  MAX_KEY_CHANGES,
  MAX_METHOD_BYTES,
  signTx,
  TX_DOMAIN,
  txHash,
  txPreimage,
  verifyTxSignature,
  type Payload,
  verifyEncodedTxSignature,
  type Tx,
  type TxKey,
  type UnsignedTx,
} from '../../chain/tx.js'
import { buildTxVectors, TX_VECTORS_FILE, txFromJson, type TxVector } from '../../scripts/gen-tx-vectors.js'
import { Prng } from '../fuzz/prng.js'

const BACKENDS: readonly [string, Crypto][] = [
  ['noble', nobleCrypto],
  ['node', nodeCrypto],
]
const CHAIN = 'unest-test'
const utf8 = (s: string) => new TextEncoder().encode(s)

function randomBytes(rng: Prng, n: number): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = rng.int(256)
  return b
}

// ---- the byte layout, written out from the format's description ----

function uvar(v: number): number[] {
  const out: number[] = []
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

function amount(v: bigint): number[] {
  const bytes: number[] = []
  for (; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn))
  return [...uvar(bytes.length), ...bytes]
}

const ascii = (s: string) => [...uvar(s.length), ...[...s].map((c) => c.charCodeAt(0))]
const blob = (b: Uint8Array) => [...uvar(b.length), ...b]
const key = (k: TxKey) => [SCHEMES[k.scheme].tag, ...blob(k.publicKey)]
const PAYLOAD_TAGS = { transfer: 1, deploy: 2, call: 3, keys: 4 } as const

function payloadLayout(p: Payload): number[] {
  switch (p.kind) {
    case 'transfer':
      return [...p.to, ...ascii(p.token), ...amount(p.amount)]
    case 'deploy':
      return [...blob(p.module), ...blob(p.args), ...amount(p.value), ...ascii(p.contract ?? '')]
    case 'call':
      return [...p.to, ...ascii(p.method), ...blob(p.args), ...amount(p.value)]
    case 'keys':
      return [...uvar(p.add.length), ...p.add.flatMap(key), ...uvar(p.remove.length), ...p.remove.flatMap(key)]
  }
}

/** version ‖ sender ‖ key ‖ nonce ‖ fee token ‖ fee amount ‖ gas limit ‖ payload tag ‖ payload */
function unsignedLayout(tx: UnsignedTx): Uint8Array {
  return Uint8Array.from([
    1, ...tx.sender, ...key(tx.key), ...uvar(tx.nonce), ...ascii(tx.fee.token), ...amount(tx.fee.amount),
    ...uvar(tx.gasLimit), PAYLOAD_TAGS[tx.payload.kind], ...payloadLayout(tx.payload),
  ])
}

// ---- seeded random transactions ----

const SCHEME_NAMES = Object.keys(SCHEMES) as Scheme[]
const INTERESTING_AMOUNTS = [0n, 1n, 255n, 256n, (1n << 48n) - 1n, 1n << 48n, (1n << 53n) - 1n, 1n << 53n, 1n << 64n, MAX_AMOUNT - 1n, MAX_AMOUNT]

function randomAmount(rng: Prng): bigint {
  if (rng.chance(0.3)) return rng.pick(INTERESTING_AMOUNTS)
  let v = 0n
  for (const b of randomBytes(rng, rng.between(0, 32))) v = (v << 8n) | BigInt(b)
  return v
}

function randomKey(rng: Prng): TxKey {
  const scheme = rng.pick(SCHEME_NAMES)
  return { scheme, publicKey: randomBytes(rng, SCHEMES[scheme].keyLength) }
}

function randomToken(rng: Prng): string {
  if (rng.chance(0.5)) return 'NEST'
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  return Array.from({ length: rng.between(1, 8) }, () => rng.pick([...chars])).join('')
}

function randomMethod(rng: Prng): string {
  return Array.from({ length: rng.between(1, rng.chance(0.1) ? MAX_METHOD_BYTES : 20) }, () => String.fromCharCode(rng.between(0x21, 0x7e))).join('')
}

function randomNumber(rng: Prng): number {
  return rng.pick([0, 1, 127, 128, 2 ** 32, Number.MAX_SAFE_INTEGER, rng.int(1_000_000)])
}

function randomPayload(rng: Prng, kind: Payload['kind']): Payload {
  switch (kind) {
    case 'transfer':
      return { kind, to: randomBytes(rng, 20), token: randomToken(rng), amount: randomAmount(rng) }
    case 'deploy':
      return rng.int(2) === 0
        ? { kind, module: randomBytes(rng, rng.int(400)), args: randomBytes(rng, rng.int(40)), value: randomAmount(rng) }
        : { kind, module: randomBytes(rng, rng.int(400)), args: randomBytes(rng, rng.int(40)), value: randomAmount(rng), contract: 'Token' }
    case 'call':
      return { kind, to: randomBytes(rng, 20), method: randomMethod(rng), args: randomBytes(rng, rng.int(200)), value: randomAmount(rng) }
    case 'keys': {
      const add = Array.from({ length: rng.int(MAX_KEY_CHANGES + 1) }, () => randomKey(rng))
      const remove = Array.from({ length: rng.int(MAX_KEY_CHANGES + 1) }, () => randomKey(rng))
      if (add.length + remove.length === 0) add.push(randomKey(rng))
      return { kind, add, remove }
    }
  }
}

function randomTx(rng: Prng, kind: Payload['kind'], scheme: Scheme): Tx {
  return {
    sender: randomBytes(rng, 20),
    key: { scheme, publicKey: randomBytes(rng, SCHEMES[scheme].keyLength) },
    nonce: randomNumber(rng),
    fee: { token: randomToken(rng), amount: randomAmount(rng) },
    gasLimit: randomNumber(rng),
    payload: randomPayload(rng, kind),
    signature: randomBytes(rng, 64),
  }
}

const KINDS: Payload['kind'][] = ['transfer', 'deploy', 'call', 'keys']

/** Bytes of a decoded tx are views; compare them as plain arrays. */
function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return bytesToHex(x)
  if (typeof x === 'bigint') return `${x}n`
  if (Array.isArray(x)) return x.map(plain)
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
  return x
}

function codecError(f: () => unknown): CodecError | string {
  try {
    f()
    return 'no error'
  } catch (e) {
    return e instanceof CodecError ? e : `a ${(e as Error)?.constructor?.name}: ${e}`
  }
}

// ---- tests ----

t.test('the committed vectors are what the code computes, and check out', async (t) => {
  const committed = JSON.parse(readFileSync(TX_VECTORS_FILE, 'utf8')) as { vectors: TxVector[] }
  t.same(committed.vectors, await buildTxVectors(), 'tx-vectors.json is current (node --import tsx scripts/gen-tx-vectors.ts)')
  t.same(new Set(committed.vectors.map((v) => `${v.scheme} ${v.tx.payload.kind}`)).size, 8, 'every payload kind under both schemes')
  for (const v of committed.vectors) {
    const tx = txFromJson(v.tx)
    t.equal(bytesToHex(devSecret(v.scheme, v.devIndex)), v.secret, `${v.name}: dev key ${v.devIndex} is stable`)
    const signer = v.scheme === 'ed25519' ? ed25519Signer(hexToBytes(v.secret)) : p256Signer(hexToBytes(v.secret))
    t.equal(bytesToHex(signer.publicKey), bytesToHex(tx.key.publicKey), `${v.name}: the key is the secret's`)
    t.equal(formatAddress(addressOf(nobleCrypto, v.scheme, signer.publicKey)), v.address, `${v.name}: address`)
    t.equal(v.tx.sender, v.address, `${v.name}: the sender is the key's account`)
    t.equal(bytesToHex(unsignedLayout(tx)), v.unsigned, `${v.name}: the unsigned encoding follows the layout`)
    t.equal(v.preimage, bytesToHex(utf8(TX_DOMAIN)) + bytesToHex(Uint8Array.from(blob(utf8(v.chainId)))) + v.unsigned, `${v.name}: preimage layout`)
    t.equal(v.encoding, v.unsigned + '40' + v.signature, `${v.name}: encoding = unsigned ‖ blob(signature)`)
    t.equal(v.hash, bytesToHex(sha256(hexToBytes(v.encoding))), `${v.name}: hash = SHA-256(encoding)`)
    const decoded = decodeTx(hexToBytes(v.encoding))
    t.same(plain(decoded), plain({ ...tx, signature: hexToBytes(v.signature) }), `${v.name}: decodes to the transaction`)
    for (const [name, c] of BACKENDS) t.ok(verifyTxSignature(c, v.chainId, decoded), `${v.name}: ${name} verifies the signature`)
    if (v.scheme === 'p256') {
      t.ok(p256.verify(hexToBytes(v.signature), hexToBytes(v.preimage), tx.key.publicKey, { prehash: true, lowS: true }),
        `${v.name}: it is ECDSA over SHA-256(preimage)`)
    }
  }
})

t.test('the encoding follows the written layout for random transactions', async (t) => {
  const rng = new Prng(0x7e, 1)
  const wrong: string[] = []
  for (let i = 0; i < 200; i++) {
    const tx = randomTx(rng, KINDS[i % 4], SCHEME_NAMES[(i >> 2) % 2])
    if (bytesToHex(encodeUnsigned(tx)) !== bytesToHex(unsignedLayout(tx))) wrong.push(JSON.stringify(plain(tx)))
    const full = concatBytes(unsignedLayout(tx), Uint8Array.from(blob(tx.signature)))
    if (bytesToHex(encodeTx(tx)) !== bytesToHex(full)) wrong.push(`signed: ${JSON.stringify(plain(tx))}`)
  }
  t.same(wrong, [], '200 transactions')
})

t.test('round trips: seeded random transactions of every kind and both schemes', async (t) => {
  const rng = new Prng(0x7e, 2)
  const wrong: string[] = []
  let count = 0
  for (const kind of KINDS) {
    for (const scheme of SCHEME_NAMES) {
      for (let i = 0; i < 100; i++, count++) {
        const tx = randomTx(rng, kind, scheme)
        const bytes = encodeTx(tx)
        const back = decodeTx(bytes)
        if (JSON.stringify(plain(back)) !== JSON.stringify(plain(tx))) wrong.push(`decode: ${JSON.stringify(plain(tx))}`)
        if (bytesToHex(encodeTx(back)) !== bytesToHex(bytes)) wrong.push(`re-encode: ${bytesToHex(bytes)}`)
        if (bytesToHex(txHash(nodeCrypto, back)) !== bytesToHex(txHash(nobleCrypto, tx))) wrong.push(`hash: ${bytesToHex(bytes)}`)
      }
    }
  }
  t.same(wrong, [], `${count} transactions`)
})

t.test('decoding refuses trailing bytes and every truncation', async (t) => {
  const rng = new Prng(0x7e, 3)
  for (const kind of KINDS) {
    for (const scheme of SCHEME_NAMES) {
      const bytes = encodeTx(randomTx(rng, kind, scheme))
      for (const extra of [[0], [0x40], [1, 2, 3]]) {
        const e = codecError(() => decodeTx(concatBytes(bytes, Uint8Array.from(extra))))
        t.match(e, { message: /trailing bytes/ }, `${kind}/${scheme}: ${bytesToHex(Uint8Array.from(extra))} appended is refused`)
      }
      const accepted: number[] = []
      for (let n = 0; n < bytes.length; n++) if (!(codecError(() => decodeTx(bytes.subarray(0, n))) instanceof CodecError)) accepted.push(n)
      t.same(accepted, [], `${kind}/${scheme}: all ${bytes.length} truncations refused with a CodecError`)
    }
  }
})

t.test('decoding refuses non-canonical and invalid fields', async (t) => {
  const signer = devKey('ed25519', 0)
  const k: TxKey = { scheme: 'ed25519', publicKey: signer.publicKey }
  const base: Tx = {
    sender: new Uint8Array(20).fill(7), key: k, nonce: 5, fee: { token: 'NEST', amount: 300n }, gasLimit: 1000,
    payload: { kind: 'transfer', to: new Uint8Array(20).fill(9), token: 'NEST', amount: 10n }, signature: new Uint8Array(64).fill(1),
  }
  const sig = blob(base.signature)
  const head = [1, ...base.sender]
  const feeAndGas = [...ascii('NEST'), ...amount(300n), ...uvar(1000)]
  const transfer = [1, ...new Uint8Array(20).fill(9), ...ascii('NEST'), ...amount(10n)]
  const ok = [...head, ...key(k), ...uvar(5), ...feeAndGas, ...transfer, ...sig]
  t.equal(bytesToHex(encodeTx(base)), bytesToHex(Uint8Array.from(ok)), 'the base case is canonical')

  const cases: [string, number[], RegExp][] = [
    ['version 0', [0, ...ok.slice(1)], /version 0/],
    ['version 2', [2, ...ok.slice(1)], /version 2/],
    ['nonce as a non-minimal varint', [...head, ...key(k), 0x85, 0x00, ...feeAndGas, ...transfer, ...sig], /minimal/],
    ['gas limit as a non-minimal varint', [...head, ...key(k), 5, ...ascii('NEST'), ...amount(300n), 0xe8, 0x87, 0x00, ...transfer, ...sig], /minimal/],
    ['nonce above 2^53', [...head, ...key(k), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, ...feeAndGas, ...transfer, ...sig], /varint/],
    ['fee amount with a leading zero byte', [...head, ...key(k), 5, ...ascii('NEST'), 3, 0, 1, 0x2c, ...uvar(1000), ...transfer, ...sig], /leading zero/],
    ['fee amount of 33 bytes', [...head, ...key(k), 5, ...ascii('NEST'), 33, ...new Array(33).fill(1), ...uvar(1000), ...transfer, ...sig], /33 bytes/],
    ['zero amount as one zero byte', [...head, ...key(k), 5, ...feeAndGas, 1, ...new Array(20).fill(9), ...ascii('NEST'), 1, 0, ...sig], /leading zero/],
    ['ed25519 key of 31 bytes', [...head, 1, 31, ...k.publicKey.subarray(0, 31), 5, ...feeAndGas, ...transfer, ...sig], /31 bytes, not 32/],
    ['ed25519 key of 33 bytes', [...head, 1, 33, ...k.publicKey, 0, 5, ...feeAndGas, ...transfer, ...sig], /33 bytes, not 32/],
    ['p256 key of 32 bytes', [...head, 2, 32, ...k.publicKey, 5, ...feeAndGas, ...transfer, ...sig], /32 bytes, not 33/],
    ['scheme tag 0', [...head, 0, 32, ...k.publicKey, 5, ...feeAndGas, ...transfer, ...sig], /scheme tag 0/],
    ['scheme tag 3', [...head, 3, 32, ...k.publicKey, 5, ...feeAndGas, ...transfer, ...sig], /scheme tag 3/],
    ['payload tag 0', [...head, ...key(k), 5, ...feeAndGas, 0, ...transfer.slice(1), ...sig], /payload tag 0/],
    ['payload tag 5', [...head, ...key(k), 5, ...feeAndGas, 5, ...transfer.slice(1), ...sig], /payload tag 5/],
    ['payload tag 255', [...head, ...key(k), 5, ...feeAndGas, 255, ...transfer.slice(1), ...sig], /payload tag 255/],
    ['signature of 63 bytes', [...head, ...key(k), 5, ...feeAndGas, ...transfer, 63, ...base.signature.subarray(1)], /63/],
    ['signature of 65 bytes', [...head, ...key(k), 5, ...feeAndGas, ...transfer, 65, ...base.signature, 0], /65/],
    ['empty fee token', [...head, ...key(k), 5, 0, ...amount(300n), ...uvar(1000), ...transfer, ...sig], /0 characters/],
    ['fee token of 9 characters', [...head, ...key(k), 5, ...ascii('NESTNESTN'), ...amount(300n), ...uvar(1000), ...transfer, ...sig], /9 characters/],
    ['lowercase fee token', [...head, ...key(k), 5, ...ascii('nest'), ...amount(300n), ...uvar(1000), ...transfer, ...sig], /byte 110/],
    ['empty method name', [...head, ...key(k), 5, ...feeAndGas, 3, ...new Array(20).fill(9), 0, 0, 0, ...sig], /method name/],
    ['method name with a space', [...head, ...key(k), 5, ...feeAndGas, 3, ...new Array(20).fill(9), ...ascii('a b'), 0, 0, ...sig], /method name/],
    ['method name too long', [...head, ...key(k), 5, ...feeAndGas, 3, ...new Array(20).fill(9), ...ascii('m'.repeat(MAX_METHOD_BYTES + 1)), 0, 0, ...sig], /method name/],
    ['keys payload changing nothing', [...head, ...key(k), 5, ...feeAndGas, 4, 0, 0, ...sig], /add or remove/],
    ['17 keys to add', [...head, ...key(k), 5, ...feeAndGas, 4, 17, ...new Array(17).fill(key(k)).flat(), 0, ...sig], /17 keys to add, above the limit of 16/],
    ['key to remove with a bad tag', [...head, ...key(k), 5, ...feeAndGas, 4, 0, 1, 9, 32, ...k.publicKey, ...sig], /scheme tag 9/],
    ['sender cut short', [1, ...new Array(19).fill(7)], /end of data/],
  ]
  for (const [name, bytes, message] of cases) {
    t.match(codecError(() => decodeTx(Uint8Array.from(bytes))), { name: 'CodecError', message }, name)
  }
  // The 16-key limit itself is allowed.
  const sixteen = { ...base, payload: { kind: 'keys', add: new Array(MAX_KEY_CHANGES).fill(k), remove: [] } } satisfies Tx
  t.equal(decodeTx(encodeTx(sixteen)).payload.kind, 'keys', `${MAX_KEY_CHANGES} keys to add decode`)
})

t.test('encoding refuses values that have no encoding', async (t) => {
  const k: TxKey = { scheme: 'p256', publicKey: devKey('p256', 0).publicKey }
  const base: UnsignedTx = {
    sender: new Uint8Array(20), key: k, nonce: 0, fee: { token: 'NEST', amount: 0n }, gasLimit: 0,
    payload: { kind: 'transfer', to: new Uint8Array(20), token: 'NEST', amount: 0n },
  }
  t.ok(encodeUnsigned(base) instanceof Uint8Array, 'the base case encodes')
  const transfer = base.payload as Extract<Payload, { kind: 'transfer' }>
  const cases: [string, UnsignedTx][] = [
    ['a negative amount', { ...base, payload: { ...transfer, amount: -1n } }],
    ['an amount of 2^256', { ...base, payload: { ...transfer, amount: MAX_AMOUNT + 1n } }],
    ['a fee above 2^256-1', { ...base, fee: { token: 'NEST', amount: 1n << 300n } }],
    ['a fractional nonce', { ...base, nonce: 1.5 }],
    ['a negative nonce', { ...base, nonce: -1 }],
    ['a nonce of 2^53', { ...base, nonce: 2 ** 53 }],
    ['a gas limit of NaN', { ...base, gasLimit: NaN }],
    ['a 32-byte p256 key', { ...base, key: { scheme: 'p256', publicKey: new Uint8Array(32) } }],
    ['an unknown scheme', { ...base, key: { scheme: 'rsa' as Scheme, publicKey: new Uint8Array(33) } }],
    ['a lowercase token', { ...base, payload: { ...transfer, token: 'nest' } }],
    ['a token of 9 characters', { ...base, fee: { token: 'ABCDEFGHI', amount: 1n } }],
    ['a sender of 19 bytes', { ...base, sender: new Uint8Array(19) }],
    ['a recipient of 21 bytes', { ...base, payload: { ...transfer, to: new Uint8Array(21) } }],
    ['a method with a space', { ...base, payload: { kind: 'call', to: new Uint8Array(20), method: 'a b', args: new Uint8Array(0), value: 0n } }],
    ['an empty method', { ...base, payload: { kind: 'call', to: new Uint8Array(20), method: '', args: new Uint8Array(0), value: 0n } }],
    ['a keys change of nothing', { ...base, payload: { kind: 'keys', add: [], remove: [] } }],
    ['17 keys to remove', { ...base, payload: { kind: 'keys', add: [], remove: new Array(17).fill(k) } }],
    ['an unknown payload kind', { ...base, payload: { kind: 'mint' } as unknown as Payload }],
    ['a scheme named like an Object method', { ...base, key: { scheme: 'toString' as Scheme, publicKey: new Uint8Array(33) } }],
    ['a payload kind named like an Object method', { ...base, payload: { kind: 'constructor' } as unknown as Payload }],
  ]
  for (const [name, tx] of cases) t.type(codecError(() => encodeUnsigned(tx)), CodecError, `${name} is refused`)
  t.type(codecError(() => encodeTx({ ...base, signature: new Uint8Array(63) })), CodecError, 'a 63-byte signature is refused')
  for (const [name, tx] of cases) {
    for (const [backend, c] of BACKENDS) {
      t.equal(verifyTxSignature(c, CHAIN, { ...tx, signature: new Uint8Array(64) }), false, `${backend}: a transaction with ${name} does not verify`)
    }
  }
})

t.test('amounts: minimal big-endian blobs at every byte boundary', async (t) => {
  const known: [bigint, string][] = [[0n, '00'], [1n, '0101'], [255n, '01ff'], [256n, '020100'], [MAX_AMOUNT, '20' + 'ff'.repeat(32)]]
  for (const [v, hex] of known) {
    const w = new ByteWriter()
    writeAmount(w, v, 'amount')
    t.equal(bytesToHex(w.finish()), hex, `${v} encodes as ${hex}`)
  }
  const wrong: string[] = []
  for (let bits = 0; bits <= 256; bits++) {
    for (const v of [(1n << BigInt(bits)) - 1n, 1n << BigInt(bits), (1n << BigInt(bits)) + 1n]) {
      if (v > MAX_AMOUNT) continue
      const w = new ByteWriter()
      writeAmount(w, v, 'amount')
      const bytes = w.finish()
      if (bytesToHex(bytes) !== bytesToHex(Uint8Array.from(amount(v)))) wrong.push(`encode ${v}`)
      const r = codecReader(bytes)
      if (readAmount(r, 'amount') !== v || !r.atEnd()) wrong.push(`decode ${v}`)
    }
  }
  t.same(wrong, [], 'every 2^k - 1, 2^k, 2^k + 1 up to 2^256 - 1')
})

t.test('the preimage: domain, chain id blob, unsigned encoding', async (t) => {
  const tx = randomTx(new Prng(0x7e, 4), 'call', 'ed25519')
  for (const chainId of ['', 'unest-local', 'é-chain', 'x'.repeat(200)]) {
    const expected = concatBytes(utf8('unest/tx/v1'), Uint8Array.from(blob(utf8(chainId))), encodeUnsigned(tx))
    t.equal(bytesToHex(txPreimage(chainId, tx)), bytesToHex(expected), `chain id ${JSON.stringify(chainId.slice(0, 12))} (${utf8(chainId).length} bytes)`)
  }
  t.not(bytesToHex(txPreimage('a', tx)), bytesToHex(txPreimage('b', tx)), 'the chain id is covered')
  t.equal(bytesToHex(txPreimage('ab', tx)), bytesToHex(txPreimage('ab', tx)), 'the same inputs give the same preimage')
})

t.test('signatures verify, and fail when anything they cover changes', async (t) => {
  for (const scheme of SCHEME_NAMES) {
    const signer = devKey(scheme, 3)
    const k: TxKey = { scheme, publicKey: signer.publicKey }
    const sender = addressOf(nobleCrypto, scheme, signer.publicKey)
    const txs: UnsignedTx[] = [
      { sender, key: k, nonce: 7, fee: { token: 'NEST', amount: 5n }, gasLimit: 50, payload: { kind: 'transfer', to: new Uint8Array(20).fill(1), token: 'NEST', amount: 99n } },
      { sender, key: k, nonce: 8, fee: { token: 'NEST', amount: 5n }, gasLimit: 50, payload: { kind: 'call', to: new Uint8Array(20).fill(2), method: 'inc', args: Uint8Array.of(1, 2), value: 0n } },
      { sender, key: k, nonce: 9, fee: { token: 'NEST', amount: 5n }, gasLimit: 50, payload: { kind: 'deploy', module: Uint8Array.of(9, 9, 9), args: Uint8Array.of(), value: 3n } },
      { sender, key: k, nonce: 10, fee: { token: 'NEST', amount: 5n }, gasLimit: 50, payload: { kind: 'keys', add: [{ scheme: 'ed25519', publicKey: devKey('ed25519', 9).publicKey }], remove: [] } },
    ]
    for (const tx of txs) {
      const signed = await signTx(signer, CHAIN, tx)
      const what = `${scheme} ${tx.payload.kind}`
      t.equal(bytesToHex((await signTx(signer, CHAIN, tx)).signature), bytesToHex(signed.signature), `${what}: signing is deterministic`)
      for (const [name, c] of BACKENDS) t.ok(verifyTxSignature(c, CHAIN, signed), `${what}: ${name} verifies`)
      if (scheme === 'p256') {
        const s = BigInt('0x' + bytesToHex(signed.signature.subarray(32)))
        t.ok(s <= CURVE_CONSTANTS.p256.n >> 1n, `${what}: S is low`)
      }
      const other = devKey(scheme, 4).publicKey
      const p = signed.payload
      const changed: [string, Tx][] = [
        ['sender', { ...signed, sender: new Uint8Array(20).fill(3) }],
        ['signing key', { ...signed, key: { scheme, publicKey: other } }],
        ['nonce', { ...signed, nonce: signed.nonce + 1 }],
        ['fee token', { ...signed, fee: { token: 'USD', amount: 5n } }],
        ['fee amount', { ...signed, fee: { token: 'NEST', amount: 6n } }],
        ['gas limit', { ...signed, gasLimit: 51 }],
        ['signature bit', { ...signed, signature: signed.signature.map((b, i) => (i === 40 ? b ^ 4 : b)) }],
        ['signature length', { ...signed, signature: signed.signature.subarray(0, 63) }],
      ]
      if (p.kind === 'transfer') {
        changed.push(['recipient', { ...signed, payload: { ...p, to: new Uint8Array(20).fill(2) } }])
        changed.push(['token', { ...signed, payload: { ...p, token: 'NEST2' } }])
        changed.push(['amount', { ...signed, payload: { ...p, amount: 100n } }])
      } else if (p.kind === 'call') {
        changed.push(['contract', { ...signed, payload: { ...p, to: new Uint8Array(20).fill(3) } }])
        changed.push(['method', { ...signed, payload: { ...p, method: 'dec' } }])
        changed.push(['args', { ...signed, payload: { ...p, args: Uint8Array.of(1, 3) } }])
        changed.push(['value', { ...signed, payload: { ...p, value: 1n } }])
      } else if (p.kind === 'deploy') {
        changed.push(['module', { ...signed, payload: { ...p, module: Uint8Array.of(9, 9) } }])
        changed.push(['args', { ...signed, payload: { ...p, args: Uint8Array.of(0) } }])
        changed.push(['value', { ...signed, payload: { ...p, value: 4n } }])
        changed.push(['contract', { ...signed, payload: { ...p, contract: 'Other' } }])
      } else {
        changed.push(['keys added', { ...signed, payload: { ...p, add: [{ scheme: 'ed25519', publicKey: devKey('ed25519', 8).publicKey }] } }])
        changed.push(['keys removed', { ...signed, payload: { ...p, remove: [k] } }])
      }
      changed.push(['payload kind', { ...signed, payload: { kind: 'transfer', to: new Uint8Array(20), token: 'NEST', amount: 0n } }])
      changed.push(['an unencodable amount', { ...signed, fee: { token: 'NEST', amount: -1n } }])
      for (const [field, bad] of changed) {
        for (const [name, c] of BACKENDS) t.notOk(verifyTxSignature(c, CHAIN, bad), `${what}: ${name} refuses a changed ${field}`)
        let encoded: Uint8Array | null = null
        try {
          encoded = encodeTx(bad)
        } catch {
          // no encoding: nothing a chain could have received
        }
        if (encoded) t.notOk(verifyEncodedTxSignature(nodeCrypto, CHAIN, bad, encoded), `${what}: from its encoding too, a changed ${field} is refused`)
      }
      t.ok(verifyEncodedTxSignature(nodeCrypto, CHAIN, signed, encodeTx(signed)), `${what}: from its encoding, the signature verifies`)
      for (const [name, c] of BACKENDS) {
        t.notOk(verifyTxSignature(c, CHAIN + 'x', signed), `${what}: ${name} refuses another chain id`)
        t.notOk(verifyTxSignature(c, '', signed), `${what}: ${name} refuses the empty chain id`)
      }
      const crossed = { ...signed, key: { scheme: scheme === 'ed25519' ? 'p256' : 'ed25519', publicKey: signer.publicKey } as TxKey }
      for (const [name, c] of BACKENDS) t.notOk(verifyTxSignature(c, CHAIN, crossed), `${what}: ${name} refuses the key under the other scheme`)
    }
    await t.rejects(signTx(devKey(scheme, 5), CHAIN, txs[0]), /not the transaction's signing key/, `${scheme}: signing with another key is refused`)
  }
})

t.test('addresses: derivation and text form', async (t) => {
  for (const scheme of SCHEME_NAMES) {
    const pk = devKey(scheme, 0).publicKey
    const expected = sha256(concatBytes(Uint8Array.of({ ed25519: 1, p256: 2 }[scheme]), pk)).subarray(0, 20)
    for (const [name, c] of BACKENDS) t.equal(bytesToHex(addressOf(c, scheme, pk)), bytesToHex(expected), `${scheme} via ${name}: first 20 bytes of SHA-256(tag ‖ key)`)
    t.throws(() => addressOf(nobleCrypto, scheme, pk.subarray(1)), RangeError, `${scheme}: a short key is a caller bug`)
  }
  const a = hexToBytes('00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fa0')
  t.equal(formatAddress(a), '0x00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fa0', 'lowercase 0x-hex')
  t.same(parseAddress('0x00FF10A0B1C2D3E4F5061728394A5B6C7D8E9FA0'), a, 'uppercase digits parse')
  t.same(parseAddress(formatAddress(a)), a, 'round trip')
  const bad: [string, RegExp][] = [
    ['00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fa0', /must start with 0x/],
    ['0X00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fa0', /must start with 0x/],
    ['0x00ff10a0b1c2d3e4f5061728394a5b6c7d8e9f', /40 hex digits after 0x, not 38/],
    ['0x00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fa000', /not 42/],
    ['0x00ff10a0b1c2d3e4f5061728394a5b6c7d8e9fg0', /"g" is not a hex digit/],
    ['0x00ff10a0b1c2d3e4f5061728394a5b6c7d8e9f 0', /" " is not a hex digit/],
    ['', /must start with 0x/],
  ]
  for (const [text, message] of bad) {
    const r = parseAddress(text)
    t.ok(r instanceof AddressError, `${JSON.stringify(text)} is refused`)
    t.match((r as AddressError).message, message, `with a clear message: ${(r as AddressError).message}`)
  }
})

t.test('signers: dev keys and input checks', async (t) => {
  for (const scheme of SCHEME_NAMES) {
    t.equal(bytesToHex(devKey(scheme, 0).publicKey), bytesToHex(devKey(scheme, 0).publicKey), `${scheme}: dev key 0 is the same each time`)
    t.not(bytesToHex(devKey(scheme, 0).publicKey), bytesToHex(devKey(scheme, 1).publicKey), `${scheme}: dev keys 0 and 1 differ`)
    t.equal(devKey(scheme, 2).publicKey.length, SCHEMES[scheme].keyLength, `${scheme}: key length`)
    t.equal(devKey(scheme, 2).scheme, scheme, `${scheme}: scheme`)
    t.throws(() => devKey(scheme, -1), RangeError, `${scheme}: a negative index is refused`)
  }
  t.not(bytesToHex(devSecret('ed25519', 0)), bytesToHex(devSecret('p256', 0)), 'schemes get different secrets')
  t.throws(() => ed25519Signer(new Uint8Array(31)), RangeError, 'an ed25519 seed of 31 bytes is refused')
  t.throws(() => p256Signer(new Uint8Array(32)), RangeError, 'a zero P-256 key is refused')
  t.throws(() => p256Signer(hexToBytes('ff'.repeat(32))), RangeError, 'a P-256 key above n is refused')
  const sig = await p256Signer(hexToBytes('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721')).sign(utf8('sample'))
  // RFC 6979 §A.2.5 gives s above n/2 for this input; the signer hands out n - s.
  t.equal(bytesToHex(sig), 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716' +
    (CURVE_CONSTANTS.p256.n - 0xf7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8n).toString(16).padStart(64, '0'), 'P-256 signing is RFC 6979 with S normalised low')
})
