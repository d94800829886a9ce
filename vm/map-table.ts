// The Nest Map: an insertion-ordered hash table (a documented departure from Wren, whose
// maps iterate in hash order; ours must give the same order on every machine).
// Entries live in two arrays; removal leaves a hole that iteration skips, and the arrays
// are compacted on insertion once holes outnumber live entries. An iterator is an entry
// index, so removing entries while iterating is safe; adding entries may compact.

import { NBytes, NClass, NRange, Obj, type Value } from './value.js'

const NEGATIVE_ZERO = '\u0102-0'

/** A key's identity inside the JS Map. Strings hold bytes (chars < 0x100), so prefixes
 *  at 0x100+ keep Range and Bytes keys apart from every String. */
export function mapKey(v: Value): unknown {
  // Wren hashes a number's bits: 0 and -0 are different keys (a JS Map would merge them).
  if (typeof v === 'number') return v === 0 && 1 / v < 0 ? NEGATIVE_ZERO : v
  if (typeof v !== 'object' || v === null) return v
  if (v instanceof NBytes) return v.key
  if (v instanceof NRange) return '\u0101' + v.from + (v.inclusive ? '..' : '...') + v.to
  return v // classes: identity
}

/** Wren's value types, plus Nest's Int and Bytes. */
export function isValidKey(v: Value): boolean {
  return typeof v !== 'object' || v === null || v instanceof NClass || v instanceof NRange || v instanceof NBytes
}

const HOLE: unique symbol = Symbol('hole')

export class NMap extends Obj {
  private index = new Map<unknown, number>()
  keys: (Value | typeof HOLE)[] = []
  vals: Value[] = []
  count = 0

  get(key: Value): Value | undefined {
    const i = this.index.get(mapKey(key))
    return i === undefined ? undefined : this.vals[i]
  }

  has(key: Value): boolean {
    return this.index.has(mapKey(key))
  }

  /** Returns true when the key is new. */
  set(key: Value, value: Value): boolean {
    const k = mapKey(key)
    const i = this.index.get(k)
    if (i !== undefined) {
      this.vals[i] = value
      return false
    }
    if (this.keys.length > 32 && this.keys.length > this.count * 2) this.compact()
    this.index.set(k, this.keys.length)
    this.keys.push(key)
    this.vals.push(value)
    this.count++
    return true
  }

  /** Removes the key; returns its value, or undefined when absent. */
  remove(key: Value): Value | undefined {
    const k = mapKey(key)
    const i = this.index.get(k)
    if (i === undefined) return undefined
    const value = this.vals[i]
    this.index.delete(k)
    this.keys[i] = HOLE
    this.vals[i] = null
    this.count--
    // No compaction here: removing while iterating must not move the entries ahead.
    if (this.count === 0) this.clear()
    return value
  }

  clear(): void {
    this.index = new Map()
    this.keys = []
    this.vals = []
    this.count = 0
  }

  /** First live entry index at or after `from`, or -1. */
  nextLive(from: number): number {
    const keys = this.keys
    for (let i = from; i < keys.length; i++) if (keys[i] !== HOLE) return i
    return -1
  }

  isLive(i: number): boolean {
    return i >= 0 && i < this.keys.length && this.keys[i] !== HOLE
  }

  keyAt(i: number): Value {
    return this.keys[i] as Value
  }

  private compact(): void {
    const keys: Value[] = []
    const vals: Value[] = []
    const index = new Map<unknown, number>()
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]
      if (k === HOLE) continue
      index.set(mapKey(k), keys.length)
      keys.push(k)
      vals.push(this.vals[i])
    }
    this.keys = keys
    this.vals = vals
    this.index = index
  }

  constructor(cls: NClass) {
    super(cls)
  }
}
