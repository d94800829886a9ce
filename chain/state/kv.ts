// The key-value interfaces chain state is built on, and an in-memory store with sorted prefix
// scans. Keys and values are bytes; values are never copied, so callers treat them as immutable.
// Not persistence (the node's database implements the same interfaces) and not the state root (smt.ts).

/** Read access to state: `undefined` means the key is absent. */
export interface KvRead {
  get(key: Uint8Array): Uint8Array | undefined
}

/** A writable store; writing `null` deletes the key. */
export interface KvStore extends KvRead {
  set(key: Uint8Array, value: Uint8Array | null): void
}

/** Ordered iteration: entries whose key starts with `prefix`, in ascending byte order of the key. */
export interface KvScan {
  scan(prefix: Uint8Array): Iterable<readonly [key: Uint8Array, value: Uint8Array]>
}

/** Ordered stepping: what persistent-map iteration needs, one key per step. */
export interface KvNext {
  /** The smallest key under `prefix` greater than `after` (any key under it when null). */
  next(prefix: Uint8Array, after: Uint8Array | null): Uint8Array | null
}

/**
 * A byte string as a JS string with one char (0..255) per byte: a Map key whose string order is
 * the keys' byte order, since UTF-16 code units compare as the bytes do.
 */
export function keyString(bytes: Uint8Array): string {
  // Per-char concatenation beats fromCharCode.apply for the short keys state uses.
  if (bytes.length <= 48) {
    let s = ''
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i])
    return s
  }
  let s = ''
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[])
  }
  return s
}

/** The inverse of keyString. */
export function keyBytes(str: string): Uint8Array {
  const out = new Uint8Array(str.length)
  for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i)
  return out
}

/** Whether two byte strings are equal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The index range of sorted `keys` that start with `prefix` (a keyString): binary search for the
 * first key not below the prefix, then walk while the prefix matches.
 */
export function prefixRange(keys: readonly string[], prefix: string): [from: number, to: number] {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] < prefix) lo = mid + 1
    else hi = mid
  }
  let to = lo
  while (to < keys.length && keys[to].startsWith(prefix)) to++
  return [lo, to]
}

/**
 * State in a Map. Writes cost O(1); a scan sorts the key set once after it changed (a local
 * chain scans for debugging and iteration, rarely compared with writes), then binary-searches.
 */
export class MemoryKv implements KvStore, KvScan, KvNext {
  private readonly entries = new Map<string, readonly [Uint8Array, Uint8Array]>()
  private sorted: string[] | null = null

  get size(): number {
    return this.entries.size
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(keyString(key))?.[1]
  }

  set(key: Uint8Array, value: Uint8Array | null): void {
    const k = keyString(key)
    if (value === null) {
      if (this.entries.delete(k)) this.sorted = null
      return
    }
    const had = this.entries.get(k)
    this.entries.set(k, [had ? had[0] : key.slice(), value])
    if (!had) this.sorted = null
  }

  *scan(prefix: Uint8Array): Iterable<readonly [Uint8Array, Uint8Array]> {
    const keys = this.sortedKeys()
    const [from, to] = prefixRange(keys, keyString(prefix))
    for (let i = from; i < to; i++) {
      // A key deleted while the scan runs is skipped; one added is not seen.
      const entry = this.entries.get(keys[i])
      if (entry) yield entry
    }
  }

  next(prefix: Uint8Array, after: Uint8Array | null): Uint8Array | null {
    const keys = this.sortedKeys()
    const p = keyString(prefix)
    const from = after === null ? p : keyString(after)
    // First key > from (>= p when there is no `after`), by binary search.
    let lo = 0
    let hi = keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (after === null ? keys[mid] < from : keys[mid] <= from) lo = mid + 1
      else hi = mid
    }
    for (; lo < keys.length && keys[lo].startsWith(p); lo++) {
      const entry = this.entries.get(keys[lo])
      if (entry) return entry[0]
    }
    return null
  }

  private sortedKeys(): string[] {
    if (this.sorted === null) this.sorted = [...this.entries.keys()].sort()
    return this.sorted
  }
}
