// The module's own limits beyond constants (E0057, constants.test.ts) and module variables
// (E0055): method names E0058, functions E0059, classes E0060, code words of one function
// E0061, units E0062. Each is hit with the limit lowered by a compile option (the same
// code path reports it) and once at the loader's real limit, which must agree with it.

import t from 'tap'
import { at, build, loads } from './build.js'
import { ModuleBuilder } from '../../compiler/module-builder.js'
import { MAX_CLASSES, MAX_CODE_WORDS, MAX_FUNCTIONS, MAX_SYMBOLS, MAX_UNITS } from '../../vm/limits.js'

const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i) + '\n').join('')

t.test('a lowered limit applies, a higher one is the loader\'s', async (t) => {
  const low = new ModuleBuilder(undefined, { maxSymbols: 2, maxFunctions: 3, maxClasses: 4, maxCodeWords: 5, maxUnits: 6 })
  t.same([low.maxSymbols, low.maxFunctions, low.maxClasses, low.maxCodeWords, low.maxUnits], [2, 3, 4, 5, 6])
  const high = new ModuleBuilder(undefined, { maxSymbols: 1e9, maxFunctions: 1e9, maxClasses: 1e9, maxCodeWords: 1e9, maxUnits: 1e9 })
  t.same([high.maxSymbols, high.maxFunctions, high.maxClasses, high.maxCodeWords, high.maxUnits], [MAX_SYMBOLS, MAX_FUNCTIONS, MAX_CLASSES, MAX_CODE_WORDS, MAX_UNITS])
  t.equal(new ModuleBuilder(undefined, { maxUnits: 0 }).maxUnits, 1, 'the entry unit always fits')
  t.same([low.symbol('a'), low.symbol('b'), low.symbol('a'), low.symbol('c')], [0, 1, 0, -1], 'a known method name still fits when the table is full')
  t.same([low.addClass('A'), low.addClass('B'), low.addClass('C'), low.addClass('D'), low.addClass('E')], [0, 1, 2, 3, -1])
  t.same([low.startFunction(), low.startFunction(), low.startFunction(), low.startFunction()], [true, true, true, false])
  t.same(Array.from({ length: 7 }, (_, i) => low.addUnit(`u${i}`)), [0, 1, 2, 3, 4, 5, -1])
})

t.test('E0058: the first method name past the limit', async (t) => {
  const calls = (n: number) => 'var x = 1\n' + lines(n, (i) => `x.m${i}`)
  const limit = build(calls(0)).module!.symbols.length + 5
  const fits = build(calls(5), { maxSymbols: limit })
  t.same(fits.diagnostics, [], 'five names fit')
  t.ok(loads(fits), 'and load')
  t.same(build(calls(5) + lines(5, (i) => `x.m${i}`), { maxSymbols: limit }).diagnostics, [], 'a name used again is the same entry')
  const over = build(calls(8), { maxSymbols: limit })
  t.same(over.diagnostics, [`E0058 main.nest:${at(calls(8), 'm5')}`], 'the sixth name, once')
  t.equal(over.messages[0], `Too many method names: a program and the modules it imports may use at most ${limit}.`, 'the message names the limit')
  t.equal(over.bytes, null, 'no bytes')
  t.equal(over.module, null, 'no module')

  const defs = (n: number) => `class A {\n${lines(n, (i) => `  m${i} { 0 }`)}}\n`
  const limitDefs = build(defs(0)).module!.symbols.length + 2
  t.same(build(defs(2), { maxSymbols: limitDefs }).diagnostics, [], 'two method definitions fit')
  t.same(build(defs(3), { maxSymbols: limitDefs }).diagnostics, [`E0058 main.nest:${at(defs(3), 'm2')}`], 'the name of the third definition is reported')
  const setter = 'var x = 1\nx.m0 = 2\n'
  t.same(build(setter, { maxSymbols: build('var x = 1\n').module!.symbols.length }).diagnostics, ['E0058 main.nest:2:3'], 'a setter call is a method name too')
})

t.test('E0058: method names are counted across imported modules', async (t) => {
  const main = (n: number) => 'import "./lib"\nvar x = 1\n' + lines(n, (i) => `x.a${i}`)
  const lib = (n: number) => 'var y = 1\n' + lines(n, (i) => `y.b${i}`)
  const limit = build(main(0), {}, { './lib': lib(0) }).module!.symbols.length + 6
  t.same(build(main(3), { maxSymbols: limit }, { './lib': lib(3) }).diagnostics, [], 'three names each fit')
  t.same(build(main(3) + 'x.b0\nx.b1\n', { maxSymbols: limit }, { './lib': lib(3) }).diagnostics, [], 'names both use count once')
  const over = build(main(3), { maxSymbols: limit }, { './lib': lib(4) })
  t.same(over.diagnostics, [`E0058 lib.nest:${at(lib(4), 'b3')}`], 'the unit compiled second reports the seventh')
  t.equal(over.bytes, null, 'no bytes')
  const alone = build(main(0), { maxSymbols: limit }, { './lib': lib(7) })
  t.same(alone.diagnostics, [`E0058 lib.nest:${at(lib(7), 'b6')}`], 'an import that passes the limit on its own')
  t.equal(alone.bytes, null, 'is no module either (not a module whose import aborts)')
})

t.test('E0059: the first function past the limit, in source order', async (t) => {
  const fns = (n: number) => lines(n, (i) => `var f${i} = Fn.new { ${i} }`)
  const limit = build(fns(0)).module!.functions.length + 3
  const fits = build(fns(3), { maxFunctions: limit })
  t.same(fits.diagnostics, [], 'three closures fit')
  t.ok(loads(fits), 'and load')
  const over = build(fns(5), { maxFunctions: limit })
  t.same(over.diagnostics, [`E0059 main.nest:${at(fns(5), '{', 3)}`], 'the fourth closure, once')
  t.equal(over.messages[0], `Too many functions: a program and the modules it imports may define at most ${limit}, counting methods and closures.`)
  t.same([over.bytes, over.module], [null, null], 'no module')

  // A method finishes after the closures inside it, but comes first in the source.
  const cls = 'var f = Fn.new { 1 }\nclass A {\n  m { Fn.new { 2 } }\n}\n'
  const base = build('').module!.functions.length
  t.same(build(cls, { maxFunctions: base + 3 }).diagnostics, [], 'a closure, a method and its closure fit')
  t.same(build(cls, { maxFunctions: base + 2 }).diagnostics, ['E0059 main.nest:3:14'], 'the closure in the method is reported')
  t.same(build(cls, { maxFunctions: base + 1 }).diagnostics, ['E0059 main.nest:3:3'], 'the method is reported, not its closure')
  t.same(build(cls, { maxFunctions: base }).diagnostics, ['E0059 main.nest:1:16'], 'the first closure is reported')
  const blockArg = 'var l = [1]\nl.each { |x| x }\n'
  t.same(build(blockArg, { maxFunctions: base }).diagnostics, ['E0059 main.nest:2:8'], 'a block argument is a function')
})

t.test('E0059: functions are counted across imported modules, their top-level code included', async (t) => {
  const main = (n: number) => 'import "./lib"\n' + lines(n, (i) => `var f${i} = Fn.new { ${i} }`)
  const lib = 'var g = Fn.new { 0 }\n'
  const full = build(main(2), {}, { './lib': lib }).module!.functions.length
  t.same(build(main(2), { maxFunctions: full }, { './lib': lib }).diagnostics, [], 'both units fit')
  const over = build(main(2), { maxFunctions: full - 1 }, { './lib': lib })
  t.same(over.diagnostics, ['E0059 lib.nest:1:16'], 'the unit compiled second reports its closure')
  t.equal(over.bytes, null, 'no bytes')
  t.same(build(main(4), { maxFunctions: full }, { './lib': lib }).diagnostics, ['E0059 lib.nest:1:1'], 'no room left for an import\'s top-level code: it is reported at its start')
})

t.test('E0060: the first class past the limit', async (t) => {
  const classes = (n: number) => lines(n, (i) => `class C${i} {}`)
  const fits = build(classes(3), { maxClasses: 3 })
  t.same(fits.diagnostics, [], 'three classes fit')
  t.ok(loads(fits), 'and load')
  const over = build(classes(5), { maxClasses: 3 })
  t.same(over.diagnostics, [`E0060 main.nest:${at(classes(5), 'C3')}`], 'the fourth class name, once')
  t.equal(over.messages[0], 'Too many classes: a program and the modules it imports may declare at most 3.')
  t.same([over.bytes, over.module], [null, null], 'no module')
  const inBlocks = lines(3, (i) => `{\n  class L${i} {}\n}`)
  t.same(build(inBlocks, { maxClasses: 2 }).diagnostics, [`E0060 main.nest:${at(inBlocks, 'L2')}`], 'classes in blocks count, though they are no module variables')
  const imported = build('import "./lib"\n' + classes(2), { maxClasses: 3 }, { './lib': 'class L0 {}\nclass L1 {}\n' })
  t.same(imported.diagnostics, ['E0060 lib.nest:2:7'], 'classes are counted across imported modules')
  t.equal(imported.bytes, null, 'no bytes')
})

t.test('E0061: the first construct whose code does not fit in its function', async (t) => {
  const script = (n: number) => 'var x = 1\n' + lines(n, (i) => `x.m${i}`)
  const size = (text: string) => {
    const m = build(text).module!
    return m.functions[m.units[0].main].code.length
  }
  const limit = size(script(3))
  const fits = build(script(3), { maxCodeWords: limit })
  t.same(fits.diagnostics, [], 'exactly the limit fits')
  t.ok(loads(fits), 'and loads')
  const over = build(script(5), { maxCodeWords: limit })
  // Statement 4 pushes x (still inside the limit), then its call does not fit.
  t.same(over.diagnostics, [`E0061 main.nest:${at(script(5), 'm3')}`], 'the call in the fourth statement, once')
  t.match(over.messages[0], new RegExp(`^Too much code in one function: at most ${limit} code words`))
  t.same([over.bytes, over.module], [null, null], 'no module')

  const method = (n: number) => `class A {\n  construct new() {}\n  short { 1 }\n  long {\n${lines(n, (i) => `    _f${i} = ${i}`)}  }\n}\n`
  const methodSize = (n: number) => {
    const m = build(method(n)).module!
    return m.functions.find((f) => f.name === 'A.long')!.code.length
  }
  t.same(build(method(20), { maxCodeWords: methodSize(20) }).diagnostics, [], 'a method at the limit fits')
  t.same(build(method(21), { maxCodeWords: methodSize(20) }).diagnostics, [`E0061 main.nest:${at(method(21), '_f20')}`], 'one statement more does not')
  // Each print is 8 words: System, its argument, the call (3 words) and a pop.
  const two = `var f = Fn.new {\n${lines(20, (i) => `  System.print(${i})`)}}\nvar g = Fn.new {\n${lines(20, (i) => `  System.print(${i})`)}}\n`
  t.same(build(two, { maxCodeWords: 30 }).diagnostics, [`E0061 main.nest:${at(two, 'print', 3)}`, `E0061 main.nest:${at(two, 'print', 23)}`], 'each function too long is reported')
  const many = lines(3, (i) => `var f${i} = Fn.new {\n${lines(10, (k) => `  System.print(${k})`)}}`)
  const sizes = build(many).module!.functions.map((f) => f.code.length)
  t.ok(sizes.reduce((a, b) => a + b) > Math.max(...sizes) * 2, 'functions of similar sizes')
  t.same(build(many, { maxCodeWords: Math.max(...sizes) }).diagnostics, [], 'the limit is per function, not per module')
})

t.test('E0062: the first import past the limit of units', async (t) => {
  const modules = { './a': 'import "./d"\n', './b': '', './c': '', './d': '' }
  const main = 'import "./a"\nimport "./b"\nimport "./a"\nimport "./c"\n'
  const fits = build(main, { maxUnits: 5 }, modules)
  t.same(fits.diagnostics, [], 'five units fit: an import counts once, nested ones count')
  t.ok(loads(fits), 'and load')
  // Units are numbered as they are first imported, breadth first: main, a, b, c, then d.
  const over = build(main, { maxUnits: 4 }, modules)
  t.same(over.diagnostics, ['E0062 a.nest:1:8'], 'the import of the fifth unit, at its path')
  t.equal(over.messages[0], 'Too many modules: one program is at most 4 modules, itself and its imports included.')
  t.same([over.bytes, over.module], [null, null], 'no module')
  t.same(build(main, { maxUnits: 3 }, modules).diagnostics, ['E0062 main.nest:4:8', 'E0062 a.nest:1:8'], 'each unit reports its first import that does not fit')
  t.same(build('import "./missing"\nimport "./b"\n', { maxUnits: 2 }, modules).diagnostics, ['E0062 main.nest:2:8'], 'a module the host does not have is a unit too')
})

// At the loader's limits, one past is a diagnostic where the loader would refuse the module.
// Long call chains make many method names, blocks or code words from little source.

/** `null.a.b.c...`, `perLine` links a line (a chain's depth is bounded by the tree's). */
function chains(n: number, perLine: number, link: (i: number) => string): string {
  let text = ''
  for (let i = 0; i < n; i += perLine) text += 'null' + Array.from({ length: Math.min(perLine, n - i) }, (_, k) => link(i + k)).join('') + '\n'
  return text
}

t.test(`MAX_SYMBOLS = ${MAX_SYMBOLS}: one method name more`, async (t) => {
  const names = chains(MAX_SYMBOLS + 1, 500, (i) => `.m${i}`)
  const over = build(names)
  t.same(over.diagnostics, [`E0058 main.nest:${at(names, `m${MAX_SYMBOLS}`)}`])
  t.equal(over.bytes, null, 'no bytes')
})

t.test(`MAX_FUNCTIONS = ${MAX_FUNCTIONS}: one block more`, async (t) => {
  // The top-level code is a function too: the last block is one too many.
  const blocks = chains(MAX_FUNCTIONS, 500, () => '.a {}')
  const over = build(blocks)
  t.same(over.diagnostics, [`E0059 main.nest:${at(blocks, '{', MAX_FUNCTIONS - 1)}`])
  t.equal(over.bytes, null, 'no bytes')
})

t.test(`MAX_CLASSES = ${MAX_CLASSES}: one class more`, async (t) => {
  // Split across an import: one unit's variables could not name them all.
  const classes = (from: number, n: number) => lines(n, (i) => `class C${from + i} {}`)
  const half = MAX_CLASSES / 2
  const over = build('import "./lib"\n' + classes(0, half), {}, { './lib': classes(half, half + 1) })
  t.same(over.diagnostics, [`E0060 lib.nest:${half + 1}:7`])
  t.equal(over.bytes, null, 'no bytes')
})

t.test(`MAX_CODE_WORDS = ${MAX_CODE_WORDS}: one call more`, async (t) => {
  // A call without arguments is 3 words (CALL, its argument count, its name); each line
  // adds \`null\` and a pop, so this is above the limit by less than a line.
  const calls = chains(Math.ceil(MAX_CODE_WORDS / 3), 900, () => '.a')
  const words = (text: string) => build(text).module!.functions[0].code.length
  const perLine = words(chains(900, 900, () => '.a')) - words('')
  const over = build(calls)
  t.match(over.diagnostics, [new RegExp(`^E0061 main\\.nest:${Math.floor(MAX_CODE_WORDS / perLine) + 1}:\\d+$`)], 'in the line that passes the limit')
  t.equal(over.bytes, null, 'no bytes')
})

t.test(`MAX_UNITS = ${MAX_UNITS}: one import more`, async (t) => {
  const imports = (n: number) => lines(n, (i) => `import "./m${i}"`)
  const host = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`./m${i}`, '']))
  const full = build(imports(MAX_UNITS - 1), {}, host(MAX_UNITS - 1))
  t.same(full.diagnostics, [], `the entry and ${MAX_UNITS - 1} imports fit`)
  t.ok(loads(full), 'and load')
  const over = build(imports(MAX_UNITS), {}, host(MAX_UNITS))
  t.same(over.diagnostics, [`E0062 main.nest:${MAX_UNITS}:8`])
  t.equal(over.bytes, null, 'no bytes')
})
