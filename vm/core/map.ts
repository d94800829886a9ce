// Map: Nest's insertion-ordered map (vm/map-table.ts) behind Wren's methods and messages.

import { SIZE } from '../sizes.js'
import { abort } from '../errors.js'
import { isValidKey, type NMap } from '../map-table.js'
import { nativeGas } from '../native-gas.js'
import type { Value } from '../value.js'
import type { VM } from '../vm.js'
import type { NativeTable } from './native.js'
import { index, int } from './validate.js'

const self = (a: Value[], b: number) => a[b] as unknown as NMap

function key(v: Value): Value {
  if (!isValidKey(v)) abort('R0008')
  return v
}

function entryIndex(map: NMap, it: Value): number {
  const i = index(it, map.keys.length, 'Iterator')
  if (!map.isLive(i)) abort('R0009')
  return i
}

/** `map[key]`: the native, and the JS tier's fast path (vm/jit.ts), so both do the same. */
export function mapGet(map: NMap, k: Value): Value {
  return map.get(key(k)) ?? null
}

/** `map[key] = value`, shared as mapGet is. */
export function mapSet(vm: VM, map: NMap, k: Value, v: Value): Value {
  if (map.set(key(k), v)) vm.alloc(SIZE.mapEntry)
  return v
}

export const mapTable: NativeTable = {
  statics: {
    'new()': (vm) => vm.newMap(),
  },
  methods: {
    '[_]': (_vm, a, b) => mapGet(self(a, b), a[b + 1]),
    '[_]=(_)': (vm, a, b) => mapSet(vm, self(a, b), a[b + 1], a[b + 2]),
    'clear()': (vm, a, b) => {
      vm.charge(nativeGas('mapClear', self(a, b).count))
      self(a, b).clear()
      return null
    },
    'containsKey(_)': (_vm, a, b) => self(a, b).has(key(a[b + 1])),
    count: (_vm, a, b) => self(a, b).count,
    'remove(_)': (_vm, a, b) => self(a, b).remove(key(a[b + 1])) ?? null,
    'iterate(_)': (vm, a, b) => {
      const map = self(a, b)
      if (map.count === 0) return false
      const it = a[b + 1]
      let from = 0
      if (it !== null) {
        const i = int(it, 'Iterator')
        if (i < 0 || i >= map.keys.length) return false
        from = i + 1
      }
      const next = map.nextLive(from)
      if (next > from) vm.charge(nativeGas('mapIterate', next - from))
      return next < 0 ? false : next
    },
    'keyIteratorValue_(_)': (_vm, a, b) => self(a, b).keyAt(entryIndex(self(a, b), a[b + 1])),
    'valueIteratorValue_(_)': (_vm, a, b) => self(a, b).vals[entryIndex(self(a, b), a[b + 1])],
  },
}
