// The state root's sparse Merkle tree: the root is a function of the (key, value) set alone and
// matches a from-scratch reference; proofs show membership and absence and nothing else; an
// update's hash count follows the keys changed, not the state size; old roots stay readable.
// The fast paths give the same roots: sha256Node against @noble/hashes, hashKind 'sha256', a
// store other than MemoryNodeStore, large batches (sorted another way), rewrites of held values.

import t, { type Test } from 'tap'
import { sha256 } from '@noble/hashes/sha2.js'
import { Prng } from '../../fuzz/prng.js'
import { emptyRoot, HashKindMismatchError, MAX_DEPTH, MemoryNodeStore, MissingNodeError, sha256Node, Smt, verifyProof, type HashFn, type NodeStore, type Proof } from '../../../chain/state/smt.js'
import { fromHex, toHex } from '../../../chain/state/keys-hex.js'
import { keyString } from '../../../chain/state/kv.js'

type Entry = [key: Uint8Array, value: Uint8Array | null]

const bytes = (...xs: number[]) => Uint8Array.from(xs)
const text = (s: string) => new TextEncoder().encode(s)

function randomBytes(r: Prng, min: number, max: number): Uint8Array {
  const out = new Uint8Array(r.between(min, max))
  for (let i = 0; i < out.length; i++) out[i] = r.int(256)
  return out
}

/** A (key, value) set of n distinct random keys: keys 0..40 bytes, values 0..60 bytes. */
function randomSet(r: Prng, n: number): Map<string, [Uint8Array, Uint8Array]> {
  const set = new Map<string, [Uint8Array, Uint8Array]>()
  while (set.size < n) {
    const key = randomBytes(r, 0, 40)
    set.set(keyString(key), [key, randomBytes(r, 0, 60)])
  }
  return set
}

function shuffled<T>(r: Prng, xs: readonly T[]): T[] {
  const out = xs.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** Splits xs into consecutive batches of random sizes 1..maxBatch. */
function batches<T>(r: Prng, xs: readonly T[], maxBatch: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < xs.length; ) {
    const n = r.between(1, maxBatch)
    out.push(xs.slice(i, i + n))
    i += n
  }
  return out
}

const bit = (path: Uint8Array, d: number) => (path[d >> 3] >> (7 - (d & 7))) & 1

/**
 * The root straight from the definition in smt.ts, recomputed from the whole set: no subtree
 * is ZERO, one leaf is H(0 ‖ path ‖ H(value)), more is H(1 ‖ left ‖ right).
 */
function referenceRoot(hash: HashFn, entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const leaves = [...entries].map(([k, v]) => ({ path: hash(k), valueHash: hash(v) }))
  const subtree = (depth: number, ls: typeof leaves): Uint8Array => {
    if (ls.length === 0) return new Uint8Array(32)
    if (ls.length === 1) return hash(Uint8Array.from([0, ...ls[0].path, ...ls[0].valueHash]))
    const left = subtree(depth + 1, ls.filter((l) => bit(l.path, depth) === 0))
    const right = subtree(depth + 1, ls.filter((l) => bit(l.path, depth) === 1))
    return hash(Uint8Array.from([1, ...left, ...right]))
  }
  return subtree(0, leaves)
}

function buildTree(entries: Iterable<Entry>, hash: HashFn = sha256, store: NodeStore = new MemoryNodeStore()): Smt {
  const tree = new Smt(store, hash)
  tree.update(entries)
  return tree
}

t.test('the empty tree has the all-zero root, and an empty batch changes nothing', async (t) => {
  const tree = new Smt(new MemoryNodeStore(), sha256)
  t.same(tree.root, new Uint8Array(32))
  t.same(tree.update([]), emptyRoot())
  t.same(tree.update([[text('absent'), null]]), emptyRoot(), 'deleting an absent key')
  t.same(referenceRoot(sha256, []), emptyRoot())
})

t.test('one key: the root is its leaf; writing the same value again keeps the root', async (t) => {
  const tree = new Smt(new MemoryNodeStore(), sha256)
  const root = tree.update([[text('k'), text('v')]])
  t.same(root, sha256(Uint8Array.from([0, ...sha256(text('k')), ...sha256(text('v'))])))
  t.same(tree.update([[text('k'), text('v')]]), root)
  t.same(tree.update([[text('other'), null]]), root, 'deleting an absent key')
  t.same(tree.update([[text('k'), null]]), emptyRoot())
})

t.test('in a batch the last write to a key wins', async (t) => {
  const a = buildTree([[text('k'), text('1')], [text('j'), text('x')], [text('k'), text('2')]])
  const b = buildTree([[text('j'), text('x')], [text('k'), text('2')]])
  t.same(a.root, b.root)
  const c = buildTree([[text('k'), text('1')], [text('j'), text('x')], [text('k'), null]])
  t.same(c.root, buildTree([[text('j'), text('x')]]).root)
})

t.test('the root depends only on the final set: orders, batch splits, detours and the reference agree', async (t) => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = new Prng(0x5e7, seed)
    const n = r.between(1, 300)
    const set = randomSet(r, n)
    const finalEntries = [...set.values()]
    const expected = referenceRoot(sha256, finalEntries)

    const oneBatch = buildTree(finalEntries)
    t.equal(toHex(oneBatch.root), toHex(expected), `seed ${seed}: one batch matches the reference`)

    const oneByOne = new Smt(new MemoryNodeStore(), sha256)
    for (const e of shuffled(r, finalEntries)) oneByOne.update([e])
    t.equal(toHex(oneByOne.root), toHex(expected), `seed ${seed}: one key at a time, shuffled`)

    // A detour: other keys come and go, present keys pass through other values first.
    const ops: Entry[] = []
    const extra = [...randomSet(r, r.between(0, 100)).values()].filter(([k]) => !set.has(keyString(k)))
    for (const [k, v] of extra) ops.push([k, v])
    for (const [k] of finalEntries) if (r.chance(0.3)) ops.push([k, randomBytes(r, 0, 8)])
    const detour = shuffled(r, ops)
    for (const [k] of extra) detour.push([k, null])
    for (const e of shuffled(r, finalEntries)) detour.splice(r.int(detour.length + 1), 0, e)
    // Final values must land after any detour write to the same key.
    for (const e of finalEntries) detour.push(e)
    const batched = new Smt(new MemoryNodeStore(), sha256)
    for (const b of batches(r, detour, 17)) batched.update(b)
    t.equal(toHex(batched.root), toHex(expected), `seed ${seed}: ${detour.length} writes in random batches`)

    // Delete everything back, in random batches.
    for (const b of batches(r, shuffled(r, finalEntries).map(([k]): Entry => [k, null]), 9)) batched.update(b)
    t.same(batched.root, emptyRoot(), `seed ${seed}: deleting every key gives the empty root`)
  }
})

t.test('a growing and shrinking tree matches the reference after every batch', async (t) => {
  const r = new Prng(0x5e7, 99)
  const tree = new Smt(new MemoryNodeStore(), sha256)
  const model = new Map<string, [Uint8Array, Uint8Array]>()
  const pool = [...randomSet(r, 120).values()].map(([k]) => k)
  for (let step = 0; step < 60; step++) {
    const batch: Entry[] = []
    for (let i = r.between(1, 12); i > 0; i--) {
      const key = r.pick(pool)
      const value = r.chance(0.4) ? null : randomBytes(r, 1, 4)
      batch.push([key, value])
      if (value === null) model.delete(keyString(key))
      else model.set(keyString(key), [key, value])
    }
    const root = tree.update(batch)
    const want = referenceRoot(sha256, model.values())
    if (toHex(root) !== toHex(want)) {
      t.fail(`step ${step}: batch ${batch.map(([k, v]) => `${toHex(k)}=${v ? toHex(v) : 'null'}`).join(' ')}`)
      return
    }
  }
  t.pass('60 mixed batches over 120 keys all match')
})

function proofCases(t: Test, tree: Smt, present: readonly [Uint8Array, Uint8Array][], absent: readonly Uint8Array[], otherRoot: Uint8Array) {
  const root = tree.root
  let bad = 0
  for (const [k, v] of present) {
    const p = tree.prove(k)
    const wrong = Uint8Array.from([...v, 1])
    if (!verifyProof(sha256, root, k, v, p)) (bad++, t.fail(`member ${toHex(k)} does not verify`))
    if (verifyProof(sha256, root, k, wrong, p)) (bad++, t.fail(`member ${toHex(k)} verifies with another value`))
    if (verifyProof(sha256, root, k, null, p)) (bad++, t.fail(`member ${toHex(k)} verifies as absent`))
    if (verifyProof(sha256, otherRoot, k, v, p)) (bad++, t.fail(`member ${toHex(k)} verifies against another root`))
    if (toHex(tree.valueHash(k)!) !== toHex(sha256(v))) (bad++, t.fail(`valueHash of ${toHex(k)}`))
  }
  let endsAtLeaf = 0
  for (const k of absent) {
    const p = tree.prove(k)
    if (p.leaf !== null) endsAtLeaf++
    if (!verifyProof(sha256, root, k, null, p)) (bad++, t.fail(`absent ${toHex(k)} does not verify`))
    if (verifyProof(sha256, root, k, text('x'), p)) (bad++, t.fail(`absent ${toHex(k)} verifies as present`))
    if (tree.valueHash(k) !== undefined) (bad++, t.fail(`valueHash of absent ${toHex(k)}`))
  }
  t.equal(bad, 0, `${present.length} members and ${absent.length} absent keys prove what they should`)
  return endsAtLeaf
}

t.test('proofs: members with their value, absent keys as absent, nothing against another root', async (t) => {
  const r = new Prng(0x9f, 1)
  const set = [...randomSet(r, 500).values()]
  const tree = buildTree(set)
  const other = buildTree(set.slice(1)).root
  const absent = [...randomSet(r, 300).values()].map(([k]) => k).filter((k) => !set.some(([s]) => keyString(s) === keyString(k)))
  const endsAtLeaf = proofCases(t, tree, set, absent, other)
  t.ok(endsAtLeaf > 0 && endsAtLeaf < absent.length, `absence shown both by another key's leaf (${endsAtLeaf}) and by an empty subtree`)

  const empty = new Smt(new MemoryNodeStore(), sha256)
  const p = empty.prove(text('k'))
  t.same(p, { siblings: [], leaf: null })
  t.ok(verifyProof(sha256, empty.root, text('k'), null, p), 'absence in the empty tree')
  const single = buildTree([[text('k'), text('v')]])
  t.ok(verifyProof(sha256, single.root, text('k'), text('v'), single.prove(text('k'))), 'the one key of a one-leaf tree')
  t.ok(verifyProof(sha256, single.root, text('j'), null, single.prove(text('j'))), 'absence shown by the root leaf')
})

t.test('tampered proofs fail', async (t) => {
  const r = new Prng(0x9f, 2)
  const set = [...randomSet(r, 200).values()]
  const tree = buildTree(set)
  const root = tree.root
  const flip = (b: Uint8Array, i: number) => {
    const c = b.slice()
    c[i >> 3] ^= 1 << (i & 7)
    return c
  }
  const tampers: [string, (p: Proof) => Proof | null][] = [
    ['a sibling bit flipped', (p) => (p.siblings.length ? { ...p, siblings: p.siblings.map((s, i) => (i === p.siblings.length - 1 ? flip(s, 77) : s)) } : null)],
    ['the top sibling dropped', (p) => (p.siblings.length ? { ...p, siblings: p.siblings.slice(1) } : null)],
    ['the last sibling dropped', (p) => (p.siblings.length ? { ...p, siblings: p.siblings.slice(0, -1) } : null)],
    ['a zero sibling added', (p) => ({ ...p, siblings: [...p.siblings, new Uint8Array(32)] })],
    ['two siblings swapped', (p) => (p.siblings.length > 1 ? { ...p, siblings: [p.siblings[1], p.siblings[0], ...p.siblings.slice(2)] } : null)],
    ['a short sibling', (p) => (p.siblings.length ? { ...p, siblings: [p.siblings[0].subarray(1), ...p.siblings.slice(1)] } : null)],
    ['the leaf removed', (p) => (p.leaf ? { ...p, leaf: null } : null)],
    ['the leaf path changed', (p) => (p.leaf ? { ...p, leaf: { ...p.leaf, path: flip(p.leaf.path, 255) } } : null)],
    ['the leaf value hash changed', (p) => (p.leaf ? { ...p, leaf: { ...p.leaf, valueHash: flip(p.leaf.valueHash, 3) } } : null)],
  ]
  const absentKeys = [...randomSet(r, 50).values()].map(([k]) => k)
  for (const [name, tamper] of tampers) {
    let tried = 0
    let passed = 0
    for (const [k, v] of set.slice(0, 40)) {
      const p = tamper(tree.prove(k))
      if (p === null) continue
      tried++
      if (verifyProof(sha256, root, k, v, p) || verifyProof(sha256, root, k, null, p)) passed++
    }
    for (const k of absentKeys) {
      const p = tamper(tree.prove(k))
      if (p === null) continue
      tried++
      if (verifyProof(sha256, root, k, null, p)) passed++
    }
    t.ok(tried > 0, `${name}: applies to some proofs`)
    t.equal(passed, 0, `${name}: none of ${tried} tampered proofs verifies`)
  }
  // A real member's proof offered for an absent key whose path runs the same way.
  const [k0] = set[0]
  t.notOk(verifyProof(sha256, root, text('not a key'), null, tree.prove(k0)), "another key's proof")
  t.notOk(verifyProof(sha256, root, k0, set[0][1], { siblings: Array(MAX_DEPTH + 1).fill(new Uint8Array(32)), leaf: null }), 'more siblings than bits')
})

t.test('paths sharing up to 255 bits: the tree goes to full depth and back', async (t) => {
  // Keys 0xee ‖ 32 bytes hash to those 32 bytes, so a test can place leaves anywhere.
  const hash: HashFn = (d) => (d.length === 33 && d[0] === 0xee ? d.slice(1) : sha256(d))
  const keyAt = (path: Uint8Array) => Uint8Array.from([0xee, ...path])
  const p0 = new Uint8Array(32)
  const p1 = p0.slice()
  p1[31] = 1
  const p2 = p0.slice()
  p2[0] = 0x80
  const entries: [Uint8Array, Uint8Array][] = [[keyAt(p0), text('a')], [keyAt(p1), text('b')], [keyAt(p2), text('c')]]
  const tree = buildTree(entries, hash)
  t.equal(toHex(tree.root), toHex(referenceRoot(hash, entries)))
  const proof = tree.prove(keyAt(p1))
  t.equal(proof.siblings.length, 256, 'the two nearest leaves part at the last bit')
  t.ok(verifyProof(hash, tree.root, keyAt(p1), text('b'), proof))
  const p3 = p0.slice()
  p3[31] = 2
  t.ok(verifyProof(hash, tree.root, keyAt(p3), null, tree.prove(keyAt(p3))), 'absence deep down, shown by an empty subtree')
  tree.update([[keyAt(p0), null]])
  t.equal(toHex(tree.root), toHex(referenceRoot(hash, entries.slice(1))), 'the remaining leaf is hoisted to depth 1')
  t.equal(tree.prove(keyAt(p1)).siblings.length, 1)
  tree.update([[keyAt(p2), null]])
  t.equal(toHex(tree.root), toHex(referenceRoot(hash, [entries[1]])), 'and to the root')
})

t.test('an update costs O(changed keys × depth) hashes whatever the state size', async (t) => {
  let calls = 0
  const counted: HashFn = (d) => {
    calls++
    return sha256(d)
  }
  const key = (i: number) => text(`account/${i}/balance`)
  const cost = (n: number) => {
    const tree = new Smt(new MemoryNodeStore(), counted)
    tree.update(Array.from({ length: n }, (_, i): Entry => [key(i), text(`${i}`)]))
    const k = 8
    // Updates, inserts and deletes mixed.
    const batch: Entry[] = [
      ...[1, 7, 99, 500].map((i): Entry => [key(i), text('new')]),
      ...[n + 1, n + 2].map((i): Entry => [key(i), text('fresh')]),
      ...[3, 42].map((i): Entry => [key(i), null]),
    ]
    calls = 0
    tree.update(batch)
    return { calls, k }
  }
  const small = cost(1_000)
  const large = cost(100_000)
  t.ok(small.calls <= small.k * 2 * 40, `1,000 keys: ${small.calls} hashes for ${small.k} changes`)
  t.ok(large.calls <= large.k * 2 * 40, `100,000 keys: ${large.calls} hashes for ${large.k} changes`)
  // Depth grows by log2(100) ≈ 7 levels; the cost may grow by about that per key, not 100×.
  t.ok(large.calls <= small.calls + large.k * 12, `the 100× larger state costs ${large.calls} vs ${small.calls}`)
})

t.test('old roots stay readable after later updates; a missing node is reported', async (t) => {
  const store = new MemoryNodeStore()
  const r = new Prng(0x01d, 1)
  const set = [...randomSet(r, 100).values()]
  const tree = buildTree(set, sha256, store)
  const oldRoot = tree.root
  tree.update(set.slice(0, 50).map(([k]): Entry => [k, null]))
  tree.update([[text('new'), text('value')]])
  const reopened = new Smt(store, sha256, oldRoot)
  t.equal(toHex(reopened.root), toHex(oldRoot))
  let ok = 0
  for (const [k, v] of set) if (verifyProof(sha256, oldRoot, k, v, reopened.prove(k))) ok++
  t.equal(ok, set.length, 'every key of the old root proves against it')
  t.same(reopened.valueHash(text('new')), undefined, 'a later write is not in the old root')
  // Going on from the old root forks: the result is the root of the old set plus the change.
  reopened.update([[text('fork'), text('1')]])
  t.equal(toHex(reopened.root), toHex(referenceRoot(sha256, [...set, [text('fork'), text('1')]])))

  const unknown = new Smt(new MemoryNodeStore(), sha256, oldRoot)
  t.throws(() => unknown.prove(set[0][0]), MissingNodeError)
  t.throws(() => unknown.update([[text('x'), text('y')]]), MissingNodeError)
})

t.test('MemoryNodeStore: hashes sharing their first bits probe past each other without mixing up', async (t) => {
  const store = new MemoryNodeStore()
  const hashes = [0, 1, 2, 3].map((i) => {
    const h = new Uint8Array(32)
    h[0] = 0xab
    h[3] = 0x40 * i // only bits the slot ignores differ, so all four want the same slot
    h[31] = i
    return h
  })
  const nodes = hashes.map((_, i) => new Uint8Array(65).fill(i + 1))
  hashes.forEach((h, i) => store.put(h, nodes[i]))
  store.put(hashes[2], nodes[2])
  t.equal(store.size, 4, 'a repeated put is not stored twice')
  hashes.forEach((h, i) => t.same(store.get(h), nodes[i], `node ${i}`))
  const absent = hashes[0].slice()
  absent[20] = 9
  t.equal(store.get(absent), undefined)
  nodes[0].fill(0xff)
  t.same(store.get(hashes[0]), new Uint8Array(65).fill(1), 'the store keeps a copy')

  // Enough entries to grow the table several times and span slabs.
  const r = new Prng(0x570, 1)
  const many = Array.from({ length: 20_000 }, () => randomBytes(r, 32, 32))
  many.forEach((h, i) => store.put(h, new Uint8Array(65).fill(i & 255)))
  let found = 0
  many.forEach((h, i) => (store.get(h)?.[64] === (i & 255) ? found++ : 0))
  t.equal(found, many.length, 'every entry is found after the table grew')
  t.equal(store.size, many.length + 4)
})

t.test('sha256Node: SHA-256 of 65 bytes at any offset, as @noble/hashes computes it', async (t) => {
  const r = new Prng(0x65, 1)
  let bad = 0
  // Every value of the last byte (it picks the precomputed padding block), then random inputs.
  for (let i = 0; i < 256 + 2000; i++) {
    const src = randomBytes(r, 65, 80)
    const at = r.int(src.length - 64)
    if (i < 256) src[at + 64] = i
    const out = randomBytes(r, 40, 40)
    const outAt = r.int(9)
    const expected = out.slice()
    expected.set(sha256(src.subarray(at, at + 65)), outAt)
    sha256Node(src, at, out, outAt)
    if (toHex(out) !== toHex(expected)) {
      bad++
      if (bad < 4) t.fail(`input ${toHex(src.subarray(at, at + 65))}`)
    }
  }
  t.equal(bad, 0, '2,256 inputs hash as @noble/hashes does, and nothing outside the 32 output bytes is written')
  // The message may be read where the digest is written (the tree hashes a node into its own entry).
  const buf = randomBytes(r, 97, 97)
  const want = sha256(buf.subarray(32, 97))
  sha256Node(buf, 32, buf, 0)
  t.same(buf.subarray(0, 32), want, 'output before the input in the same buffer')
})

/** A NodeStore that is not a MemoryNodeStore, as the node's database will be. */
class MapNodeStore implements NodeStore {
  readonly nodes = new Map<string, Uint8Array>()
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(toHex(hash))
  }
  put(hash: Uint8Array, node: Uint8Array): void {
    this.nodes.set(toHex(hash), node.slice())
  }
}

t.test("hashKind 'sha256' and other stores give the reference roots, batch after batch", async (t) => {
  for (let seed = 1; seed <= 6; seed++) {
    const r = new Prng(0x5a, seed)
    const pool = [...randomSet(r, r.between(5, 400)).values()].map(([k]) => k)
    const trees = {
      plain: new Smt(new MemoryNodeStore(), sha256),
      sha256Kind: new Smt(new MemoryNodeStore(), sha256, undefined, { hashKind: 'sha256' }),
      mapStore: new Smt(new MapNodeStore(), sha256, undefined, { hashKind: 'sha256' }),
      mapStorePlain: new Smt(new MapNodeStore(), sha256),
    }
    const model = new Map<string, [Uint8Array, Uint8Array]>()
    let failed = false
    for (let step = 0; step < 40 && !failed; step++) {
      // Small batches as blocks bring them, and large ones (sorted another way) with repeats.
      const size = r.chance(0.2) ? r.between(17, 600) : r.between(1, 16)
      const batch: Entry[] = []
      for (let i = 0; i < size; i++) {
        const key = r.pick(pool)
        const value = r.chance(0.3) ? null : randomBytes(r, 0, 6)
        batch.push([key, value])
        if (value === null) model.delete(keyString(key))
        else model.set(keyString(key), [key, value])
      }
      const want = toHex(referenceRoot(sha256, model.values()))
      for (const [name, tree] of Object.entries(trees)) {
        const got = toHex(tree.update(batch))
        if (got !== want) {
          t.fail(`seed ${seed} step ${step}, ${name}: ${got} != ${want}`)
          failed = true
        }
      }
    }
    if (!failed) t.pass(`seed ${seed}: 40 batches, four trees, all on the reference root`)
  }
})

t.test("hashKind 'sha256' refuses a hash function that is not SHA-256", async (t) => {
  const notSha: HashFn = (d) => sha256(Uint8Array.from([...d, 0]))
  t.throws(() => new Smt(new MemoryNodeStore(), notSha, undefined, { hashKind: 'sha256' }), HashKindMismatchError)
  t.doesNotThrow(() => new Smt(new MemoryNodeStore(), notSha), 'without the claim any hash function goes')
})

t.test('a store that is not a MemoryNodeStore receives every node and serves a re-opened tree', async (t) => {
  const r = new Prng(0x5b, 1)
  const set = [...randomSet(r, 300).values()]
  const store = new MapNodeStore()
  const tree = new Smt(store, sha256, undefined, { hashKind: 'sha256' })
  for (const b of batches(r, set, 40)) tree.update(b)
  t.equal(toHex(tree.root), toHex(referenceRoot(sha256, set)))
  // Every node reachable from the root is in the store, and hashes to its key.
  let leaves = 0
  let bad = 0
  const walk = (h: Uint8Array): void => {
    if (h.every((x) => x === 0)) return
    const node = store.get(h)
    if (node === undefined || toHex(sha256(node)) !== toHex(h)) return void bad++
    if (node[0] === 0) leaves++
    else (walk(node.subarray(1, 33)), walk(node.subarray(33)))
  }
  walk(tree.root)
  t.equal(bad, 0, 'no node missing or wrong')
  t.equal(leaves, set.length, 'one leaf per key')
  const reopened = new Smt(store, sha256, tree.root)
  let ok = 0
  for (const [k, v] of set) if (verifyProof(sha256, tree.root, k, v, reopened.prove(k))) ok++
  t.equal(ok, set.length, 'a fresh tree over the same store proves every key')
  reopened.update([[set[0][0], null]])
  t.equal(toHex(reopened.root), toHex(referenceRoot(sha256, set.slice(1))), 'and updates from it')
  const empty = new Smt(new MapNodeStore(), sha256, tree.root)
  t.throws(() => empty.update([[text('x'), text('y')]]), MissingNodeError)
})

t.test('a large batch: the last write of each key wins, also among paths sharing their first 32 bits', async (t) => {
  // Keys 0xee ‖ 32 bytes hash to those 32 bytes (as in the full-depth test above).
  const hash: HashFn = (d) => (d.length === 33 && d[0] === 0xee ? d.slice(1) : sha256(d))
  const r = new Prng(0x5c, 1)
  const keys: Uint8Array[] = []
  for (let i = 0; i < 40; i++) {
    const path = randomBytes(r, 32, 32)
    // Groups of five share their first four bytes, so only the later bytes order them.
    if (i % 5 !== 0) path.set(keys[i - (i % 5)].subarray(1, 5), 0)
    keys.push(Uint8Array.from([0xee, ...path]))
  }
  for (const size of [8, 16, 17, 200]) {
    const batch: Entry[] = []
    const model = new Map<string, [Uint8Array, Uint8Array]>()
    for (let i = 0; i < size; i++) {
      const key = r.pick(keys)
      const value = r.chance(0.25) ? null : randomBytes(r, 1, 4)
      batch.push([key, value])
      if (value === null) model.delete(keyString(key))
      else model.set(keyString(key), [key, value])
    }
    const tree = new Smt(new MemoryNodeStore(), hash)
    t.equal(toHex(tree.update(batch)), toHex(referenceRoot(hash, model.values())), `${size} writes in one batch`)
  }
})

t.test('writing the values a tree already holds keeps its root and adds no node', async (t) => {
  const r = new Prng(0x5d, 1)
  const set = [...randomSet(r, 200).values()]
  const store = new MemoryNodeStore()
  const tree = new Smt(store, sha256, undefined, { hashKind: 'sha256' })
  tree.update(set)
  const root = tree.root
  const size = store.size
  for (const b of batches(r, shuffled(r, set), 7)) tree.update(b)
  t.same(tree.root, root)
  t.equal(store.size, size, 'no node was written')
  tree.update([[set[0][0], Uint8Array.from([...set[0][1], 1])]])
  t.ok(store.size > size, 'a real change writes nodes')
})

t.test('nodes the tree writes are found by hash through the store, and an old root re-opens', async (t) => {
  const r = new Prng(0x5e, 1)
  const set = [...randomSet(r, 150).values()]
  const store = new MemoryNodeStore()
  const tree = new Smt(store, sha256, undefined, { hashKind: 'sha256' })
  const bs = batches(r, set, 30)
  const roots = bs.map((b) => tree.update(b))
  let bad = 0
  for (const h of roots) {
    const node = store.get(h)
    if (node === undefined || toHex(sha256(node)) !== toHex(h)) bad++
  }
  t.equal(bad, 0, `each of ${roots.length} roots is in the store under its hash`)
  // A later tree over the same store goes on from an early root.
  const early = new Smt(store, sha256, roots[0], { hashKind: 'sha256' })
  t.equal(toHex(early.root), toHex(referenceRoot(sha256, bs[0])))
  t.equal(toHex(early.update(set)), toHex(referenceRoot(sha256, set)), 'the same final root from there')
})

t.test('keys-hex round trip', async (t) => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i)
  t.same(fromHex(toHex(all)), all)
  t.equal(toHex(bytes(0, 15, 16, 255)), '000f10ff')
  t.same(fromHex('ABcd'), bytes(0xab, 0xcd))
  t.equal(fromHex('abc'), null)
  t.equal(fromHex('zz'), null)
})
