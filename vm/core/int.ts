// Int: Nest's money type, an unsigned 256-bit integer. Any result below 0 or above
// 2^256-1 aborts, so `balance - amount` is itself the balance check. `/` truncates (the
// only rounding; divCeil rounds up). Int and Num never mix implicitly.

import { abort } from '../errors.js'
import { nativeGas } from '../native-gas.js'
import { NBytes, type Value } from '../value.js'
import type { VM } from '../vm.js'
import { native, type Native, type NativeTable } from './native.js'
import { formatNum } from './numfmt.js'

export const INT_MAX = (1n << 256n) - 1n

const self = (a: Value[], b: number) => a[b] as bigint

export function checkInt(v: bigint): bigint {
  if (v > INT_MAX) abort('R0100')
  if (v < 0n) abort('R0101')
  return v
}

/** The other operand of an Int operator: an Int, never a Num. */
function other(v: Value, name: string): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') abort('R0103', 'Num')
  abort('R0107', name)
}

function op(f: (x: bigint, y: bigint) => Value): Native {
  return (vm, a, b) => {
    vm.charge(nativeGas('intArith', 1))
    return f(self(a, b), other(a[b + 1], 'Right operand'))
  }
}

function nonZero(y: bigint): bigint {
  if (y === 0n) abort('R0102')
  return y
}

/** A shift or exponent: an Int or a non-negative integer Num. */
function smallCount(v: Value, name: string): number {
  if (typeof v === 'bigint') return v > 1_000_000n ? 1_000_000 : Number(v)
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) abort('R0003', name)
    if (v < 0) abort('R0004', name)
    return v
  }
  abort('R0107', name)
}

export function intFromNum(n: Value): bigint {
  if (typeof n !== 'number') abort('R0002', 'Argument')
  // The Num is named as Nest prints it (1.5e-05, infinity), not as JS does.
  if (!Number.isInteger(n) || n < 0) abort('R0104', formatNum(n))
  return checkInt(BigInt(n))
}

/** Digits of 2^256-1, decimal and hex: more significant digits than these overflow. */
const MAX_DIGITS = { dec: 78, hex: 64 }

export function parseInt256(vm: VM, s: string): bigint | null {
  vm.charge(nativeGas('intText', s.length))
  const hex = s.startsWith('0x')
  if (!(hex ? /^0x[0-9a-fA-F]+$/ : /^[0-9]+$/).test(s)) return null
  // Leading zeros are harmless; too many other digits overflow without parsing them.
  const significant = (hex ? s.slice(2) : s).replace(/^0+/, '')
  if (significant.length > (hex ? MAX_DIGITS.hex : MAX_DIGITS.dec)) abort('R0100')
  return checkInt(BigInt(s))
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n
  let x = BigInt(Math.floor(Math.sqrt(Number(n))))
  // Newton steps from the float estimate until it settles on the floor.
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) {
      while (x * x > n) x--
      while ((x + 1n) * (x + 1n) <= n) x++
      return x
    }
    x = y
  }
}

export const intTable: NativeTable = {
  statics: {
    'fromNum(_)': (vm, a, b) => {
      vm.charge(nativeGas('intArith', 1))
      return intFromNum(a[b + 1])
    },
    'fromString(_)': (vm, a, b) => {
      const s = a[b + 1]
      if (typeof s !== 'string') abort('R0005', 'Argument')
      return parseInt256(vm, s)
    },
    'fromBytes(_)': (vm, a, b) => {
      const v = a[b + 1]
      if (!(v instanceof NBytes)) abort('R0108', 'Argument')
      vm.charge(nativeGas('intText', v.bytes.length * 2))
      // Big-endian; leading zero bytes do not count towards the 32 an Int can hold.
      let first = 0
      while (first < v.bytes.length && v.bytes[first] === 0) first++
      if (v.bytes.length - first > 32) abort('R0100')
      let n = 0n
      for (let i = first; i < v.bytes.length; i++) n = (n << 8n) | BigInt(v.bytes[i])
      return n
    },
    max: () => INT_MAX,
  },
  methods: {
    '+(_)': op((x, y) => checkInt(x + y)),
    '-(_)': op((x, y) => checkInt(x - y)),
    '*(_)': op((x, y) => checkInt(x * y)),
    '/(_)': op((x, y) => x / nonZero(y)),
    '%(_)': op((x, y) => x % nonZero(y)),
    'divCeil(_)': op((x, y) => {
      const q = x / nonZero(y)
      return q * y === x ? q : q + 1n
    }),
    '<(_)': op((x, y) => x < y),
    '>(_)': op((x, y) => x > y),
    '<=(_)': op((x, y) => x <= y),
    '>=(_)': op((x, y) => x >= y),
    '&(_)': op((x, y) => x & y),
    '|(_)': op((x, y) => x | y),
    '^(_)': op((x, y) => x ^ y),
    'min(_)': op((x, y) => (x <= y ? x : y)),
    'max(_)': op((x, y) => (x >= y ? x : y)),
    '<<(_)': (vm, a, b) => {
      vm.charge(nativeGas('intArith', 1))
      const n = smallCount(a[b + 1], 'Shift amount')
      if (n >= 256) abort('R0109')
      return checkInt(self(a, b) << BigInt(n))
    },
    '>>(_)': (vm, a, b) => {
      vm.charge(nativeGas('intArith', 1))
      const n = smallCount(a[b + 1], 'Shift amount')
      if (n >= 256) abort('R0109')
      return self(a, b) >> BigInt(n)
    },
    'pow(_)': (vm, a, b) => {
      const x = self(a, b)
      const e = smallCount(a[b + 1], 'Exponent')
      vm.charge(nativeGas('intArith', 1) * Math.max(1, Math.ceil(Math.log2(e + 1))))
      if (x > 1n && e > 256) abort('R0100')
      return checkInt(x ** BigInt(e))
    },
    '~': (vm, a, b) => {
      vm.charge(nativeGas('intArith', 1))
      return INT_MAX - self(a, b)
    },
    '-': (_vm, a, b) => checkInt(-self(a, b)),
    sqrt: (vm, a, b) => {
      vm.charge(nativeGas('intArith', 8))
      return isqrt(self(a, b))
    },
    isZero: (_vm, a, b) => self(a, b) === 0n,
    toNum: (_vm, a, b) => {
      const x = self(a, b)
      const n = Number(x)
      if (BigInt(n) !== x) abort('R0105', x.toString())
      return n
    },
    toString: native((vm, a, b) => {
      const s = self(a, b).toString()
      vm.charge(nativeGas('intText', s.length))
      return s
    }),
    toHex: (vm, a, b) => {
      const s = self(a, b).toString(16)
      vm.charge(nativeGas('intText', s.length))
      return s
    },
    toBytes: (vm, a, b) => {
      const out = new Uint8Array(32)
      let x = self(a, b)
      for (let i = 31; i >= 0 && x > 0n; i--) {
        out[i] = Number(x & 0xffn)
        x >>= 8n
      }
      vm.charge(nativeGas('bytesCopy', 32))
      return vm.newBytes(out)
    },
  },
}
