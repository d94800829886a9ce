// List: a growable array of values, with Wren's methods and messages.

import { SIZE } from '../sizes.js'
import { abort } from '../errors.js'
import { nativeGas } from '../native-gas.js'
import { NList, NRange, type Value } from '../value.js'
import type { NativeTable } from './native.js'
import { formatNum } from './numfmt.js'
import { valuesEqual } from './object.js'
import { index, int, rangeSlice } from './validate.js'

const self = (a: Value[], b: number) => a[b] as NList

function indexOfValue(list: Value[], v: Value): number {
  for (let i = 0; i < list.length; i++) if (valuesEqual(list[i], v)) return i
  return -1
}

export const listTable: NativeTable = {
  statics: {
    'filled(_,_)': (vm, a, b) => {
      const size = int(a[b + 1], 'Size')
      if (size < 0) abort('R0016')
      vm.charge(nativeGas('listFilled', size))
      vm.alloc(SIZE.listSlot * size)
      const items: Value[] = new Array(size)
      const v = a[b + 2]
      for (let i = 0; i < size; i++) items[i] = v
      return vm.newList(items)
    },
    'new()': (vm) => vm.newList([]),
  },
  methods: {
    '[_]': (vm, a, b) => {
      const items = self(a, b).items
      const i = a[b + 1]
      if (typeof i === 'number') return items[index(i, items.length, 'Subscript')]
      if (!(i instanceof NRange)) abort('R0007')
      const { start, count, step } = rangeSlice(i, items.length)
      vm.charge(nativeGas('listSlice', count))
      const out: Value[] = new Array(count)
      for (let k = 0; k < count; k++) out[k] = items[start + k * step]
      return vm.newList(out)
    },
    '[_]=(_)': (_vm, a, b) => {
      const items = self(a, b).items
      items[index(a[b + 1], items.length, 'Subscript')] = a[b + 2]
      return a[b + 2]
    },
    'add(_)': (vm, a, b) => {
      vm.alloc(SIZE.listSlot)
      self(a, b).items.push(a[b + 1])
      return a[b + 1]
    },
    'clear()': (vm, a, b) => {
      vm.charge(nativeGas('listClear', self(a, b).items.length))
      self(a, b).items = []
      return null
    },
    count: (_vm, a, b) => self(a, b).items.length,
    'insert(_,_)': (vm, a, b) => {
      const items = self(a, b).items
      // count + 1: inserting at the very end is allowed.
      const i = index(a[b + 1], items.length + 1, 'Index')
      vm.charge(nativeGas('listShift', items.length - i))
      vm.alloc(SIZE.listSlot)
      items.splice(i, 0, a[b + 2])
      return a[b + 2]
    },
    'iterate(_)': (_vm, a, b) => {
      const n = self(a, b).items.length
      const it = a[b + 1]
      if (it === null) return n === 0 ? false : 0
      const i = int(it, 'Iterator')
      if (i < 0 || i >= n - 1) return false
      return i + 1
    },
    'iteratorValue(_)': (_vm, a, b) => {
      const items = self(a, b).items
      return items[index(a[b + 1], items.length, 'Iterator')]
    },
    'removeAt(_)': (vm, a, b) => {
      const items = self(a, b).items
      const i = index(a[b + 1], items.length, 'Index')
      vm.charge(nativeGas('listShift', items.length - i))
      return items.splice(i, 1)[0]
    },
    'remove(_)': (vm, a, b) => {
      const items = self(a, b).items
      vm.charge(nativeGas('listSearch', items.length))
      const i = indexOfValue(items, a[b + 1])
      if (i < 0) return null
      return items.splice(i, 1)[0]
    },
    'indexOf(_)': (vm, a, b) => {
      const items = self(a, b).items
      vm.charge(nativeGas('listSearch', items.length))
      return indexOfValue(items, a[b + 1])
    },
    'swap(_,_)': (_vm, a, b) => {
      const items = self(a, b).items
      const i = index(a[b + 1], items.length, 'Index 0')
      const j = index(a[b + 2], items.length, 'Index 1')
      const t = items[i]
      items[i] = items[j]
      items[j] = t
      return null
    },
    // Fast path of List.join(_) for elements whose toString is native; null otherwise.
    'joinPrimitives_(_)': (vm, a, b) => {
      const items = self(a, b).items
      const sep = a[b + 1]
      if (items.length > 1 && typeof sep !== 'string') return null
      const parts: string[] = new Array(items.length)
      let n = 0
      for (let i = 0; i < items.length; i++) {
        const v = items[i]
        let s: string
        switch (typeof v) {
          case 'string':
            s = v
            break
          case 'number':
            s = formatNum(v)
            break
          case 'boolean':
            s = v ? 'true' : 'false'
            break
          case 'bigint':
            s = v.toString()
            break
          default:
            if (v !== null) return null
            s = 'null'
        }
        parts[i] = s
        n += s.length
      }
      const sepLen = items.length > 1 ? (sep as string).length * (items.length - 1) : 0
      vm.checkStringLength(n + sepLen)
      vm.charge(nativeGas('listJoin', n + sepLen) + items.length)
      vm.alloc(16 + n + sepLen)
      return items.length > 1 ? parts.join(sep as string) : items.length === 1 ? parts[0] : ''
    },
  },
}
