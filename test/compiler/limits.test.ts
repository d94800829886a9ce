// Compiler limits found by fuzzing: input that once overflowed the JS stack (deep nesting,
// long operator and call chains) or produced a module the verifier refuses (a long method
// name at a call site) now gets a diagnostic, the same on every engine.

import t from 'tap'
import { compile, MAX_TREE_DEPTH } from '../../compiler/compile.js'
import { MAX_NESTING } from '../../compiler/parser.js'
import { MAX_NAME_LENGTH } from '../../vm/limits.js'

function diagnose(text: string): string[] {
  const r = compile({ name: './main', path: 'main.nest', text }, null)
  return r.diagnostics.map((d) => `${d.code} ${d.source.position(d.span.start).line}: ${d.message}`)
}

t.test('nesting deeper than the parser allows is a diagnostic', async (t) => {
  t.ok(MAX_NESTING >= 600, 'the limit')
  t.same(diagnose(`System.print(${'('.repeat(30)}1${')'.repeat(30)})\n`), [], '30 nested parentheses compile')
  t.same(diagnose(`System.print(${'['.repeat(30)}${']'.repeat(30)})\n`), [], 'and 30 nested lists')
  t.same(diagnose(`${'{\n'.repeat(100)}${'}\n'.repeat(100)}`), [], 'and 100 nested blocks')
  const cases: [string, string][] = [
    ['parentheses', `System.print(${'('.repeat(5000)}1${')'.repeat(5000)})\n`],
    ['lists', `System.print(${'['.repeat(3000)}${']'.repeat(3000)})\n`],
    ['blocks', `${'{\n'.repeat(3000)}${'}\n'.repeat(3000)}`],
    ['closures', `var f = ${'Fn.new { '.repeat(2000)}1${' }'.repeat(2000)}\n`],
    ['prefix operators', `System.print(${'-'.repeat(5000)}1)\n`],
    ['assignments', `var x = 1\n${'x = '.repeat(5000)}1\n`],
    ['else-if chains', `var x = 1\nif (x == 0) x = 1${' else if (x == 0) x = 1'.repeat(3000)}\n`],
    ['conditionals', `System.print(${'true ? 1 : '.repeat(3000)}1)\n`],
  ]
  for (const [what, text] of cases) t.match(diagnose(text), [/^E0020 \d+: Code is nested too deeply\.$/], what)
  t.same(diagnose('System.print((1))\n'), [], 'the parser is fine after a refused file')
})

// Recovering from an error walks the grammar along the whole rule stack: deep down, errors
// recover further up instead, and still get one diagnostic.
t.test('errors deep inside nesting are reported', async (t) => {
  const cases: [string, string][] = [
    ['unclosed blocks', '{\n'.repeat(140)],
    ['unclosed blocks in a class', 'class A {\n' + '{\n'.repeat(140)],
    ['an error in nested blocks', '{\n'.repeat(140) + ')\n' + '}\n'.repeat(140)],
    ['unclosed parentheses', 'System.print(' + '('.repeat(34)],
    ['an error in nested closures', 'var f = ' + 'Fn.new {\n'.repeat(27) + ')\n' + '}\n'.repeat(27)],
  ]
  for (const [what, text] of cases) {
    const d = diagnose(text)
    t.ok(d.length >= 1 && d.every((m) => /^E00\d\d /.test(m)), `${what}: ${d[0]}`)
  }
})

t.test('operator and call chains deeper than the tree allows are a diagnostic', async (t) => {
  t.ok(MAX_TREE_DEPTH >= 1000, 'the limit')
  t.same(diagnose(`System.print(1${' + 1'.repeat(900)})\n`), [], 'a chain of 900 additions compiles')
  const cases: [string, string][] = [
    ['additions', `System.print(1${' + 1'.repeat(20000)})\n`],
    ['string concatenations', `System.print(""${' + "a"'.repeat(5000)})\n`],
    ['method calls', `System.print(1${'.abs'.repeat(20000)})\n`],
    ['calls with arguments', `System.print(1${'.max(1)'.repeat(5000)})\n`],
    ['subscripts', `var l = [1]\nSystem.print(l${'[0]'.repeat(5000)})\n`],
    ['logical operators', `System.print(true${' && true'.repeat(5000)})\n`],
  ]
  for (const [what, text] of cases) t.match(diagnose(text), [/^E0020 \d+: Expression is nested too deeply\.$/], what)
})

t.test('method names are limited at call sites too', async (t) => {
  const long = 'm'.repeat(MAX_NAME_LENGTH + 1)
  const ok = 'm'.repeat(MAX_NAME_LENGTH)
  t.same(diagnose(`var a = 1\na.${ok}\n`), [], `a ${MAX_NAME_LENGTH}-character name is fine`)
  const message = `Method names cannot be longer than ${MAX_NAME_LENGTH} characters.`
  t.same(diagnose(`var a = 1\na.${long}\n`), [`E0054 2: ${message}`], 'a getter call')
  t.same(diagnose(`var a = 1\na.${long}(1, 2)\n`), [`E0054 2: ${message}`], 'a method call')
  t.same(diagnose(`var a = 1\na.${long} = 2\n`), [`E0054 2: ${message}`], 'a setter call')
  t.same(diagnose(`class A {\n  construct new() {}\n  f { ${long} }\n}\n`), [`E0054 3: ${message}`], 'a call on this by a bare name')
  t.same(diagnose(`class A {\n  construct new() {}\n  f { super.${long}() }\n}\n`), [`E0054 3: ${message}`], 'a super call')
  t.same(diagnose(`class A {\n  construct new() {}\n  ${long}() {}\n}\n`), [`E0054 3: ${message}`], 'a definition, reported once')
})
