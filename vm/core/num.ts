// Num: IEEE-754 doubles with Wren's methods and messages. Bitwise operators work on
// unsigned 32-bit integers, as Wren's do; % is C's fmod (the sign of the dividend).

import { abort } from '../errors.js'
import type { Value } from '../value.js'
import { native, type Native, type NativeTable } from './native.js'
import { formatNum, parseNum } from './numfmt.js'
import { num, str } from './validate.js'

const self = (a: Value[], b: number) => a[b] as number
const infix = (name: string, f: (x: number, y: number) => Value): Native => (_vm, a, b) => f(self(a, b), operand(a[b + 1], name))

/** The other operand of a Num operator. An Int gets Int's own message (`1 + 1n` fails as
 *  `1n + 1` does), which says how to convert; anything else gets Wren's. */
function operand(v: Value, name: string): number {
  if (typeof v === 'bigint') abort('R0103', 'Num')
  return num(v, name)
}
const unary = (f: (x: number) => number): Native => (_vm, a, b) => f(self(a, b))

/** C's round(): half away from zero (Math.round goes half up). */
function roundC(x: number): number {
  if (!Number.isFinite(x)) return x
  const r = Math.round(Math.abs(x))
  return x < 0 || Object.is(x, -0) ? -r : r
}

/** C's modf() fractional part: same sign as x, 0 (signed) for integers and infinities. */
function fraction(x: number): number {
  if (Number.isNaN(x)) return x
  if (!Number.isFinite(x)) return x < 0 ? -0 : 0
  const f = x - Math.trunc(x)
  return f === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : f
}

/** C's pow(): 1 for pow(1, y) and pow(-1, +-infinity), where JS gives NaN. */
function powC(x: number, y: number): number {
  if (x === 1) return 1
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1
  return Math.pow(x, y)
}

export const numTable: NativeTable = {
  statics: {
    'fromString(_)': (_vm, a, b) => {
      const s = str(a[b + 1], 'Argument')
      if (s.length === 0) return null
      const r = parseNum(s)
      if (r === 'range') abort('R0021')
      return r
    },
    infinity: () => Infinity,
    nan: () => NaN,
    pi: () => Math.PI,
    tau: () => 2 * Math.PI,
    largest: () => Number.MAX_VALUE,
    smallest: () => 2.2250738585072014e-308,
    maxSafeInteger: () => Number.MAX_SAFE_INTEGER,
    minSafeInteger: () => Number.MIN_SAFE_INTEGER,
  },
  methods: {
    '-(_)': infix('Right operand', (x, y) => x - y),
    '+(_)': infix('Right operand', (x, y) => x + y),
    '*(_)': infix('Right operand', (x, y) => x * y),
    '/(_)': infix('Right operand', (x, y) => x / y),
    '%(_)': infix('Right operand', (x, y) => x % y),
    '<(_)': infix('Right operand', (x, y) => x < y),
    '>(_)': infix('Right operand', (x, y) => x > y),
    '<=(_)': infix('Right operand', (x, y) => x <= y),
    '>=(_)': infix('Right operand', (x, y) => x >= y),
    '&(_)': infix('Right operand', (x, y) => ((x >>> 0) & (y >>> 0)) >>> 0),
    '|(_)': infix('Right operand', (x, y) => ((x >>> 0) | (y >>> 0)) >>> 0),
    '^(_)': infix('Right operand', (x, y) => ((x >>> 0) ^ (y >>> 0)) >>> 0),
    '<<(_)': infix('Right operand', (x, y) => ((x >>> 0) << (y >>> 0)) >>> 0),
    '>>(_)': infix('Right operand', (x, y) => (x >>> 0) >>> (y >>> 0)),
    '==(_)': (_vm, a, b) => typeof a[b + 1] === 'number' && self(a, b) === a[b + 1],
    '!=(_)': (_vm, a, b) => typeof a[b + 1] !== 'number' || self(a, b) !== a[b + 1],
    '..(_)': (vm, a, b) => vm.newRange(self(a, b), operand(a[b + 1], 'Right hand side of range'), true),
    '...(_)': (vm, a, b) => vm.newRange(self(a, b), operand(a[b + 1], 'Right hand side of range'), false),
    'atan(_)': infix('x value', (x, y) => Math.atan2(x, y)),
    'min(_)': infix('Other value', (x, y) => (x <= y ? x : y)),
    'max(_)': infix('Other value', (x, y) => (x > y ? x : y)),
    'clamp(_,_)': (_vm, a, b) => {
      const x = self(a, b)
      const lo = operand(a[b + 1], 'Min value')
      const hi = operand(a[b + 2], 'Max value')
      return x < lo ? lo : x > hi ? hi : x
    },
    'pow(_)': infix('Power value', powC),
    abs: unary(Math.abs),
    acos: unary(Math.acos),
    asin: unary(Math.asin),
    atan: unary(Math.atan),
    cbrt: unary(Math.cbrt),
    ceil: unary(Math.ceil),
    cos: unary(Math.cos),
    floor: unary(Math.floor),
    '-': unary((x) => -x),
    round: unary(roundC),
    sin: unary(Math.sin),
    sqrt: unary(Math.sqrt),
    tan: unary(Math.tan),
    log: unary(Math.log),
    log2: unary(Math.log2),
    exp: unary(Math.exp),
    '~': unary((x) => ~(x >>> 0) >>> 0),
    fraction: unary(fraction),
    truncate: unary(Math.trunc),
    sign: unary((x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
    isInfinity: (_vm, a, b) => self(a, b) === Infinity || self(a, b) === -Infinity,
    isInteger: (_vm, a, b) => Number.isInteger(self(a, b)),
    isNan: (_vm, a, b) => Number.isNaN(self(a, b)),
    toString: native((_vm, a, b) => formatNum(self(a, b))),
  },
}
