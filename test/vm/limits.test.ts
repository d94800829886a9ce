// Every limit in vm/limits.ts, hit at its script default, in process. The runtime limits
// (call depth, stack, memory, string length, gas) are fatal: Fiber.try cannot catch them,
// and no JS exception ever escapes, whatever Nest mechanism nests the calls. The compile
// and module limits answer with a diagnostic or a rejected module, one past the limit.
// (test/language/limits/ has the same runtime limits at small, per-case values.)

import t, { type Test } from 'tap'
import { compile } from '../../compiler/compile.js'
import { renderDiagnostic } from '../../compiler/diagnostics.js'
import { ByteWriter } from '../../vm/bytes-io.js'
import { formatRuntimeError, type RuntimeErrorCode } from '../../vm/errors.js'
import * as L from '../../vm/limits.js'
import { loadModule, LoadError } from '../../vm/loader.js'
import { decodeModule, encodeModule, restampModule, ModuleFormatError } from '../../vm/module.js'
import { textFromByteString } from '../../vm/bytes-io.js'
import { VM, type RunOutcome, type VMOptions } from '../../vm/vm.js'

function build(text: string): Uint8Array {
  const c = compile({ name: './main', path: 'main.nest', text }, { read: () => null })
  if (!c.bytes) throw new Error(c.diagnostics.map((d) => renderDiagnostic(d)).join('\n'))
  return c.bytes
}

function diagnosticCodes(text: string): string[] {
  return compile({ name: './main', path: 'main.nest', text }, { read: () => null }).diagnostics.map((d) => d.code)
}

function run(text: string, opts: Partial<VMOptions> = {}): { out: string; outcome: RunOutcome } {
  let out = ''
  const vm = new VM({ host: { write: (s) => (out += s), clock: () => 0 }, ...opts })
  const mod = vm.load(build(text))
  if (!('units' in mod)) throw new Error(`module rejected: ${mod}`)
  // A JS exception here (a RangeError above all) fails the test by escaping.
  const outcome = vm.runModule(mod)
  return { out: textFromByteString(out), outcome }
}

/** Asserts a run ended in this fatal limit error, after printing exactly `out` (if given). */
function hitsLimit(t: Test, r: { out: string; outcome: RunOutcome }, code: RuntimeErrorCode, args: (string | number)[], out: string | null, what: string) {
  const o = r.outcome
  t.equal(o.kind === 'error' && o.code, code, `${what}: ${code}${o.kind === 'error' ? ` (${o.message})` : ' (it completed)'}`)
  if (o.kind !== 'error') return
  t.equal(o.message, formatRuntimeError(code, args), `${what}: message`)
  t.equal(o.fatal, true, `${what}: fatal`)
  if (out !== null) t.equal(r.out, out, `${what}: output, and nothing after the limit (no Fiber.try caught it)`)
}

/** Runs `body` inside Fiber.try, and prints "caught" if the try ever returns. */
const uncaught = (setup: string, body: string) => `${setup}\nvar result = Fiber.new {\n${body}\n}.try()\nSystem.print("caught: %(result)")\n`

t.test('call depth: 65,536 frames and more work; past the limit is fatal', async (t) => {
  const R = 'class R {\n  static down(n) { n == 0 ? 0 : 1 + down(n - 1) }\n}\n'
  // The script's frame plus down(n)...down(0): n + 2 frames.
  const deepest = L.SCRIPT_MAX_CALL_DEPTH - 2
  const ok = run(`${R}System.print(R.down(65536))\nSystem.print(R.down(${deepest}))\n`)
  t.equal(ok.outcome.kind, 'ok')
  t.equal(ok.out, `65536\n${deepest}\n`)
  hitsLimit(t, run(uncaught(R, `R.down(${deepest + 1})`)), 'R0201', [L.SCRIPT_MAX_CALL_DEPTH], '', 'one frame more')
  hitsLimit(t, run(uncaught(R, 'R.down(1e9)')), 'R0201', [L.SCRIPT_MAX_CALL_DEPTH], '', 'unbounded recursion')
})

// Each mechanism nests `levels` deep, past 65,536 frames (with a call depth limit of
// 65,536 the same program must fail), then PAST levels deep, past the default limit, which
// must end in the call depth error, never in a JS RangeError.
const PAST = L.SCRIPT_MAX_CALL_DEPTH + 1000
const nested: { name: string; levels: number; setup: string; deep: (n: string) => string; expect: (levels: number) => string }[] = [
  {
    name: 'sort comparators',
    levels: 20000,
    setup: `class D {
  static go(n) {
    if (n == 0) return 0
    var r = 0
    [2, 1].sort { |a, b|
      if (r == 0) r = D.go(n - 1) + 1
      return a < b
    }
    return r
  }
}`,
    deep: (n) => `System.print(D.go(${n}))`,
    expect: String,
  },
  {
    name: 'toString in interpolation',
    levels: 30000,
    setup: `class Node {
  construct new(next) { _next = next }
  toString { _next == null ? "." : "%(_next)" }
}
var chain = Fn.new { |n|
  var node = null
  for (i in 1..n) node = Node.new(node)
  return node
}`,
    deep: (n) => `System.print("%(chain.call(${n}))")`,
    expect: () => '.',
  },
  {
    name: 'the iterate protocol',
    levels: 70000,
    setup: `class Seq is Sequence {
  construct new(n) { _n = n }
  iterate(it) {
    if (it != null || _n == 0) return it == null ? 0 : false
    for (x in Seq.new(_n - 1)) {}
    return 0
  }
  iteratorValue(it) { _n }
}`,
    deep: (n) => `for (x in Seq.new(${n})) System.print(x)`,
    expect: String,
  },
  {
    name: '== overrides',
    levels: 70000,
    setup: `class E {
  construct new(next) { _next = next }
  next { _next }
  ==(other) { _next == null ? true : _next == other.next }
}
var chain = Fn.new { |n|
  var node = null
  for (i in 1..n) node = E.new(node)
  return node
}`,
    deep: (n) => `System.print(chain.call(${n}) == chain.call(${n}))`,
    expect: () => 'true',
  },
  {
    name: 'Fn.call',
    levels: 70000,
    setup: 'var down\ndown = Fn.new { |n| n == 0 ? 0 : down.call(n - 1) + 1 }',
    deep: (n) => `System.print(down.call(${n}))`,
    expect: String,
  },
]

for (const m of nested) {
  t.test(`call depth through ${m.name}: explicit frames, no JS recursion`, async (t) => {
    const program = `${m.setup}\n${m.deep(String(m.levels))}\n`
    const deep = run(program)
    t.equal(deep.outcome.kind, 'ok', deep.outcome.kind === 'error' ? deep.outcome.message : '')
    t.equal(deep.out, `${m.expect(m.levels)}\n`)
    const capped = run(program, { maxCallDepth: 65536 })
    t.equal(capped.outcome.kind === 'error' && capped.outcome.code, 'R0201', `${m.levels} levels take more than 65,536 frames`)
    hitsLimit(t, run(uncaught(m.setup, m.deep(String(PAST)))), 'R0201', [L.SCRIPT_MAX_CALL_DEPTH], '', `${PAST} levels`)
  })
}

t.test('fibers nest on explicit frames too', async (t) => {
  const F = 'class F {\n  static nest(n) { n == 0 ? 0 : Fiber.new { F.nest(n - 1) + 1 }.call() }\n}\n'
  const deep = run(`${F}System.print(F.nest(70000))\n`)
  t.equal(deep.outcome.kind, 'ok', deep.outcome.kind === 'error' ? deep.outcome.message : '')
  t.equal(deep.out, '70000\n')
  // Each fiber has its own frames, so what stops unbounded nesting is memory.
  hitsLimit(t, run(uncaught(F, 'F.nest(1e9)'), { memoryLimit: 32 << 20 }), 'R0203', [32 << 20], '', 'without bound')
})

t.test('stack slots: deep frames with many slots hit the stack limit first', async (t) => {
  const vars = Array.from({ length: 120 }, (_, i) => `var a${i} = n`).join('\n    ')
  const W = `class W {\n  static down(n) {\n    ${vars}\n    return n == 0 ? 0 : down(n - 1) + 1\n  }\n}\n`
  const ok = run(`${W}System.print(W.down(1000))\n`)
  t.equal(ok.out, '1000\n')
  t.ok(1000 * 120 < L.SCRIPT_MAX_STACK_SLOTS && L.SCRIPT_MAX_CALL_DEPTH * 120 > L.SCRIPT_MAX_STACK_SLOTS, 'the probe is sized between the limits')
  hitsLimit(t, run(uncaught(W, 'W.down(1e9)')), 'R0202', [L.SCRIPT_MAX_STACK_SLOTS], '', 'unbounded recursion')
})

t.test('memory: the cap stops a script with no gas limit', async (t) => {
  // Each string is counted at its length, but V8 keeps a repeat as a small rope, so the
  // count reaches the cap long before the process is short of memory.
  const hog = 'var keep = []\nwhile (true) keep.add("x" * 100000000)'
  hitsLimit(t, run(uncaught('', hog)), 'R0203', [L.SCRIPT_MEMORY_LIMIT], '', 'strings kept alive')
  const r = run(uncaught('', hog))
  t.equal(r.outcome.kind === 'error' && r.outcome.gasUsed, run(uncaught('', hog)).outcome.gasUsed, 'it stops at the same point every time')
})

t.test('string and Bytes length', async (t) => {
  const max = L.MAX_STRING_BYTES
  const ok = run(`var s = "x" * ${max}\nSystem.print(s.count)\n`)
  t.equal(ok.out, `${max}\n`, 'a string of exactly the limit is fine')
  const cases = [
    ['String * n', `"x" * ${max + 1}`],
    ['String + String', `("x" * ${max}) + "y"`],
    ['interpolation', `var h = "x" * ${max / 2}\nvar s = "%(h)%(h)."`],
    ['join', `["x" * ${max}, "y"].join()`],
    ['Bytes.filled', `Bytes.filled(${max + 1}, 0)`],
  ]
  for (const [what, body] of cases) hitsLimit(t, run(uncaught('System.print("start")', body)), 'R0204', [max], 'start\n', what)
})

t.test('gas: a limit above the small counter is kept exactly (GAS_CHUNK, UNLIMITED_GAS)', async (t) => {
  t.equal(new VM({ host: { write: () => {} } }).gasLimit, L.UNLIMITED_GAS, 'scripts have no gas limit by default')
  // Each repeat charges 2^24 gas and builds a rope, so a few dozen cross GAS_CHUNK cheaply.
  const text = 'var i = 0\nwhile (i < 40) {\n  var s = "x" * 134217728\n  i = i + 1\n}\nSystem.print(i)\n'
  const big = { memoryLimit: 2 ** 40 }
  const free = run(text, big)
  t.equal(free.out, '40\n')
  const used = free.outcome.gasUsed
  t.ok(used > L.GAS_CHUNK, `the run used more than GAS_CHUNK (${used} > ${L.GAS_CHUNK})`)
  t.equal(run(text, big).outcome.gasUsed, used, 'and the same again')
  t.equal(run(text, { ...big, gasLimit: used }).outcome.kind, 'ok', 'a limit of exactly that is enough')
  for (const limit of [used - 1, L.GAS_CHUNK + 1, L.GAS_CHUNK, L.GAS_CHUNK - 1]) {
    const r = run(text, { ...big, gasLimit: limit })
    hitsLimit(t, r, 'R0200', [limit, limit], null, `limit ${limit}`)
    t.equal(r.outcome.gasUsed, limit, `limit ${limit}: gas used is the limit`)
  }
})

const params = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`).join(', ')
const declare = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `var ${prefix}${i} = ${i}`).join('\n')

t.test('compile limits: at the limit compiles and runs, one past is a diagnostic', async (t) => {
  const cases: { name: string; limit: number; program: (n: number) => string; at: number; code: string; out: (n: number) => string }[] = [
    { name: 'MAX_ARGS', limit: L.MAX_ARGS, at: L.MAX_ARGS, code: 'E0050', program: (n) => `class C {\n  static f(${params(n)}) { p${n - 1} }\n}\nSystem.print(C.f(${params(n).replace(/p/g, '')}))`, out: (n) => `${n - 1}` },
    // Slot 0 of a block at top level is taken, so MAX_LOCALS - 1 declarations fill it.
    { name: 'MAX_LOCALS', limit: L.MAX_LOCALS, at: L.MAX_LOCALS - 1, code: 'E0051', program: (n) => `{\n${declare(n, 'a')}\nSystem.print(a${n - 1})\n}`, out: (n) => `${n - 1}` },
    // Captures from two enclosing functions, so neither runs into MAX_LOCALS first.
    {
      name: 'MAX_UPVALUES',
      limit: L.MAX_UPVALUES,
      at: L.MAX_UPVALUES,
      code: 'E0056',
      program: (n) => {
        const names = [...[...Array(128).keys()].map((i) => `u${i}`), ...[...Array(n - 128).keys()].map((i) => `w${i}`)]
        return `var outer = Fn.new {\n${declare(128, 'u')}\n  return Fn.new {\n${declare(n - 128, 'w')}\n    return Fn.new { [${names.join(', ')}].count }\n  }\n}\nSystem.print(outer.call().call().call())`
      },
      out: (n) => `${n}`,
    },
    { name: 'MAX_FIELDS', limit: L.MAX_FIELDS, at: L.MAX_FIELDS, code: 'E0052', program: (n) => `class C {\n  construct new() {\n${[...Array(n).keys()].map((i) => `    _f${i} = ${i}`).join('\n')}\n  }\n  last { _f${n - 1} }\n}\nSystem.print(C.new().last)`, out: (n) => `${n - 1}` },
    { name: 'MAX_NAME_LENGTH (variables)', limit: L.MAX_NAME_LENGTH, at: L.MAX_NAME_LENGTH, code: 'E0053', program: (n) => `var ${'v'.repeat(n)} = 1\nSystem.print(${'v'.repeat(n)})`, out: () => '1' },
    { name: 'MAX_NAME_LENGTH (methods)', limit: L.MAX_NAME_LENGTH, at: L.MAX_NAME_LENGTH, code: 'E0054', program: (n) => `class C {\n  static ${'m'.repeat(n)} { 7 }\n}\nSystem.print(C.${'m'.repeat(n)})`, out: () => '7' },
    { name: 'MAX_INTERPOLATION_NESTING', limit: L.MAX_INTERPOLATION_NESTING, at: L.MAX_INTERPOLATION_NESTING, code: 'E0008', program: (n) => `System.print("${'%("'.repeat(n)}x${'")'.repeat(n)}")`, out: () => 'x' },
  ]
  for (const c of cases) {
    const ok = run(c.program(c.at))
    t.equal(ok.out, `${c.out(c.at)}\n`, `${c.name} = ${c.limit}: at the limit it runs`)
    t.same(diagnosticCodes(c.program(c.at + 1)).slice(0, 1), [c.code], `${c.name}: one past is ${c.code}`)
  }
})

t.test('MAX_FIELDS with inherited fields is a runtime error, as in Wren', async (t) => {
  const classes = (a: number, b: number) =>
    `class A {\n  construct new() {\n${[...Array(a).keys()].map((i) => `    _a${i} = ${i}`).join('\n')}\n  }\n}\nclass B is A {\n  construct new() {\n    super()\n${[...Array(b).keys()].map((i) => `    _b${i} = ${i}`).join('\n')}\n  }\n}\nSystem.print(B.new() is A)\n`
  t.equal(run(classes(200, L.MAX_FIELDS - 200)).out, 'true\n')
  const over = run(classes(200, L.MAX_FIELDS - 199)).outcome
  t.equal(over.kind === 'error' && over.code, 'R0025')
})

t.test('MAX_MODULE_VARS: one variable too many is a diagnostic', async (t) => {
  // The module's own variables start after the core names every module sees (25 of them
  // today): declare enough that any count of core names pushes the total past the limit.
  // Without initializers, so that the source stays inside MAX_SOURCE_BYTES.
  const codes = diagnosticCodes(Array.from({ length: L.MAX_MODULE_VARS }, (_, i) => `var v${i}`).join('\n'))
  t.ok(codes.includes('E0055'), 'E0055')
})

/** A module whose payload is `write`'s bytes, with a valid header and hash. */
function craft(write: (w: ByteWriter) => void): Uint8Array {
  const header = encodeModule({ constants: [], symbols: [], classes: [], units: [{ name: 'x', main: -1, vars: [] }], functions: [] }).subarray(0, 40)
  const w = new ByteWriter()
  write(w)
  const payload = w.finish()
  const bytes = new Uint8Array(header.length + payload.length)
  bytes.set(header)
  bytes.set(payload, header.length)
  return restampModule(bytes)
}

t.test('module limits: one past is rejected before anything is read further', async (t) => {
  const unit = (w: ByteWriter) => {
    w.uvar(1)
    w.str('./main')
    w.uvar(1) // no entry function
    w.uvar(0)
  }
  const fnHeader = (w: ByteWriter) => {
    w.uvar(1)
    w.str('f')
    w.u8(0)
    w.uvar(0)
    w.uvar(0)
    w.uvar(0)
  }
  const sections: { name: string; limit: number; what: string; write: (w: ByteWriter, n: number) => void }[] = [
    { name: 'MAX_CONSTANTS', limit: L.MAX_CONSTANTS, what: 'constants', write: (w, n) => w.uvar(n) },
    { name: 'MAX_SYMBOLS', limit: L.MAX_SYMBOLS, what: 'method names', write: (w, n) => [0, n].forEach((v) => w.uvar(v)) },
    { name: 'MAX_CLASSES', limit: L.MAX_CLASSES, what: 'classes', write: (w, n) => [0, 0, n].forEach((v) => w.uvar(v)) },
    { name: 'MAX_UNITS', limit: L.MAX_UNITS, what: 'units', write: (w, n) => [0, 0, 0, n].forEach((v) => w.uvar(v)) },
    {
      name: 'MAX_FUNCTIONS',
      limit: L.MAX_FUNCTIONS,
      what: 'functions',
      write: (w, n) => {
        ;[0, 0, 0].forEach((v) => w.uvar(v))
        unit(w)
        w.uvar(n)
      },
    },
    {
      name: 'MAX_CODE_WORDS',
      limit: L.MAX_CODE_WORDS,
      what: 'code words',
      write: (w, n) => {
        ;[0, 0, 0].forEach((v) => w.uvar(v))
        unit(w)
        fnHeader(w)
        w.uvar(n)
      },
    },
  ]
  for (const s of sections) {
    const over = decodeModule(craft((w) => s.write(w, s.limit + 1)))
    t.ok(over instanceof ModuleFormatError && over.message === `${s.limit + 1} ${s.what}, above the limit of ${s.limit}`, `${s.name}: ${s.limit + 1} is above the limit (${(over as ModuleFormatError).message})`)
    const at = decodeModule(craft((w) => s.write(w, s.limit)))
    t.ok(at instanceof ModuleFormatError && !at.message.includes('above the limit'), `${s.name}: ${s.limit} passes the limit check (${(at as ModuleFormatError).message})`)
  }

  const tooBig = loadModule(new Uint8Array(L.MAX_MODULE_BYTES + 1))
  t.ok(tooBig instanceof LoadError && tooBig.message === `module is ${L.MAX_MODULE_BYTES + 1} bytes, above the limit of ${L.MAX_MODULE_BYTES}`, 'MAX_MODULE_BYTES: one byte more is rejected unread')
  const atSize = loadModule(new Uint8Array(L.MAX_MODULE_BYTES))
  t.ok(atSize instanceof LoadError && !atSize.message.includes('above the limit'), 'MAX_MODULE_BYTES: exactly the limit gets read (and fails on its magic number)')
})

t.test('MAX_ARGS is checked again by the verifier', async (t) => {
  const m = decodeModule(build('var f = Fn.new { |a| a }\nSystem.print(f.call(1))\n'))
  if (m instanceof ModuleFormatError) throw new Error(m.message)
  const block = m.functions.findIndex((f) => f.arity === 1)
  t.ok(block >= 0)
  const forged = { ...m, functions: m.functions.map((f, i) => (i === block ? { ...f, arity: L.MAX_ARGS + 1 } : f)) }
  const loaded = loadModule(encodeModule(forged))
  t.ok(loaded instanceof LoadError && loaded.stage === 'verify', `an arity of ${L.MAX_ARGS + 1} is rejected (${loaded})`)
})

t.test('MAX_SOURCE_BYTES: a source of exactly the limit compiles, one byte more is a diagnostic', async (t) => {
  // One string literal fills the source: lexing it is cheap, unlike as many statements.
  const source = (bytes: number) => {
    const head = 'var s = "'
    const tail = '"\nSystem.print(s.count)\n'
    return head + 'x'.repeat(bytes - head.length - tail.length) + tail
  }
  const at = source(L.MAX_SOURCE_BYTES)
  t.equal(at.length, L.MAX_SOURCE_BYTES)
  t.equal(run(at).out, `${at.length - 33}\n`, "at the limit it runs (the string is all but 33 bytes of it)")
  t.same(diagnosticCodes(source(L.MAX_SOURCE_BYTES + 1)), ['E0066'], 'one byte more is E0066')
})

t.test('every limit in vm/limits.ts is covered above', async (t) => {
  // Add a limit there, add its test here, then its name to this list.
  const covered = [
    'MAX_ARGS', 'MAX_LOCALS', 'MAX_UPVALUES', 'MAX_FIELDS', 'MAX_MODULE_VARS', 'MAX_NAME_LENGTH', 'MAX_INTERPOLATION_NESTING',
    'MAX_SOURCE_BYTES', 'MAX_MODULE_BYTES', 'MAX_CODE_WORDS', 'MAX_FUNCTIONS', 'MAX_CONSTANTS', 'MAX_SYMBOLS', 'MAX_CLASSES', 'MAX_UNITS',
    'SCRIPT_MAX_CALL_DEPTH', 'SCRIPT_MAX_STACK_SLOTS', 'MAX_STRING_BYTES', 'SCRIPT_MEMORY_LIMIT', 'GAS_CHUNK', 'UNLIMITED_GAS',
  ]
  t.same(Object.keys(L).sort(), covered.sort())
})
