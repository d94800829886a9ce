// Bytes: immutable byte strings for hashes, keys and signatures. Value equality, usable
// as Map keys, written x"00ff" or built with Bytes.fromHex("00ff").

import { abort } from '../errors.js'
import { nativeGas } from '../native-gas.js'
import { NBytes, NList, NRange, type Value } from '../value.js'
import type { VM } from '../vm.js'
import { native, type NativeTable } from './native.js'
import { index, int, rangeSlice } from './validate.js'

const self = (a: Value[], b: number) => (a[b] as NBytes).bytes

export function bytesFromHex(s: string): Uint8Array | null {
  const h = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return null
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function toHex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16)
  return s
}

function make(vm: VM, bytes: Uint8Array): NBytes {
  vm.charge(nativeGas('bytesCopy', bytes.length))
  return vm.newBytes(bytes)
}

export const bytesTable: NativeTable = {
  statics: {
    'fromHex(_)': (vm, a, b) => {
      const s = a[b + 1]
      if (typeof s !== 'string') abort('R0005', 'Argument')
      const bytes = bytesFromHex(s)
      if (bytes === null) abort('R0106')
      return make(vm, bytes)
    },
    'fromString(_)': (vm, a, b) => {
      const s = a[b + 1]
      if (typeof s !== 'string') abort('R0005', 'Argument')
      const out = new Uint8Array(s.length)
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
      return make(vm, out)
    },
    'fromList(_)': (vm, a, b) => {
      const list = a[b + 1]
      if (!(list instanceof NList)) abort('R0111', 'Argument')
      const out = new Uint8Array(list.items.length)
      list.items.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) abort('R0110')
        out[i] = v
      })
      return make(vm, out)
    },
    'filled(_,_)': (vm, a, b) => {
      const n = int(a[b + 1], 'Size')
      if (n < 0) abort('R0016')
      const byte = a[b + 2]
      if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) abort('R0110')
      vm.checkStringLength(n)
      return make(vm, new Uint8Array(n).fill(byte))
    },
  },
  methods: {
    count: (_vm, a, b) => self(a, b).length,
    '[_]': (vm, a, b) => {
      const bytes = self(a, b)
      const i = a[b + 1]
      if (typeof i === 'number') return bytes[index(i, bytes.length, 'Subscript')]
      if (!(i instanceof NRange)) abort('R0007')
      const { start, count, step } = rangeSlice(i, bytes.length)
      const out = new Uint8Array(count)
      for (let k = 0; k < count; k++) out[k] = bytes[start + k * step]
      return make(vm, out)
    },
    '+(_)': (vm, a, b) => {
      const y = a[b + 1]
      if (!(y instanceof NBytes)) abort('R0108', 'Right operand')
      const x = self(a, b)
      const out = new Uint8Array(x.length + y.bytes.length)
      out.set(x, 0)
      out.set(y.bytes, x.length)
      return make(vm, out)
    },
    'iterate(_)': (_vm, a, b) => {
      const n = self(a, b).length
      const it = a[b + 1]
      if (it === null) return n === 0 ? false : 0
      const i = int(it, 'Iterator')
      if (i < 0 || i >= n - 1) return false
      return i + 1
    },
    'iteratorValue(_)': (_vm, a, b) => self(a, b)[index(a[b + 1], self(a, b).length, 'Iterator')],
    'indexOf(_)': (vm, a, b) => {
      const byte = a[b + 1]
      vm.charge(nativeGas('bytesCopy', self(a, b).length))
      return typeof byte === 'number' ? self(a, b).indexOf(byte) : -1
    },
    toHex: (vm, a, b) => {
      vm.charge(nativeGas('bytesCopy', self(a, b).length * 2))
      return toHex(self(a, b))
    },
    toString: native((vm, a, b) => {
      vm.charge(nativeGas('bytesCopy', self(a, b).length * 2))
      return '0x' + toHex(self(a, b))
    }),
    asString: (vm, a, b) => {
      const bytes = self(a, b)
      vm.charge(nativeGas('bytesCopy', bytes.length))
      vm.alloc(16 + bytes.length)
      let s = ''
      for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[])
      return s
    },
  },
}
