// What test/meta/coverage.ts counts as covered: checked on small generated cases, so the
// coverage meta-test cannot pass by counting the wrong things.

import t from 'tap'
import { join } from 'node:path'
import { CASES_ROOT } from '../language/harness.js'
import { collectCoverage, coreMethods, isInternal } from './coverage.js'

const at = (name: string, text: string) => ({ file: join(CASES_ROOT, 'meta', `${name}.nest`), text })

t.test('helpers and constructor halves are internal, everything else public', async (t) => {
  for (const sig of ['byteAt_(_)', 'byteCount_', 'writeString_(_)', 'init new(_,_)']) t.ok(isInternal(sig), sig)
  for (const sig of ['add(_)', '[_]=(_)', '-', 'new(_,_)', 'call()', 'max']) t.notOk(isInternal(sig), sig)
})

t.test('core methods are listed once, on the class that defines them', async (t) => {
  const all = coreMethods()
  t.ok(all.has('Sequence.count'))
  t.ok(all.has('List.count'), 'List overrides count')
  t.notOk(all.has('Range.count'), 'Range inherits count from Sequence')
  t.ok(all.has('List.filled(_,_) static'))
  t.ok(all.has('Int.max static') && all.has('Int.max(_)'), 'static and instance methods are told apart')
  t.ok(all.has('Object.same(_,_) static'))
  t.notOk([...all].some((m) => m.startsWith('Class.') && m.endsWith(' static')), 'Class is its own metaclass')
  t.notOk(all.has('String.byteAt_(_)'))
})

t.test('a call counts for the class that defines the method, if a case made it', async (t) => {
  const c = collectCoverage(
    [
      at('calls', 'System.print((1..3).count) // expect: 3\nSystem.print([3, 1].sort()) // expect: [1, 3]\nSystem.print(1 + 2) // expect: 3\n'),
    ],
    CASES_ROOT,
  )
  t.same(c.failing, [])
  t.ok(c.methods.has('Sequence.count'), 'Range.count is Sequence.count')
  t.ok(c.methods.has('List.sort()'))
  t.ok(c.methods.has('Num.+(_)'), 'operators are calls when fast paths are off')
  t.ok(c.methods.has('System.print(_) static'))
  t.notOk(c.methods.has('List.swap(_,_)'), 'sort calls swap, the case does not')
  t.notOk(c.methods.has('Num.toString'), 'print calls toString, the case does not')
})

t.test('codes count from passing cases, caught errors included', async (t) => {
  const c = collectCoverage(
    [
      at('caught', 'System.print(Fiber.new { 1n - 2n }.try()) // expect: Int underflow: the result is below 0.\n'),
      at('compile', 'var x = 1n + // expect error\n'),
      at('wrong', 'System.print(1n / 0n) // expect: 0\n'),
    ],
    CASES_ROOT,
  )
  t.ok(c.runtime.has('R0101'), 'an abort caught by Fiber.try counts')
  t.ok(c.diagnostics.has('E0021'))
  t.notOk(c.runtime.has('R0102'), 'a failing case covers nothing')
  t.equal(c.failing.length, 1)
  t.match(c.failing[0], /^meta\/wrong\.nest: /)
})
