// Error recovery: every syntax error of a file is reported in one run, one diagnostic on
// each broken line and none on the others (compiler/parser-recovery.ts, brackets.ts,
// damage.ts). Where a mistake shows depends on Nest's newline rules, as in Wren: a missing
// ')' is found at the first token that can't continue the arguments, which may be on the
// next line.

import t from 'tap'
import { compile } from '../../compiler/compile.js'

interface Found {
  readonly line: number
  readonly col: number
  readonly code: string
  readonly message: string
}

function diagnose(text: string): Found[] {
  const r = compile({ name: './main', path: 'main.nest', text }, null)
  return r.diagnostics.map((d) => {
    const p = d.source.position(d.span.start)
    return { line: p.line, col: p.col, code: d.code, message: d.message }
  })
}

/** The lines of `text` marked `// <-`: those that must get a diagnostic. */
function marked(text: string): number[] {
  return text.split('\n').flatMap((l, i) => (l.includes('// <-') ? [i + 1] : []))
}

/** Broken programs; the lines marked `// <-` get one diagnostic each, no others any. */
const BROKEN: Record<string, Record<string, string>> = {
  'parameter lists': {
    'missing comma': `
class Foo {
  foo(a b) {} // <-
  bar() { 1 }
}
System.print(Foo)`,
    'missing ")" before the body': `
class Foo {
  foo(a, b { // <-
    System.print(a)
  }
  bar() { 2 }
}
System.print(Foo)`,
    'two extra names': `
class Foo {
  static f(a b c) { a } // <-
  static g() { f(1) }
}
System.print(Foo.g())`,
    'operator, subscript and setter parameters': `
class Foo {
  -(a b) { 2 } // <-
  [a b] { 3 } // <-
  [a]=(v w) { 4 } // <-
  x=(a b) {} // <-
  ok { 5 }
}
System.print(Foo)`,
    'block parameters': `
[1, 2].each {|a b| System.print(a) } // <-
System.print(3)`,
    'a trailing comma in a constructor': `
class A {
  construct new(a, ) {} // <-
}
System.print(A)`,
  },
  'argument lists': {
    'missing comma': `
System.print(1 2) // <-
System.print(3)`,
    'missing ")" before the next statement': `
System.print(1, 2
System.print(3) // <-
System.print(4)`,
    'missing ")" at the end of the file': `
System.print(3)
System.print(1, 2 // <-`,
    'nested calls left open': `
System.print([1].map(Fn.new {|x| x }.call(2)
System.print(3) // <-`,
    'subscript closed by ")"': `
var a = [1, 2]
System.print(a[0) // <-
System.print(a[1])`,
    'parenthesized expression': `
var x = (1 2) // <-
System.print(x)`,
    'parenthesized expression left open': `
var y = (1 + (2 * (3 - 4))
System.print(y) // <-
System.print(5)`,
  },
  'list and map literals': {
    'list missing commas': `
var a = [1, 2 3, 4] // <-
var b = [5 6] // <-
System.print(a + b)`,
    'list across lines missing a comma': `
var a = [
  1,
  2
  3 // <-
]
System.print(a)`,
    'list left open': `
var a = [1, 2, 3
System.print(a) // <-
System.print(4)`,
    'map missing a comma': `
var m = {1: 2 3: 4} // <-
System.print(m)`,
    'map missing a colon': `
var m = {1 2, 3: 4} // <-
System.print(m)`,
    'map across lines missing a comma': `
var m = {
  "a": 1,
  "b": 2
  "c": 3 // <-
}
System.print(m)`,
    'map missing a colon across lines': `
var m = {
  "a": 1,
  "b" 2, // <-
  "c": 3
}
System.print(m)`,
    'map left open at the end of the file': `
var m = {1: 2, // <-`,
  },
  'class bodies': {
    'something after a member': `
class Foo {
  bar() {} x // <-
  baz() {}
}
System.print(Foo)`,
    'lines that are no members': `
class A {
  var x = 1 // <-
  foo() {}
  return 2 // <-
  1 + 2 // <-
  bar() {}
}
System.print(A)`,
    'missing "{" after the class name': `
class Foo // <-
  bar() {}
}
System.print(Foo)`,
    'class missing its "}" before the next class': `
class A {
  foo() {}

class B { // <-
  bar() {}
}
System.print(B)`,
    'method missing its "}" before the next method': `
class A {
  foo() {
    System.print(1)

  bar() { // <-
    System.print(2)
  }
}
System.print(A)`,
    'method missing its "{"': `
class A {
  foo() // <-
    System.print(1)
  }
  bar() {}
}
System.print(A)`,
    'one-line method missing its "{"': `
class A {
  construct new(v) _v = v } // <-
  v { _v }
}
System.print(A.new(1).v)`,
    'single-line body broken': `
class A {
  foo { [1, 2, 3 } // <-
  bar { 2 }
}
System.print(A)`,
    'class left open at the end of the file': `
class Foo {
  bar() {} // <-`,
  },
  'nested blocks': {
    'inner block missing its "}"': `
if (true) {
  while (false) {
    System.print(1)
  System.print(2) // <-
}
System.print(3)`,
    'if block missing its "}" before the method\'s': `
class A {
  foo() {
    if (true) {
      System.print(1)
  } // <-
  bar() {}
}
System.print(A)`,
    'something after a statement deep inside': `
var a = 1
{
  var b = 2
  {
    var c = b 3 // <-
  }
}
System.print(a)`,
    'closure missing its "}"': `
var f = Fn.new {
  System.print(1)
System.print(2) // <-`,
    'closure with a stray ")"': `
class A {
  foo() {
    return [1, 2, 3].where {|x| x > 1 ) // <-
  }
}
System.print(A)`,
    'block left open at the end of the file': `
System.print(1)
if (true) {
  System.print(2) // <-`,
    'many blocks left open': `
{
  {
    {
      System.print(1) // <-
`,
    'a "}" too many': `
System.print(1)
} // <-
System.print(2)`,
    'a statement keyword inside a broken expression': `
{
  var a = (1 +
  var b = 2 // <-
}
System.print(3)`,
  },
  'if, while and for headers': {
    'if missing ")"': `
if (true { // <-
  System.print(1)
}
System.print(2)`,
    'if missing "("': `
if true) { // <-
  System.print(1)
}
System.print(2)`,
    'if missing ")" after a variable': `
var a = 1
var b = 2
if (a > b { // <-
  System.print(a)
}
System.print(b)`,
    'while missing ")"': `
var i = 0
while (i < 3 { // <-
  i = i + 1
}
System.print(i)`,
    'for missing "in"': `
for (i 1..3) { // <-
  System.print(i)
}
System.print(2)`,
    'for missing ")" after a variable': `
var list = [1, 2]
for (i in list { // <-
  System.print(i)
}
System.print(list)`,
    'for with "var"': `
for (var i in [1]) { // <-
  System.print(i)
}
System.print(2)`,
    'for body missing its "{"': `
for (i in 1..2) {
  for (j in 1..3) // <-
    System.print(j)
  }
  System.print(i)
}
System.print(3)`,
  },
  'string interpolation': {
    'missing operator': `
System.print("a %(1 2) b") // <-
System.print(3)`,
    'missing operand': `
System.print("a %(1 + ) b") // <-
System.print(3)`,
    'in a method, then more errors': `
class A {
  foo() {
    System.print("a %(1 +) b") // <-
    System.print("ok")
  }
  bar(a b) {} // <-
}
System.print(A)`,
  },
  'several errors': {
    'one on each line': `
class Foo {
  foo(a b) {} // <-
  bar() { 1 }
}
var x = (1 2) // <-
var y = [1 2] // <-
System.print(1)`,
    'in methods, closures and at the top level': `
class A {
  foo() {
    var a = [1, 2
    var b = 3 // <-
    return b
  }
  bar(x) { x + } // <-
  baz { 1 }
}
var f = Fn.new {|a, b|
  System.print(a b) // <-
}
System.print(A.new() 1) // <-`,
    'unfinished lines each found on the next': `
var a = 1 +
var b = (2 // <-
var c = [3 // <-
System.print(a b) // <-
System.print(4)`,
    'two on one line are one': `
System.print((1 2) [3 4]) // <-
System.print(5)`,
  },
  'the last line': {
    'with a newline after it': `
System.print(1)
System.print(2 3) // <-
`,
    'without one': `
System.print(1)
var x = (1 // <-`,
    'after a good class': `
class A {
  foo() {}
}
A.new().foo( // <-`,
  },
  expressions: {
    'something after an expression': `
var a = 1 2 // <-
var b = 3
System.print(a + b)`,
    'an operator without an operand': `
var a = 1
var b = a + * 2 // <-
var c = (a + b)) // <-
System.print(a + b + c)`,
    'a conditional missing its ":"': `
var a = true ? 1 2 // <-
var b = 4
System.print(a + b)`,
    'a stray "else"': `
else System.print(1) // <-
System.print(2)`,
    'a variable without a name': `
var = 3 // <-
var b = 4
System.print(b)`,
  },
}

for (const [group, cases] of Object.entries(BROKEN)) {
  t.test(group, async (t) => {
    for (const [name, body] of Object.entries(cases)) {
      const text = body.replace(/^\n/, '')
      const found = diagnose(text)
      t.same(
        found.map((d) => d.line),
        marked(text),
        name,
        { diagnostics: found.map((d) => `${d.line}:${d.col} ${d.message}`) },
      )
    }
  })
}

t.test('each diagnostic points at the offending token, in Wren\'s words', async (t) => {
  const found = diagnose(BROKEN['several errors']['one on each line'].replace(/^\n/, ''))
  t.same(
    found.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`),
    [
      "2:9 E0020 Expect ')' after parameters, found 'b'.",
      "5:12 E0020 Expect ')' after expression, found '2'.",
      "6:12 E0020 Expect ']' after list elements, found '2'.",
    ],
  )
  const map = diagnose('var m = {1: 2 3: 4}\n')
  t.same(map.map((d) => d.message), ["Expect '}' after map entries, found '3'."])
  const header = diagnose('if (true {\n  System.print(1)\n}\n')
  t.same(header.map((d) => `${d.col} ${d.message}`), ["10 Expect ')' after if condition, found '{'."])
  const body = diagnose('class A {\n  foo()\n    System.print(1)\n  }\n}\n')
  t.same(body.map((d) => `${d.line}:${d.col} ${d.message}`), ["2:8 Expect '{' to begin method body, found newline."])
  const unclosed = diagnose('if (true) {\n  System.print(1)')
  t.same(unclosed.map((d) => `${d.line} ${d.message}`), ["2 Expect '}' at end of block, found end of file."])
})

t.test('what follows a syntax error is still analysed', async (t) => {
  // The members after a broken one exist: a static method's use of a field is reported.
  const members = diagnose('class A {\n  foo(a b) {}\n  static bar { _x }\n}\nSystem.print(nope)\n')
  t.same(
    members.map((d) => `${d.line} ${d.code}`),
    ['2 E0020', '3 E0038', '5 E0030'],
    'errors of the later passes on other lines are reported too',
  )
  // What a statement broken by a syntax error seems to do is a guess: not reported.
  const guess = diagnose('var a = [1, 2, 3\nSystem.print(a)\n')
  t.same(guess.map((d) => `${d.line} ${d.code}`), ['2 E0020'], 'not "a used before its definition"')
  const broken = diagnose('var x = 1\nx.foo(\nSystem.print(x)\n')
  t.same(broken.map((d) => d.line), [3], 'a call left open is one error')
})

/** Valid programs (in Wren too) whose shape recovery looks at (block arguments in
 *  headers, indentation, braces across lines): recovery must leave them alone. */
const VALID: Record<string, string> = {
  'block argument in an if header': `
var list = [1, 2, 3]
if (list.any {|x| x > 2 }) {
  System.print("yes")
}
while (list.all {|x|
  x > 5
}) {
  System.print("never")
}`,
  'irregular indentation': `
var f = Fn.new {
      System.print(1)
  }
f.call()
class A {
construct new() {}
    foo() {
  if (true) {
  System.print(2)
      } else {
    System.print(3)
}
    }
}
A.new().foo()`,
  'literals across lines': `
var m = {
  "a": [1, 2],
  "b": {
    "c": 3
  }
}
System.print(m["b"]["c"])`,
  'no indentation': `
class A {
construct new() {}
foo() {
if (true) {
System.print(1)
}
}
}
A.new().foo()`,
  'a block argument on a bare name in a class': `
class A {
  construct new() {}
  twice(f) { f.call() + f.call() }
  run() { twice { 1 } }
}
System.print(A.new().run())`,
  'arguments and lists across lines': `
System.print([
  1,
  2
].count)
System.print(
  "x"
)`,
}

t.test('valid programs get no diagnostics', async (t) => {
  for (const [name, body] of Object.entries(VALID)) {
    const found = diagnose(body.replace(/^\n/, ''))
    t.same(found.map((d) => `${d.line}:${d.col} ${d.message}`), [], name)
  }
})

t.test('recovery ends on any input', async (t) => {
  const inputs = [
    '{'.repeat(100),
    '}'.repeat(100),
    ')'.repeat(100) + '('.repeat(100),
    '(['.repeat(50) + '\n' + '})'.repeat(50),
    'class A {\n' + '  foo( {\n'.repeat(50),
    '"%(' + '(1 2 '.repeat(30) + ')"\n',
    'var x = ' + '{\n'.repeat(60) + ']\n'.repeat(60),
    'if (\nwhile (\nfor (\nclass {\nimport\nvar\n}\n',
  ]
  for (const text of inputs) {
    const found = diagnose(text)
    t.ok(found.length >= 1 && found.every((d) => /^E00\d\d$/.test(d.code)), JSON.stringify(text.slice(0, 30)))
  }
})
