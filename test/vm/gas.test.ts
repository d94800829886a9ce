// Gas metering, in process: a program always uses the same gas; a basic block is paid in
// full on entry or not entered; out of gas reports the limit as the gas used and cannot be
// caught; metering runs with no limit; natives charge per unit of work (vm/native-gas.ts).

import t from 'tap'
import { compile } from '../../compiler/compile.js'
import { renderDiagnostic } from '../../compiler/diagnostics.js'
import { textFromByteString } from '../../vm/bytes-io.js'
import { decodeModule, encodeModule, ModuleFormatError } from '../../vm/module.js'
import { ModuleCache } from '../../vm/loader.js'
import { nativeGas, type NativeGasKey } from '../../vm/native-gas.js'
import { VM, type RunOutcome, type VMOptions } from '../../vm/vm.js'
import type { Value } from '../../vm/value.js'

function build(text: string): Uint8Array {
  const c = compile({ name: './main', path: 'main.nest', text }, { read: () => null })
  if (!c.bytes) throw new Error(c.diagnostics.map((d) => renderDiagnostic(d)).join('\n'))
  return c.bytes
}

interface Run {
  readonly out: string
  readonly outcome: RunOutcome
  /** Bytes the run allocated, as the VM counts them. */
  readonly mem: number
  /** A module variable of the program after the run (its state where the run stopped). */
  variable(name: string): Value
}

function run(bytes: Uint8Array, opts: Partial<VMOptions> = {}): Run {
  let out = ''
  const vm = new VM({ host: { write: (s) => (out += s), clock: () => 0 }, ...opts })
  const mod = vm.load(bytes)
  if (!('units' in mod)) throw new Error(`module rejected: ${mod}`)
  const outcome = vm.runModule(mod)
  const unit = mod.units[0]
  return { out: textFromByteString(out), outcome, mem: vm.mem, variable: (name) => unit.vars[unit.varNames.indexOf(name)] }
}

const gasOf = (text: string, opts: Partial<VMOptions> = {}) => {
  const r = run(build(text), opts)
  if (r.outcome.kind !== 'ok') throw new Error(`${text}\nfailed: ${r.outcome.message}`)
  return r.outcome.gasUsed
}

const WORKLOAD = `class Shape {
  construct new(name, sides) {
    _name = name
    _sides = sides
  }
  sides { _sides }
  toString { "%(_name)/%(_sides)" }
  ==(other) { other is Shape && _sides == other.sides }
}
var shapes = [Shape.new("tri", 3), Shape.new("square", 4), Shape.new("hex", 6), Shape.new("penta", 5)]
shapes.sort { |a, b| a.sides < b.sides }
var byName = {}
for (s in shapes) byName[s.toString] = s.sides
var gen = Fiber.new {
  for (i in 1..5) Fiber.yield(i * i)
}
var squares = []
while (!gen.isDone) squares.add(gen.call())
var caught = Fiber.new { [1, 2][5] }.try()
var money = 10n.pow(18) * 3n - 1n
System.print([shapes, byName, squares, caught, money, shapes[0] == Shape.new("x", 3)])
System.print("a,b,,c".split(",").map { |w| w.count }.where { |n| n > 0 }.toList)
`

t.test('the same program always uses the same gas', async (t) => {
  const bytes = build(WORKLOAD)
  const first = run(bytes)
  t.equal(first.outcome.kind, 'ok', first.outcome.kind === 'error' ? first.outcome.message : '')
  t.equal(first.out, '[[tri/3, square/4, penta/5, hex/6], {tri/3: 3, square/4: 4, penta/5: 5, hex/6: 6}, [1, 4, 9, 16, 25, null], Subscript out of bounds., 2999999999999999999, true]\n[1, 1, 1]\n')
  const gas = first.outcome.gasUsed
  t.ok(gas > 0)

  t.equal(run(bytes).outcome.gasUsed, gas, 'a second run in a fresh VM')
  const cache = new ModuleCache()
  t.equal(run(bytes, { cache }).outcome.gasUsed, gas, 'with a module cache, first use')
  t.equal(run(bytes, { cache }).outcome.gasUsed, gas, 'with a module cache, linked code reused')
  t.same(build(WORKLOAD), bytes, 'compiling again gives the same module')
  const decoded = decodeModule(bytes)
  if (decoded instanceof ModuleFormatError) throw new Error(decoded.message)
  t.same(encodeModule(decoded), bytes, 'a module round-trips through its binary form')
  t.equal(run(encodeModule(decoded)).outcome.gasUsed, gas, 'from the decoded and re-encoded module')
  t.equal(run(bytes, { jit: false }).outcome.gasUsed, gas, 'without the JS tier')
  t.equal(run(bytes, { noFastPaths: true }).outcome.gasUsed, gas, 'without operator fast paths')
  t.equal(run(bytes, { gasLimit: gas }).outcome.kind, 'ok', 'a limit equal to the gas used is enough')
})

t.test('a basic block that cannot be paid runs nothing', async (t) => {
  // The loop body is one block: both counters move together or neither does.
  const bytes = build(`var a = 0
var b = 0
while (true) {
  a = a + 1
  var filler = a * 2 + a * 3 - a / 4
  b = b + 1
}
`)
  const start = run(bytes, { gasLimit: gasOf('var a = 0\nvar b = 0\n') + 50 })
  t.equal(start.outcome.kind, 'error')
  let lastA = -1
  let steps = 0
  const problems: string[] = []
  const from = start.outcome.gasUsed
  for (let limit = from; limit < from + 400; limit++) {
    const r = run(bytes, { gasLimit: limit })
    const a = r.variable('a') as number
    const b = r.variable('b') as number
    const o = r.outcome
    if (o.kind !== 'error' || o.code !== 'R0200' || o.gasUsed !== limit || a !== b || a < lastA) {
      problems.push(`limit ${limit}: ${o.kind} ${o.kind === 'error' ? o.code : ''}, gas used ${o.gasUsed}, a = ${a}, b = ${b} (before: ${lastA})`)
    }
    if (a !== lastA) steps++
    lastA = a
  }
  t.same(problems, [], 'every limit: out of gas, gas used = limit, a == b, no step back')
  t.ok(steps > 5, `the probed limits cut the loop at many iterations (${steps})`)
})

t.test('stopping exactly before the block with a print leaves that print out', async (t) => {
  const text = `System.print("one")
var go = true
if (go) {
  System.print("two")
}
System.print("three")
`
  const bytes = build(text)
  const total = run(bytes)
  t.equal(total.out, 'one\ntwo\nthree\n')
  const gas = total.outcome.gasUsed
  const outs = new Map<number, string>()
  const problems: string[] = []
  let firstTwo = -1
  // Not below what an empty program uses: the VM's start-up is not this test's subject.
  const floor = Math.max(gas - 400, gasOf(''))
  for (let limit = gas; limit >= floor; limit--) {
    const r = run(bytes, { gasLimit: limit })
    const o = r.outcome
    outs.set(limit, r.out)
    if (limit < gas && (o.kind !== 'error' || o.code !== 'R0200' || o.gasUsed !== limit)) problems.push(`limit ${limit}: ${o.kind}, gas used ${o.gasUsed}`)
    // System.print writes the text, then the newline: a limit may fall between the two.
    if (!'one\ntwo\nthree\n'.startsWith(r.out)) problems.push(`limit ${limit}: printed ${JSON.stringify(r.out)}`)
    if (r.out.includes('two')) firstTwo = limit
  }
  t.same(problems, [], 'below the gas it needs, every limit runs out at the limit and prints a prefix')
  t.ok(firstTwo > floor && outs.get(firstTwo - 1) === 'one\n', `one gas less than the first limit that prints "two" (${firstTwo}) prints only "one"`)
})

t.test('gas is metered when no limit is given, and grows with the work', async (t) => {
  const loop = (n: number) => gasOf(`var i = 0\nwhile (i < ${n}) i = i + 1\n`)
  const g = [loop(0), loop(100), loop(200), loop(300)]
  t.ok(g[0] > 0, 'even an empty loop costs gas')
  t.ok(g[1] > g[0])
  t.equal(g[2] - g[1], g[1] - g[0], 'each iteration costs the same')
  t.equal(g[3] - g[2], g[1] - g[0])
  t.ok(gasOf('') > 0, 'an empty program is metered too')
})

t.test('natives charge their table gas per unit of work, before the work', async (t) => {
  const cases: { name: string; program: (n: number) => string; charges: (n: number) => [NativeGasKey, number][]; extra?: (n: number) => number }[] = [
    { name: 'List.filled', program: (n) => `List.filled(${n}, 0)`, charges: (n) => [['listFilled', n]] },
    { name: 'String * n', program: (n) => `"ab" * ${n}`, charges: (n) => [['stringRepeat', 2 * n]] },
    { name: 'String + String', program: (n) => `var s = "x" * ${n}\nvar t = s + s`, charges: (n) => [['stringRepeat', n], ['stringConcat', 2 * n]] },
    { name: 'List slice', program: (n) => `List.filled(${n}, 0)[0...${n}]`, charges: (n) => [['listFilled', n], ['listSlice', n]] },
    { name: 'List.join of numbers', program: (n) => `List.filled(${n}, 7).join(",")`, charges: (n) => [['listFilled', n], ['listJoin', 2 * n - 1]], extra: (n) => n },
  ]
  for (const c of cases) {
    const sizes = [1000, 2000, 4000, 8000]
    const gas = sizes.map((n) => gasOf(c.program(n)))
    const expected = sizes.map((n) => c.charges(n).reduce((sum, [key, units]) => sum + nativeGas(key, units), 0) + (c.extra?.(n) ?? 0))
    for (let i = 1; i < sizes.length; i++) {
      t.equal(gas[i] - gas[0], expected[i] - expected[0], `${c.name}: n = ${sizes[i]} costs its table gas more than n = ${sizes[0]}`)
    }
  }
  // Charged before the work: one gas short of paying for a big List.filled, nothing of it
  // is allocated. The call's own block was paid on entry, so its charge is the last one.
  const program = (n: number) => build(`System.print("before")\nvar l = List.filled(${n}, 0)\n`)
  const small = run(program(0))
  const big = run(program(100000))
  t.equal(big.outcome.gasUsed - small.outcome.gasUsed, nativeGas('listFilled', 100000))
  const short = run(program(100000), { gasLimit: big.outcome.gasUsed - 1 })
  t.equal(short.outcome.kind === 'error' && short.outcome.code, 'R0200')
  t.equal(short.out, 'before\n')
  t.ok(short.mem < small.mem + 8 * 100000, `nothing of the list was allocated (${short.mem} vs ${small.mem})`)
})

t.test('out of gas is fatal: Fiber.try cannot catch it', async (t) => {
  const text = `System.print("before")
var inner = Fiber.new {
  var i = 0
  while (true) i = i + 1
}
var outer = Fiber.new { inner.try() }
var result = outer.try()
System.print("caught: %(result)")
`
  const r = run(build(text), { gasLimit: 50000 })
  t.equal(r.out, 'before\n', 'nothing after the limit runs, in any fiber')
  t.equal(r.outcome.kind, 'error')
  if (r.outcome.kind !== 'error') return
  t.equal(r.outcome.code, 'R0200')
  t.equal(r.outcome.fatal, true)
  t.equal(r.outcome.message, 'Out of gas: used 50000 of 50000.')
  t.equal(r.outcome.gasUsed, 50000)
  t.equal(r.variable('result'), null, 'the try never returned')
  t.ok(r.outcome.trace.some((f) => f.line === 4), 'the trace shows where the loop ran out')
})
