// `unest test`: Nest-native tests on a local chain in test mode. The examples' tests pass;
// failures say what was expected, what came, and where; tests without assertions fail;
// --match filters, --gas reports gas per contract method; the test host exists only there.

import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JS_STACK, unest } from './bin.js'

import { compile } from '../../compiler/compile.js'
import { runContract } from '../../vm/contract/runtime.js'
import { encodeArgs } from '../../vm/contract/abi-values.js'
import { TestState } from '../vm/contract/fixture.js'

t.test("the examples' Nest tests pass, as TAP", async (t) => {
  const r = unest(['test', 'examples'])
  t.equal(r.status, 0, r.stdout + r.stderr)
  t.match(r.stdout, /^TAP version 14\n/)
  t.match(r.stdout, /ok \d+ - CounterTest\.testIncrementNeverLosesCount \(256 runs\)/, 'a test with parameters is fuzzed')
  t.match(r.stdout, /ok \d+ - TokenTest\.testAllowances/)
  t.match(r.stdout, /# 10 passed, 0 failed\n$/)
  t.notMatch(r.stdout, /^not ok/m)
})

function project(t: { teardown: (f: () => void) => void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'unest-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const box = `class Box is Contract {
  #deploy(v = Int)
  construct new(v) { _v = v }
  #view(returns = Int)
  v { _v }
  #public(x = Int)
  set(x) {
    if (x == 13n) Fiber.abort("unlucky")
    _v = x
    Chain.emit("Set", x)
  }
}
`

t.test('failures say what, where, and with which input', async (t) => {
  const dir = project(t, {
    'box.nest': box,
    'test/box.test.nest': `import "../box" for Box
class BoxTest is Test {
  setUp() { _box = Box.new(1n) }
  testWrongValue() {
    Assert.equal(Chain.call(_box, "v", []), 2n)
  }
  testNoAssertion() {
    Chain.call(_box, "set", [3n])
  }
  testLeftoverExpectRevert() {
    Assert.isTrue(true)
    Test.expectRevert("unlucky")
  }
  testMissingEvent() {
    Test.expectEvent("Set", 4n)
    Chain.call(_box, "set", [5n])
    Assert.isTrue(true)
  }
  testRevertNotExpected() {
    Chain.call(_box, "set", [13n])
  }
  #test(x = Int)
  testFuzzFinds(x) {
    Assert.isTrue(x < 100n, "small")
  }
  testPasses() {
    Test.expectRevert("unlucky")
    Chain.call(_box, "set", [13n])
  }
}
`,
  })
  const r = unest(['test'], { cwd: dir })
  t.equal(r.status, 1)
  t.notMatch(r.stdout, JS_STACK)
  t.match(r.stdout, /not ok \d+ - BoxTest\.testWrongValue\n {2}failed: assertion failed: expected 2, got 1\n +at test\/box\.test\.nest:5:12\n +5 \| Assert\.equal\(Chain\.call\(_box, "v", \[\]\), 2n\)/)
  t.match(r.stdout, /not ok \d+ - BoxTest\.testNoAssertion\n {2}the test made no assertion/)
  t.match(r.stdout, /not ok \d+ - BoxTest\.testLeftoverExpectRevert\n {2}expectRevert\(\) was set but no call followed it/)
  t.match(r.stdout, /not ok \d+ - BoxTest\.testMissingEvent\n {2}expected an event "Set" with 4n, none was emitted/)
  t.match(r.stdout, /not ok \d+ - BoxTest\.testRevertNotExpected\n {2}failed: Call failed: set on 0x[0-9a-f]{40} failed: unlucky/)
  t.match(r.stdout, /not ok \d+ - BoxTest\.testFuzzFinds \(\d+ runs\)\n {2}failed: assertion failed: small: expected true, got false[\s\S]*?with input: \d+n/)
  t.match(r.stdout, /ok \d+ - BoxTest\.testPasses # gas \d+/)
  t.match(r.stdout, /# 1 passed, 6 failed\n$/)
})

t.test('--match filters and --gas reports the contract under test', async (t) => {
  const r = unest(['test', 'examples/counter', '--match', 'Owner', '--gas'])
  t.equal(r.status, 0, r.stdout + r.stderr)
  t.match(r.stdout, /ok 1 - CounterTest\.testOnlyTheOwnerResets/)
  t.match(r.stdout, /ok 2 - CounterTest\.testTheOwnerResets/)
  t.match(r.stdout, /1\.\.2\n/)
  t.match(r.stdout, /# Counter\.reset +\d+ \/ \d+ \/ \d+ +\(2\)/)
  t.notMatch(r.stdout, /# CounterTest\./, 'the test contract itself is not in the report')
})

t.test('a test that does not compile fails with its diagnostics; no tests is an error', async (t) => {
  const dir = project(t, { 'test/bad.test.nest': 'class T is Test {\n  testX() { Assert.equal(1, }\n}\n' })
  const r = unest(['test'], { cwd: dir })
  t.equal(r.status, 1)
  t.match(r.stdout, /not ok 1 - test\/bad\.test\.nest does not compile\n {2}error\[E0021\][^\n]*\n +--> test\/bad\.test\.nest:2:29/)
  const empty = project(t, { 'x.nest': 'System.print(1)\n' })
  t.equal(unest(['test'], { cwd: empty }).status, 66)
})

t.test('the test host exists only under unest test (R0320)', async (t) => {
  // A test program is refused by a chain outside test mode; and a VM whose host offers no
  // test host refuses the cheats themselves.
  const program = compile({ name: 'main', path: 't.nest', text: 'class T is Test {\n  testX() { Test.warp(5) }\n}\n' }, null, { test: true })
  const out = runContract({ module: program.bytes!, className: 'T', method: { deploy: false, name: 'testX' }, args: encodeArgs([]), host: new TestState(), gasLimit: 1e6 })
  t.match(out, { ok: false, code: 'R0320' })


})
