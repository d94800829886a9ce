// The effect journal and the state under it: nested checkpoints revert storage and events
// exactly (ten levels by hand, random sequences against a model that copies all state at each
// checkpoint); snapshots of committed state revert with work proportional to the writes since;
// MemoryKv scans in byte order.

import t from 'tap'
import { Prng } from '../../fuzz/prng.js'
import { CheckpointError, Journal, SnapshotKv, type ChainEvent, type Checkpoint, type SnapshotId } from '../../../chain/state/journal.js'
import { keyBytes, keyString, MemoryKv, type KvStore } from '../../../chain/state/kv.js'

const enc = new TextEncoder()
const dec = new TextDecoder()
const b = (s: string) => enc.encode(s)
const s = (x: Uint8Array | undefined) => (x === undefined ? undefined : dec.decode(x))
const event = (topic: string): ChainEvent => ({ address: b('contract'), topic, data: b(topic) })

/** Visible state over a key list, as strings, absent keys left out. */
function visible(kv: { get(k: Uint8Array): Uint8Array | undefined }, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of keys) {
    const v = s(kv.get(b(k)))
    if (v !== undefined) out[k] = v
  }
  return out
}

function baseWith(entries: Record<string, string>): MemoryKv {
  const kv = new MemoryKv()
  for (const [k, v] of Object.entries(entries)) kv.set(b(k), b(v))
  return kv
}

t.test('writes shadow the base; deletes hide it; changes() lists each key once, last write kept', async (t) => {
  const base = baseWith({ a: '1', b: '2' })
  const j = new Journal(base)
  t.equal(s(j.get(b('a'))), '1', 'reads fall through to the base')
  j.set(b('a'), b('10'))
  j.set(b('c'), b('30'))
  j.set(b('b'), null)
  j.set(b('a'), b('11'))
  t.same(visible(j, ['a', 'b', 'c']), { a: '11', c: '30' })
  t.same(visible(base, ['a', 'b', 'c']), { a: '1', b: '2' }, 'the base is untouched')
  t.same(
    [...j.changes()].map(([k, v]) => [s(k), v === null ? null : s(v)]),
    [['a', '11'], ['c', '30'], ['b', null]],
  )
  j.emit(event('x'))
  j.emit(event('y'))
  t.same(j.events().map((e) => e.topic), ['x', 'y'])
})

t.test('the journal copies the key, not the value', async (t) => {
  const j = new Journal(new MemoryKv())
  const key = b('k')
  j.set(key, b('v'))
  key[0] = 0x6a // 'j'
  t.equal(s(j.get(b('k'))), 'v', 'reusing the key buffer does not move the write')
  t.equal(j.get(b('j')), undefined)
})

t.test('ten nested levels, reverted at odd levels and released at even ones', async (t) => {
  const keys = ['base', 'shared', ...Array.from({ length: 10 }, (_, i) => `k${i + 1}`)]
  const j = new Journal(baseWith({ base: 'b', shared: 's0' }))
  /** What is visible when the effects of exactly these levels survive. */
  const expectFor = (levels: number[]) => {
    const state: Record<string, string> = { base: 'b', shared: 's0' }
    for (const l of levels) {
      state[`k${l}`] = `v${l}`
      state.shared = `s${l}`
      if (l % 3 === 0) delete state[`k${l - 1}`]
    }
    return { state, events: levels.map((l) => `e${l}`) }
  }
  const cps: Checkpoint[] = []
  for (let level = 1; level <= 10; level++) {
    cps.push(j.checkpoint())
    t.equal(j.depth, level)
    j.set(b(`k${level}`), b(`v${level}`))
    j.set(b('shared'), b(`s${level}`))
    if (level % 3 === 0) j.set(b(`k${level - 1}`), null)
    j.emit(event(`e${level}`))
    const want = expectFor(Array.from({ length: level }, (_, i) => i + 1))
    t.same(visible(j, keys), want.state, `level ${level} open: state`)
    t.same(j.events().map((e) => e.topic), want.events, `level ${level} open: events`)
  }
  // Unwinding: a release hands a level's effects to its parent; a revert drops the level with
  // everything handed to it, so after level L closes the levels 1..L-1 survive if L is odd,
  // and those that survived before if L is even.
  let surviving = Array.from({ length: 10 }, (_, i) => i + 1)
  for (let level = 10; level >= 1; level--) {
    const cp = cps[level - 1]
    if (level % 2 === 1) {
      j.revertTo(cp)
      surviving = surviving.filter((l) => l < level)
    } else {
      j.release(cp)
    }
    t.equal(j.depth, level - 1)
    const want = expectFor(surviving)
    t.same(visible(j, keys), want.state, `level ${level} ${level % 2 ? 'reverted' : 'released'}: state`)
    t.same(j.events().map((e) => e.topic), want.events, `level ${level} ${level % 2 ? 'reverted' : 'released'}: events`)
  }
  t.same(visible(j, keys), { base: 'b', shared: 's0' }, 'level 1 reverted: only the base is left')
  t.same([...j.changes()], [], 'and no write remains')
})

t.test('reverting or releasing an outer checkpoint closes the inner ones; stale checkpoints are refused', async (t) => {
  const j = new Journal(new MemoryKv())
  const outer = j.checkpoint()
  j.set(b('a'), b('1'))
  const inner = j.checkpoint()
  j.set(b('b'), b('2'))
  j.emit(event('in'))
  j.revertTo(outer)
  t.equal(j.depth, 0)
  t.same(visible(j, ['a', 'b']), {})
  t.same(j.events(), [])
  t.throws(() => j.revertTo(inner), CheckpointError)
  t.throws(() => j.release(outer), CheckpointError)

  const o2 = j.checkpoint()
  j.checkpoint()
  j.set(b('c'), b('3'))
  j.release(o2)
  t.equal(j.depth, 0)
  t.same(visible(j, ['c']), { c: '3' }, 'released effects stay')
  t.throws(() => j.revertTo(-1 as Checkpoint), CheckpointError)
})

t.test('events() is a copy: a later revert does not change an earlier result', async (t) => {
  const j = new Journal(new MemoryKv())
  const cp = j.checkpoint()
  j.emit(event('a'))
  const seen = j.events()
  j.revertTo(cp)
  t.same(seen.map((e) => e.topic), ['a'])
  t.same(j.events(), [])
})

/** The model: pending writes as a plain object, deep-copied whole at every checkpoint. */
interface ModelFrame {
  writes: Map<string, string | null>
  events: string[]
}

t.test('random effect sequences agree with a model that copies everything at each checkpoint', async (t) => {
  const keys = ['', 'a', 'ab', 'abc', 'b', 'ba', 'c', '\x00', '\xff', 'a\x80']
  const prefixes = ['', 'a', 'ab', 'b', '\xff', 'z']
  const baseEntries: Record<string, string> = { a: 'A', abc: 'ABC', c: 'C', '\xff': 'FF', b: 'B' }
  let failures = 0
  for (let seed = 1; seed <= 150 && failures === 0; seed++) {
    const r = new Prng(0x70a1, seed)
    const base = new MemoryKv()
    for (const [k, v] of Object.entries(baseEntries)) base.set(keyBytes(k), b(v))
    const j = new Journal(base)
    let model: ModelFrame = { writes: new Map(), events: [] }
    const saved: ModelFrame[] = []
    const trace: string[] = []
    const modelGet = (k: string) => (model.writes.has(k) ? model.writes.get(k) ?? undefined : baseEntries[k])
    for (let step = 0; step < 250 && failures === 0; step++) {
      const op = r.weighted([5, 2, 2, 2, 1, 1])
      if (op === 0) {
        const k = r.pick(keys)
        const v = `${seed}.${step}`
        trace.push(`set ${JSON.stringify(k)}=${v}`)
        j.set(keyBytes(k), b(v))
        model.writes.set(k, v)
      } else if (op === 1) {
        const k = r.pick(keys)
        trace.push(`delete ${JSON.stringify(k)}`)
        j.set(keyBytes(k), null)
        model.writes.set(k, null)
      } else if (op === 2) {
        const topic = `e${step}`
        trace.push(`emit ${topic}`)
        j.emit(event(topic))
        model.events.push(topic)
      } else if (op === 3) {
        trace.push('checkpoint')
        j.checkpoint()
        saved.push({ writes: new Map(model.writes), events: model.events.slice() })
      } else if (saved.length > 0) {
        const cp = r.int(saved.length)
        if (op === 4) {
          trace.push(`revertTo ${cp}`)
          j.revertTo(cp as Checkpoint)
          model = saved[cp]
        } else {
          trace.push(`release ${cp}`)
          j.release(cp as Checkpoint)
        }
        saved.length = cp
      }
      const got = keys.map((k) => s(j.get(keyBytes(k))))
      const want = keys.map((k) => modelGet(k))
      const gotEvents = j.events().map((e) => e.topic)
      const scans = prefixes.map((p) => [...j.scan(keyBytes(p))].map(([k, v]) => `${keyString(k)}=${s(v)}`).join(','))
      const wantScans = prefixes.map((p) =>
        keys
          .filter((k) => k.startsWith(p) && modelGet(k) !== undefined)
          .sort()
          .map((k) => `${k}=${modelGet(k)}`)
          .join(','),
      )
      if (
        JSON.stringify(got) !== JSON.stringify(want) ||
        JSON.stringify(gotEvents) !== JSON.stringify(model.events) ||
        JSON.stringify(scans) !== JSON.stringify(wantScans) ||
        j.depth !== saved.length
      ) {
        failures++
        t.fail(`seed ${seed} diverged after: ${trace.join('; ')}`, { got, want, gotEvents, wantEvents: model.events, scans, wantScans })
      }
    }
    if (failures === 0) {
      const changes = [...j.changes()].map(([k, v]) => `${keyString(k)}=${v === null ? null : s(v)}`).sort()
      const wantChanges = [...model.writes].map(([k, v]) => `${k}=${v}`).sort()
      if (JSON.stringify(changes) !== JSON.stringify(wantChanges)) {
        failures++
        t.fail(`seed ${seed}: changes() after ${trace.join('; ')}`, { changes, wantChanges })
      }
    }
  }
  t.equal(failures, 0, '150 sequences of 250 effects agree with the model')
})

t.test('MemoryKv: sorted prefix scans over raw bytes, keys copied, deletes removed', async (t) => {
  const kv = new MemoryKv()
  const raw = [[0x01], [0x01, 0x00], [0x01, 0xff], [0x7f], [0x80], [0xff], [0xff, 0xff], [], [0x01, 0x80, 0x00]]
  for (const [i, k] of [...raw].reverse().entries()) kv.set(Uint8Array.from(k), Uint8Array.from([i]))
  const all = [...kv.scan(new Uint8Array(0))].map(([k]) => Array.from(k))
  t.same(all, [[], [0x01], [0x01, 0x00], [0x01, 0x80, 0x00], [0x01, 0xff], [0x7f], [0x80], [0xff], [0xff, 0xff]], 'byte order, shorter first')
  t.same([...kv.scan(Uint8Array.from([0x01]))].map(([k]) => Array.from(k)), [[0x01], [0x01, 0x00], [0x01, 0x80, 0x00], [0x01, 0xff]])
  t.same([...kv.scan(Uint8Array.from([0x02]))], [])
  kv.set(Uint8Array.from([0x01, 0x00]), null)
  kv.set(Uint8Array.from([0x01, 0x10]), Uint8Array.from([9]))
  t.same([...kv.scan(Uint8Array.from([0x01]))].map(([k]) => Array.from(k)), [[0x01], [0x01, 0x10], [0x01, 0x80, 0x00], [0x01, 0xff]], 'the scan sees writes made since the last one')
  t.equal(kv.size, 9)
  const key = Uint8Array.from([0x42])
  kv.set(key, Uint8Array.from([1]))
  key[0] = 0x43
  t.same([...kv.scan(Uint8Array.from([0x42]))].map(([k]) => Array.from(k)), [[0x42]], 'the stored key is a copy')
})

t.test('keyString and keyBytes round-trip every byte, short and long keys', async (t) => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i)
  t.same(keyBytes(keyString(all)), all)
  const long = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 255)
  t.same(keyBytes(keyString(long)), long)
  t.equal(keyString(Uint8Array.from([0x61, 0x62])), 'ab')
  t.ok(keyString(Uint8Array.from([0x01, 0xff])) < keyString(Uint8Array.from([0x02])), 'string order is byte order')
})

/** A store that counts the writes reaching it. */
class CountingKv implements KvStore {
  writes = 0
  constructor(readonly kv = new MemoryKv()) {}
  get(key: Uint8Array) {
    return this.kv.get(key)
  }
  set(key: Uint8Array, value: Uint8Array | null) {
    this.writes++
    this.kv.set(key, value)
  }
}

t.test('SnapshotKv: revert restores the snapshot with work proportional to the writes since', async (t) => {
  const inner = new CountingKv()
  const state = new SnapshotKv(inner)
  for (let i = 0; i < 10_000; i++) state.set(b(`key${i}`), b(`${i}`))
  const snap = state.snapshot()
  const j = new Journal(state)
  j.set(b('key1'), b('changed'))
  j.set(b('key2'), null)
  j.set(b('new'), b('n'))
  state.apply(j.changes())
  state.set(b('key1'), b('again'))
  t.same(visible(state, ['key1', 'key2', 'new']), { key1: 'again', new: 'n' })
  inner.writes = 0
  t.equal(state.revert(snap), true)
  t.equal(inner.writes, 4, 'four writes undone, whatever the 10,000 keys')
  t.same(visible(state, ['key1', 'key2', 'new']), { key1: '1', key2: '2' })
  state.set(b('key3'), b('x'))
  t.equal(state.revert(snap), true, 'a snapshot stays open after a revert to it')
  t.same(visible(state, ['key3']), { key3: '3' })
})

t.test('SnapshotKv: later snapshots close on revert, ids are never reused, drop keeps the state', async (t) => {
  const state = new SnapshotKv(new MemoryKv())
  const s0 = state.snapshot()
  state.set(b('a'), b('1'))
  const s1 = state.snapshot()
  state.set(b('a'), b('2'))
  const s2 = state.snapshot()
  state.set(b('b'), b('3'))
  t.equal(state.revert(s1), true)
  t.same(visible(state, ['a', 'b']), { a: '1' })
  t.equal(state.revert(s2), false, 'a snapshot taken after the one reverted to is gone')
  const s3 = state.snapshot()
  t.not(s3, s2, 'a new snapshot gets a new id')
  t.equal(state.revert(s2), false)
  state.set(b('c'), b('4'))
  t.equal(state.drop(s1), true, 'dropping s1 closes s1 and s3')
  t.equal(state.revert(s3), false)
  t.same(visible(state, ['a', 'b', 'c']), { a: '1', c: '4' }, 'drop keeps the state')
  t.equal(state.revert(s0), true)
  t.same(visible(state, ['a', 'b', 'c']), {}, 'the outer snapshot still reverts everything')
  t.equal(state.drop(s0), true)
  t.equal(state.revert(s0), false)
  t.equal(state.revert(12345 as SnapshotId), false)
})

t.test('SnapshotKv: random writes, snapshots and reverts agree with full copies', async (t) => {
  let failures = 0
  for (let seed = 1; seed <= 60 && failures === 0; seed++) {
    const r = new Prng(0x5a9, seed)
    const state = new SnapshotKv(new MemoryKv())
    let model = new Map<string, string>()
    const open: { id: SnapshotId; copy: Map<string, string> }[] = []
    const trace: string[] = []
    const keys = ['a', 'b', 'c', 'd', 'e']
    for (let step = 0; step < 200 && failures === 0; step++) {
      const op = r.weighted([6, 2, 2, 1])
      if (op === 0) {
        const k = r.pick(keys)
        const v = r.chance(0.25) ? null : `${step}`
        trace.push(`${k}=${v}`)
        state.set(b(k), v === null ? null : b(v))
        if (v === null) model.delete(k)
        else model.set(k, v)
      } else if (op === 1) {
        trace.push('snapshot')
        open.push({ id: state.snapshot(), copy: new Map(model) })
      } else if (op === 2 && open.length > 0) {
        const at = r.int(open.length)
        trace.push(`revert ${at}`)
        if (!state.revert(open[at].id)) (failures++, t.fail(`seed ${seed}: revert refused`))
        model = new Map(open[at].copy)
        open.length = at + 1
      } else if (op === 3 && open.length > 0) {
        const at = r.int(open.length)
        trace.push(`drop ${at}`)
        state.drop(open[at].id)
        open.length = at
      }
      const got = JSON.stringify(visible(state, keys))
      const want = JSON.stringify(Object.fromEntries([...model].sort()))
      if (got !== want) (failures++, t.fail(`seed ${seed} diverged after: ${trace.join('; ')}`, { got, want }))
    }
  }
  t.equal(failures, 0, '60 sequences agree')
})

t.test('next() steps through keys in byte order, as the journal sees them', async (t) => {
  const rng = new Prng(404)
  for (let round = 0; round < 40; round++) {
    const base = new MemoryKv()
    const model = new Map<string, string>()
    const key = () => `${['p/', 'p/', 'q/'][rng.int(3)]}${String.fromCharCode(97 + rng.int(6))}${rng.int(3) === 0 ? String.fromCharCode(97 + rng.int(6)) : ''}`
    for (let i = 0; i < 20; i++) {
      const k = key()
      base.set(b(k), b('v'))
      model.set(k, 'v')
    }
    const snap = new SnapshotKv(base)
    const j = new Journal(snap)
    for (let i = 0; i < 15; i++) {
      const k = key()
      if (rng.int(3) === 0) {
        j.set(b(k), null)
        model.delete(k)
      } else {
        j.set(b(k), b('w'))
        model.set(k, 'w')
      }
    }
    const expected = [...model.keys()].filter((k) => k.startsWith('p/')).sort()
    const seen: string[] = []
    for (let k = j.next(b('p/'), null); k !== null; k = j.next(b('p/'), k)) seen.push(dec.decode(k))
    t.same(seen, expected, `round ${round}`)
    const inBase: string[] = []
    for (let k = base.next(b('p/'), null); k !== null; k = base.next(b('p/'), k)) inBase.push(dec.decode(k))
    t.same(inBase, [...base.scan(b('p/'))].map(([k]) => dec.decode(k)), 'the base alone agrees with its scan')
  }
})
