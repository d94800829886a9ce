// The transaction format the local chain and the node share: its types, its one canonical
// codec, the signed preimage, hashing, signing and signature checking. Not whether a
// transaction may run (key in the account's list, nonce, fee token): the state transition
// decides that.

import { ByteWriter, type ByteReader } from '../vm/bytes-io.js'
import { MAX_MODULE_BYTES } from '../vm/limits.js'
import { SCHEME_BY_TAG, SCHEMES, schemeInfo, type Address, type Scheme } from './address.js'
import {
  CodecError,
  codecReader,
  expectEnd,
  readAddress,
  readAmount,
  readToken,
  readU64,
  writeAddress,
  writeAmount,
  writeToken,
  writeU64,
} from './codec.js'
import type { Crypto } from './crypto.js'
import type { Signer } from './signer.js'

export type { Address, Scheme } from './address.js'

export interface TxKey {
  readonly scheme: Scheme
  readonly publicKey: Uint8Array
}

export type Payload =
  | { readonly kind: 'transfer'; readonly to: Address; readonly token: string; readonly amount: bigint }
  /** args: ABI-encoded argument bytes, opaque to the codec. */
  /** contract: which contract class of the module to create; left out, its last one. */
  | { readonly kind: 'deploy'; readonly module: Uint8Array; readonly args: Uint8Array; readonly value: bigint; readonly contract?: string }
  | { readonly kind: 'call'; readonly to: Address; readonly method: string; readonly args: Uint8Array; readonly value: bigint }
  /** A change of the sender account's key list. */
  | { readonly kind: 'keys'; readonly add: readonly TxKey[]; readonly remove: readonly TxKey[] }

export type PayloadKind = Payload['kind']

export interface UnsignedTx {
  readonly sender: Address
  /** The key that signs; the state transition checks it is in the sender's key list. */
  readonly key: TxKey
  /** Per (sender, key): exactly the last one used + 1. */
  readonly nonce: number
  readonly fee: { readonly token: string; readonly amount: bigint }
  readonly gasLimit: number
  readonly payload: Payload
}

export interface Tx extends UnsignedTx {
  readonly signature: Uint8Array
}

/** First byte of every encoded transaction: a later format gets a new number, never a reread. */
export const TX_VERSION = 1
/** Domain separation of signed transactions from anything else a key might sign. */
export const TX_DOMAIN = 'unest/tx/v1'
export const SIGNATURE_LENGTH = 64
/** Keys one transaction may add, and remove: an account's list stays short. */
export const MAX_KEY_CHANGES = 16
/** Bytes of a called method's name: ABI names are identifiers, perhaps with a signature. */
export const MAX_METHOD_BYTES = 128

const utf8 = new TextEncoder()
const DOMAIN_BYTES = utf8.encode(TX_DOMAIN)

// Encoders check what decoders check, so anything encoded decodes to the same value.

/** A key as transactions and account records write it: scheme tag, then the public key. */
export function writeKey(w: ByteWriter, key: TxKey, what: string): void {
  const info = schemeInfo(key.scheme)
  if (info === undefined) throw new CodecError(`${what} has unknown scheme ${JSON.stringify(key.scheme)}`)
  if (!(key.publicKey instanceof Uint8Array) || key.publicKey.length !== info.keyLength) {
    throw new CodecError(`${what} is a ${key.scheme} key of ${key.publicKey?.length} bytes, not ${info.keyLength}`)
  }
  w.u8(info.tag)
  w.blob(key.publicKey)
}

export function readKey(r: ByteReader, what: string): TxKey {
  const tag = r.u8()
  const scheme = SCHEME_BY_TAG[tag]
  if (scheme === undefined) throw new CodecError(`${what} has unknown scheme tag ${tag}`)
  const publicKey = r.blob()
  const expected = SCHEMES[scheme].keyLength
  if (publicKey.length !== expected) throw new CodecError(`${what} is a ${scheme} key of ${publicKey.length} bytes, not ${expected}`)
  return { scheme, publicKey }
}

function writeBlob(w: ByteWriter, b: Uint8Array, max: number, what: string): void {
  if (!(b instanceof Uint8Array)) throw new CodecError(`${what} must be bytes`)
  if (b.length > max) throw new CodecError(`${what} has ${b.length} bytes, above the limit of ${max}`)
  w.blob(b)
}

function readBlob(r: ByteReader, max: number, what: string): Uint8Array {
  const b = r.blob()
  if (b.length > max) throw new CodecError(`${what} has ${b.length} bytes, above the limit of ${max}`)
  return b
}

function methodByte(c: number): boolean {
  return c >= 0x21 && c <= 0x7e
}

function writeMethod(w: ByteWriter, method: string): void {
  const fits = typeof method === 'string' && method.length >= 1 && method.length <= MAX_METHOD_BYTES
  if (!fits || ![...method].every((c) => methodByte(c.charCodeAt(0)))) {
    throw new CodecError(`method name ${JSON.stringify(method)} is not 1-${MAX_METHOD_BYTES} printable ASCII characters`)
  }
  w.uvar(method.length)
  for (let i = 0; i < method.length; i++) w.u8(method.charCodeAt(i))
}

function readMethod(r: ByteReader): string {
  const b = r.blob()
  if (b.length < 1 || b.length > MAX_METHOD_BYTES) throw new CodecError(`method name has ${b.length} bytes, not 1-${MAX_METHOD_BYTES}`)
  let s = ''
  for (const c of b) {
    if (!methodByte(c)) throw new CodecError(`method name has byte ${c}, outside printable ASCII`)
    s += String.fromCharCode(c)
  }
  return s
}

function writeKeyList(w: ByteWriter, keys: readonly TxKey[], what: string): void {
  if (!Array.isArray(keys) || keys.length > MAX_KEY_CHANGES) throw new CodecError(`${what}: at most ${MAX_KEY_CHANGES} keys`)
  w.uvar(keys.length)
  for (const k of keys) writeKey(w, k, what)
}

function readKeyList(r: ByteReader, what: string): TxKey[] {
  const n = r.count(MAX_KEY_CHANGES, what)
  const keys: TxKey[] = []
  for (let i = 0; i < n; i++) keys.push(readKey(r, what))
  return keys
}

type PayloadOf<K extends PayloadKind> = Extract<Payload, { kind: K }>

interface PayloadCodec<P extends Payload> {
  /** The byte that names the kind; never reused. */
  readonly tag: number
  write(w: ByteWriter, p: P): void
  read(r: ByteReader): P
}

const PAYLOADS: { readonly [K in PayloadKind]: PayloadCodec<PayloadOf<K>> } = {
  transfer: {
    tag: 1,
    write(w, p) {
      writeAddress(w, p.to, 'transfer recipient')
      writeToken(w, p.token, 'transfer token')
      writeAmount(w, p.amount, 'transfer amount')
    },
    read: (r) => ({ kind: 'transfer', to: readAddress(r), token: readToken(r, 'transfer token'), amount: readAmount(r, 'transfer amount') }),
  },
  deploy: {
    tag: 2,
    write(w, p) {
      writeBlob(w, p.module, MAX_MODULE_BYTES, 'deployed module')
      writeBlob(w, p.args, Number.MAX_SAFE_INTEGER, 'constructor arguments')
      writeAmount(w, p.value, 'deploy value')
      // The empty name stands for "the module's last contract class", so an explicit empty
      // name would have two spellings: refused.
      if (p.contract !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(p.contract)) throw new CodecError(`contract class name "${p.contract}" is not a class name`)
      w.str(p.contract ?? '')
    },
    read: (r) => {
      const module = readBlob(r, MAX_MODULE_BYTES, 'deployed module')
      const args = r.blob()
      const value = readAmount(r, 'deploy value')
      const contract = r.str()
      if (contract !== '' && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(contract)) throw new CodecError(`contract class name "${contract}" is not a class name`)
      return contract === '' ? { kind: 'deploy', module, args, value } : { kind: 'deploy', module, args, value, contract }
    },
  },
  call: {
    tag: 3,
    write(w, p) {
      writeAddress(w, p.to, 'called contract')
      writeMethod(w, p.method)
      writeBlob(w, p.args, Number.MAX_SAFE_INTEGER, 'call arguments')
      writeAmount(w, p.value, 'call value')
    },
    read: (r) => ({ kind: 'call', to: readAddress(r), method: readMethod(r), args: r.blob(), value: readAmount(r, 'call value') }),
  },
  keys: {
    tag: 4,
    write(w, p) {
      if (p.add.length + p.remove.length === 0) throw new CodecError('a keys payload must add or remove a key')
      writeKeyList(w, p.add, 'keys to add')
      writeKeyList(w, p.remove, 'keys to remove')
    },
    read(r) {
      const add = readKeyList(r, 'keys to add')
      const remove = readKeyList(r, 'keys to remove')
      if (add.length + remove.length === 0) throw new CodecError('a keys payload must add or remove a key')
      return { kind: 'keys', add, remove }
    },
  },
}

const PAYLOAD_BY_TAG: readonly (PayloadCodec<Payload> | undefined)[] = (() => {
  const table: (PayloadCodec<Payload> | undefined)[] = new Array(256).fill(undefined)
  for (const codec of Object.values(PAYLOADS)) table[codec.tag] = codec as PayloadCodec<Payload>
  return table
})()

function writeUnsigned(w: ByteWriter, tx: UnsignedTx): void {
  w.u8(TX_VERSION)
  writeAddress(w, tx.sender, 'sender')
  writeKey(w, tx.key, 'signing key')
  writeU64(w, tx.nonce, 'nonce')
  writeToken(w, tx.fee.token, 'fee token')
  writeAmount(w, tx.fee.amount, 'fee amount')
  writeU64(w, tx.gasLimit, 'gas limit')
  const kind = tx.payload.kind
  const codec = Object.hasOwn(PAYLOADS, kind) ? (PAYLOADS[kind] as PayloadCodec<Payload>) : undefined
  if (codec === undefined) throw new CodecError(`unknown payload kind ${JSON.stringify(tx.payload.kind)}`)
  w.u8(codec.tag)
  codec.write(w, tx.payload)
}

function writeSignature(w: ByteWriter, signature: Uint8Array): void {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw new CodecError(`a signature has ${SIGNATURE_LENGTH} bytes, not ${signature?.length}`)
  }
  w.blob(signature)
}

/** The canonical bytes of a transaction without its signature. Throws CodecError on a
 *  field no encoding exists for (amount out of range, key of the wrong length, ...). */
export function encodeUnsigned(tx: UnsignedTx): Uint8Array {
  const w = new ByteWriter()
  writeUnsigned(w, tx)
  return w.finish()
}

export function encodeTx(tx: Tx): Uint8Array {
  const w = new ByteWriter()
  writeUnsigned(w, tx)
  writeSignature(w, tx.signature)
  return w.finish()
}

/** The one decoder. Throws CodecError on anything but the canonical encoding of a
 *  transaction, trailing bytes included. Byte fields (keys, signature, module, args) are
 *  views into `bytes`, which must not change afterwards. */
export function decodeTx(bytes: Uint8Array): Tx {
  const r = codecReader(bytes)
  const version = r.u8()
  if (version !== TX_VERSION) throw new CodecError(`unknown transaction version ${version}`)
  const sender = readAddress(r)
  const key = readKey(r, 'signing key')
  const nonce = readU64(r)
  const feeToken = readToken(r, 'fee token')
  const feeAmount = readAmount(r, 'fee amount')
  const gasLimit = readU64(r)
  const tag = r.u8()
  const codec = PAYLOAD_BY_TAG[tag]
  if (codec === undefined) throw new CodecError(`unknown payload tag ${tag}`)
  const payload = codec.read(r)
  const signature = r.blob()
  if (signature.length !== SIGNATURE_LENGTH) throw new CodecError(`a signature has ${SIGNATURE_LENGTH} bytes, not ${signature.length}`)
  expectEnd(r, 'transaction')
  return { sender, key, nonce, fee: { token: feeToken, amount: feeAmount }, gasLimit, payload, signature }
}

// Chain ids are few and a node verifies many transactions under one: keep the last bytes.
let lastChainId = ''
let lastChainIdBytes = new Uint8Array(0)

function chainIdBytes(chainId: string): Uint8Array {
  if (chainId !== lastChainId) {
    lastChainIdBytes = utf8.encode(chainId)
    lastChainId = chainId
  }
  return lastChainIdBytes
}

/** What a transaction's signature covers: utf8("unest/tx/v1") ‖ blob(utf8 chainId) ‖
 *  encodeUnsigned(tx). The fixed domain has no length prefix; the chain id has one so no
 *  id is a prefix of another's preimage. */
export function txPreimage(chainId: string, tx: UnsignedTx): Uint8Array {
  const w = new ByteWriter()
  w.bytes(DOMAIN_BYTES)
  w.blob(chainIdBytes(chainId))
  writeUnsigned(w, tx)
  return w.finish()
}

/** The transaction's id: SHA-256 of its full encoding, signature included. */
export function txHash(crypto: Pick<Crypto, 'sha256'>, tx: Tx): Uint8Array {
  return crypto.sha256(encodeTx(tx))
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Signs with `signer`, which must hold the transaction's key (a caller bug otherwise). */
export async function signTx(signer: Signer, chainId: string, tx: UnsignedTx): Promise<Tx> {
  if (signer.scheme !== tx.key.scheme || !sameBytes(signer.publicKey, tx.key.publicKey)) {
    throw new Error(`the signer's ${signer.scheme} key is not the transaction's signing key`)
  }
  const signature = await signer.sign(txPreimage(chainId, tx))
  if (signature.length !== SIGNATURE_LENGTH) throw new Error(`the signer returned ${signature.length} bytes, not a ${SIGNATURE_LENGTH}-byte signature`)
  const { sender, key, nonce, fee, gasLimit, payload } = tx
  return { sender, key, nonce, fee, gasLimit, payload, signature }
}

/** How each scheme checks a preimage (crypto.ts has the rules; P-256 hashes it there). */
const VERIFIERS: Readonly<Record<Scheme, (c: Crypto, publicKey: Uint8Array, preimage: Uint8Array, sig: Uint8Array) => boolean>> = {
  ed25519: (c, publicKey, preimage, sig) => c.ed25519Verify(publicKey, preimage, sig),
  p256: (c, publicKey, preimage, sig) => c.p256Verify(publicKey, preimage, sig),
}

/** Whether the signature is the transaction key's over its preimage under `chainId`. False,
 *  not a throw, for a transaction that has no encoding. Says nothing of the key belonging
 *  to the sender. */
/** As verifyTxSignature, given the transaction's encoding (which a chain has at hand): the
 *  unsigned encoding is its prefix, before the 65-byte signature blob, so the preimage is
 *  built without encoding the transaction again. */
export function verifyEncodedTxSignature(crypto: Crypto, chainId: string, tx: Tx, encoded: Uint8Array): boolean {
  const verify = Object.hasOwn(VERIFIERS, tx.key.scheme) ? VERIFIERS[tx.key.scheme] : undefined
  if (verify === undefined || !(tx.signature instanceof Uint8Array) || tx.signature.length !== SIGNATURE_LENGTH) return false
  const unsigned = encoded.length - 1 - SIGNATURE_LENGTH
  const id = chainIdBytes(chainId)
  const w = new ByteWriter(DOMAIN_BYTES.length + 2 + id.length + unsigned)
  w.bytes(DOMAIN_BYTES)
  w.blob(id)
  w.bytes(encoded.subarray(0, unsigned))
  return verify(crypto, tx.key.publicKey, w.finish(), tx.signature)
}

export function verifyTxSignature(crypto: Crypto, chainId: string, tx: Tx): boolean {
  const verify = Object.hasOwn(VERIFIERS, tx.key.scheme) ? VERIFIERS[tx.key.scheme] : undefined
  if (verify === undefined || !(tx.signature instanceof Uint8Array) || tx.signature.length !== SIGNATURE_LENGTH) return false
  let preimage: Uint8Array
  try {
    preimage = txPreimage(chainId, tx)
  } catch (e) {
    if (e instanceof CodecError) return false
    throw e
  }
  return verify(crypto, tx.key.publicKey, preimage, tx.signature)
}
