// The fuzzers' PRNG: the same keys give the same numbers, and the numbers are spread
// evenly enough to reach every choice.

import t from 'tap'
import { Prng } from './prng.js'

t.test('a seed fixes the sequence', async (t) => {
  const a = new Prng(42, 1, 7)
  const b = new Prng(42, 1, 7)
  const xs = Array.from({ length: 100 }, () => a.u32())
  t.same(Array.from({ length: 100 }, () => b.u32()), xs, 'equal keys, equal sequences')
  const other = (...keys: number[]) => new Prng(...keys).u32()
  t.not(other(42, 1, 8), xs[0], 'another case number starts elsewhere')
  t.not(other(42, 2, 7), xs[0], 'another stream starts elsewhere')
  t.not(other(43, 1, 7), xs[0], 'another seed starts elsewhere')
  t.not(other(2 ** 32 + 42, 1, 7), xs[0], 'keys above 32 bits count in full')
  t.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32), 'values are unsigned 32-bit integers')
})

t.test('choices are spread evenly', async (t) => {
  const r = new Prng(1)
  const counts = new Array(10).fill(0)
  for (let i = 0; i < 100_000; i++) counts[r.int(10)]++
  t.ok(counts.every((c) => c > 9_500 && c < 10_500), `int(10) hits each value about equally: ${counts.join(' ')}`)
  const w = new Array(3).fill(0)
  for (let i = 0; i < 30_000; i++) w[r.weighted([1, 2, 0])]++
  t.equal(w[2], 0, 'a zero weight is never picked')
  t.ok(w[1] > 1.8 * w[0] && w[1] < 2.2 * w[0], `weights are proportions: ${w.join(' ')}`)
  const b = Array.from({ length: 1000 }, () => r.between(-2, 2))
  t.same([...new Set(b)].sort(), [-1, -2, 0, 1, 2].sort(), 'between() covers both ends')
  let heads = 0
  for (let i = 0; i < 10_000; i++) if (r.chance(0.25)) heads++
  t.ok(heads > 2_300 && heads < 2_700, `chance(0.25) holds about a quarter: ${heads}`)
})
