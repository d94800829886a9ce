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

import { toHex } from './keys-hex.js'
import { bytesEqual, keyString } from './kv.js'

export type HashFn = (data: Uint8Array) => Uint8Array

export const HASH_BYTES = 32
/** Depth is bounded by the path length: two distinct paths part before bit 256. */
export const MAX_DEPTH = 256
const NODE_BYTES = 1 + 2 * HASH_BYTES
const LEAF_TAG = 0
const BRANCH_TAG = 1

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

const SLAB_NODES = 4096
const PATH_CACHE_KEYS = 1 << 16
const ENTRY_BYTES = HASH_BYTES + NODE_BYTES

/**
 * Nodes in memory: each entry (hash ‖ node) is copied into large slabs rather than kept as its
 * own small array, and found through an open-addressing table of entry numbers indexed by the
 * hash's first bits (hashes are uniform already), which is far cheaper than a Map of strings.
 */
export class MemoryNodeStore implements NodeStore {
  /** Entry number + 1 per slot, 0 when free; kept at most half full. */
  private table = new Int32Array(1 << 12)
  private readonly slabs: Uint8Array[] = []
  private count = 0

  get size(): number {
    return this.count
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    const mask = this.table.length - 1
    for (let slot = slotOf(hash) & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot]
      if (e === 0) return undefined
      if (this.matches(e - 1, hash)) return this.nodeAt(e - 1)
    }
  }

  put(hash: Uint8Array, node: Uint8Array): void {
    const mask = this.table.length - 1
    let slot = slotOf(hash) & mask
    for (let e = this.table[slot]; e !== 0; e = this.table[slot]) {
      if (this.matches(e - 1, hash)) return
      slot = (slot + 1) & mask
    }
    this.table[slot] = this.append(hash, node) + 1
    if (this.count * 2 > this.table.length) this.grow()
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2)
    const mask = table.length - 1
    for (let i = 0; i < this.count; i++) {
      let slot = slotOf(this.hashAt(i)) & mask
      while (table[slot] !== 0) slot = (slot + 1) & mask
      table[slot] = i + 1
    }
    this.table = table
  }

  private append(hash: Uint8Array, node: Uint8Array): number {
    const i = this.count++
    if (i % SLAB_NODES === 0) this.slabs.push(new Uint8Array(SLAB_NODES * ENTRY_BYTES))
    const slab = this.slabs[this.slabs.length - 1]
    const at = (i % SLAB_NODES) * ENTRY_BYTES
    slab.set(hash, at)
    slab.set(node, at + HASH_BYTES)
    return i
  }

  private matches(i: number, hash: Uint8Array): boolean {
    const slab = this.slabs[(i / SLAB_NODES) | 0]
    const at = (i % SLAB_NODES) * ENTRY_BYTES
    for (let j = 0; j < HASH_BYTES; j++) if (slab[at + j] !== hash[j]) return false
    return true
  }

  private hashAt(i: number): Uint8Array {
    const at = (i % SLAB_NODES) * ENTRY_BYTES
    return this.slabs[(i / SLAB_NODES) | 0].subarray(at, at + HASH_BYTES)
  }

  private nodeAt(i: number): Uint8Array {
    const at = (i % SLAB_NODES) * ENTRY_BYTES + HASH_BYTES
    return this.slabs[(i / SLAB_NODES) | 0].subarray(at, at + NODE_BYTES)
  }
}

function slotOf(hash: Uint8Array): number {
  return hash[0] | (hash[1] << 8) | (hash[2] << 16) | ((hash[3] & 0x3f) << 24)
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

const enum Kind {
  Empty,
  Leaf,
  Branch,
  /** Not yet looked up: a subtree the batch left untouched. */
  Unknown,
}

/** One change of a batch, its key already hashed; `valueHash` null deletes. */
interface Change {
  readonly path: Uint8Array
  readonly order: string
  readonly valueHash: Uint8Array | null
}

function isZero(h: Uint8Array): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (h[i] !== 0) return false
  return true
}

function bitAt(path: Uint8Array, depth: number): number {
  return (path[depth >> 3] >> (7 - (depth & 7))) & 1
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

export class Smt {
  private rootHash: Uint8Array
  /** The kind of the subtree the last apply/build call returned: saves a store read per join. */
  private lastKind = Kind.Empty
  private batch: Change[] = []
  /**
   * hash(key) by keyString(key): the same accounts and fields change block after block, and a
   * lookup costs a fraction of a hash. Cleared when full rather than evicting one by one.
   */
  private readonly paths = new Map<string, Uint8Array>()
  /** Each new node is built here; the store copies what it keeps. */
  private readonly scratch = new Uint8Array(NODE_BYTES)

  constructor(
    readonly store: NodeStore,
    private readonly hash: HashFn,
    root: Uint8Array = emptyRoot(),
  ) {
    this.rootHash = root.slice()
  }

  get root(): Uint8Array {
    return this.rootHash.slice()
  }

  /**
   * Applies a batch (a key written twice keeps its last value; null deletes) and returns the new
   * root. Stored nodes are only added, so the previous root stays readable.
   */
  update(changes: Iterable<readonly [key: Uint8Array, value: Uint8Array | null]>): Uint8Array {
    const byPath = new Map<string, Change>()
    for (const [key, value] of changes) {
      const path = this.pathOf(key)
      const order = keyString(path)
      byPath.set(order, { path, order, valueHash: value === null ? null : this.hash(value) })
    }
    if (byPath.size === 0) return this.root
    // Map keys are each path's bytes as chars, so string order is path order.
    this.batch = [...byPath.values()].sort((a, b) => (a.order < b.order ? -1 : 1))
    try {
      this.rootHash = this.apply(this.rootHash, 0, 0, this.batch.length)
    } finally {
      this.batch = []
    }
    return this.root
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
    let h = this.rootHash
    for (let depth = 0; ; depth++) {
      if (isZero(h)) return { siblings, leaf: null }
      const node = this.load(h)
      if (node[0] === LEAF_TAG) {
        return { siblings, leaf: { path: node.slice(1, 1 + HASH_BYTES), valueHash: node.slice(1 + HASH_BYTES) } }
      }
      const left = node.subarray(1, 1 + HASH_BYTES)
      const right = node.subarray(1 + HASH_BYTES)
      const bit = bitAt(path, depth)
      siblings.push((bit ? left : right).slice())
      h = bit ? right : left
    }
  }

  private pathOf(key: Uint8Array): Uint8Array {
    const k = keyString(key)
    let path = this.paths.get(k)
    if (path === undefined) {
      if (this.paths.size >= PATH_CACHE_KEYS) this.paths.clear()
      path = this.hash(key)
      this.paths.set(k, path)
    }
    return path
  }

  private load(h: Uint8Array): Uint8Array {
    const node = this.store.get(h)
    if (node === undefined || node.length !== NODE_BYTES) throw new MissingNodeError(h.slice())
    return node
  }

  private putNode(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
    const node = this.scratch
    node[0] = tag
    node.set(a, 1)
    node.set(b, 1 + HASH_BYTES)
    const h = this.hash(node)
    this.store.put(h, node)
    return h
  }

  /** The index in batch[lo, hi) of the first change whose path has bit 1 at `depth`. */
  private split(depth: number, lo: number, hi: number): number {
    const batch = this.batch
    let i = lo
    while (i < hi && bitAt(batch[i].path, depth) === 0) i++
    return i
  }

  /** The subtree at `h` (at `depth`) with batch[lo, hi) applied; sets lastKind. */
  private apply(h: Uint8Array, depth: number, lo: number, hi: number): Uint8Array {
    if (isZero(h)) return this.rebuild(depth, lo, hi, null)
    const node = this.load(h)
    if (node[0] === LEAF_TAG) return this.rebuild(depth, lo, hi, node)
    const mid = this.split(depth, lo, hi)
    let left = node.subarray(1, 1 + HASH_BYTES)
    let right = node.subarray(1 + HASH_BYTES)
    let leftKind = Kind.Unknown
    let rightKind = Kind.Unknown
    if (mid > lo) {
      left = this.apply(left, depth + 1, lo, mid)
      leftKind = this.lastKind
    }
    if (hi > mid) {
      right = this.apply(right, depth + 1, mid, hi)
      rightKind = this.lastKind
    }
    return this.join(left, leftKind, right, rightKind)
  }

  /** A branch over two subtrees, or the one leaf they hold (hoisted), or ZERO. */
  private join(left: Uint8Array, leftKind: Kind, right: Uint8Array, rightKind: Kind): Uint8Array {
    const leftEmpty = leftKind === Kind.Empty || (leftKind === Kind.Unknown && isZero(left))
    const rightEmpty = rightKind === Kind.Empty || (rightKind === Kind.Unknown && isZero(right))
    if (leftEmpty && rightEmpty) {
      this.lastKind = Kind.Empty
      return emptyRoot()
    }
    if (leftEmpty && this.kindOf(right, rightKind) === Kind.Leaf) {
      this.lastKind = Kind.Leaf
      return right.slice()
    }
    if (rightEmpty && this.kindOf(left, leftKind) === Kind.Leaf) {
      this.lastKind = Kind.Leaf
      return left.slice()
    }
    this.lastKind = Kind.Branch
    return this.putNode(BRANCH_TAG, left, right)
  }

  private kindOf(h: Uint8Array, known: Kind): Kind {
    if (known !== Kind.Unknown) return known
    if (isZero(h)) return Kind.Empty
    return this.load(h)[0] === LEAF_TAG ? Kind.Leaf : Kind.Branch
  }

  /**
   * A subtree that held at most one leaf (`leaf`, a stored leaf node, or null) with
   * batch[lo, hi) applied: few enough leaves to build from scratch.
   */
  private rebuild(depth: number, lo: number, hi: number, leaf: Uint8Array | null): Uint8Array {
    const paths: Uint8Array[] = []
    const valueHashes: Uint8Array[] = []
    let pending = leaf
    const leafPath = leaf?.subarray(1, 1 + HASH_BYTES)
    const leafOrder = leafPath ? keyString(leafPath) : ''
    for (let i = lo; i < hi; i++) {
      const c = this.batch[i]
      if (pending !== null && leafOrder <= c.order) {
        // A change to the same path replaces the old leaf.
        if (leafOrder < c.order) {
          paths.push(leafPath!)
          valueHashes.push(pending.subarray(1 + HASH_BYTES))
        }
        pending = null
      }
      if (c.valueHash !== null) {
        paths.push(c.path)
        valueHashes.push(c.valueHash)
      }
    }
    if (pending !== null) {
      paths.push(leafPath!)
      valueHashes.push(pending.subarray(1 + HASH_BYTES))
    }
    return this.build(depth, paths, valueHashes, 0, paths.length)
  }

  /** The compact subtree at `depth` holding the sorted leaves [lo, hi); sets lastKind. */
  private build(depth: number, paths: Uint8Array[], valueHashes: Uint8Array[], lo: number, hi: number): Uint8Array {
    if (hi === lo) {
      this.lastKind = Kind.Empty
      return emptyRoot()
    }
    if (hi - lo === 1) {
      this.lastKind = Kind.Leaf
      return this.putNode(LEAF_TAG, paths[lo], valueHashes[lo])
    }
    let mid = lo
    while (mid < hi && bitAt(paths[mid], depth) === 0) mid++
    // Two or more leaves below: a branch even when one side is empty.
    const left = this.build(depth + 1, paths, valueHashes, lo, mid)
    const right = this.build(depth + 1, paths, valueHashes, mid, hi)
    this.lastKind = Kind.Branch
    return this.putNode(BRANCH_TAG, left, right)
  }
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
