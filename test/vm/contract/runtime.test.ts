// A contract call in the nVM (vm/contract/runtime.ts): ABI checks at the boundary, fields as
// chain state with copy semantics, persistent collections at O(1) storage operations each,
// events, views, and the refusals R0300–R0314.

import t from 'tap'
import { AddressValue } from '../../../vm/contract/abi-values.js'
import { compile } from '../../../compiler/compile.js'
import { decodeModule, encodeModule, type Module } from '../../../vm/module.js'
import { VM } from '../../../vm/vm.js'
import { Instance, MethodKind, NClass } from '../../../vm/value.js'
import { args, compileContract, Deployed, hex } from './fixture.js'
import { ModuleCache } from '../../../vm/loader.js'

const counter = compileContract(`
class Counter is Contract {
  #deploy(start = Num)
  construct new(start) { _count = start }
  #view(returns = Num)
  count { _count }
  #public(by = Num, returns = Num)
  add(by) {
    _count = _count + by
    Chain.emit("Added", [by, _count])
    return _count
  }
  #view
  sneaky() { _count = 0 }
  #payable(returns = Num)
  deposit() { Chain.value.toNum }
  #public(returns = Int)
  wrong() { 1 }
}`)

t.test('state lives in the chain: each call is a fresh VM', async (t) => {
  const c = new Deployed(counter, 'Counter')
  t.ok(c.deploy(args(5)).ok)
  t.equal(c.value('add', 3), 8)
  t.equal(c.value('add', 4), 12)
  t.equal(c.value('count'), 12)
  t.same(
    c.state.events.map((e) => e.topic),
    ['Added', 'Added'],
  )
  // The same keys loaded into another deployment keep working.
  const again = new Deployed(counter, 'Counter')
  for (const [k, v] of c.state.keys) again.state.keys.set(k, v)
  t.equal(again.value('add', 1), 13)
})

t.test('calls are checked against the ABI before the callee runs', async (t) => {
  const c = new Deployed(counter, 'Counter')
  c.deploy(args(1))
  const before = new Map(c.state.keys)
  const wrongType = c.call('add', args('3'))
  t.match(wrongType, { ok: false, code: 'R0308', message: 'Argument 1 (by) of Counter.add must be Num.' })
  t.match(c.call('add', args()), { ok: false, code: 'R0307' })
  t.match(c.call('nothing', args()), { ok: false, code: 'R0307' })
  t.match(c.call('add', new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, 0])), { ok: false, code: 'R0313' })
  t.match(c.call('add', new Uint8Array([99])), { ok: false, code: 'R0313' })
  c.state.value = 10n
  t.match(c.call('add', args(1)), { ok: false, code: 'R0309', message: 'Counter.add is not payable: it refuses attached value.' })
  t.equal(c.value('deposit'), 10)
  c.state.value = 0n
  t.match(c.call('wrong'), { ok: false, code: 'R0310', message: 'Counter.wrong returned a Num where its ABI says Int.' })
  t.same(c.state.keys, before, 'refused calls changed nothing')
})

t.test('a view cannot write (R0306)', async (t) => {
  const c = new Deployed(counter, 'Counter')
  c.deploy(args(1))
  const out = c.call('sneaky')
  t.match(out, { ok: false, code: 'R0306' })
  if (!out.ok) t.match(out.trace[0], { fn: 'Counter.sneaky()', line: 14 })
  t.equal(c.value('count'), 1)
})

t.test('unknown contract class (R0311) and non-persistent fields (R0312)', async (t) => {
  t.match(new Deployed(counter, 'Nope').deploy(args(1)), { ok: false, code: 'R0311' })
  // A module whose ABI names a plain class with instance fields: only a hand-made module.
  const plain = compile({ name: 'main', path: 'c.nest', text: 'class P { construct new() { _x = 1 } }\nclass C is Contract {}' }, null, { contract: true })
  const m = decodeModule(plain.bytes!) as Module
  const forged = encodeModule({ ...m, classes: m.classes.map((c) => (c.name === 'P' ? { ...c, numFields: 1 } : c)), contract: { classes: [{ name: 'P', superclass: null, methods: [] }] } })
  t.match(new Deployed(forged, 'P').deploy(), { ok: false, code: 'R0312' })
})

t.test('persistent fields need a chain (R0300)', async (t) => {
  const vm = new VM({ host: { write: () => {} } })
  const mod = vm.load(counter)
  if (!('units' in mod)) throw new Error('load failed')
  t.equal(vm.runModule(mod).kind, 'ok')
  const cls = mod.units[0].vars[mod.units[0].varNames.indexOf('Counter')] as NClass
  const m = cls.methods[vm.intern('count')]!
  t.equal(m.kind, MethodKind.Closure)
  const out = vm.callMethod(new Instance(cls, []), m.closure!, [])
  t.match(out, { kind: 'error', code: 'R0300' })
})

const store = compileContract(`
class Box {
  construct new(v) { _v = v }
  v { _v }
  v=(x) { _v = x }
}
class Store is Contract {
  #deploy
  construct new() {
    _list = [1, [2, 3]]
    _map = {"a": 1}
    _box = Box.new(5)
  }
  #view(returns = List)
  alias() {
    var l = _list
    l.add(4)
    l[1].add(9)
    return [l, _list]
  }
  #public(returns = List)
  nested() {
    var l = _list
    l[1][0] = 20
    _list = l
    return _list
  }
  #public(returns = Num)
  boxed() {
    var b = _box
    b.v = 6
    var before = _box.v
    _box = b
    return before * 10 + _box.v
  }
  #public(what = Any)
  put(what) { _any = what }
  #view(returns = Any)
  any { _any }
  #public
  fn() { _f = Fn.new { 1 } }
  #public
  loop() {
    var l = []
    l.add(l)
    _l = l
  }
  #public(returns = Bool)
  nan() {
    _n = 0/0
    return _n.isNan
  }
  #view(returns = Any)
  raw { _any }
  #public
  sin() { 1.sin }
}`)

t.test('reads return copies: alias, nested mutation and reassignment', async (t) => {
  const c = new Deployed(store, 'Store')
  t.ok(c.deploy().ok)
  t.same(c.value('alias'), [[1, [2, 3, 9], 4], [1, [2, 3]]], 'mutating a read copy never writes through')
  t.same(c.value('nested'), [1, [20, 3]], 'assigning the field stores the new value')
  t.equal(c.value('boxed'), 56, 'instances are stored as copies too')
  c.value('put', new Map<string | number, number>([['k', 1], [2, 3]]))
  t.same(c.value('any'), new Map<string | number, number>([['k', 1], [2, 3]]))
  const a = AddressValue.fromHex('0x' + '12'.repeat(20))
  c.value('put', [a, 5n, new Uint8Array([1, 2]), 'é', null, true])
  t.same(c.value('any'), [a, 5n, new Uint8Array([1, 2]), 'é', null, true])
})

t.test('what cannot be stored (R0301, R0302) and corrupt state (R0303)', async (t) => {
  const c = new Deployed(store, 'Store')
  c.deploy()
  t.match(c.call('fn'), { ok: false, code: 'R0301', message: /Cannot store a Fn/ })
  t.match(c.call('loop'), { ok: false, code: 'R0302' })
  t.equal(c.value('nan'), true)
  c.value('put', 1)
  for (const [k] of c.state.keys) if (k.includes(hex(new TextEncoder().encode('Store._any')))) c.state.keys.set(k, new Uint8Array([3, 1]))
  t.match(c.call('raw'), { ok: false, code: 'R0303' })
})

t.test('a stored instance whose class is gone (R0305)', async (t) => {
  const c = new Deployed(store, 'Store')
  c.deploy()
  const without = compileContract(`
class Store is Contract {
  #view(returns = Num)
  boxed() { _box.v }
}`)
  const later = new Deployed(without, 'Store', c.state)
  t.match(later.call('boxed'), { ok: false, code: 'R0305', message: /Box/ })
})

t.test('Num methods that differ between machines abort in contracts (R0314)', async (t) => {
  const c = new Deployed(store, 'Store')
  c.deploy()
  t.match(c.call('sin'), { ok: false, code: 'R0314', message: 'Num.sin is not available in contracts: its result can differ between machines.' })
})

t.test('Address values (R0304)', async (t) => {
  const c = new Deployed(
    compileContract(`
class A is Contract {
  #view(text = String, returns = Address)
  parse(text) { Address.fromHex(text) }
  #view(returns = List)
  facts() {
    var a = Address.fromHex("0x${'ab'.repeat(20)}")
    var m = {}
    m[a] = 1
    m[a.bytes] = 2
    return [a.toString, a == Address.fromBytes(a.bytes), a == a.bytes, m.count, Chain.self, Chain.caller, Chain.height, Chain.time]
  }
}`),
    'A',
  )
  t.ok(c.deploy().ok)
  t.equal(String(c.value('parse', '0x' + '01'.repeat(20))), '0x' + '01'.repeat(20))
  t.match(c.call('parse', args('0x12')), { ok: false, code: 'R0304' })
  t.same(c.value('facts'), ['0x' + 'ab'.repeat(20), true, false, 2, new AddressValue(c.state.self), new AddressValue(c.state.caller), 7, 1_700_000_000])
})

const collections = compileContract(`
class Ledger is Contract {
  #deploy
  construct new() {
    _holders = PersistentMap.new()
    _history = PersistentList.new()
  }
  #public(who = String, amount = Num)
  set(who, amount) {
    _holders[who] = amount
    _history.add(amount)
  }
  #public(who = String, returns = Any)
  remove(who) { _holders.remove(who) }
  #view(who = String, returns = Any)
  get(who) { _holders[who] }
  #view(returns = List)
  keys { _holders.toList }
  #view(returns = List)
  history { _history.toList }
  #view(returns = Num)
  count { _holders.count }
  #public(returns = Any)
  pop() { _history.removeLast() }
  #view(returns = List)
  handles { [_holders, _history, _holders.containsKey("a")] }
}`)

t.test('PersistentMap and PersistentList', async (t) => {
  const c = new Deployed(collections, 'Ledger')
  t.ok(c.deploy().ok)
  for (const [who, n] of [['a', 1], ['b', 2], ['c', 3], ['a', 4]] as const) c.value('set', who, n)
  t.same(c.value('keys'), ['a', 'b', 'c'], "the keys' byte order")
  t.equal(c.value('get', 'a'), 4)
  t.equal(c.value('get', 'zz'), null)
  t.equal(c.value('remove', 'a'), 4)
  t.same(c.value('keys'), ['b', 'c'])
  t.equal(c.value('count'), 2)
  t.same(c.value('history'), [1, 2, 3, 4])
  t.equal(c.value('pop'), 4)
  t.same(c.value('history'), [1, 2, 3])
  t.match(c.call('handles'), { ok: false, code: 'R0321' }, 'a handle names a collection of this contract only: it cannot leave it')
})

t.test('each persistent operation costs the same storage operations at any size', async (t) => {
  const small = new Deployed(collections, 'Ledger')
  const large = new Deployed(collections, 'Ledger')
  small.deploy()
  large.deploy()
  for (let i = 0; i < 10; i++) small.value('set', `k${i}`, i)
  for (let i = 0; i < 1000; i++) large.value('set', `k${i}`, i)
  const cost = (c: Deployed, f: () => unknown) => {
    const [r, w] = [c.state.reads, c.state.writes]
    const before = c.call('count')
    f()
    return [c.state.reads - r, c.state.writes - w, before.ok]
  }
  t.same(cost(small, () => small.value('set', 'k5', 99)), cost(large, () => large.value('set', 'k5', 99)), 'update')
  t.same(cost(small, () => small.value('set', 'new', 1)), cost(large, () => large.value('set', 'new', 1)), 'insert')
  t.same(cost(small, () => small.value('remove', 'k3')), cost(large, () => large.value('remove', 'k3')), 'remove')
  t.same(cost(small, () => small.value('get', 'k4')), cost(large, () => large.value('get', 'k4')), 'read')
})

t.test('the same call uses the same gas, whatever the state around it', async (t) => {
  const a = new Deployed(counter, 'Counter')
  const b = new Deployed(counter, 'Counter')
  a.deploy(args(1))
  b.deploy(args(1))
  const x = a.call('add', args(2))
  const y = b.call('add', args(2))
  t.ok(x.ok && y.ok)
  t.equal(x.gasUsed, y.gasUsed)
  t.ok(x.gasUsed > 200, 'a state write is charged')
})

const savepoints = compileContract(`
class S is Contract {
  #deploy
  construct new() { _log = [] }
  note(x) { _log = _log + [x] }
  #public(returns = List)
  tryAbort() {
    note("before")
    var f = Fiber.new {
      note("inside")
      Chain.emit("Inside", 1)
      Fiber.abort("no")
    }
    var err = f.try()
    note("after")
    return [err, _log]
  }
  #public(depth = Num, returns = List)
  nested(depth) {
    // Level d writes d, then tries level d + 1; odd levels abort after their child returns.
    var level
    level = Fn.new { |d|
      note(d)
      if (d < depth) Fiber.new { level.call(d + 1) }.try()
      if (d % 2 == 1) Fiber.abort("odd %(d)")
    }
    Fiber.new { level.call(0) }.try()
    return _log
  }
  #public(returns = List)
  yielded() {
    var f = Fiber.new {
      note("first")
      Fiber.yield(1)
      note("second")
      Fiber.abort("late")
    }
    f.try()
    f.try()
    return _log
  }
  #public
  abortNull() {
    note("x")
    Fiber.abort(null)
  }
  #public
  yieldOut() { Fiber.yield(1) }
  #public
  transfer() { Fiber.new { 1 }.transfer() }
  #view(returns = List)
  log { _log }
}`)

t.test('Fiber.try is a savepoint in a contract', async (t) => {
  const c = new Deployed(savepoints, 'S')
  t.ok(c.deploy().ok)
  t.same(c.value('tryAbort'), ['no', ['before', 'after']], "the aborted fiber's writes and events are undone")
  t.same(c.state.events, [])
})

t.test('savepoints nest', async (t) => {
  const c = new Deployed(savepoints, 'S')
  c.deploy()
  // Level 0 keeps its note; 1 aborts (undoing 1..4); so only 0 stays.
  t.same(c.value('nested', 4), [0])
  const d = new Deployed(savepoints, 'S')
  d.deploy()
  t.same(d.value('nested', 0), [0])
  const e = new Deployed(savepoints, 'S')
  e.deploy()
  // Depth 9: every odd level aborts, so nothing below level 1 survives either.
  t.same(e.value('nested', 9), [0])
})

t.test('yielding to the trier keeps the effects so far', async (t) => {
  const c = new Deployed(savepoints, 'S')
  c.deploy()
  t.same(c.value('yielded'), ['first'])
})

t.test('contracts abort where Wren would not (R0315, Fiber.abort(null))', async (t) => {
  const c = new Deployed(savepoints, 'S')
  c.deploy()
  t.match(c.call('abortNull'), { ok: false, code: 'R0028', message: 'Fiber.abort(null)' })
  t.match(c.call('yieldOut'), { ok: false, code: 'R0315' })
  t.match(c.call('transfer'), { ok: false, code: 'R0315' })
  t.same(c.value('log'), [], 'a failed call leaves the state as it was for the next call (the chain reverts it)')
})

t.test('a shared core changes nothing a call can see: same results, same gas', async (t) => {
  const shared = new Deployed(collections, 'Ledger')
  const alone = new Deployed(collections, 'Ledger')
  const fresh = (d: Deployed, name: string, a: Uint8Array) => {
    // A new cache per call: every VM boots its own core.
    d.cache = new ModuleCache()
    return d.call(name, a)
  }
  alone.cache = new ModuleCache()
  t.same(shared.deploy(), alone.deploy())
  const calls: [string, Uint8Array][] = [
    ['set', args('a', 1)],
    ['set', args('b', 2)],
    ['keys', args()],
    ['remove', args('a')],
    ['history', args()],
    ['get', args('zz')],
  ]
  for (const [name, a] of calls) t.same(shared.call(name, a), fresh(alone, name, a), name)
})
