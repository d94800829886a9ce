// Blocks: the header that commits to the state root, the transactions and their receipts, and
// the binary Merkle root those lists are committed by.

import { ByteWriter } from '../vm/bytes-io.js'
import type { Address } from './address.js'
import { tagged, writeAddress } from './codec.js'
import type { Crypto } from './crypto.js'

export interface BlockHeader {
  readonly height: number
  /** Seconds since the epoch. */
  readonly time: number
  readonly parent: Uint8Array
  readonly producer: Address
  readonly stateRoot: Uint8Array
  readonly txRoot: Uint8Array
  readonly receiptRoot: Uint8Array
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  const w = new ByteWriter()
  w.str('unest/block/v1')
  w.uvar(h.height)
  w.uvar(h.time)
  w.bytes(h.parent)
  writeAddress(w, h.producer, 'producer')
  w.bytes(h.stateRoot)
  w.bytes(h.txRoot)
  w.bytes(h.receiptRoot)
  return w.finish()
}

export function blockHash(crypto: Pick<Crypto, 'sha256'>, h: BlockHeader): Uint8Array {
  return crypto.sha256(encodeHeader(h))
}

/** Root of a list of items: a binary Merkle tree over their hashes, the last node of an odd
 *  level carried up unpaired; leaves and inner nodes are hashed in separate domains. The empty
 *  list's root is 32 zero bytes. */
export function listRoot(crypto: Pick<Crypto, 'sha256'>, items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return new Uint8Array(32)
  let level = items.map((it) => crypto.sha256(tagged(0, it)))
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? crypto.sha256(tagged(1, level[i], level[i + 1])) : level[i])
    }
    level = next
  }
  return level[0]
}
