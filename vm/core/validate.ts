// Argument checks shared by core methods, with Wren's messages ("Index out of bounds.").
// Each returns the checked value or aborts the current fiber.

import { abort } from '../errors.js'
import { Closure, NRange, type Value } from '../value.js'

export function num(v: Value, name: string): number {
  if (typeof v !== 'number') abort('R0002', name)
  return v
}

export function int(v: Value, name: string): number {
  const n = num(v, name)
  if (Math.trunc(n) !== n) abort('R0003', name)
  return n
}

export function str(v: Value, name: string): string {
  if (typeof v !== 'string') abort('R0005', name)
  return v
}

export function fn(v: Value, name: string): Closure {
  if (!(v instanceof Closure)) abort('R0006', name)
  return v
}

/** An index in [0, count), negative counting from the end (Wren's validateIndex). */
export function index(v: Value, count: number, name: string): number {
  return indexValue(num(v, name), count, name)
}

export function indexValue(n: number, count: number, name: string): number {
  if (Math.trunc(n) !== n) abort('R0003', name)
  if (n < 0) n = count + n
  if (n >= 0 && n < count) return n
  abort('R0004', name)
}

/** Resolves a range against a sequence of `length`: start index, element count, step. */
export function rangeSlice(r: NRange, length: number): { start: number; count: number; step: number } {
  // An empty range is allowed at the end: list[0..-1] and list[0...count] copy even an empty list.
  if (r.from === length && r.to === (r.inclusive ? -1 : length)) return { start: 0, count: 0, step: 0 }
  const from = indexValue(r.from, length, 'Range start')
  let value = r.to
  if (Math.trunc(value) !== value) abort('R0003', 'Range end')
  if (value < 0) value = length + value
  if (!r.inclusive) {
    if (value === from) return { start: from, count: 0, step: 0 }
    value += value >= from ? -1 : 1
  }
  if (value < 0 || value >= length) abort('R0030')
  return { start: from, count: Math.abs(from - value) + 1, step: from < value ? 1 : -1 }
}
