// What the verifier cannot know and the interpreter still checks: a module that passes
// verification but asks for something impossible at run time (a boxed read of a plain
// local, a field of a non-instance) stops with R0206, fatally, in both tiers, and never
// with a JS exception. The compiler never emits such code; these modules are hand-edited.

import t from 'tap'
import { compile } from '../../compiler/compile.js'
import { decodeModule, encodeModule, ModuleFormatError, type Module } from '../../vm/module.js'
import { Op } from '../../vm/opcodes.js'
import { VM } from '../../vm/vm.js'

function compiled(source: string): Module {
  const c = compile({ name: 'main', path: 'main.nest', text: source }, { read: () => null })
  if (!c.bytes) throw new Error(c.diagnostics.map((d) => d.message).join('\n'))
  const m = decodeModule(c.bytes)
  if (m instanceof ModuleFormatError) throw new Error(m.message)
  return m
}

/** Replaces the first instruction `from` in the named function by `to` (same operands). */
function swapOp(m: Module, fnName: string, from: Op, to: Op): Uint8Array {
  const functions = m.functions.map((f) => {
    if (f.name !== fnName) return f
    const code = [...f.code]
    const at = code.indexOf(from)
    if (at < 0) throw new Error(`${fnName} has no opcode ${from}`)
    code[at] = to
    return { ...f, code }
  })
  return encodeModule({ ...m, functions })
}

function run(bytes: Uint8Array, jit: boolean) {
  let out = ''
  const vm = new VM({ host: { write: (s) => (out += s) }, jit })
  const mod = vm.load(bytes)
  if (!('units' in mod)) return { rejected: String(mod), out }
  for (const f of mod.fns) f.heat = jit ? 1 : 0
  return { outcome: vm.runModule(mod), out }
}

const source = `class Box {
  construct new(v) { _v = v }
  get(k) { k }
  peek(o) { o }
}
var b = Box.new(1)
System.print("before")
for (i in 1..3) System.print(b.get(i))
`

for (const jit of [false, true]) {
  const tier = jit ? 'JS tier' : 'interpreter'

  t.test(`${tier}: a boxed read of a plain local is R0206`, async (t) => {
    // Box.get(_) reads its parameter with LOAD_LOCAL; make that LOAD_LOCAL_BOX.
    const r = run(swapOp(compiled(source), 'Box.get(_)', Op.LOAD_LOCAL, Op.LOAD_LOCAL_BOX), jit)
    t.notOk(r.rejected, 'the verifier accepts it: boxes are a run-time fact')
    t.equal(r.out, 'before\n', 'what ran before the bad instruction ran')
    t.match(r.outcome, { kind: 'error', fatal: true, code: 'R0206', message: 'Malformed module: unboxed local.' })
  })

  t.test(`${tier}: a boxed store into a plain local is R0206`, async (t) => {
    const src = `var f = Fn.new { |x|\n  x = 2\n  return x\n}\nSystem.print(f.call(1))\n`
    const m = compiled(src)
    const fn = m.functions.find((f) => f.code.includes(Op.STORE_LOCAL))!
    const r = run(swapOp(m, fn.name, Op.STORE_LOCAL, Op.STORE_LOCAL_BOX), jit)
    t.notOk(r.rejected)
    t.match(r.outcome, { kind: 'error', fatal: true, code: 'R0206', message: 'Malformed module: unboxed local.' })
  })

  t.test(`${tier}: a super call on a value that is not this is R0206`, async (t) => {
    const src = 'class B {\n  construct new(v) { _v = v }\n}\nclass D is B {\n  construct new(v) { super(v) }\n}\nfor (i in 1..3) D.new(i)\n'
    const m = compiled(src)
    // `super(v)` pushes this (LOAD_LOCAL 0), then v: make the receiver v, a Num.
    const functions = m.functions.map((f) => (f.name === 'D.new(_)' ? { ...f, code: [Op.LOAD_LOCAL, 1, ...f.code.slice(2)] } : f))
    const r = run(encodeModule({ ...m, functions }), jit)
    t.notOk(r.rejected)
    t.match(r.outcome, { kind: 'error', fatal: true, code: 'R0206', message: 'Malformed module: super call on a receiver of another class.' })
  })

  t.test(`${tier}: Fiber.try cannot catch R0206`, async (t) => {
    const src = source + 'var f = Fiber.new { b.get(7) }\nSystem.print(f.try())\n'
    const r = run(swapOp(compiled(src), 'Box.get(_)', Op.LOAD_LOCAL, Op.LOAD_LOCAL_BOX), jit)
    t.match(r.outcome, { kind: 'error', fatal: true, code: 'R0206' })
  })
}
