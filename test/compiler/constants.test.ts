// E0057, too many constants in one module. The real limit (MAX_CONSTANTS, 2^20) would need
// over a million distinct literals, more than a test can compile; the compiler's
// `maxConstants` option lowers it, and the same code path reports it.

import t from 'tap'
import { compile, type CompileHost } from '../../compiler/compile.js'
import { ModuleBuilder } from '../../compiler/module-builder.js'
import { MAX_CONSTANTS } from '../../vm/limits.js'
import { VM } from '../../vm/vm.js'

function diagnose(text: string, maxConstants: number, modules: Record<string, string> = {}) {
  const host: CompileHost = { read: (name) => (name in modules ? { path: `${name.slice(2)}.nest`, text: modules[name] } : null) }
  const r = compile({ name: './main', path: 'main.nest', text }, host, { maxConstants })
  return { module: r.module, diagnostics: r.diagnostics.map((d) => `${d.code} ${d.source.name}:${d.source.position(d.span.start).line}: ${d.message}`) }
}

/** One line per literal: `System.print(<literal>)`. */
const prints = (literals: string[]) => literals.map((l) => `System.print(${l})`).join('\n') + '\n'
const numbers = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i))

t.test('the limit is the loader\'s unless lowered, and never above it', async (t) => {
  const fill = (b: ModuleBuilder, n: number) => Array.from({ length: n }, (_, i) => b.constant(i))
  t.same(fill(new ModuleBuilder(3), 4), [0, 1, 2, -1], 'a lowered limit')
  t.same([new ModuleBuilder(3).constant('x'), new ModuleBuilder(3).constant(1n)], [0, 0], 'every kind of constant counts')
  const b = new ModuleBuilder(MAX_CONSTANTS + 5)
  let last = 0
  for (let i = 0; i < MAX_CONSTANTS; i++) last = b.constant(i)
  t.equal(last, MAX_CONSTANTS - 1, 'MAX_CONSTANTS fit')
  t.equal(b.constant(-1), -1, 'a higher value does not raise the limit')
})

t.test('the first literal past the limit is E0057, once', async (t) => {
  // The unit's code uses constants of its own (the names it calls, "print"...): count what
  // a program with no literals of its own needs, then add exactly enough literals.
  const base = compile({ name: './main', path: 'main.nest', text: prints([]) }, null).module!.constants.length
  const limit = base + 10
  const fits = diagnose(prints(numbers(100, 10)), limit)
  t.same(fits.diagnostics, [], '10 more literals fit')
  t.ok(fits.module, 'and give a module')
  const over = diagnose(prints(numbers(100, 13)), limit)
  t.same(over.diagnostics, ['E0057 main.nest:11: Too many constants in one module.'], 'the 11th is reported, the 12th and 13th are not')
  t.equal(over.module, null, 'no module')
  t.same(diagnose(prints([...numbers(100, 10), '100', '104 + 109']), limit).diagnostics, [], 'repeated literals are the same constants')
  t.match(diagnose(prints([...numbers(100, 10), '"text"']), limit).diagnostics, [/^E0057 main\.nest:11: /], 'strings count too')
})

t.test('the limit is the module\'s: imported units share it', async (t) => {
  const base = compile({ name: './main', path: 'main.nest', text: 'import "./lib"\n' + prints([]) }, { read: () => ({ path: 'lib.nest', text: '' }) }).module!.constants.length
  const limit = base + 10
  const lib = prints(numbers(200, 6))
  const main = 'import "./lib"\n' + prints(numbers(300, 6))
  // Each unit fits alone; together they pass the limit, in the unit compiled second.
  t.same(diagnose(lib, limit).diagnostics, [], 'the import alone fits')
  t.same(diagnose(main, limit, { './lib': '' }).diagnostics, [], 'the entry alone fits')
  const both = diagnose(main, limit, { './lib': lib })
  t.same(both.diagnostics, ['E0057 lib.nest:5: Too many constants in one module.'], 'the unit compiled second reports it')
  t.equal(both.module, null, 'and no module comes out')
})

t.test('a module with every constant slot used runs and prints each literal', async (t) => {
  const base = compile({ name: './main', path: 'main.nest', text: 'import "./lib"\n' + prints([]) }, { read: () => ({ path: 'lib.nest', text: '' }) }).module!.constants.length
  const host: CompileHost = { read: () => ({ path: 'lib.nest', text: prints(numbers(200, 3)) }) }
  const r = compile({ name: './main', path: 'main.nest', text: 'import "./lib"\n' + prints(numbers(300, 3)) }, host, { maxConstants: base + 6 })
  t.same(r.diagnostics, [])
  t.equal(r.module!.constants.length, base + 6, 'the table is full')
  let out = ''
  const vm = new VM({ host: { write: (s) => (out += s) } })
  const mod = vm.load(r.bytes!)
  if (!('units' in mod)) throw new Error(`module rejected: ${mod}`)
  t.equal(vm.runModule(mod).kind, 'ok')
  t.equal(out, '200\n201\n202\n300\n301\n302\n')
})
