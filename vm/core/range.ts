// Range: a numeric interval with Wren's iteration rules. The interpreter's for-loop fast
// path (vm/interpreter.ts, ITERATE) mirrors iterate(_) here and must stay identical.

import type { NRange, Value } from '../value.js'
import { native, type Native, type NativeTable } from './native.js'
import { formatNum } from './numfmt.js'
import { num } from './validate.js'

const self = (a: Value[], b: number) => a[b] as NRange

/** C's fmin/fmax ignore a NaN operand. */
const fmin = (x: number, y: number) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.min(x, y))
const fmax = (x: number, y: number) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.max(x, y))

export const rangeTable: NativeTable = {
  methods: {
    from: (_vm, a, b) => self(a, b).from,
    to: (_vm, a, b) => self(a, b).to,
    min: (_vm, a, b) => fmin(self(a, b).from, self(a, b).to),
    max: (_vm, a, b) => fmax(self(a, b).from, self(a, b).to),
    isInclusive: (_vm, a, b) => self(a, b).inclusive,
    'iterate(_)': (_vm, a, b) => {
      const r = self(a, b)
      if (r.from === r.to && !r.inclusive) return false
      const it = a[b + 1]
      if (it === null) return r.from
      let i = num(it, 'Iterator')
      if (r.from < r.to) {
        i++
        if (i > r.to) return false
      } else {
        i--
        if (i < r.to) return false
      }
      if (!r.inclusive && i === r.to) return false
      return i
    },
    'iteratorValue(_)': (_vm, a, b) => a[b + 1],
    toString: native((_vm, a, b) => {
      const r = self(a, b)
      return formatNum(r.from) + (r.inclusive ? '..' : '...') + formatNum(r.to)
    }),
  },
}
