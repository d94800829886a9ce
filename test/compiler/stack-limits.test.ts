// Limits the verifier and loader enforce that the compiler once did not check: the stack
// height of one function (E0063, MAX_FRAME_SLOTS), the elements of one literal (E0064,
// MAX_LITERAL_ELEMENTS), the size of the encoded module (E0065, MAX_MODULE_BYTES); and the
// size of one source (E0066, MAX_SOURCE_BYTES), which keeps the parser's tree inside the
// heap. Each gets a diagnostic and no module, never a module the loader rejects.

import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { compile } from '../../compiler/compile.js'
import { at, build, loads } from './build.js'
import { MAX_MODULE_BYTES, MAX_SOURCE_BYTES } from '../../vm/limits.js'
import { decodeModule, ModuleFormatError } from '../../vm/module.js'
import { MAX_FRAME_SLOTS, MAX_LITERAL_ELEMENTS, verifyModule, VerifyError } from '../../vm/verify.js'

/** n items, comma-separated: literals that differ, so that `at` finds each. */
const items = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(', ')

t.test('E0063: the construct that takes a function past its stack height', async (t) => {
  // Top-level code starts with one slot (the script itself): a list of 9 elements reaches 10.
  const list = (n: number) => `var l = [${items(n, (i) => `"e${i}"`)}]\n`
  const fits = build(list(9), { maxFrameSlots: 10 })
  t.same(fits.diagnostics, [], 'nine elements above the script slot fit in 10')
  const over = build(list(10), { maxFrameSlots: 10 })
  t.same(over.diagnostics, [`E0063 main.nest:${at(list(10), '"e9"')}`], 'the tenth element is reported, once')
  t.equal(over.messages[0], 'Too many values at once: a function holds at most 10 on its stack, counting its locals and the elements of literals being built.')
  t.equal(over.bytes, null, 'no module')

  const map = (n: number) => `var m = {${items(n, (i) => `"k${i}": "v${i}"`)}}\n`
  t.same(build(map(4), { maxFrameSlots: 9 }).diagnostics, [], 'four entries are eight values')
  t.same(build(map(5), { maxFrameSlots: 9 }).diagnostics, [`E0063 main.nest:${at(map(5), '"k4"')}`], 'the fifth key is reported')

  const nested = `var l = [${items(5, (i) => `"a${i}"`)}, [${items(5, (i) => `"b${i}"`)}]]\n`
  t.same(build(nested, { maxFrameSlots: 11 }).diagnostics, [], 'an inner list waits on the outer one\'s elements')
  t.same(build(nested, { maxFrameSlots: 10 }).diagnostics, [`E0063 main.nest:${at(nested, '"b4"')}`], 'and overflows inside it')

  const params = `var f = Fn.new { |a, b|\n  var c = [${items(6, () => 'a')}]\n}\n`
  t.same(build(params, { maxFrameSlots: 9 }).diagnostics, [], 'a function starts above its closure slot and parameters')
  t.same(build(params, { maxFrameSlots: 8 }).diagnostics, ['E0063 main.nest:2:27'], 'so the sixth element is one too many')

  const locals = `{\n${Array.from({ length: 7 }, (_, i) => `  var x${i} = ${i}\n`).join('')}}\n`
  t.same(build(locals, { maxFrameSlots: 8 }).diagnostics, [], 'locals take a slot each')
  t.same(build(locals, { maxFrameSlots: 7 }).diagnostics, ['E0063 main.nest:8:12'], 'the seventh local\'s value is reported')

  // Branches: each path's height is its own, as the verifier counts it.
  const branches = 'var x = true\nvar l = [x ? [1, 2] : [3, 4], x && [5, 6], x || [7, 8]]\nwhile (x) {\n  var y = 1\n  if (y) break\n  var z = [y, y]\n}\n'
  t.same(build(branches, { maxFrameSlots: 5 }).diagnostics, [], 'conditionals, and, or and break do not add up their branches')
  t.same(build(branches, { maxFrameSlots: 4 }).diagnostics, [`E0063 main.nest:${at(branches, '8')}`], 'one slot less: the right side of || is the first place that needs five')

  const twoFns = `var f = Fn.new { [${items(9, () => '1')}] }\nvar g = Fn.new { [${items(9, () => '2')}] }\n`
  t.same(build(twoFns, { maxFrameSlots: 9 }).diagnostics, ['E0063 main.nest:1:43', 'E0063 main.nest:2:43'], 'each function that overflows is reported')

  const lib = build('import "./lib"\n', { maxFrameSlots: 10 }, { './lib': list(10) })
  t.same(lib.diagnostics, [`E0063 lib.nest:${at(list(10), '"e9"')}`], 'in an imported module')
  t.equal(lib.bytes, null, 'which means no module either')
})

t.test('E0063 at MAX_FRAME_SLOTS, where the loader rejected the module', async (t) => {
  const text = `var l = [${items(MAX_FRAME_SLOTS, () => '1')}]\n`
  const over = build(text)
  // The script slot and 65,535 elements fill the stack: the last element is one too many.
  t.same(over.diagnostics, [`E0063 main.nest:1:${text.lastIndexOf('1') + 1}`], `a list of ${MAX_FRAME_SLOTS} elements at top level`)
  t.equal(over.messages[0], `Too many values at once: a function holds at most ${MAX_FRAME_SLOTS} on its stack, counting its locals and the elements of literals being built.`)
  t.equal(over.bytes, null, 'no module')
})

t.test('the stack height codegen tracks is the verifier\'s, on every language case', async (t) => {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.nest')) files.push(p)
    }
  }
  const repo = join(import.meta.dirname, '..', '..')
  walk(join(repo, 'test', 'language'))
  let checked = 0
  const wrong: string[] = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const c = compile({ name: './main', path: file, text }, null)
    if (!c.bytes) continue
    const m = decodeModule(c.bytes)
    if (m instanceof ModuleFormatError) throw new Error(m.message)
    const v = verifyModule(m)
    if (v instanceof VerifyError) throw new Error(`${file}: ${v}`)
    const most = Math.max(...v.map((f) => f.maxSlots))
    const codes = (limit: number) => compile({ name: './main', path: file, text }, null, { maxFrameSlots: limit }).diagnostics.filter((d) => d.code === 'E0063').length
    // At the verifier's highest it fits; one below, some function overflows.
    if (codes(most) !== 0 || codes(most - 1) === 0) wrong.push(`${file} (${most})`)
    checked++
  }
  t.ok(checked > 300, `${checked} cases compiled`)
  t.same(wrong, [], 'cases where codegen counts another height than the verifier')
})

t.test('E0064: list, map and string literals past the elements LIST and MAP take', async (t) => {
  const list = (n: number) => `var l = [${items(n, (i) => `"e${i}"`)}]\n`
  t.same(build(list(5), { maxLiteralElements: 5 }).diagnostics, [], 'five elements fit')
  const over = build(list(7), { maxLiteralElements: 5 })
  t.same(over.diagnostics, [`E0064 main.nest:${at(list(7), '"e5"')}`], 'the sixth element is reported, once')
  t.equal(over.messages[0], 'A list literal may have at most 5 elements.')
  t.equal(over.bytes, null, 'no module')

  const map = (n: number) => `var m = {${items(n, (i) => `"k${i}": ${i}`)}}\n`
  t.same(build(map(5), { maxLiteralElements: 5 }).diagnostics, [], 'five entries fit')
  const overMap = build(map(6), { maxLiteralElements: 5 })
  t.same(overMap.diagnostics, [`E0064 main.nest:${at(map(6), '"k5"')}`], 'the sixth key is reported')
  t.equal(overMap.messages[0], 'A map literal may have at most 5 entries.')

  // An interpolated string is a list of its parts: n interpolations and n + 1 strings.
  const str = (n: number) => `var a = 1\nvar s = "${'<%(a)>'.repeat(n)}"\n`
  t.same(build(str(2), { maxLiteralElements: 5 }).diagnostics, [], 'two interpolations are five parts')
  const overStr = build(str(3), { maxLiteralElements: 5 })
  t.same(overStr.diagnostics, [`E0064 main.nest:${at(str(3), 'a)', 2)}`], 'the third interpolation is reported')
  t.equal(overStr.messages[0], 'A string literal may have at most 2 interpolations.')

  const inner = `var l = [[${items(6, (i) => `"e${i}"`)}]]\n`
  t.same(build(inner, { maxLiteralElements: 5, maxFrameSlots: 8 }).diagnostics, [`E0064 main.nest:${at(inner, '"e5"')}`], 'an over-long literal is not also reported as a stack overflow')
})

t.test('E0064 at MAX_LITERAL_ELEMENTS', async (t) => {
  const most = Math.floor((MAX_LITERAL_ELEMENTS - 1) / 2)
  const text = `var a = 1\nvar s = "${'%(a)'.repeat(most + 1)}"\n`
  const over = build(text)
  t.same(over.diagnostics, [`E0064 main.nest:2:${12 + 4 * most}`], `${most + 1} interpolations make ${MAX_LITERAL_ELEMENTS + 1} parts`)
  t.equal(over.messages[0], `A string literal may have at most ${most} interpolations.`)
  t.equal(over.bytes, null, 'no module')
})

t.test('E0065: a module above its byte limit', async (t) => {
  const text = 'System.print("hello")\n'
  const size = build(text).bytes!.length
  const fits = build(text, { maxModuleBytes: size })
  t.same(fits.diagnostics, [], 'a module of exactly the limit')
  t.ok(loads(fits), 'loads')
  const over = build(text, { maxModuleBytes: size - 1 })
  t.same(over.diagnostics, ['E0065 main.nest:1:1'], 'one byte less: at the start of the program')
  t.equal(over.messages[0], `The compiled module is ${size} bytes, above the limit of ${size - 1}: a program and the modules it imports compile into one module.`)
  t.equal(over.bytes, null, 'no module')
})

t.test('E0065 at MAX_MODULE_BYTES: imports of large string literals add up', async (t) => {
  // Each import holds a distinct string of just under MAX_SOURCE_BYTES; together they pass
  // the module limit, which no one source can.
  const chunk = MAX_SOURCE_BYTES - 100
  const count = Math.ceil(MAX_MODULE_BYTES / chunk) + 1
  const modules: Record<string, string> = {}
  for (let i = 0; i < count; i++) modules[`./m${i}`] = `var s = "${String(i).padEnd(chunk, 'x')}"\n`
  const main = Array.from({ length: count }, (_, i) => `import "./m${i}"\n`).join('')
  const over = build(main, {}, modules)
  t.same(over.diagnostics, ['E0065 main.nest:1:1'], `${count} imports of ${chunk} bytes`)
  t.equal(over.bytes, null, 'no module')
  const fewer = Object.fromEntries(Object.entries(modules).slice(0, count - 4))
  const mainFewer = Array.from({ length: count - 4 }, (_, i) => `import "./m${i}"\n`).join('')
  const fits = build(mainFewer, {}, fewer)
  t.same(fits.diagnostics, [], `${count - 4} of them fit`)
  t.ok(fits.bytes!.length <= MAX_MODULE_BYTES && loads(fits), 'and load')
})

t.test('E0066: a source above its byte limit is not parsed', async (t) => {
  const text = 'var s = "abc"\n'
  t.same(build(text, { maxSourceBytes: text.length }).diagnostics, [], 'a source of exactly the limit')
  const over = build(text, { maxSourceBytes: text.length - 1 })
  t.same(over.diagnostics, ['E0066 main.nest:1:1'], 'one byte more: one diagnostic, at 1:1')
  t.equal(over.messages[0], `Source file is ${text.length} bytes, above the limit of ${text.length - 1}.`)
  t.equal(over.bytes, null, 'no module')
  const wide = 'var s = "é€😀"\n' // 2, 3 and 4 bytes in UTF-8
  const bytes = new TextEncoder().encode(wide).length
  t.same(build(wide, { maxSourceBytes: bytes }).diagnostics, [], 'bytes are counted in UTF-8')
  t.same(build(wide, { maxSourceBytes: bytes - 1 }).messages, [`Source file is ${bytes} bytes, above the limit of ${bytes - 1}.`], 'not in UTF-16 units')
  const lib = build('import "./lib"\n', { maxSourceBytes: 20 }, { './lib': 'System.print("too long for twenty bytes")\n' })
  t.same(lib.diagnostics, ['E0066 lib.nest:1:1'], 'an imported source has the same limit')
  t.equal(lib.bytes, null, 'and no module comes out')
  t.equal(build(text, { maxSourceBytes: 1e12 }).diagnostics.length, 0, 'a higher limit is MAX_SOURCE_BYTES')
})

t.test('E0066 at MAX_SOURCE_BYTES, far below what crashed the parser', async (t) => {
  // Millions of short statements once ran Node out of heap; now they are refused unread.
  const crash = build('x = 1\n'.repeat(650000))
  t.same(crash.diagnostics, ['E0066 main.nest:1:1'], 'a 3.9 MB source')
  t.equal(crash.messages[0], `Source file is 3900000 bytes, above the limit of ${MAX_SOURCE_BYTES}.`)
})
