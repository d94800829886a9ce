// The shared-memory layout by which worker threads and the main thread split the signature
// checks of a batch of encoded transactions: chunks are claimed in order from one counter,
// so whoever is free takes the next chunk, and the main thread takes one itself only when
// the workers have not reached the chunk it needs next. No message passes per chunk.

import { decodeTx, verifyTxSignature } from '../../chain/tx.js'
import type { Crypto } from '../../chain/crypto.js'

/** Transactions per claimed chunk: small enough to balance, large enough to make claims rare. */
export const CHUNK = 50

/** A claimed chunk takes milliseconds; this long means its worker died. */
const WAIT_LIMIT_MS = 30_000

/** Status of a chunk. */
export const PENDING = 0
export const DONE = 1

export interface SharedBatch {
  readonly chainId: string
  /** Every encoded transaction, back to back. */
  readonly bytes: SharedArrayBuffer
  /** Int32: start offset of transaction i in `bytes`, and one more for the end. */
  readonly offsets: SharedArrayBuffer
  /** Int32[1]: the next chunk nobody has claimed. */
  readonly next: SharedArrayBuffer
  /** Int32 per chunk: PENDING or DONE. */
  readonly status: SharedArrayBuffer
  /** Uint8 per transaction: 1 when its signature verifies. */
  readonly verdicts: SharedArrayBuffer
}

export function packBatch(chainId: string, encoded: readonly Uint8Array[]): SharedBatch {
  const total = encoded.reduce((n, e) => n + e.length, 0)
  const bytes = new SharedArrayBuffer(total)
  const offsets = new SharedArrayBuffer(4 * (encoded.length + 1))
  const view = new Uint8Array(bytes)
  const off = new Int32Array(offsets)
  let at = 0
  encoded.forEach((e, i) => {
    off[i] = at
    view.set(e, at)
    at += e.length
  })
  off[encoded.length] = at
  const chunks = Math.ceil(encoded.length / CHUNK)
  return { chainId, bytes, offsets, next: new SharedArrayBuffer(4), status: new SharedArrayBuffer(4 * chunks), verdicts: new SharedArrayBuffer(encoded.length) }
}

export const chunkCount = (b: SharedBatch): number => new Int32Array(b.status).length

/** Decodes and checks the transactions of chunk `c`, then marks it done and wakes a waiter. */
export function verifyChunk(crypto: Crypto, b: SharedBatch, c: number): void {
  const bytes = new Uint8Array(b.bytes)
  const off = new Int32Array(b.offsets)
  const verdicts = new Uint8Array(b.verdicts)
  const end = Math.min((c + 1) * CHUNK, off.length - 1)
  for (let i = c * CHUNK; i < end; i++) {
    let ok = false
    try {
      ok = verifyTxSignature(crypto, b.chainId, decodeTx(bytes.subarray(off[i], off[i + 1])))
    } catch {
      ok = false
    }
    verdicts[i] = ok ? 1 : 0
  }
  const status = new Int32Array(b.status)
  Atomics.store(status, c, DONE)
  Atomics.notify(status, c)
}

/** A worker's loop: claims chunks until none is left. */
export function verifyClaimed(crypto: Crypto, b: SharedBatch): number {
  const next = new Int32Array(b.next)
  const chunks = chunkCount(b)
  let done = 0
  for (let c = Atomics.add(next, 0, 1); c < chunks; c = Atomics.add(next, 0, 1)) {
    verifyChunk(crypto, b, c)
    done++
  }
  return done
}

/** The main thread before executing chunk `c`: verifies it if nobody claimed it, else waits
 *  for whoever did. Returns whether the main thread did it. */
export function ensureVerified(crypto: Crypto, b: SharedBatch, c: number): boolean {
  const next = new Int32Array(b.next)
  if (Atomics.compareExchange(next, 0, c, c + 1) === c) {
    verifyChunk(crypto, b, c)
    return true
  }
  const status = new Int32Array(b.status)
  while (Atomics.load(status, c) !== DONE) {
    if (Atomics.wait(status, c, PENDING, WAIT_LIMIT_MS) === 'timed-out') throw new Error(`chunk ${c}: its worker did not finish in ${WAIT_LIMIT_MS} ms`)
  }
  return false
}
