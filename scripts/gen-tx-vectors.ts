// Builds the transaction test vectors (test/chain/vectors/tx-vectors.json): fixed dev keys
// of both schemes, fixed transactions of every payload kind, and their encodings, preimages,
// signatures and hashes, for other implementations of the format to check themselves
// against. `node --import tsx scripts/gen-tx-vectors.ts` rewrites the file; a test fails
// when it is stale. Review the diff: a changed vector is a changed format.

import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { addressOf, formatAddress, parseAddress, type Scheme } from '../chain/address.js'
import { nobleCrypto } from '../chain/crypto-noble.js'
import { devKey, devSecret } from '../chain/signer.js'
import { encodeTx, encodeUnsigned, signTx, txHash, txPreimage, type Payload, type TxKey, type UnsignedTx } from '../chain/tx.js'

export const TX_VECTORS_FILE = fileURLToPath(new URL('../test/chain/vectors/tx-vectors.json', import.meta.url))
export const VECTOR_CHAIN_ID = 'unest-vectors-1'

/** A transaction in JSON: bytes as hex, addresses as 0x-hex, amounts as decimal strings. */
export type JsonTx = {
  sender: string
  key: { scheme: Scheme; publicKey: string }
  nonce: number
  fee: { token: string; amount: string }
  gasLimit: number
  payload: Record<string, unknown>
}

export interface TxVector {
  name: string
  scheme: Scheme
  devIndex: number
  secret: string
  address: string
  chainId: string
  tx: JsonTx
  unsigned: string
  preimage: string
  signature: string
  encoding: string
  hash: string
}

const keyToJson = (k: TxKey) => ({ scheme: k.scheme, publicKey: bytesToHex(k.publicKey) })

function payloadToJson(p: Payload): Record<string, unknown> {
  switch (p.kind) {
    case 'transfer':
      return { kind: p.kind, to: formatAddress(p.to), token: p.token, amount: p.amount.toString() }
    case 'deploy':
      return { kind: p.kind, module: bytesToHex(p.module), args: bytesToHex(p.args), value: p.value.toString() }
    case 'call':
      return { kind: p.kind, to: formatAddress(p.to), method: p.method, args: bytesToHex(p.args), value: p.value.toString() }
    case 'keys':
      return { kind: p.kind, add: p.add.map(keyToJson), remove: p.remove.map(keyToJson) }
  }
}

export function txToJson(tx: UnsignedTx): JsonTx {
  return {
    sender: formatAddress(tx.sender),
    key: keyToJson(tx.key),
    nonce: tx.nonce,
    fee: { token: tx.fee.token, amount: tx.fee.amount.toString() },
    gasLimit: tx.gasLimit,
    payload: payloadToJson(tx.payload),
  }
}

function address(text: unknown): Uint8Array {
  const a = parseAddress(String(text))
  if (!(a instanceof Uint8Array)) throw new Error(a.message)
  return a
}

const keyFromJson = (k: { scheme: Scheme; publicKey: string }): TxKey => ({ scheme: k.scheme, publicKey: hexToBytes(k.publicKey) })

function payloadFromJson(p: Record<string, unknown>): Payload {
  const s = (k: string) => String(p[k])
  switch (p.kind) {
    case 'transfer':
      return { kind: 'transfer', to: address(p.to), token: s('token'), amount: BigInt(s('amount')) }
    case 'deploy':
      return { kind: 'deploy', module: hexToBytes(s('module')), args: hexToBytes(s('args')), value: BigInt(s('value')) }
    case 'call':
      return { kind: 'call', to: address(p.to), method: s('method'), args: hexToBytes(s('args')), value: BigInt(s('value')) }
    case 'keys':
      return { kind: 'keys', add: (p.add as JsonTx['key'][]).map(keyFromJson), remove: (p.remove as JsonTx['key'][]).map(keyFromJson) }
  }
  throw new Error(`unknown payload kind ${JSON.stringify(p.kind)}`)
}

export function txFromJson(j: JsonTx): UnsignedTx {
  return {
    sender: address(j.sender),
    key: keyFromJson(j.key),
    nonce: j.nonce,
    fee: { token: j.fee.token, amount: BigInt(j.fee.amount) },
    gasLimit: j.gasLimit,
    payload: payloadFromJson(j.payload),
  }
}

const bytes = (...xs: number[]) => Uint8Array.from(xs)

/** The fixed transactions: every payload kind, boundary amounts, both schemes as signer. */
function fixedTxs(scheme: Scheme, key: TxKey, sender: Uint8Array): [string, UnsignedTx][] {
  const other = devKey(scheme === 'ed25519' ? 'p256' : 'ed25519', 1)
  const recipient = addressOf(nobleCrypto, 'ed25519', devKey('ed25519', 2).publicKey)
  const contract = address('0x00112233445566778899aabbccddeeff00112233')
  const base = { sender, key, fee: { token: 'NEST', amount: 21_000n }, gasLimit: 100_000 }
  return [
    [`${scheme} transfer`, { ...base, nonce: 1, payload: { kind: 'transfer', to: recipient, token: 'NEST', amount: 1_000_000_000_000_000_000n } }],
    [`${scheme} transfer of a sub-token, largest amount and fee`, {
      ...base, nonce: 2 ** 53 - 1, fee: { token: 'NEST', amount: (1n << 256n) - 1n }, gasLimit: 0,
      payload: { kind: 'transfer', to: recipient, token: 'USD0', amount: (1n << 256n) - 1n },
    }],
    [`${scheme} deploy`, { ...base, nonce: 3, payload: { kind: 'deploy', module: bytes(0x6e, 0x56, 0x4d, 1, 0, 0xff), args: bytes(1, 2, 3), value: 0n } }],
    [`${scheme} call`, { ...base, nonce: 128, payload: { kind: 'call', to: contract, method: 'transfer(_,_)', args: bytes(0xab, 0xcd), value: 255n } }],
    [`${scheme} keys`, {
      ...base, nonce: 4,
      payload: { kind: 'keys', add: [{ scheme: other.scheme, publicKey: other.publicKey }], remove: [key] },
    }],
  ]
}

export async function buildTxVectors(): Promise<TxVector[]> {
  const out: TxVector[] = []
  for (const scheme of ['ed25519', 'p256'] as const) {
    const devIndex = 0
    const signer = devKey(scheme, devIndex)
    const key = { scheme, publicKey: signer.publicKey }
    const sender = addressOf(nobleCrypto, scheme, signer.publicKey)
    for (const [name, tx] of fixedTxs(scheme, key, sender)) {
      const signed = await signTx(signer, VECTOR_CHAIN_ID, tx)
      out.push({
        name,
        scheme,
        devIndex,
        secret: bytesToHex(devSecret(scheme, devIndex)),
        address: formatAddress(sender),
        chainId: VECTOR_CHAIN_ID,
        tx: txToJson(tx),
        unsigned: bytesToHex(encodeUnsigned(tx)),
        preimage: bytesToHex(txPreimage(VECTOR_CHAIN_ID, tx)),
        signature: bytesToHex(signed.signature),
        encoding: bytesToHex(encodeTx(signed)),
        hash: bytesToHex(txHash(nobleCrypto, signed)),
      })
    }
  }
  return out
}

export async function txVectorsJson(): Promise<string> {
  return JSON.stringify({ note: 'Generated by scripts/gen-tx-vectors.ts. Do not edit.', vectors: await buildTxVectors() }, null, 2) + '\n'
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TX_VECTORS_FILE, await txVectorsJson())
  console.log(`wrote ${TX_VECTORS_FILE}`)
}
