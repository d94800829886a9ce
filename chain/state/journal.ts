// The effect journal: a transaction's storage writes and events over committed state, with nested
// checkpoints kept as an undo log, so a revert costs O(effects undone) and a release O(1); and
// SnapshotKv, the same idea over committed state for a local chain's snapshot/revert.
// Neither copies state, and neither computes the state root (smt.ts does, from `changes()`).

import { keyString, type KvNext, type KvRead, type KvScan, type KvStore } from './kv.js'

/** An event as a contract emits it; kept in emission order. */
export interface ChainEvent {
  readonly address: Uint8Array
  readonly topic: string
  readonly data: Uint8Array
}

/** A write: the value, or null for a delete. */
export type Write = readonly [key: Uint8Array, value: Uint8Array | null]

/** An open checkpoint: its nesting depth, valid until it or an outer one is reverted or released. */
export type Checkpoint = number & { readonly __checkpoint: unique symbol }

/** Misuse of checkpoints by the host (a bug there, not a contract failure). */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CheckpointError'
  }
}

/**
 * Storage writes and events over `base`. Effects stay here until the owner reads `changes()` and
 * `events()` and commits them; `get` sees them first. Keys and values are not copied: treat them as immutable.
 */
export class Journal<B extends KvRead = KvRead> implements KvRead {
  /** The latest write per key (keyString); null values are deletes. */
  private readonly writes = new Map<string, Write>()
  private readonly log: ChainEvent[] = []
  /** The undo log: each write's key and what `writes` held for it before. */
  private readonly undoKeys: string[] = []
  private readonly undoPrev: (Write | undefined)[] = []
  /** Per open checkpoint, the undo log and event log lengths when it opened. */
  private readonly undoMarks: number[] = []
  private readonly eventMarks: number[] = []
  /** Keys deleted here that the last `next` stepped over: what it cost beyond one key. */
  skipped = 0
  /** Keys written here in order, built by the first `next` and kept in step after it. */
  private sorted: string[] | null = null

  constructor(readonly base: B) {}

  /** Open checkpoints. */
  get depth(): number {
    return this.undoMarks.length
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const w = this.writes.get(keyString(key))
    if (w === undefined) return this.base.get(key)
    return w[1] ?? undefined
  }

  set(key: Uint8Array, value: Uint8Array | null): void {
    const k = keyString(key)
    const prev = this.writes.get(k)
    if (prev === undefined && this.sorted !== null) insertSorted(this.sorted, k)
    // With no checkpoint open nothing can be undone, so nothing is logged.
    if (this.undoMarks.length > 0) {
      this.undoKeys.push(k)
      this.undoPrev.push(prev)
    }
    // Keys, like values, are kept as given: callers build a fresh array per key.
    this.writes.set(k, [prev === undefined ? key : prev[0], value])
  }

  emit(event: ChainEvent): void {
    this.log.push(event)
  }

  checkpoint(): Checkpoint {
    this.undoMarks.push(this.undoKeys.length)
    this.eventMarks.push(this.log.length)
    return (this.undoMarks.length - 1) as Checkpoint
  }

  /** Undoes every effect since `cp` (storage and events) and closes `cp` and those inside it. */
  revertTo(cp: Checkpoint): void {
    this.check(cp)
    const mark = this.undoMarks[cp]
    for (let i = this.undoKeys.length - 1; i >= mark; i--) {
      const prev = this.undoPrev[i]
      if (prev === undefined) {
        this.writes.delete(this.undoKeys[i])
        if (this.sorted !== null) removeSorted(this.sorted, this.undoKeys[i])
      } else {
        this.writes.set(this.undoKeys[i], prev)
      }
    }
    this.undoKeys.length = mark
    this.undoPrev.length = mark
    this.log.length = this.eventMarks[cp]
    this.close(cp)
  }

  /** Keeps the effects since `cp` in the enclosing level and closes `cp` and those inside it. */
  release(cp: Checkpoint): void {
    this.check(cp)
    this.close(cp)
  }

  /** The final write set, each key once (deletes as null), in first-write order. */
  changes(): Iterable<Write> {
    return this.writes.values()
  }

  /** The events kept so far, in order (a copy); from `from` on when given. */
  events(from = 0): ChainEvent[] {
    return this.log.slice(from)
  }

  /** How many events are kept so far. */
  get eventCount(): number {
    return this.log.length
  }

  /**
   * Entries under `prefix` in key order as this journal sees them: the base's, overridden by
   * writes here. Costs the base's scan plus O(writes here) to pick and sort those in the prefix.
   */
  /**
   * The next key under `prefix` after `after` as this journal sees it: the base's next key
   * not deleted here, or a key written here, whichever is smaller. Costs the base's step plus
   * O(writes here).
   */
  next(prefix: Uint8Array, after: Uint8Array | null): Uint8Array | null {
    const base = this.base as unknown as Partial<KvNext>
    if (base.next === undefined) throw new Error('this state cannot step through keys')
    const p = keyString(prefix)
    const a = after === null ? null : keyString(after)
    this.skipped = 0
    // The first key written here after `after` and still present, from the sorted index.
    if (this.sorted === null) this.sorted = [...this.writes.keys()].sort()
    const sorted = this.sorted
    let best: string | null = null
    for (let i = lowerBound(sorted, a === null ? p : a, a !== null); i < sorted.length && sorted[i].startsWith(p); i++) {
      if (this.writes.get(sorted[i])![1] !== null) {
        best = sorted[i]
        break
      }
      this.skipped++
    }
    const bestKey = best === null ? null : this.writes.get(best)![0]
    let cursor = after
    for (;;) {
      const k = base.next(prefix, cursor)
      if (k === null) return bestKey
      const ks = keyString(k)
      if (best !== null && best < ks) return bestKey
      const w = this.writes.get(ks)
      if (w === undefined || w[1] !== null) return k
      this.skipped++
      cursor = k // deleted here: step past it
    }
  }

  *scan(this: Journal<KvRead & KvScan>, prefix: Uint8Array): Iterable<readonly [Uint8Array, Uint8Array]> {
    const p = keyString(prefix)
    const mine = [...this.writes.keys()].filter((k) => k.startsWith(p)).sort()
    let i = 0
    for (const entry of this.base.scan(prefix)) {
      const k = keyString(entry[0])
      for (; i < mine.length && mine[i] <= k; i++) {
        const w = this.writes.get(mine[i])!
        if (w[1] !== null) yield w as readonly [Uint8Array, Uint8Array]
      }
      if (!this.writes.has(k)) yield entry
    }
    for (; i < mine.length; i++) {
      const w = this.writes.get(mine[i])!
      if (w[1] !== null) yield w as readonly [Uint8Array, Uint8Array]
    }
  }

  private check(cp: Checkpoint): void {
    if (!Number.isInteger(cp) || cp < 0 || cp >= this.undoMarks.length) {
      throw new CheckpointError(`checkpoint ${cp} is not open (${this.undoMarks.length} open)`)
    }
  }

  private close(cp: number): void {
    this.undoMarks.length = cp
    this.eventMarks.length = cp
    if (cp === 0) {
      this.undoKeys.length = 0
      this.undoPrev.length = 0
    }
  }
}

/** A snapshot of committed state; ids are never reused, so a stale id is refused, not misread. */
export type SnapshotId = number & { readonly __snapshot: unique symbol }

/**
 * Committed state with snapshots: writes go straight to `inner`, and while a snapshot is open
 * each write logs the value it replaced, so `revert` costs O(writes since the snapshot).
 */
export class SnapshotKv<S extends KvStore = KvStore> implements KvStore {
  private readonly undoKeys: Uint8Array[] = []
  private readonly undoPrev: (Uint8Array | undefined)[] = []
  private readonly ids: number[] = []
  private readonly marks: number[] = []
  private nextId = 0

  constructor(readonly inner: S) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key)
  }

  next(prefix: Uint8Array, after: Uint8Array | null): Uint8Array | null {
    const inner = this.inner as unknown as Partial<KvNext>
    if (inner.next === undefined) throw new Error('this store cannot step through keys')
    return inner.next(prefix, after)
  }

  set(key: Uint8Array, value: Uint8Array | null): void {
    if (this.marks.length > 0) {
      this.undoKeys.push(key.slice())
      this.undoPrev.push(this.inner.get(key))
    }
    this.inner.set(key, value)
  }

  /** Commits a write set, e.g. a journal's `changes()`. */
  apply(writes: Iterable<Write>): void {
    for (const [key, value] of writes) this.set(key, value)
  }

  snapshot(): SnapshotId {
    this.ids.push(this.nextId)
    this.marks.push(this.undoKeys.length)
    return this.nextId++ as SnapshotId
  }

  /**
   * Restores the state as it was at `id`. The snapshot stays open, so a test suite can revert to
   * it again; snapshots taken after it are dropped. False when `id` is not open.
   */
  revert(id: SnapshotId): boolean {
    const at = this.ids.lastIndexOf(id)
    if (at < 0) return false
    const mark = this.marks[at]
    for (let i = this.undoKeys.length - 1; i >= mark; i--) this.inner.set(this.undoKeys[i], this.undoPrev[i] ?? null)
    this.undoKeys.length = mark
    this.undoPrev.length = mark
    this.ids.length = at + 1
    this.marks.length = at + 1
    return true
  }

  /** Closes `id` and the snapshots after it, keeping the state. False when `id` is not open. */
  drop(id: SnapshotId): boolean {
    const at = this.ids.lastIndexOf(id)
    if (at < 0) return false
    this.ids.length = at
    this.marks.length = at
    if (at === 0) {
      this.undoKeys.length = 0
      this.undoPrev.length = 0
    }
    return true
  }
}

/** The first index whose key is >= `k` (> `k` when `strict`). */
function lowerBound(sorted: readonly string[], k: string, strict: boolean): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < k || (strict && sorted[mid] === k)) lo = mid + 1
    else hi = mid
  }
  return lo
}

function insertSorted(sorted: string[], k: string): void {
  sorted.splice(lowerBound(sorted, k, false), 0, k)
}

function removeSorted(sorted: string[], k: string): void {
  const i = lowerBound(sorted, k, false)
  if (sorted[i] === k) sorted.splice(i, 1)
}
