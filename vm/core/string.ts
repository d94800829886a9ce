// String: immutable UTF-8 byte strings (JS strings whose chars are bytes), indexed by byte
// as in Wren. Methods Wren writes in Wren but that never call user code (split, replace,
// trim, *) are native here with the same results and messages.

import { abort } from '../errors.js'
import { NRange, type Value } from '../value.js'
import { nativeGas } from '../native-gas.js'
import type { VM } from '../vm.js'
import { native, type NativeTable } from './native.js'
import { codePointCount, codePointStringAt, decodeAt, encodeCodePoint } from './utf8.js'
import { index, int, rangeSlice, str } from './validate.js'

const self = (a: Value[], b: number) => a[b] as string
const ASCII = /^[\x00-\x7f]*$/

/** Wren's wrenNewStringFromRange: the code point starting at each byte index in turn. */
export function stringFromRange(s: string, start: number, count: number, step: number): string {
  if (step === 1 && ASCII.test(s)) return s.slice(start, start + count)
  let out = ''
  for (let k = 0; k < count; k++) {
    const cp = decodeAt(s, start + k * step)
    if (cp !== -1) out += encodeCodePoint(cp)
  }
  return out
}

export function concat(vm: VM, x: string, y: string): string {
  const n = x.length + y.length
  vm.checkStringLength(n)
  vm.charge(nativeGas('stringConcat', n))
  vm.alloc(16 + n)
  return x + y
}

/** Wren's String.iterate(_): the byte index of the next code point, or false. */
function iterateIndex(s: string, it: Value): Value {
  if (it === null) return s.length === 0 ? false : 0
  const i = int(it, 'Iterator')
  if (i < 0) return false
  let k = i
  do {
    k++
    if (k >= s.length) return false
  } while ((s.charCodeAt(k) & 0xc0) === 0x80)
  return k
}

function codePointAt(s: string, i: number): number {
  if ((s.charCodeAt(i) & 0xc0) === 0x80) return -1
  return decodeAt(s, i)
}

function trim(vm: VM, s: string, chars: Value, start: boolean, end: boolean): string {
  if (typeof chars !== 'string') abort('R0034')
  vm.charge(nativeGas('stringTrim', s.length + chars.length))
  const set = new Set<number>()
  for (let it = iterateIndex(chars, null); it !== false; it = iterateIndex(chars, it)) set.add(codePointAt(chars, it as number))
  let from = 0
  if (start) {
    let it = iterateIndex(s, null)
    while (it !== false) {
      if (!set.has(codePointAt(s, it as number))) break
      it = iterateIndex(s, it)
    }
    if (it === false) return ''
    from = it as number
  }
  let to = s.length - 1
  if (end) {
    while (to >= from) {
      const cp = codePointAt(s, to)
      if (cp !== -1 && !set.has(cp)) break
      to--
    }
    if (to < from) return ''
  }
  const { start: i, count, step } = rangeSlice(new NRange(vm.rangeClass, from, to, true), s.length)
  return stringFromRange(s, i, count, step)
}

export const stringTable: NativeTable = {
  statics: {
    'fromCodePoint(_)': (_vm, a, b) => {
      const cp = int(a[b + 1], 'Code point')
      if (cp < 0) abort('R0017')
      if (cp > 0x10ffff) abort('R0018')
      return encodeCodePoint(cp)
    },
    'fromByte(_)': (_vm, a, b) => {
      const byte = int(a[b + 1], 'Byte')
      if (byte < 0) abort('R0019')
      if (byte > 0xff) abort('R0020')
      return String.fromCharCode(byte)
    },
  },
  methods: {
    '+(_)': (vm, a, b) => concat(vm, self(a, b), str(a[b + 1], 'Right operand')),
    '[_]': (vm, a, b) => {
      const s = self(a, b)
      const i = a[b + 1]
      if (typeof i === 'number') return codePointStringAt(s, index(i, s.length, 'Subscript'))
      if (!(i instanceof NRange)) abort('R0007')
      const { start, count, step } = rangeSlice(i, s.length)
      vm.charge(nativeGas('stringSlice', count))
      return stringFromRange(s, start, count, step)
    },
    'byteAt_(_)': (_vm, a, b) => self(a, b).charCodeAt(index(a[b + 1], self(a, b).length, 'Index')),
    byteCount_: (_vm, a, b) => self(a, b).length,
    'codePointAt_(_)': (_vm, a, b) => codePointAt(self(a, b), index(a[b + 1], self(a, b).length, 'Index')),
    'contains(_)': (vm, a, b) => {
      const s = self(a, b)
      vm.charge(nativeGas('stringSearch', s.length))
      return s.indexOf(str(a[b + 1], 'Argument')) >= 0
    },
    'endsWith(_)': (vm, a, b) => {
      const needle = str(a[b + 1], 'Argument')
      vm.charge(nativeGas('stringSearch', needle.length))
      return self(a, b).endsWith(needle)
    },
    'startsWith(_)': (vm, a, b) => {
      const needle = str(a[b + 1], 'Argument')
      vm.charge(nativeGas('stringSearch', needle.length))
      return self(a, b).startsWith(needle)
    },
    'indexOf(_)': (vm, a, b) => {
      const s = self(a, b)
      const needle = str(a[b + 1], 'Argument')
      vm.charge(nativeGas('stringSearch', s.length))
      return s.indexOf(needle)
    },
    'indexOf(_,_)': (vm, a, b) => {
      const s = self(a, b)
      const needle = str(a[b + 1], 'Argument')
      const start = index(a[b + 2], s.length, 'Start')
      vm.charge(nativeGas('stringSearch', s.length - start))
      return s.indexOf(needle, start)
    },
    'iterate(_)': (_vm, a, b) => iterateIndex(self(a, b), a[b + 1]),
    'iterateByte_(_)': (_vm, a, b) => {
      const s = self(a, b)
      const it = a[b + 1]
      if (it === null) return s.length === 0 ? false : 0
      const i = int(it, 'Iterator')
      if (i < 0) return false
      return i + 1 >= s.length ? false : i + 1
    },
    'iteratorValue(_)': (_vm, a, b) => codePointStringAt(self(a, b), index(a[b + 1], self(a, b).length, 'Iterator')),
    count: (vm, a, b) => {
      const s = self(a, b)
      vm.charge(nativeGas('stringSearch', s.length))
      return codePointCount(s)
    },
    toString: native((_vm, a, b) => a[b]),
    'split(_)': (vm, a, b) => {
      const s = self(a, b)
      const d = a[b + 1]
      if (typeof d !== 'string' || d.length === 0) abort('R0031')
      const parts = s.split(d)
      vm.charge(nativeGas('stringSplit', s.length) + parts.length)
      vm.alloc(16 * parts.length + s.length)
      return vm.newList(parts)
    },
    'replace(_,_)': (vm, a, b) => {
      const s = self(a, b)
      const from = a[b + 1]
      const to = a[b + 2]
      if (typeof from !== 'string' || from.length === 0) abort('R0032')
      if (typeof to !== 'string') abort('R0033')
      const parts = s.split(from)
      const n = s.length + (parts.length - 1) * (to.length - from.length)
      vm.checkStringLength(n)
      vm.charge(nativeGas('stringReplace', s.length + n))
      vm.alloc(16 + n)
      return parts.join(to)
    },
    'trim()': (vm, a, b) => trim(vm, self(a, b), '\t\r\n ', true, true),
    'trim(_)': (vm, a, b) => trim(vm, self(a, b), a[b + 1], true, true),
    'trimEnd()': (vm, a, b) => trim(vm, self(a, b), '\t\r\n ', false, true),
    'trimEnd(_)': (vm, a, b) => trim(vm, self(a, b), a[b + 1], false, true),
    'trimStart()': (vm, a, b) => trim(vm, self(a, b), '\t\r\n ', true, false),
    'trimStart(_)': (vm, a, b) => trim(vm, self(a, b), a[b + 1], true, false),
    '*(_)': (vm, a, b) => {
      const s = self(a, b)
      const n = a[b + 1]
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) abort('R0035')
      const len = s.length * n
      vm.checkStringLength(len)
      vm.charge(nativeGas('stringRepeat', len) + 1)
      vm.alloc(16 + len)
      return s.repeat(n)
    },
  },
}
