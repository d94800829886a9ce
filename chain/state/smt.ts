// The state root: a sparse Merkle tree over 256-bit paths (path = hash(key)) with membership and
// non-membership proofs. Not a key-value store: a leaf keeps hash(value) only; values live in
// chain state (kv.ts, journal.ts). Nodes live in a NodeStore so the node persists this same tree.
//
// Compact form: a subtree holding no leaf is the constant ZERO (32 zero bytes, never stored);
// a subtree holding exactly one leaf is that leaf, wherever it sits (the leaf is hoisted to the
// shortest prefix its path does not share with any other); a subtree holding two or more leaves
// is a branch. The form is unique for a set of leaves, so the root depends only on the set of
// (key, value) pairs, never on insertion order or batching. Depth is about log2(leaves) + 2 with
// hashed paths, so a batch of k changes costs O(k × depth) hashes whatever the total state.
//
// Nodes are 65 bytes and a node's hash is hash(node): a leaf is 0x00 ‖ path ‖ hash(value), a
// branch 0x01 ‖ left ‖ right. The tag byte separates the two domains: no leaf hash can pass for
// a branch hash. Nodes are content-addressed and never mutated, so every earlier root stays
// readable (a snapshot re-opens one with `new Smt(store, hash, oldRoot)`).
//
// Speed (a block rehashes some 60 nodes, and that was most of a block's time): an update walks
// entry numbers of a MemoryNodeStore, following child links the store records rather than
// looking hashes up, and writes and hashes each new node in place in the store's slab, so it
// allocates nothing per node. With `hashKind: 'sha256'` nodes are hashed by sha256Node below,
// about twice as fast as node:crypto on 65 bytes. Any other NodeStore gets a MemoryNodeStore in
// front of it as a cache, and receives every node the tree writes.

import { toHex } from './keys-hex.js'
import { bytesEqual } from './kv.js'

export type HashFn = (data: Uint8Array) => Uint8Array

export const HASH_BYTES = 32
/** Depth is bounded by the path length: two distinct paths part before bit 256. */
export const MAX_DEPTH = 256
const NODE_BYTES = 1 + 2 * HASH_BYTES
const LEAF_TAG = 0
const BRANCH_TAG = 1

// ---------------------------------------------------------------------------------------------
// SHA-256 of one tree node (FIPS 180-4), specialised for exactly 65 bytes.

const SHA256_K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
)
const SHA256_IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)

/** Extends w[0, 16) to the 64-word message schedule, each word plus its round constant. */
function scheduleWithK(w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]
    const y = w[i - 2]
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0
  }
  for (let i = 0; i < 64; i++) w[i] = (w[i] + SHA256_K[i]) | 0
}

/**
 * A 65-byte message pads to two blocks, and the second is byte 64, then 0x80, zeros and the bit
 * length 520: one of 256 blocks. Their schedules (plus round constants) are computed once here,
 * 64 KiB, so the second compression skips its schedule.
 */
const PAD_SCHEDULES = ((): Int32Array => {
  const table = new Int32Array(256 * 64)
  const w = new Int32Array(64)
  for (let last = 0; last < 256; last++) {
    w.fill(0)
    w[0] = (last << 24) | 0x800000
    w[15] = 65 * 8
    scheduleWithK(w)
    table.set(w, last * 64)
  }
  return table
})()

/**
 * The message schedule, reused by every call. Module-level on purpose: V8 compiles a constant
 * typed array's accesses much tighter than a field's (measured: a quarter of the hash's time).
 * No state survives a call, so callers cannot tell it is shared.
 */
const SCHEDULE = new Int32Array(64)

/**
 * SHA-256 of the 65 bytes src[at, at + 65), the size of every tree node, written to
 * out[outAt, outAt + 32). node:crypto's per-call cost dominates for such small inputs and a
 * general JS hash pays for buffering and padding it does not need here; this one keeps the
 * state in locals. Checked against @noble/hashes on random inputs (test/chain/state/smt.test.ts).
 */
export function sha256Node(src: Uint8Array, at: number, out: Uint8Array, outAt: number): void {
  const w = SCHEDULE
  for (let i = 0, p = at; i < 16; i++, p += 4) w[i] = (src[p] << 24) | (src[p + 1] << 16) | (src[p + 2] << 8) | src[p + 3]
  scheduleWithK(w)
  const iv = SHA256_IV
  let a = iv[0], b = iv[1], c = iv[2], d = iv[3], e = iv[4], f = iv[5], g = iv[6], h = iv[7]
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + w[i]) | 0
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0
  }
  const a1 = (a + iv[0]) | 0, b1 = (b + iv[1]) | 0, c1 = (c + iv[2]) | 0, d1 = (d + iv[3]) | 0
  const e1 = (e + iv[4]) | 0, f1 = (f + iv[5]) | 0, g1 = (g + iv[6]) | 0, h1 = (h + iv[7]) | 0
  a = a1; b = b1; c = c1; d = d1; e = e1; f = f1; g = g1; h = h1
  const pad = PAD_SCHEDULES
  for (let i = 0, k = src[at + 64] * 64; i < 64; i++, k++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + pad[k]) | 0
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0
  }
  putWord(out, outAt, a + a1)
  putWord(out, outAt + 4, b + b1)
  putWord(out, outAt + 8, c + c1)
  putWord(out, outAt + 12, d + d1)
  putWord(out, outAt + 16, e + e1)
  putWord(out, outAt + 20, f + f1)
  putWord(out, outAt + 24, g + g1)
  putWord(out, outAt + 28, h + h1)
}

function putWord(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24
  out[at + 1] = v >>> 16
  out[at + 2] = v >>> 8
  out[at + 3] = v
}

// ---------------------------------------------------------------------------------------------
// Node stores.

/**
 * Where nodes live, keyed by their hash. `put` must copy `node` if it keeps it (the tree reuses
 * that buffer); writing the same node twice is harmless. Nodes are never changed or removed, and
 * what `get` returns must stay valid (not a buffer the next `get` reuses): the tree holds a node
 * while it reads others.
 */
export interface NodeStore {
  get(hash: Uint8Array): Uint8Array | undefined
  put(hash: Uint8Array, node: Uint8Array): void
}

const SLAB_SHIFT = 12
const SLAB_NODES = 1 << SLAB_SHIFT

// An entry's layout in its slab. Hashes start at multiples of 4 so the tree can copy and
// compare them as eight int32 words through the slab's Int32Array view.
const ENTRY_HASH = 0
/** Two int32 child links (left, right): see MemoryNodeStore.link. */
const ENTRY_LINKS = 32
/** The node, tag ‖ left ‖ right, contiguous so that `get` can return a view of it. */
const ENTRY_NODE = 43
const ENTRY_LEFT = ENTRY_NODE + 1
const ENTRY_RIGHT = ENTRY_LEFT + HASH_BYTES
const ENTRY_BYTES = ENTRY_RIGHT + HASH_BYTES
const ENTRY_WORDS = ENTRY_BYTES >> 2
const HASH_WORDS = HASH_BYTES >> 2

/** The empty subtree (ZERO): it has no entry. */
const EMPTY = -1
/** A child link not recorded yet. */
const NO_LINK = -3

/**
 * Nodes in memory: each entry is copied into large slabs rather than kept as its own small
 * array, and found through an open-addressing table indexed by the hash's first bits (hashes
 * are uniform already), which is far cheaper than a Map of strings.
 *
 * Besides the NodeStore methods it offers the tree entry numbers (find, reserve, commit; slabOf,
 * wordsOf and offsetOf reach an entry's bytes; link and setLink its children's entry numbers):
 * the tree reads children and writes new nodes in place, with no array per node. The tree
 * follows links rather than hashes, so the entries it commits join the table only at the next
 * lookup by hash: a block's updates then never touch the table, whose slots are cache misses
 * once the store is large.
 */
export class MemoryNodeStore implements NodeStore {
  /**
   * Two int32 per slot: entry number + 1 (0 when free) and the hash's first four bytes, which
   * rule out other entries without reading their slab and give the slot again when the table
   * grows. Kept at most half full.
   */
  private table = new Int32Array(2 << 12)
  private readonly slabs: Uint8Array[] = []
  private readonly slabWords: Int32Array[] = []
  private count = 0
  /** Entries [0, indexed) are in the table; the rest join it at the next lookup. */
  private indexed = 0

  /** Entries held. A node committed twice by the tree may count twice (see commit). */
  get size(): number {
    return this.count
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    if (hash.length !== HASH_BYTES) return undefined
    const e = this.find(hash, 0)
    if (e < 0) return undefined
    const at = this.offsetOf(e) + ENTRY_NODE
    return this.slabOf(e).subarray(at, at + NODE_BYTES)
  }

  put(hash: Uint8Array, node: Uint8Array): void {
    if (hash.length !== HASH_BYTES || this.find(hash, 0) >= 0) return
    const e = this.reserve()
    const slab = this.slabOf(e)
    const at = this.offsetOf(e)
    slab.set(hash, at + ENTRY_HASH)
    slab.set(node.subarray(0, NODE_BYTES), at + ENTRY_NODE)
    this.commit()
  }

  /** The number of an entry whose hash is buf[off, off + 32), or -1. */
  find(buf: Uint8Array, off: number): number {
    if (this.indexed < this.count) this.index()
    const table = this.table
    const mask = (table.length >> 1) - 1
    const check = firstWord(buf, off)
    for (let slot = check & mask; ; slot = (slot + 1) & mask) {
      const e = table[2 * slot] - 1
      if (e < 0) return -1
      if (table[2 * slot + 1] === check && this.hashIs(e, buf, off)) return e
    }
  }

  /** The slab holding entry `e`; the entry starts at offsetOf(e) (see the layout above). */
  slabOf(e: number): Uint8Array {
    return this.slabs[e >> SLAB_SHIFT]
  }

  /** The same slab as int32 words: word i is bytes [4i, 4i + 4). */
  wordsOf(e: number): Int32Array {
    return this.slabWords[e >> SLAB_SHIFT]
  }

  offsetOf(e: number): number {
    return (e & (SLAB_NODES - 1)) * ENTRY_BYTES
  }

  /**
   * The entry number of a branch's left (side 0) or right (side 1) child, EMPTY when it is
   * ZERO, or NO_LINK when nobody recorded it. Nodes never change, so a link once recorded holds
   * for good, and following it saves a table lookup (a cache miss in a large store) per level.
   */
  link(e: number, side: number): number {
    const v = this.wordsOf(e)[((this.offsetOf(e) + ENTRY_LINKS) >> 2) + side]
    return v === 0 ? NO_LINK : v - 2
  }

  setLink(e: number, side: number, child: number): void {
    this.wordsOf(e)[((this.offsetOf(e) + ENTRY_LINKS) >> 2) + side] = child + 2
  }

  /**
   * The number the next entry will get. The caller writes its hash and node there, then calls
   * commit; until then the entry is not in the store and the next reserve hands out the same one.
   */
  reserve(): number {
    const e = this.count
    if (e >> SLAB_SHIFT === this.slabs.length) {
      const words = new Int32Array(SLAB_NODES * ENTRY_WORDS)
      this.slabWords.push(words)
      this.slabs.push(new Uint8Array(words.buffer))
    }
    // An abandoned reservation may have left links behind.
    const at = (this.offsetOf(e) + ENTRY_LINKS) >> 2
    const words = this.wordsOf(e)
    words[at] = 0
    words[at + 1] = 0
    return e
  }

  /**
   * Adds the reserved entry and returns its number. It joins the table at the next lookup,
   * unless the table has its hash by then: the copy stays in its slab (an entry links may
   * reach) and lookups find the first.
   */
  commit(): number {
    return this.count++
  }

  /** Brings the table up to date with the entries committed since the last lookup. */
  private index(): void {
    while (this.count * 4 > this.table.length) this.grow()
    const table = this.table
    const mask = (table.length >> 1) - 1
    next: for (let e = this.indexed; e < this.count; e++) {
      const slab = this.slabOf(e)
      const at = this.offsetOf(e)
      const check = firstWord(slab, at)
      let slot = check & mask
      for (let other = table[2 * slot] - 1; other >= 0; other = table[2 * slot] - 1) {
        if (table[2 * slot + 1] === check && this.hashIs(other, slab, at)) continue next
        slot = (slot + 1) & mask
      }
      table[2 * slot] = e + 1
      table[2 * slot + 1] = check
    }
    this.indexed = this.count
  }

  private grow(): void {
    const old = this.table
    const table = new Int32Array(old.length * 2)
    const mask = (table.length >> 1) - 1
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue
      let slot = old[i + 1] & mask
      while (table[2 * slot] !== 0) slot = (slot + 1) & mask
      table[2 * slot] = old[i]
      table[2 * slot + 1] = old[i + 1]
    }
    this.table = table
  }

  private hashIs(e: number, buf: Uint8Array, off: number): boolean {
    const slab = this.slabOf(e)
    const at = this.offsetOf(e)
    for (let j = 0; j < HASH_BYTES; j++) if (slab[at + j] !== buf[off + j]) return false
    return true
  }
}

/** A hash's first four bytes as an int32: the table's slot (hashes are uniform) and check word. */
function firstWord(buf: Uint8Array, off: number): number {
  return buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24)
}

/** A root this tree cannot read: the store lacks a node reachable from it. */
export class MissingNodeError extends Error {
  constructor(readonly hash: Uint8Array) {
    super(`state tree node missing from the store: ${toHex(hash)}`)
    this.name = 'MissingNodeError'
  }
}

/** The root of the empty tree (a fresh copy: the caller may keep it). */
export function emptyRoot(): Uint8Array {
  return new Uint8Array(HASH_BYTES)
}

/**
 * A proof for one key against one root. `siblings` runs from the root down to the node where
 * the key's path ends: a leaf (`leaf`), or an empty subtree (`leaf` null). The key is present
 * when that leaf's path is the key's path, and absent when the leaf is another key's or the
 * subtree is empty.
 */
export interface Proof {
  readonly siblings: readonly Uint8Array[]
  readonly leaf: { readonly path: Uint8Array; readonly valueHash: Uint8Array } | null
}

export interface SmtOptions {
  /**
   * 'sha256' declares that `hash` is SHA-256, so the tree hashes its own 65-byte nodes with
   * sha256Node (same roots, about twice as fast); keys and values still go through `hash`.
   */
  readonly hashKind?: 'sha256'
}

/** A tree told its hash is SHA-256 when it is not: its roots would match no verifier's. */
export class HashKindMismatchError extends Error {
  constructor() {
    super("Smt: hashKind 'sha256' given with a hash function that is not SHA-256")
    this.name = 'HashKindMismatchError'
  }
}

// ---------------------------------------------------------------------------------------------
// The tree.

/**
 * A subtree as an update sees it: a MemoryNodeStore entry number (>= 0), EMPTY, or UNTOUCHED:
 * a side of a branch the batch did not reach (its hash is read from the branch when needed).
 */
type Subtree = number
const UNTOUCHED: Subtree = -2

/** hash(key) for a key met before: blocks change the same accounts and fields again and again. */
interface PathEntry {
  readonly key: Uint8Array
  readonly path: Uint8Array
  /** Another key with the same keyHash. */
  readonly next: PathEntry | undefined
}

/** Batches up to this size are sorted by insertion. */
const SMALL_BATCH = 16
/** A packed sort key is top32(path) × this + position: exact in a double up to 2^53. */
const PACKED_POSITIONS = 2 ** 21
/** Batch arrays for more changes than this are dropped after the update. */
const RETAINED_BATCH = 1 << 16
/** Cleared when full rather than evicting one by one. */
const PATH_CACHE_KEYS = 1 << 16
/** With a store other than MemoryNodeStore, nodes read or written are kept in memory up to this. */
const STORE_CACHE_NODES = 1 << 18

function isZeroAt(buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (buf[off + i] !== 0) return false
  return true
}

function bitAt(path: Uint8Array, depth: number): number {
  return (path[depth >> 3] >> (7 - (depth & 7))) & 1
}

function copy32(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let i = 0; i < HASH_BYTES; i++) dst[to + i] = src[from + i]
}

function topBits(path: Uint8Array): number {
  return ((path[0] << 24) | (path[1] << 16) | (path[2] << 8) | path[3]) >>> 0
}

/** Byte order of two paths; hashed paths almost always differ in the first byte. */
function comparePaths(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < HASH_BYTES; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/** A cheap hash of a key for the path cache (FNV-1a), kept a small integer for the Map. */
function keyHash(key: Uint8Array): number {
  let h = 0x811c9dc5 ^ key.length
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193)
  return h & 0x3fffffff
}

function nodeBytes(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const node = new Uint8Array(NODE_BYTES)
  node[0] = tag
  node.set(a, 1)
  node.set(b, 1 + HASH_BYTES)
  return node
}

function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let d = 0; d < bits; d++) if (bitAt(a, d) !== bitAt(b, d)) return false
  return true
}

/** Where a branch keeps the hash of its child on `side` (0 left, 1 right), from the entry start. */
const sideAt = (side: number) => (side === 0 ? ENTRY_LEFT : ENTRY_RIGHT)

export class Smt {
  private rootHash: Uint8Array
  /** The root's entry once known (EMPTY for ZERO), else NO_LINK: saves a lookup per update. */
  private rootEntry = NO_LINK
  /** The store itself when it is a MemoryNodeStore, else a cache in front of `backing`. */
  private nodes: MemoryNodeStore
  private readonly backing: NodeStore | null
  /** Set when `hash` is SHA-256: nodes are then hashed in place by sha256Node. */
  private readonly sha256Nodes: boolean
  /**
   * The current batch in path order, one change per path: its path, whether it writes (1) or
   * deletes (0), and a write's value hash at valueHashes[32 i]. Arrays kept across updates, so
   * that even a large batch leaves few objects for the garbage collector to copy.
   */
  private readonly batch: Uint8Array[] = []
  private writes = new Uint8Array(0)
  private valueHashes = new Uint8Array(0)
  /** The batch as given, before sorting. */
  private readonly inPaths: Uint8Array[] = []
  private readonly inValues: (Uint8Array | null)[] = []
  private readonly order: number[] = []
  private readonly byPath = (i: number, j: number) => comparePaths(this.inPaths[i], this.inPaths[j]) || i - j
  private readonly pathCache = new Map<number, PathEntry>()

  constructor(
    readonly store: NodeStore,
    private readonly hash: HashFn,
    root: Uint8Array = emptyRoot(),
    options: SmtOptions = {},
  ) {
    this.rootHash = root.slice()
    this.backing = store instanceof MemoryNodeStore ? null : store
    this.nodes = store instanceof MemoryNodeStore ? store : new MemoryNodeStore()
    this.sha256Nodes = options.hashKind === 'sha256'
    if (this.sha256Nodes) this.checkHashKind()
  }

  get root(): Uint8Array {
    return this.rootHash.slice()
  }

  /**
   * Applies a batch (a key written twice keeps its last value; null deletes) and returns the new
   * root. Stored nodes are only added, so the previous root stays readable.
   */
  update(changes: Iterable<readonly [key: Uint8Array, value: Uint8Array | null]>): Uint8Array {
    const paths = this.inPaths
    const values = this.inValues
    try {
      for (const [key, value] of changes) {
        paths.push(this.pathOf(key))
        values.push(value)
      }
      const n = paths.length
      if (n === 0) return this.root
      const order = this.sortedOrder(n)
      this.reserveBatch(n)
      let m = 0
      for (let k = 0; k < n; k++) {
        const i = order[k]
        if (k + 1 < n && comparePaths(paths[i], paths[order[k + 1]]) === 0) continue
        const value = values[i]
        this.batch.push(paths[i])
        this.writes[m] = value === null ? 0 : 1
        // Hashed only once the batch is deduplicated: an overwritten value needs no hash.
        if (value !== null) this.valueHashes.set(this.hash(value), m * HASH_BYTES)
        m++
      }
      if (this.backing !== null && this.nodes.size > STORE_CACHE_NODES) {
        this.nodes = new MemoryNodeStore()
        this.rootEntry = NO_LINK
      }
      const root = this.apply(this.rootSubtree(), 0, 0, m)
      const rootHash = emptyRoot()
      if (root !== EMPTY) copy32(this.nodes.slabOf(root), this.nodes.offsetOf(root) + ENTRY_HASH, rootHash, 0)
      this.rootHash = rootHash
      this.rootEntry = root
    } finally {
      paths.length = 0
      values.length = 0
      this.batch.length = 0
      // A large batch's arrays are not kept for the small batches that follow.
      if (this.writes.length > RETAINED_BATCH) {
        this.writes = new Uint8Array(0)
        this.valueHashes = new Uint8Array(0)
      }
    }
    return this.root
  }

  /**
   * The positions 0..n-1 of inPaths in path order; ties by position, so a path's writes stay
   * in batch order. Blocks bring a handful of changes, for which an insertion sort beats the
   * built-in sort's setup. A large batch is sorted as numbers (each path's first 32 bits with
   * its position in the low bits) rather than through a comparator that reads thousands of
   * scattered paths; the rare paths sharing their first 32 bits are then put in order.
   */
  private sortedOrder(n: number): number[] {
    const order = this.order
    const paths = this.inPaths
    order.length = n
    if (n > SMALL_BATCH && n <= PACKED_POSITIONS) {
      const packed = new Float64Array(n)
      for (let i = 0; i < n; i++) packed[i] = topBits(paths[i]) * PACKED_POSITIONS + i
      packed.sort()
      for (let k = 0; k < n; k++) order[k] = packed[k] % PACKED_POSITIONS
      for (let k = 1; k < n; k++) {
        if (Math.floor(packed[k] / PACKED_POSITIONS) === Math.floor(packed[k - 1] / PACKED_POSITIONS)) this.insertAt(order, k)
      }
      return order
    }
    for (let i = 0; i < n; i++) order[i] = i
    if (n > SMALL_BATCH) return order.sort(this.byPath)
    for (let k = 1; k < n; k++) this.insertAt(order, k)
    return order
  }

  /** Insertion sort's step: moves order[k] down past the positions whose paths sort after it. */
  private insertAt(order: number[], k: number): void {
    const x = order[k]
    let j = k - 1
    for (; j >= 0 && this.byPath(order[j], x) > 0; j--) order[j + 1] = order[j]
    order[j + 1] = x
  }

  private reserveBatch(n: number): void {
    if (this.writes.length >= n) return
    const size = Math.max(n, 2 * this.writes.length)
    this.writes = new Uint8Array(size)
    this.valueHashes = new Uint8Array(size * HASH_BYTES)
  }

  /** hash(value) of a present key, undefined when absent. */
  valueHash(key: Uint8Array): Uint8Array | undefined {
    const proof = this.prove(key)
    if (proof.leaf === null || !bytesEqual(proof.leaf.path, this.hash(key))) return undefined
    return proof.leaf.valueHash
  }

  prove(key: Uint8Array): Proof {
    const path = this.hash(key)
    const siblings: Uint8Array[] = []
    const nodes = this.nodes
    let s = this.rootSubtree()
    for (let depth = 0; ; depth++) {
      if (s === EMPTY) return { siblings, leaf: null }
      const slab = nodes.slabOf(s)
      const at = nodes.offsetOf(s)
      if (slab[at + ENTRY_NODE] === LEAF_TAG) {
        const valueAt = at + ENTRY_RIGHT
        return { siblings, leaf: { path: slab.slice(at + ENTRY_LEFT, valueAt), valueHash: slab.slice(valueAt, valueAt + HASH_BYTES) } }
      }
      const bit = bitAt(path, depth)
      const siblingAt = at + sideAt(1 - bit)
      siblings.push(slab.slice(siblingAt, siblingAt + HASH_BYTES))
      s = this.child(s, bit)
    }
  }

  /** One known input hashed both ways: a mismatch would give roots no verifier agrees with. */
  private checkHashKind(): void {
    const probe = Uint8Array.from({ length: NODE_BYTES }, (_, i) => i)
    const mine = new Uint8Array(HASH_BYTES)
    sha256Node(probe, 0, mine, 0)
    const theirs = this.hash(probe)
    if (theirs.length !== HASH_BYTES || !bytesEqual(mine, theirs)) throw new HashKindMismatchError()
  }

  private pathOf(key: Uint8Array): Uint8Array {
    const h = keyHash(key)
    let first = this.pathCache.get(h)
    for (let p = first; p !== undefined; p = p.next) if (bytesEqual(p.key, key)) return p.path
    if (this.pathCache.size >= PATH_CACHE_KEYS) {
      this.pathCache.clear()
      first = undefined
    }
    const path = this.hash(key)
    this.pathCache.set(h, { key: key.slice(), path, next: first })
    return path
  }

  private rootSubtree(): Subtree {
    if (this.rootEntry === NO_LINK) this.rootEntry = isZeroAt(this.rootHash, 0) ? EMPTY : this.load(this.rootHash, 0)
    return this.rootEntry
  }

  /** The entry of the node whose hash is buf[off, off + 32) (not ZERO). */
  private load(buf: Uint8Array, off: number): number {
    const e = this.nodes.find(buf, off)
    if (e >= 0) return e
    const hash = buf.slice(off, off + HASH_BYTES)
    const node = this.backing?.get(hash)
    if (node === undefined || node.length !== NODE_BYTES) throw new MissingNodeError(hash)
    const nodes = this.nodes
    const fresh = nodes.reserve()
    const slab = nodes.slabOf(fresh)
    const at = nodes.offsetOf(fresh)
    slab.set(hash, at + ENTRY_HASH)
    slab.set(node, at + ENTRY_NODE)
    return nodes.commit()
  }

  /** A branch's child on `side` (0 left, 1 right), by its link when one was recorded. */
  private child(e: number, side: number): Subtree {
    const nodes = this.nodes
    let c = nodes.link(e, side)
    if (c === NO_LINK) {
      const slab = nodes.slabOf(e)
      const at = nodes.offsetOf(e) + sideAt(side)
      c = isZeroAt(slab, at) ? EMPTY : this.load(slab, at)
      nodes.setLink(e, side, c)
    }
    return c
  }

  /** Whether a branch's child on `side` is ZERO, without looking the child up. */
  private childIsEmpty(e: number, side: number): boolean {
    const c = this.nodes.link(e, side)
    return c === NO_LINK ? isZeroAt(this.nodes.slabOf(e), this.nodes.offsetOf(e) + sideAt(side)) : c === EMPTY
  }

  private isLeaf(e: number): boolean {
    return this.nodes.slabOf(e)[this.nodes.offsetOf(e) + ENTRY_NODE] === LEAF_TAG
  }

  /** The reserved entry with its node written: hashes it in place and stores it. */
  private commitNode(e: number): number {
    const nodes = this.nodes
    const slab = nodes.slabOf(e)
    const node = nodes.offsetOf(e) + ENTRY_NODE
    const hash = nodes.offsetOf(e) + ENTRY_HASH
    if (this.sha256Nodes) sha256Node(slab, node, slab, hash)
    else slab.set(this.hash(slab.subarray(node, node + NODE_BYTES)), hash)
    if (this.backing !== null) this.backing.put(slab.subarray(hash, hash + HASH_BYTES), slab.subarray(node, node + NODE_BYTES))
    return nodes.commit()
  }

  /** The leaf of batch change `i`, a write. */
  private addLeaf(i: number): number {
    const nodes = this.nodes
    const e = nodes.reserve()
    const slab = nodes.slabOf(e)
    const at = nodes.offsetOf(e)
    slab[at + ENTRY_NODE] = LEAF_TAG
    copy32(this.batch[i], 0, slab, at + ENTRY_LEFT)
    copy32(this.valueHashes, i * HASH_BYTES, slab, at + ENTRY_RIGHT)
    return this.commitNode(e)
  }

  /** A branch over two subtrees; an UNTOUCHED side is `parent`'s child on that side. */
  private addBranch(left: Subtree, right: Subtree, parent: number): number {
    const nodes = this.nodes
    const e = nodes.reserve()
    nodes.slabOf(e)[nodes.offsetOf(e) + ENTRY_NODE] = BRANCH_TAG
    const leftLink = this.writeChild(e, 0, left, parent)
    const rightLink = this.writeChild(e, 1, right, parent)
    if (leftLink !== NO_LINK) nodes.setLink(e, 0, leftLink)
    if (rightLink !== NO_LINK) nodes.setLink(e, 1, rightLink)
    return this.commitNode(e)
  }

  /** Writes the hash of child `s` into the reserved branch `e`; the link to record for it. */
  private writeChild(e: number, side: number, s: Subtree, parent: number): number {
    const nodes = this.nodes
    const to = (nodes.offsetOf(e) + sideAt(side)) >> 2
    const dst = nodes.wordsOf(e)
    if (s === EMPTY) {
      for (let i = 0; i < HASH_WORDS; i++) dst[to + i] = 0
      return EMPTY
    }
    const from = s === UNTOUCHED ? parent : s
    const src = nodes.wordsOf(from)
    const at = (nodes.offsetOf(from) + (s === UNTOUCHED ? sideAt(side) : ENTRY_HASH)) >> 2
    for (let i = 0; i < HASH_WORDS; i++) dst[to + i] = src[at + i]
    return s === UNTOUCHED ? nodes.link(parent, side) : s
  }

  /**
   * The index in batch[lo, hi) of the first change whose path has bit 1 at `depth`. The batch
   * is sorted and its paths in [lo, hi) share their first `depth` bits, so the bit is 0s then 1s.
   */
  private split(depth: number, lo: number, hi: number): number {
    const batch = this.batch
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (bitAt(batch[mid], depth) === 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The subtree `s` (an entry or EMPTY, at `depth`) with batch[lo, hi) applied. */
  private apply(s: Subtree, depth: number, lo: number, hi: number): Subtree {
    if (s === EMPTY) return this.build(depth, lo, hi, EMPTY)
    if (this.isLeaf(s)) return this.rebuild(depth, lo, hi, s)
    const mid = this.split(depth, lo, hi)
    const left = mid > lo ? this.apply(this.child(s, 0), depth + 1, lo, mid) : UNTOUCHED
    const right = hi > mid ? this.apply(this.child(s, 1), depth + 1, mid, hi) : UNTOUCHED
    // Nothing below changed (values written again): the node stands, with no hashing.
    const nodes = this.nodes
    if ((left === UNTOUCHED || left === nodes.link(s, 0)) && (right === UNTOUCHED || right === nodes.link(s, 1))) return s
    // The compact form: two sides of which one is empty and the other one leaf are that leaf.
    const leftEmpty = left === EMPTY || (left === UNTOUCHED && this.childIsEmpty(s, 0))
    const rightEmpty = right === EMPTY || (right === UNTOUCHED && this.childIsEmpty(s, 1))
    if (leftEmpty && rightEmpty) return EMPTY
    if (leftEmpty) {
      const only = right === UNTOUCHED ? this.child(s, 1) : right
      if (this.isLeaf(only)) return only
    } else if (rightEmpty) {
      const only = left === UNTOUCHED ? this.child(s, 0) : left
      if (this.isLeaf(only)) return only
    }
    return this.addBranch(left, right, s)
  }

  /** The subtree that was the one leaf `leaf` (at `depth`) with batch[lo, hi) applied. */
  private rebuild(depth: number, lo: number, hi: number, leaf: number): Subtree {
    const slab = this.nodes.slabOf(leaf)
    const pathAt = this.nodes.offsetOf(leaf) + ENTRY_LEFT
    for (let i = lo; i < hi; i++) {
      if (!equal32(this.batch[i], 0, slab, pathAt)) continue
      // The leaf's own value written again, alone: the leaf stands.
      const same = hi - lo === 1 && this.writes[i] === 1 && equal32(this.valueHashes, i * HASH_BYTES, slab, pathAt + HASH_BYTES)
      // Otherwise the change replaces the leaf (or deletes it).
      return same ? leaf : this.build(depth, lo, hi, EMPTY)
    }
    return this.build(depth, lo, hi, leaf)
  }

  /**
   * The compact subtree at `depth` holding the live changes of batch[lo, hi) (deletions are
   * skipped) and `extra`, an existing leaf whose path no change has, or EMPTY.
   */
  private build(depth: number, lo: number, hi: number, extra: Subtree): Subtree {
    const writes = this.writes
    let live = extra === EMPTY ? 0 : 1
    let only = -1
    for (let i = lo; i < hi && live < 2; i++) {
      if (writes[i] === 1) {
        live++
        only = i
      }
    }
    if (live === 0) return EMPTY
    // An unchanged leaf keeps its entry wherever it lands: a leaf's bytes do not depend on depth.
    if (live === 1) return extra !== EMPTY ? extra : this.addLeaf(only)
    const mid = this.split(depth, lo, hi)
    let extraLeft = EMPTY
    let extraRight = EMPTY
    if (extra !== EMPTY) {
      const slab = this.nodes.slabOf(extra)
      const pathAt = this.nodes.offsetOf(extra) + ENTRY_LEFT
      if ((slab[pathAt + (depth >> 3)] >> (7 - (depth & 7))) & 1) extraRight = extra
      else extraLeft = extra
    }
    // Two or more leaves below: a branch even when one side is empty.
    const left = this.build(depth + 1, lo, mid, extraLeft)
    const right = this.build(depth + 1, mid, hi, extraRight)
    return this.addBranch(left, right, NO_LINK)
  }
}

function equal32(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[aAt + i] !== b[bAt + i]) return false
  return true
}

/**
 * Whether `proof` shows that, under `root`, `key` holds `value` (or, for null, is absent).
 * Pure: it needs only the hash function the tree was built with.
 */
export function verifyProof(hash: HashFn, root: Uint8Array, key: Uint8Array, value: Uint8Array | null, proof: Proof): boolean {
  const { siblings, leaf } = proof
  const depth = siblings.length
  if (depth > MAX_DEPTH || root.length !== HASH_BYTES) return false
  for (const s of siblings) if (s.length !== HASH_BYTES) return false
  if (leaf !== null && (leaf.path.length !== HASH_BYTES || leaf.valueHash.length !== HASH_BYTES)) return false
  const path = hash(key)
  let h: Uint8Array
  if (value !== null) {
    if (leaf === null || !bytesEqual(leaf.path, path) || !bytesEqual(leaf.valueHash, hash(value))) return false
    h = hash(nodeBytes(LEAF_TAG, leaf.path, leaf.valueHash))
  } else if (leaf === null) {
    h = emptyRoot()
  } else {
    // Another key's leaf ends this path only if it sits where this path leads.
    if (bytesEqual(leaf.path, path) || !sharesPrefix(leaf.path, path, depth)) return false
    h = hash(nodeBytes(LEAF_TAG, leaf.path, leaf.valueHash))
  }
  for (let d = depth - 1; d >= 0; d--) {
    h = bitAt(path, d) ? hash(nodeBytes(BRANCH_TAG, siblings[d], h)) : hash(nodeBytes(BRANCH_TAG, h, siblings[d]))
  }
  return bytesEqual(h, root)
}
