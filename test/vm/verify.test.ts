// The verifier (vm/verify.ts): one case per rule, each starting from a module that passes
// and changing one thing so that exactly that rule breaks, then checking the rejection
// names it. Modules are written by hand with a small assembler over the opcode table.

import t, { type Test } from 'tap'
import { compile } from '../../compiler/compile.js'
import { MAX_ARGS, MAX_FIELDS } from '../../vm/limits.js'
import { BROKEN_UNIT, decodeModule, encodeModule, FnKind, MISSING_UNIT, ModuleFormatError, type Capture, type Constant, type Module, type ModuleClass, type ModuleFunction } from '../../vm/module.js'
import { OPCODES } from '../../vm/opcodes.js'
import { MAX_FRAME_SLOTS, MAX_LITERAL_ELEMENTS, signatureArity, verifyModule, VerifyError, type VerifiedFunction } from '../../vm/verify.js'
import { LoadError } from '../../vm/loader.js'
import { VM } from '../../vm/vm.js'

type Instr = [string, ...number[]]

/** Code words from instructions written by name; one line-table entry per instruction. */
function asm(...instrs: Instr[]): Pick<ModuleFunction, 'code' | 'lines' | 'cols'> {
  const code: number[] = []
  for (const [name, ...operands] of instrs) {
    const info = OPCODES.find((o) => o.name === name)
    if (!info) throw new Error(`no opcode ${name}`)
    code.push(info.op, ...operands)
  }
  return { code, lines: instrs.map((_, i) => i + 1), cols: instrs.map(() => 1) }
}

function fn(kind: FnKind, body: Pick<ModuleFunction, 'code' | 'lines' | 'cols'>, extra: { arity?: number; captures?: Capture[]; unit?: number; name?: string } = {}): ModuleFunction {
  return { name: extra.name ?? ['(script)', 'fn', 'method'][kind], kind, unit: extra.unit ?? 0, arity: extra.arity ?? 0, captures: extra.captures ?? [], ...body }
}

const CONSTANTS: Constant[] = ['x', 1, 2n]
const SYMBOLS = ['print(_)', 'new()', 'init new()', 'f', 'g(_,_)']
const CLASSES: ModuleClass[] = [{ name: 'A', numFields: 1 }]
const VARS = ['Object', 'A', 'v']
const sym = (s: string) => SYMBOLS.indexOf(s)

/** A module whose entry (function 0) is `script`, plus `others` as functions 1, 2, ... */
function module(script: Instr[], others: ModuleFunction[] = [], patch: Partial<Module> = {}): Module {
  return {
    constants: CONSTANTS,
    symbols: SYMBOLS,
    classes: CLASSES,
    units: [{ name: 'main', main: 0, vars: VARS }],
    functions: [fn(FnKind.Script, asm(...script)), ...others],
    ...patch,
  }
}

const END: Instr[] = [['NULL'], ['RETURN']]

function verified(m: Module): VerifiedFunction[] {
  const v = verifyModule(m)
  if (v instanceof VerifyError) throw new Error(`rejected: ${v}`)
  return v
}

/** Asserts `good` passes and `bad` is rejected with a message matching `why`. */
function rule(t: Test, what: string, good: Module, bad: Module, why: RegExp): VerifyError | null {
  const g = verifyModule(good)
  t.notOk(g instanceof VerifyError, `${what}: the unbroken module passes${g instanceof VerifyError ? ` (${g})` : ''}`)
  const b = verifyModule(bad)
  if (!(b instanceof VerifyError)) {
    t.fail(`${what}: not rejected`)
    return null
  }
  t.match(b.toString(), why, what)
  return b
}

// A method that binds to class A and reads its field: the building block of class cases.
const METHOD = fn(FnKind.Method, asm(['LOAD_FIELD_THIS', 0], ['RETURN']), { name: 'A.f' })
const BIND: Instr[] = [['LOAD_MODULE_VAR', 0], ['CLASS', 0], ['STORE_MODULE_VAR', 1], ['POP'], ['CLOSURE', 1], ['LOAD_MODULE_VAR', 1], ['METHOD_INSTANCE', sym('f')]]

t.test('module tables', async (t) => {
  rule(t, 'an empty method name', module(END), module(END, [], { symbols: [...SYMBOLS, ''] }), /method name 5 has a bad length/)
  rule(t, 'a method name above 256 bytes', module(END), module(END, [], { symbols: [...SYMBOLS, 'x'.repeat(257)] }), /method name 5 has a bad length/)
  rule(t, 'a class with too many fields', module(END, [], { classes: [{ name: 'A', numFields: MAX_FIELDS }] }), module(END, [], { classes: [{ name: 'A', numFields: MAX_FIELDS + 1 }] }), /class 0 declares 256 fields, above 255/)
  rule(t, 'a unit whose entry does not exist', module(END), module(END, [], { units: [{ name: 'main', main: 1, vars: VARS }] }), /unit 0 names a missing entry function 1/)
  const closure = fn(FnKind.Fn, asm(...END))
  rule(t, 'a unit whose entry is not a script', module(END, [closure]), module(END, [closure], { units: [{ name: 'main', main: 1, vars: VARS }] }), /function 1: entry of unit 0 must be a script of that unit/)
  const second = fn(FnKind.Script, asm(...END), { unit: 1 })
  const twoUnits = (main: number) => module(END, [second], { units: [{ name: 'main', main: 0, vars: VARS }, { name: 'lib', main, vars: [] }] })
  rule(t, "a unit whose entry is another unit's script", twoUnits(1), twoUnits(0), /entry of unit 1 must be a script of that unit/)
  t.notOk(verifyModule(twoUnits(MISSING_UNIT)) instanceof VerifyError, 'a unit may have no entry: its source was missing')
  t.notOk(verifyModule(twoUnits(BROKEN_UNIT)) instanceof VerifyError, 'or did not compile')
})

t.test('function shapes', async (t) => {
  const withFn = (f: ModuleFunction) => module(END, [f])
  rule(t, 'a function of a unit that does not exist', withFn(fn(FnKind.Fn, asm(...END))), withFn(fn(FnKind.Fn, asm(...END), { unit: 1 })), /function 1: unit 1 does not exist/)
  rule(t, 'too many parameters', withFn(fn(FnKind.Fn, asm(...END), { arity: MAX_ARGS })), withFn(fn(FnKind.Fn, asm(...END), { arity: MAX_ARGS + 1 })), /function 1: arity 17 is above 16/)
  const script = (extra: { arity?: number; captures?: Capture[] }) => module(END, [], { functions: [fn(FnKind.Script, asm(...END), extra)] })
  rule(t, 'a script with a parameter', script({}), script({ arity: 1 }), /a script takes no arguments and captures nothing/)
  rule(t, 'a script with a capture', script({}), script({ captures: [{ local: true, index: 0 }] }), /a script takes no arguments and captures nothing/)
  const raw = (code: number[], lines = code.map(() => 1)) => module(END, [], { functions: [{ ...fn(FnKind.Script, asm()), code, lines, cols: lines.map(() => 1) }] })
  rule(t, 'an unknown opcode', raw([1, 51], [1, 1]), raw([200, 51], [1, 1]), /function 0, instruction 0: unknown opcode 200/)
  rule(t, 'the linker-only GAS opcode', raw([1, 51], [1, 1]), raw([OPCODES.length - 1, 1, 51], [1, 1]), /unknown opcode 62/)
  rule(t, 'an instruction cut off by the end of the code', raw([0, 0, 51], [1, 1]), raw([1, 51, 0], [1, 1, 1]), /instruction 2: CONST is cut off by the end of the code/)
  rule(t, 'a function without code', raw([1, 51], [1, 1]), raw([], []), /a function needs code/)
  rule(t, 'a line table of the wrong length', raw([1, 51], [1, 1]), raw([1, 51], [1]), /line table has 1 entries for 2 instructions/)
})

t.test('operands in range', async (t) => {
  const one = (good: Instr, bad: Instr, why: RegExp, what: string) => rule(t, what, module([good, ['POP'], ...END]), module([bad, ['POP'], ...END]), why)
  one(['CONST', 2], ['CONST', 3], /CONST operand 0 \(const\) is 3, out of range 3/, 'a constant index')
  one(['LOAD_MODULE_VAR', 2], ['LOAD_MODULE_VAR', 3], /LOAD_MODULE_VAR operand 0 \(modvar\) is 3, out of range 3/, 'a module variable index')
  one(['LIST', 0], ['LIST', MAX_LITERAL_ELEMENTS + 1], /LIST operand 0 \(count\) is 65537, out of range 65536/, 'a literal size')
  one(['IMPORT_MODULE', 0], ['IMPORT_MODULE', 1], /IMPORT_MODULE operand 0 \(unit\) is 1, out of range 1/, 'a unit index')
  one(['IMPORT_VARIABLE', 0, 0], ['IMPORT_VARIABLE', 0, 1], /IMPORT_VARIABLE needs a string constant/, 'an imported name that is not a string')
  const call = (instrs: Instr[]) => module([['NULL'], ...instrs, ['POP'], ...END])
  rule(t, 'a method name index', call([['CALL', 0, 4 - 1]]), call([['CALL', 0, 5]]), /CALL operand 1 \(sym\) is 5, out of range 5/)
  rule(t, 'too many arguments', call([['CALL', 0, sym('f')]]), call([['CALL', MAX_ARGS + 1, sym('f')]]), /CALL operand 0 \(argc\) is 17, out of range 16/)
  rule(t, 'arguments that do not match the name', call([['NULL'], ['NULL'], ['CALL', 2, sym('g(_,_)')]]), call([['NULL'], ['CALL', 1, sym('g(_,_)')]]), /CALL passes 1 arguments to 'g\(_,_\)'/)
  const cls = (c: number) => module([['NULL'], ['CLASS', c], ['POP'], ...END])
  rule(t, 'a class index', cls(0), cls(1), /CLASS operand 0 \(class\) is 1, out of range 1/)
  const closure = fn(FnKind.Fn, asm(...END))
  rule(t, 'a function index', module([['CLOSURE', 1], ['POP'], ...END], [closure]), module([['CLOSURE', 2], ['POP'], ...END], [closure]), /CLOSURE operand 0 \(fn\) is 2, out of range 2/)
  rule(t, 'a closure of a script', module([['CLOSURE', 1], ['POP'], ...END], [closure]), module([['CLOSURE', 0], ['POP'], ...END], [closure]), /CLOSURE of a script/)
  const jump = (to: number) => module([['JUMP', to], ...END])
  rule(t, 'a jump past the last instruction', jump(2), jump(3), /JUMP operand 0 \(target\) is 3, out of range 3/)
  // Jump targets count instructions, not code words: a target inside an instruction's
  // operands cannot be written. Target 1 is the NULL at word 2, not CONST's operand.
  const v = verified(module([['JUMP', 1], ['NULL'], ['RETURN']]))
  t.same(Array.from(v[0].starts), [0, 2, 3], 'instruction 1 starts at word 2')
  const up = (i: number) => module([['CLOSURE', 1], ['POP'], ...END], [fn(FnKind.Fn, asm(['LOAD_UPVALUE', i], ['RETURN']), { captures: [{ local: true, index: 0 }] })])
  rule(t, 'an upvalue index', up(0), up(1), /function 1, instruction 0: LOAD_UPVALUE operand 0 \(upvalue\) is 1, out of range 1/)
})

t.test('fields, receivers and method binding', async (t) => {
  const cls = (method: ModuleFunction) => module([...BIND, ...END], [method])
  rule(t, 'a field index at the limit', cls(METHOD), cls(fn(FnKind.Method, asm(['LOAD_FIELD_THIS', MAX_FIELDS], ['RETURN']))), /LOAD_FIELD_THIS operand 0 \(field\) is 255, out of range 255/)
  const inFn = (op: string) => module([['CLOSURE', 1], ['POP'], ...END], [fn(FnKind.Fn, asm(['LOAD_LOCAL', 0], [op, 0], ['RETURN']))])
  rule(t, "a closure reading a field of its creator's receiver directly", inFn('LOAD_FIELD'), inFn('LOAD_FIELD_THIS'), /LOAD_FIELD_THIS outside a method/)
  rule(t, 'a field in a script', module([['LOAD_LOCAL', 0], ['POP'], ...END]), module([['LOAD_LOCAL', 0], ['LOAD_FIELD', 0], ['POP'], ...END]), /LOAD_FIELD in a script/)
  rule(t, 'super in a script', module([['NULL'], ['CALL', 0, sym('f')], ['POP'], ...END]), module([['NULL'], ['SUPER', 0, sym('f')], ['POP'], ...END]), /SUPER in a script/)
  for (const op of ['STORE_LOCAL', 'BOX_LOCAL', 'STORE_LOCAL_BOX']) {
    const pre: Instr[] = op === 'BOX_LOCAL' ? [] : [['NULL']]
    const post: Instr[] = op === 'BOX_LOCAL' ? [] : [['POP']]
    const write = (slot: number) => cls(fn(FnKind.Method, asm(...pre, [op, slot], ...post, ['LOAD_FIELD_THIS', 0], ['RETURN']), { arity: 1 }))
    rule(t, `${op} to the receiver of a method`, write(1), write(0), new RegExp(`${op} overwrites the receiver in slot 0`))
  }
  // In a closure slot 0 is the closure itself: nothing trusts it.
  t.notOk(verifyModule(module([['CLOSURE', 1], ['POP'], ...END], [fn(FnKind.Fn, asm(['NULL'], ['STORE_LOCAL', 0], ['RETURN']))])) instanceof VerifyError, 'a closure may store to its slot 0')
  const bindWith = (after: Instr[]) => module([...BIND.slice(0, 5), ...after, ...END], [METHOD])
  rule(t, 'a method closure that is not bound', bindWith([['LOAD_MODULE_VAR', 1], ['METHOD_INSTANCE', sym('f')]]), bindWith([['POP']]), /a method closure must be bound right away/)
  rule(t, 'a method closure kept before binding', bindWith([['LOAD_MODULE_VAR', 1], ['METHOD_STATIC', sym('f')]]), bindWith([['DUP'], ['LOAD_MODULE_VAR', 1], ['METHOD_INSTANCE', sym('f')], ['LOAD_MODULE_VAR', 1], ['METHOD_INSTANCE', sym('f')]]), /a method closure must be bound right away/)
  rule(
    t,
    'a jump between a method closure and its binding',
    bindWith([['LOAD_MODULE_VAR', 1], ['METHOD_INSTANCE', sym('f')], ['JUMP', 8]]),
    bindWith([['LOAD_MODULE_VAR', 1], ['METHOD_INSTANCE', sym('f')], ['JUMP', 6]]),
    /a method closure must be bound right away/,
  )
  const ctor = (init: string) => module([['LOAD_MODULE_VAR', 0], ['CLASS', 0], ['CONSTRUCTOR', sym('new()'), sym(init)], ...END])
  rule(t, 'a constructor whose initializer takes other arguments', ctor('init new()'), ctor('g(_,_)'), /CONSTRUCTOR and its initializer take different numbers of arguments/)
})

t.test('stack heights', async (t) => {
  rule(t, 'a slot above the stack', module([['LOAD_LOCAL', 0], ['POP'], ...END]), module([['LOAD_LOCAL', 1], ['POP'], ...END]), /LOAD_LOCAL slot 1 is above the stack height 1/)
  rule(t, 'a stack underflow', module([['POP'], ['NULL'], ['RETURN']]), module([['POP'], ['POP'], ...END]), /instruction 1: POP pops 1 values from a stack of 0/)
  // A script starts with one slot (its closure); a call pops the receiver and arguments.
  rule(t, 'a call below the stack', module([['NULL'], ['NULL'], ['CALL', 2, sym('g(_,_)')], ['RETURN']]), module([['NULL'], ['CALL', 2, sym('g(_,_)')], ['RETURN']]), /CALL pops 3 values from a stack of 2/)
  const nulls = (n: number) => module([...Array.from({ length: n }, () => ['NULL'] as Instr), ['RETURN']])
  rule(t, 'a stack above the frame limit', nulls(MAX_FRAME_SLOTS - 1), nulls(MAX_FRAME_SLOTS), /stack height 65537 is above 65536/)
  rule(t, 'control falling off the end', module(END), module([['NULL']]), /control falls off the end of the function/)
  const branch = (tail: Instr[]) => module([['TRUE'], ['JUMP_IF_FALSE', 4], ['NULL'], ['RETURN'], ...tail])
  rule(t, 'a branch falling off the end', branch([['NULL'], ['RETURN']]), branch([['NULL']]), /instruction 4: control falls off the end/)
  rule(
    t,
    'paths that join with different heights',
    module([['TRUE'], ['JUMP_IF_FALSE', 4], ['NULL'], ['POP'], ['NULL'], ['RETURN']]),
    module([['TRUE'], ['JUMP_IF_FALSE', 4], ['NULL'], ['NULL'], ['NULL'], ['RETURN']]),
    /stack height \d here disagrees with \d on another path/,
  )
  const capture = (c: Capture) => module([['CLOSURE', 1], ['POP'], ...END], [fn(FnKind.Fn, asm(...END), { captures: [c] })])
  rule(t, 'a capture of a slot the creator lacks', capture({ local: true, index: 0 }), capture({ local: true, index: 1 }), /closure of function 1 captures slot 1, which does not exist here/)
  rule(t, 'a capture of an upvalue the creator lacks', capture({ local: true, index: 0 }), capture({ local: false, index: 0 }), /captures upvalue 0, which does not exist here/)
})

t.test('what the verifier records for the linker', async (t) => {
  // AND keeps the tested value when it jumps and drops it when it falls through.
  const v = verified(module([['TRUE'], ['AND', 3], ['FALSE'], ['RETURN']]))
  t.same(Array.from(v[0].heights), [1, 2, 1, 2], 'the stack height before each instruction')
  t.equal(v[0].maxSlots, 2, 'the most slots the frame uses')
  const unreachable = verified(module([['NULL'], ['RETURN'], ['POP']]))
  t.equal(unreachable[0].heights[2], -1, 'an unreachable instruction has no height')
  // A method's field needs include the closures it creates: they read its receiver.
  const inner = fn(FnKind.Fn, asm(['LOAD_UPVALUE', 0], ['LOAD_FIELD', 4], ['RETURN']), { captures: [{ local: true, index: 0 }] })
  const outer = fn(FnKind.Method, asm(['CLOSURE', 2], ['RETURN']))
  const need = verified(module([...BIND, ...END], [outer, inner]))
  t.equal(need[1].fieldNeed, 4, 'a method that creates a closure using field 4 needs 5 fields')
  t.equal(need[2].fieldNeed, 4, 'and so does the closure')
  t.equal(verified(module(END))[0].fieldNeed, -1, 'a function without fields needs none')
  // Closures that create each other (no compiler writes that, a module may) share needs.
  const a = fn(FnKind.Fn, asm(['CLOSURE', 2], ['RETURN']))
  const b = fn(FnKind.Fn, asm(['CLOSURE', 1], ['POP'], ['CLOSURE', 3], ['RETURN']))
  const c = fn(FnKind.Fn, asm(['LOAD_LOCAL', 0], ['LOAD_FIELD', 7], ['RETURN']))
  const cyc = verified(module([['CLOSURE', 1], ['POP'], ...END], [a, b, c]))
  t.same(cyc.map((v) => v.fieldNeed), [7, 7, 7, 7], 'a cycle of closures and what it reaches')
  // A chain of closures as long as the function limit allows: verified without recursion.
  const chain = Array.from({ length: 60_000 }, (_, i) => fn(FnKind.Fn, i + 1 < 60_000 ? asm(['CLOSURE', i + 2], ['RETURN']) : asm(['LOAD_LOCAL', 0], ['LOAD_FIELD', 2], ['RETURN'])))
  const long = verified(module([['CLOSURE', 1], ['POP'], ...END], chain))
  t.equal(long[0].fieldNeed, 2, 'a chain of 60,000 closures')
  const e = verifyModule(module(END, [fn(FnKind.Fn, asm(['NULL'], ['POP'], ['POP'], ['POP'], ...END))]))
  t.ok(e instanceof VerifyError && e.fn === 1 && e.instr === 3, 'the error names the function and the instruction')
})

t.test('signature arity', async (t) => {
  t.equal(signatureArity('f'), 0, 'a getter')
  t.equal(signatureArity('f()'), 0, 'no parameters')
  t.equal(signatureArity('call(_,_,_)'), 3, 'three parameters')
  t.equal(signatureArity('a_b=(_)'), 1, 'a setter; an underscore in the name is not a parameter')
  t.equal(signatureArity('[_,_]=(_)'), 3, 'a subscript setter')
  t.equal(signatureArity('init new(_)'), 1, 'an initializer')
  t.equal(signatureArity('-'), 0, 'a prefix operator')
})

t.test('compiled modules verify', async (t) => {
  const r = compile({ name: './main', path: 'main.nest', text: 'class A {\n  construct new() { _x = 1 }\n  x { Fn.new { super.toString + _x.toString }.call() }\n}\nSystem.print(A.new().x)\n' }, null)
  t.ok(r.bytes, 'it compiles')
  const m = decodeModule(r.bytes!)
  t.notOk(m instanceof ModuleFormatError, 'it decodes')
  t.notOk(verifyModule(m as Module) instanceof VerifyError, 'it verifies')
})

// A verified module must not be able to make the interpreter throw. SUPER finds its method
// on the superclass whatever the receiver is; the verifier does not track which value is
// `this`, so the interpreter checks the receiver's class (vm/interpreter.ts SUPER).
t.test('a super call on a value that is not this ends cleanly', async (t) => {
  const r = compile({ name: './main', path: 'main.nest', text: 'class B {\n  construct new(v) { _v = v }\n}\nclass D is B {\n  construct new(v) { super(v) }\n}\nD.new(1)\n' }, null)
  const m = decodeModule(r.bytes!) as Module
  const d = m.functions.findIndex((f) => f.name === 'D.new(_)')
  // `super(v)` pushes this (LOAD_LOCAL 0), then v; make the receiver v, the Num 1.
  const code = [...m.functions[d].code]
  code[1] = 1
  const bad = encodeModule({ ...m, functions: m.functions.map((f, i) => (i === d ? { ...f, code } : f)) })
  const vm = new VM({ host: { write: () => {} } })
  const mod = vm.load(bad)
  t.notOk(mod instanceof LoadError, 'the module verifies')
  let outcome: unknown
  t.doesNotThrow(() => (outcome = vm.runModule(mod as Exclude<typeof mod, LoadError>)), 'the run ends with an error value, not a JS exception')
  t.match(outcome, { kind: 'error', fatal: true, code: 'R0206', message: 'Malformed module: super call on a receiver of another class.' })
})
