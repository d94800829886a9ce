// Found in review of the contract layer: each was a reproducer first. Forged instances of core
// classes, state shared between calls through runtime attributes, out of gas escaping as a JS
// exception, iteration charged less than it costs, unpriced event topics, falsy map keys
// ending iteration, and constructors skipped at deploy.

import t from 'tap'
import { AddressValue, InstanceValue, encodeArgs } from '../../vm/contract/abi-values.js'
import { compile } from '../../compiler/compile.js'
import { call, compileContract, deploy, newChain, returned } from './helpers.js'

t.test('an argument cannot forge an instance of a core class', async (t) => {
  const chain = newChain()
  const c = await deploy(
    chain,
    compileContract(`
class Point {
  construct new(x) { _x = x }
  x { _x }
}
class Victim is Contract {
  #deploy
  construct new() {}
  #public(l = List, returns = Any)
  count(l) { l[0].count }
  #public(l = List, returns = Any)
  call(l) { l[0].call() }
  #public(l = List, returns = Any)
  x(l) { l[0].x }
}`),
  )
  for (const [method, cls] of [['count', 'List'], ['call', 'Fn'], ['count', 'Fiber'], ['count', 'Num'], ['count', 'Address'], ['count', 'PersistentMap'], ['count', 'Victim']] as const) {
    const r = await call(chain, c, method, [[new InstanceValue(cls, [])]])
    t.equal(r.receipt.status, 'reverted', `a fake ${cls} is refused`)
    t.equal(r.receipt.code, 'R0313')
  }
  const real = await call(chain, c, 'x', [[new InstanceValue('Point', [7])]])
  t.same(returned(real), 7, "the program's own plain classes still cross as copies")
})

t.test('runtime attributes are refused in contracts (they would be state no root covers)', async (t) => {
  const r = compile({ name: 'main', path: 'c.nest', text: '#!tag = 1\nclass C is Contract {}' }, null, { contract: true })
  t.same(
    r.diagnostics.map((d) => d.code),
    ['E0073'],
  )
})

t.test('out of gas while decoding arguments or encoding the result is the call failing', async (t) => {
  const chain = newChain()
  const c = await deploy(
    chain,
    compileContract(`
class Echo is Contract {
  #deploy
  construct new() {}
  #public(l = List, returns = List)
  echo(l) { l }
  #public(target = Address, gas = Num, returns = Any)
  relay(target, gas) {
    var r = Chain.tryCall(target, "echo", [List.filled(2000, 1)], {"gas": gas})
    return r.ok
  }
}`),
  )
  // Every gas limit from starved to enough: decoding, running and encoding each run out at
  // some point, and each time the call fails cleanly with R0200.
  const args = encodeArgs([Array.from({ length: 3000 }, () => 1)])
  const seen = new Set<string>()
  for (let gas = 100; gas <= 12_000; gas += 250) {
    const r = chain.execute(chain.accounts[0].address, { kind: 'call', to: c, method: 'echo', args, value: 0n }, gas)
    seen.add(r.receipt.status === 'ok' ? 'ok' : String(r.receipt.code))
  }
  t.same([...seen].sort(), ['R0200', 'ok'], 'no JS exception escapes; starved calls fail with R0200')
  for (const gas of [300, 2000, 7000, 12_000]) {
    const r = await call(chain, c, 'relay', [new AddressValue(c), gas], { gasLimit: 2_000_000 })
    t.equal(r.receipt.status, 'ok', `a callee starved at ${gas} gas fails, and tryCall protects its caller`)
    t.equal(returned(r), false)
  }
})

t.test('an iteration step pays for the deleted keys it steps over', async (t) => {
  const chain = newChain()
  const c = await deploy(
    chain,
    compileContract(`
class Sweep is Contract {
  #deploy
  construct new() { _m = PersistentMap.new() }
  #public(n = Num, returns = Num)
  churn(n) {
    var m = _m
    for (i in 0...n) m[i] = i
    for (i in 0...n) m.remove(i)
    var steps = 0
    for (k in m) steps = steps + 1
    return steps
  }
}`),
  )
  const small = await call(chain, c, 'churn', [10])
  const large = await call(chain, c, 'churn', [1000])
  t.same([returned(small), returned(large)], [0, 0])
  const perKeySmall = small.receipt.gasUsed / 10
  const perKeyLarge = large.receipt.gasUsed / 1000
  t.ok(perKeyLarge >= perKeySmall * 0.8, 'the gas grows with the keys stepped over, not flat')
})

t.test('event topics are priced and bounded (R0322)', async (t) => {
  const chain = newChain()
  const c = await deploy(
    chain,
    compileContract(`
class Loud is Contract {
  #deploy
  construct new() {}
  #public(n = Num)
  shout(n) { Chain.emit("x" * n, null) }
}`),
  )
  const short = await call(chain, c, 'shout', [1])
  const long = await call(chain, c, 'shout', [64])
  t.ok(long.receipt.gasUsed > short.receipt.gasUsed, 'a longer topic costs more')
  const tooLong = await call(chain, c, 'shout', [65])
  t.equal(tooLong.receipt.code, 'R0322')
})

t.test('a map with false and null keys iterates over every key', async (t) => {
  const chain = newChain()
  const c = await deploy(
    chain,
    compileContract(`
class Odd is Contract {
  #deploy
  construct new() {
    _m = PersistentMap.new()
    _m[false] = "no"
    _m[1n] = "one"
    _m["a"] = "a"
  }
  #view(returns = List)
  keys {
    var out = []
    for (k in _m) out.add(k)
    return out
  }
}`),
  )
  t.same(chain.read(c, 'keys'), [false, 1n, 'a'])
})

t.test("deploy runs the deployed class's own constructor", async (t) => {
  const chain = newChain()
  const module = compileContract(`
class Base is Contract {
  #deploy
  construct new() { _who = "Base" }
  #view(returns = Any)
  who { _who }
}
class Child is Base {
  #deploy(x = Int)
  construct new(x) { _who = "Child %(x)" }
  #view(returns = Any)
  mine { _who }
}`)
  const child = await deploy(chain, module, [5n])
  t.equal(chain.read(child, 'mine'), 'Child 5', "Child's constructor ran, not Base's")
  t.equal(chain.read(child, 'who'), null, "Base's field is its own (as in Wren), and Base's constructor did not run")
})
