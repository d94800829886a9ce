// Compiling contracts: the contract rules (E0067–E0071), the ABI read from attributes, and
// persistent fields lowered to Contract's `$field` natives. Scripts keep the contract names.

import t from 'tap'
import { compile } from '../../compiler/compile.js'
import { decodeModule } from '../../vm/module.js'

const build = (text: string, contract = true, host: Record<string, string> = {}) =>
  compile({ name: 'main', path: 'c.nest', text }, { read: (n) => (host[n] === undefined ? null : { path: n, text: host[n] }) }, { contract })
const codes = (text: string) => build(text).diagnostics.map((d) => d.code)

t.test('the ABI comes from attributes, in the module, covered by its hash', async (t) => {
  const r = build(`
class Token is Contract {
  #deploy(supply = Int)
  construct new(supply) { _supply = supply }
  #view(who = Address, returns = Int)
  balanceOf(who) { 0 }
  #payable
  #reentrant
  deposit() {}
  helper() {}
}
class Better is Token {
  #view(returns = Int)
  total { _supply }
}`)
  t.same(r.diagnostics, [])
  const m = decodeModule(r.bytes!)
  if (!('contract' in m) || !m.contract) throw new Error('no contract section')
  t.same(m.contract.classes.map((c) => [c.name, c.superclass]), [['Token', null], ['Better', 'Token']])
  t.same(m.contract.classes[0].methods, [
    { signature: 'new(_)', name: 'new', kind: 'deploy', params: [{ name: 'supply', type: 'Int' }], returns: 'Null', reentrant: false },
    { signature: 'balanceOf(_)', name: 'balanceOf', kind: 'view', params: [{ name: 'who', type: 'Address' }], returns: 'Int', reentrant: false },
    { signature: 'deposit()', name: 'deposit', kind: 'payable', params: [], returns: 'Null', reentrant: true },
  ])
  t.same(m.contract.classes[1].methods.map((x) => x.signature), ['total'])
  t.equal(m.classes.find((c) => c.name === 'Token')!.numFields, 0, 'contract classes keep no fields in instances')
  t.ok(m.symbols.includes('$field(_)') && m.symbols.includes('$field(_,_)'), 'fields became state accesses')
})

t.test('a script may still name its own classes Contract and Address', async (t) => {
  const r = build('class Contract {}\nclass Address { construct new() { _x = 1 } }\nSystem.print(Address.new())', false)
  t.same(r.diagnostics, [])
  t.notOk(decodeModule(r.bytes!) instanceof Error)
  t.equal((decodeModule(r.bytes!) as { contract?: unknown }).contract, undefined)
})

t.test('E0067: no static fields in a contract module', async (t) => {
  t.same(codes('class C is Contract {\n  f { __x = 1 }\n}'), ['E0067'])
  t.same(codes('class Helper {\n  static f { __y }\n}\nclass C is Contract {}'), ['E0067'])
})

t.test('E0068: module variables are constants', async (t) => {
  t.same(codes('var Fee = 5\nvar Name = "x"\nvar Neg = -1\nvar N = null\nclass C is Contract {}'), [])
  t.same(codes('var Fee = [1]\nclass C is Contract {}'), ['E0068'])
  t.same(codes('var Fee = 5\nclass C is Contract {\n  f() { Fee = 6 }\n}'), ['E0068'])
  t.same(codes('var Fee = 1 + 1\nclass C is Contract {}'), ['E0068'])
})

t.test('E0069: ABI attributes are checked', async (t) => {
  const cases: [string, RegExp][] = [
    ['#public\n  f(a) {}', /Parameter 'a' needs a type/],
    ['#public(a = Float)\n  f(a) {}', /Unknown ABI type 'Float'/],
    ['#public(a = Int, b = Int)\n  f(a) {}', /'b' is not a parameter of f/],
    ['#view(returns = Int)\n  #public\n  f() {}', /conflict/],
    ['#public\n  static f() {}', /Static methods/],
    ['#public\n  construct new() {}', /Mark a contract constructor with #deploy/],
    ['#deploy\n  f() {}', /#deploy marks the constructor/],
    ['#public\n  +(other) {}', /Only named methods/],
    ['#reentrant\n  f() {}', /#reentrant needs/],
    ['#deploy(returns = Int)\n  construct new() {}', /returns nothing/],
  ]
  for (const [body, message] of cases) {
    const r = build(`class C is Contract {\n  ${body}\n}`)
    t.same(r.diagnostics.map((d) => d.code), ['E0069'], body)
    t.match(r.diagnostics[0].message, message, body)
    t.equal(r.bytes, null)
  }
})

t.test('E0070: a contract program declares a contract', async (t) => {
  t.same(codes('class C {}'), ['E0070'])
})

t.test('E0071: every import of a contract compiles', async (t) => {
  t.same(build('import "lib" for X\nclass C is Contract {}').diagnostics.map((d) => d.code), ['E0071'])
  const broken = build('import "lib" for X\nclass C is Contract {}', true, { lib: 'var X = (' })
  t.equal(broken.bytes, null, 'an import with errors means no module, not a failing import at run time')
  t.ok(build('import "lib" for X\nclass C is Contract {}', true, { lib: 'var X = 1' }).bytes)
})

t.test('E0072: a contract top level only declares', async (t) => {
  t.same(codes('import "lib" for X\nvar A = 1\nclass C is Contract {}'.replace('import "lib" for X\n', '')), [])
  t.same(codes('System.print("hi")\nclass C is Contract {}'), ['E0072'])
  t.same(codes('class C is Contract {}\nif (true) {\n  var x = 1\n}'), ['E0072'])
  t.same(codes('class C is Contract {}\nfor (i in 1..2) {}'), ['E0072'])
  t.same(codes('class C is Contract {\n  f() {\n    System.print(1)\n  }\n}'), [], 'statements inside methods are fine')
})

t.test('E0073: no runtime attributes in contracts', async (t) => {
  t.same(codes('#!tag\nclass C is Contract {}'), ['E0073'])
  t.same(codes('class C is Contract {\n  #!mark\n  f() {}\n}'), ['E0073'])
  t.same(codes('class C is Contract {\n  #note\n  f() {}\n}'), [], 'compile-time attributes are fine')
})

t.test('a contract constructor is marked #deploy', async (t) => {
  const r = build('class C is Contract {\n  construct new() { _x = 1 }\n}')
  t.same(r.diagnostics.map((d) => d.code), ['E0069'])
  t.match(r.diagnostics[0].message, /#deploy/)
})
