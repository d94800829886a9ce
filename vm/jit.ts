// The JS tier: turns one linked function into a JS function that V8 can optimize, with
// the same behaviour and the same gas as the interpreter, instruction for instruction.
//
// Why it is shaped this way:
// - Every stack slot of the frame becomes a JS local (r0, r1, ...): the verifier knows the
//   stack height before every instruction, so no stack pointer exists at run time. Slots
//   live in the fiber's stack array only across exits; every entry reloads them all.
// - Control flow is `for (;;) switch (pc)` with a case at every jump target and every
//   place the function can be re-entered (after an instruction that left it).
// - No Nest call recurses on the JS stack: a call to a Nest method saves the slots, pushes
//   the callee's frame and returns to the interpreter loop, which is the trampoline.
//   Natives are called in place. Rare instructions (class definitions, imports, fiber
//   switches) are handed back: the interpreter runs that one instruction.
// - Gas is charged where the linked code charges it (block entries carried by jumps,
//   branches, GAS and calls), so both tiers use the same gas by construction; errors
//   record the same code offset the interpreter would, so traces are the same too.

import { SIZE } from './sizes.js'
import { Op, OPCODES } from './opcodes.js'
import { FnKind } from './module.js'
import type { LinkedFunction } from './link.js'
import { callPlan, type RFunction } from './function.js'
import type { VM } from './vm.js'
import { Box, Closure, Instance, MethodKind, NList, NRange, type Fiber, type Frame, type Method, type NClass, type Value } from './value.js'
import { abort, fatal } from './errors.js'
import { isValidKey, NMap } from './map-table.js'
import { mapGet, mapSet } from './core/map.js'

/** What a compiled function tells the interpreter loop when it returns. */
export const enum JitExit {
  /** The top frame changed (a call pushed one, or a return popped this one). */
  Frame = 0,
  /** Run the instruction at frame.ip in the interpreter, then come back. */
  HandBack = 1,
  /** Only between compiled functions: the callee ran in place and returned. */
  Returned = 2,
}

/** Instantiates a compiled function for one VM and one runtime function. */
export type JitFactory = (env: JitEnv) => JitFunction
/** `depth`: compiled frames already on the JS stack below this one (see MAX_JS_DEPTH). */
export type JitFunction = (vm: any, fiber: any, frame: any, depth: number) => JitExit

/** Everything generated code refers to, bound once per runtime function. */
export interface JitEnv {
  readonly vm: unknown
  readonly consts: readonly unknown[]
  readonly vars: unknown[]
  /** Object's methods by operator opcode (only == and != are read): the identity fast path. */
  readonly objectOps: readonly unknown[]
  readonly fns: readonly unknown[]
  readonly opSyms: Int32Array
  readonly classes: {
    readonly num: unknown
    readonly string: unknown
    readonly bool: unknown
    readonly nul: unknown
    readonly int: unknown
    readonly box: unknown
  }
  /** Value classes and the runtime helpers compiled code calls (RUNTIME below). */
  readonly rt: typeof RUNTIME
}

/** A compiled function calls a compiled callee directly, as a JS call, while fewer than
 *  this many compiled frames sit on the JS stack; deeper calls go back to the trampoline.
 *  The bound keeps the JS stack small whatever the Nest call depth, so no RangeError. */
export const MAX_JS_DEPTH = 48

/** Functions above this many code words stay in the interpreter. */
export const JIT_MAX_CODE = 40_000

function instrLength(op: number): number {
  const info = OPCODES[op]
  return 1 + info.operands.length + info.linked.length
}

/** Operators whose fast path is plain JS on two numbers. */
const NUM_BINARY: Partial<Record<number, (a: string, b: string) => string>> = {
  [Op.ADD]: (a, b) => `${a} + ${b}`,
  [Op.SUB]: (a, b) => `${a} - ${b}`,
  [Op.MUL]: (a, b) => `${a} * ${b}`,
  [Op.DIV]: (a, b) => `${a} / ${b}`,
  [Op.MOD]: (a, b) => `${a} % ${b}`,
  [Op.LT]: (a, b) => `${a} < ${b}`,
  [Op.GT]: (a, b) => `${a} > ${b}`,
  [Op.LTE]: (a, b) => `${a} <= ${b}`,
  [Op.GTE]: (a, b) => `${a} >= ${b}`,
  [Op.BAND]: (a, b) => `((${a} >>> 0) & (${b} >>> 0)) >>> 0`,
  [Op.BOR]: (a, b) => `((${a} >>> 0) | (${b} >>> 0)) >>> 0`,
  [Op.BXOR]: (a, b) => `((${a} >>> 0) ^ (${b} >>> 0)) >>> 0`,
  [Op.SHL]: (a, b) => `((${a} >>> 0) << (${b} >>> 0)) >>> 0`,
  [Op.SHR]: (a, b) => `(${a} >>> 0) >>> (${b} >>> 0)`,
  [Op.RANGE_IN]: (a, b) => `vm.newRange(${a}, ${b}, true)`,
  [Op.RANGE_EX]: (a, b) => `vm.newRange(${a}, ${b}, false)`,
}

/** Whether a function is worth compiling at all, and if so its source. */
export function jitSource(lf: LinkedFunction, all: readonly LinkedFunction[]): string | null {
  const code = lf.code
  if (code.length > JIT_MAX_CODE) return null

  // Instruction starts, heights, and the places control can enter.
  const starts: number[] = []
  for (let p = 0; p < code.length; p += instrLength(code[p])) starts.push(p)
  const height = (p: number) => lf.heights[lf.pcInstr[p]]
  // Compiled code is entered only at the start and at jump targets: labels after every
  // call would make V8's optimizing compiler slow on big functions. The interpreter runs
  // a function from anywhere else until its next jump (vm/interpreter.ts).
  const out: string[] = []
  const emit = (s: string) => out.push(s)
  // A function without loops is emitted as straight-line code: every forward jump target T
  // closes a block `JT: {` opened at the top (innermost = nearest target), and a jump is
  // `break JT`. No dispatch loop, so V8 optimizes it quickly; it is entered at its start
  // only (vm/link.ts gives such functions no other entry). Functions with loops use
  // `for (;;) switch (pc)` with a case at every jump target.
  const structured = !lf.loops
  const targets = new Set<number>()
  for (const p of starts) {
    const flow = OPCODES[code[p]].flow
    if (flow === 'jump' || flow === 'branch') targets.add(code[p + 1])
  }
  const goto = (t: number) => (structured ? `break J${t};` : `pc = ${t}; continue;`)
  const slots = Math.max(1, lf.maxSlots)
  const r = (k: number) => `r${k}`
  const spill = (from: number, to: number) => {
    const parts: string[] = []
    for (let k = from; k < to; k++) parts.push(`s[b + ${k}] = r${k};`)
    return parts.join(' ')
  }
  const refill = (at: number) => `if (gas < 0) { frame.ip = ${at}; gas = vm.refill(gas); }`
  // No try/catch in generated code (a big try block makes V8's optimizing compiler very
  // slow): whatever may throw first records where it is and the gas left, as the
  // interpreter's catch would.
  const sync = (next: number) => `frame.ip = ${next}; vm.gas = gas;`
  const fail = (next: number, what: string) => `{ ${sync(next)} malformed('${what}'); }`
  const handBack = (p: number, h: number) =>
    `${spill(0, h)} frame.ip = ${p}; fiber.sp = b + ${h}; vm.gas = gas; return ${JitExit.HandBack};`

  // Class of a receiver, as the interpreter's call sequence finds it.

  /** A call of `argc` arguments with the receiver at slot rb, made by a runtime helper
   *  (lookup, inline cache, native or compiled callee run in place). Small on purpose:
   *  V8 takes time superlinear in a function's size to optimize it. Only the arguments are
   *  saved first; the other slots only when the call leaves this function. */
  const invoke = (next: number, h: number, argc: number, helper: string, extra: string) => {
    const rb = h - argc - 1
    // The receiver's class is read here, not in the shared helper, so that V8 keeps one
    // property-load cache per call site (monomorphic at most sites) instead of one shared,
    // megamorphic one.
    const cls = helper === 'CALL_SUPER' ? 'null' : classOf(r(rb))
    return (
      `${spill(rb, h)} frame.ip = ${next}; vm.gas = gas;\n` +
      `{ const e = ${helper}(vm, fiber, frame, b + ${rb}, ${argc}, ${extra}, ${next}, PC, depth, ${cls}); ` +
      `if (e !== ${JitExit.Returned}) { ${spill(0, rb)} return e; } ${r(rb)} = s[b + ${rb}]; gas = vm.gas; }`
    )
  }
  const classOf = (v: string) => `(typeof ${v} === 'object' && ${v} !== null ? ${v}.cls : CLS(${v}))`
  const opCall = (p: number, next: number, h: number, argc: number, op: number) =>
    invoke(next, h, argc, 'CALL_OP', `OPSYMS[${op}]`).replace('PC', String(p))
  /** An operator: its fast path, which ends in `break L<p>` when it applies, then the call
   *  of the method the source spelled. */
  const operator = (p: number, next: number, h: number, argc: number, op: number, fast: string) =>
    emit(`L${p}: { ${fast}\n${opCall(p, next, h, argc, op)}\n}`)

  for (const p of starts) {
    const op = code[p]
    const info = OPCODES[op]
    const next = p + instrLength(op)
    const h = height(p)
    if (structured) {
      if (targets.has(p)) emit(`} // J${p}`)
    } else if (lf.entries[p] === 1) emit(`case ${p}:`)
    if (h < 0) {
      // Unreachable in the verified code: nothing can arrive here.
      continue
    }
    const a = (k: number) => code[p + 1 + k]
    const top = r(h - 1)
    switch (op) {
      case Op.CONST:
        emit(`${r(h)} = K[${a(0)}];`)
        break
      case Op.NULL:
        emit(`${r(h)} = null;`)
        break
      case Op.TRUE:
        emit(`${r(h)} = true;`)
        break
      case Op.FALSE:
        emit(`${r(h)} = false;`)
        break
      case Op.POP:
        break
      case Op.DUP:
        emit(`${r(h)} = ${top};`)
        break
      case Op.LOAD_LOCAL:
        emit(`${r(h)} = ${r(a(0))};`)
        break
      case Op.STORE_LOCAL:
        emit(`${r(a(0))} = ${top};`)
        break
      case Op.BOX_LOCAL:
        emit(`${sync(next)} vm.alloc(${SIZE.box}); ${r(a(0))} = new Box(C_BOX, ${r(a(0))});`)
        break
      case Op.LOAD_LOCAL_BOX:
        emit(`if (!(${r(a(0))} instanceof Box)) ${fail(next, 'unboxed local')} ${r(h)} = ${r(a(0))}.v;`)
        break
      case Op.STORE_LOCAL_BOX:
        emit(`if (!(${r(a(0))} instanceof Box)) ${fail(next, 'unboxed local')} ${r(a(0))}.v = ${top};`)
        break
      case Op.LOAD_UPVALUE:
        emit(`${r(h)} = ups[${a(0)}];`)
        break
      case Op.LOAD_UPVALUE_BOX:
        emit(`{ const x = ups[${a(0)}]; if (!(x instanceof Box)) ${fail(next, 'unboxed upvalue')} ${r(h)} = x.v; }`)
        break
      case Op.STORE_UPVALUE_BOX:
        emit(`{ const x = ups[${a(0)}]; if (!(x instanceof Box)) ${fail(next, 'unboxed upvalue')} x.v = ${top}; }`)
        break
      case Op.LOAD_MODULE_VAR:
        emit(`${r(h)} = VARS[${a(0)}];`)
        break
      case Op.STORE_MODULE_VAR:
        emit(`VARS[${a(0)}] = ${top};`)
        break
      case Op.LOAD_FIELD_THIS:
        emit(`${r(h)} = r0.fields[fb + ${a(0)}];`)
        break
      case Op.STORE_FIELD_THIS:
        emit(`r0.fields[fb + ${a(0)}] = ${top};`)
        break
      case Op.LOAD_FIELD:
        emit(
          `{ const o = ${top}; const k = fb + ${a(0)}; ` +
            `if (!(o instanceof Instance) || k >= o.fields.length) ${fail(next, 'field of a non-instance')} ${top} = o.fields[k]; }`,
        )
        break
      case Op.STORE_FIELD:
        emit(
          `{ const o = ${top}; const k = fb + ${a(0)}; ` +
            `if (!(o instanceof Instance) || k >= o.fields.length) ${fail(next, 'field of a non-instance')} o.fields[k] = ${r(h - 2)}; }`,
        )
        break
      case Op.JUMP:
        emit(`gas -= ${a(1)}; ${refill(a(0))} ${goto(a(0))}`)
        break
      case Op.JUMP_IF_FALSE:
        emit(
          `if (${top} === false || ${top} === null) { gas -= ${a(1)}; ${refill(a(0))} ${goto(a(0))} }\n` +
            `gas -= ${a(2)}; ${refill(next)}`,
        )
        break
      case Op.AND:
        emit(
          `if (${top} === false || ${top} === null) { gas -= ${a(1)}; ${refill(a(0))} ${goto(a(0))} }\n` +
            `gas -= ${a(2)}; ${refill(next)}`,
        )
        break
      case Op.OR:
        emit(
          `if (!(${top} === false || ${top} === null)) { gas -= ${a(1)}; ${refill(a(0))} ${goto(a(0))} }\n` +
            `gas -= ${a(2)}; ${refill(next)}`,
        )
        break
      case Op.GAS:
        emit(`gas -= ${a(0)}; ${refill(next)}`)
        break
      case Op.CALL:
        // Every site calls through one shared helper, which V8 optimizes early because all
        // sites make it hot: entering callees from each site (so V8 could inline them
        // there) made each site's code several times bigger, and the many copies, run
        // unoptimized for longer, cost more than the inlining won (delta_blue 3.0× → 2.7×
        // of Wren; fib 0.67× → 0.77×).
        emit(invoke(next, h, a(0), 'CALL', `${a(1)}, ${a(2)}`).replace('PC', String(p)))
        break
      case Op.SUPER:
        emit(invoke(next, h, a(0), 'CALL_SUPER', `${a(1)}, ${a(2)}`).replace('PC', String(p)))
        break
      case Op.EQ:
      case Op.NEQ: {
        const x = r(h - 2)
        const y = r(h - 1)
        const same = op === Op.EQ ? '===' : '!=='
        // Instances whose class keeps Object's == and != compare by identity, as those do.
        operator(p, next, h, 1, op,
          `if (typeof ${x} !== 'object' || ${x} === null) { ${x} = ${x} ${same} ${y}; break L${p}; }\n` +
            `if (${x} instanceof Instance && ${x}.cls.methods[OPSYMS[${op}]] === OBJ_OPS[${op}] && vm.onMethod === null) { ${x} = ${x} ${same} ${y}; break L${p}; }`)
        break
      }
      case Op.NEG:
      case Op.BNOT: {
        const x = top
        const f = op === Op.NEG ? `-${x}` : `~(${x} >>> 0) >>> 0`
        operator(p, next, h, 0, op,`if (typeof ${x} === 'number') { ${x} = ${f}; break L${p}; }`)
        break
      }
      case Op.NOT: {
        const x = top
        operator(p, next, h, 0, op,`if (typeof ${x} !== 'object' || ${x} === null) { ${x} = ${x} === false || ${x} === null; break L${p}; }`)
        break
      }
      case Op.SUBSCRIPT: {
        const x = r(h - 2)
        const y = r(h - 1)
        operator(p, next, h, 1, op,
          `if (${x} instanceof NList && typeof ${y} === 'number') { const items = ${x}.items; ` +
            `if (${y} >= 0 && ${y} < items.length && (${y} | 0) === ${y}) { ${x} = items[${y}]; break L${p}; } }\n` +
            `else if (${x} instanceof NMap) { ${sync(next)} ${x} = MAP_GET(${x}, ${y}); break L${p}; }`,
        )
        break
      }
      case Op.SUBSCRIPT_SET: {
        const x = r(h - 3)
        const y = r(h - 2)
        const v = r(h - 1)
        operator(p, next, h, 2, op,
          `if (${x} instanceof NList && typeof ${y} === 'number') { const items = ${x}.items; ` +
            `if (${y} >= 0 && ${y} < items.length && (${y} | 0) === ${y}) { items[${y}] = ${v}; ${x} = ${v}; break L${p}; } }\n` +
            `else if (${x} instanceof NMap) { ${sync(next)} ${x} = MAP_SET(vm, ${x}, ${y}, ${v}); break L${p}; }`,
        )
        break
      }
      case Op.ITERATE: {
        const seq = r(h - 2)
        const it = r(h - 1)
        // Mirrors the interpreter's fast paths (Range.iterate(_), List.iterate(_)).
        operator(p, next, h, 1, op,
          `if (${seq} instanceof NRange) { const from = ${seq}.from, to = ${seq}.to;\n` +
            `  if (from === to && !${seq}.inclusive) { ${seq} = false; break L${p}; }\n` +
            `  if (${it} === null) { ${seq} = from; break L${p}; }\n` +
            `  if (typeof ${it} === 'number') { let n = ${it}, done = false;\n` +
            `    if (from < to) { n++; if (n > to) done = true; } else { n--; if (n < to) done = true; }\n` +
            `    if (!done && !${seq}.inclusive && n === to) done = true;\n` +
            `    ${seq} = done ? false : n; break L${p}; } }\n` +
            `else if (${seq} instanceof NList && (${it} === null || (typeof ${it} === 'number' && (${it} | 0) === ${it}))) {\n` +
            `  const count = ${seq}.items.length;\n` +
            `  ${seq} = ${it} === null ? (count === 0 ? false : 0) : (${it} < 0 || ${it} >= count - 1 ? false : ${it} + 1); break L${p}; }`,
        )
        break
      }
      case Op.ITER_VALUE: {
        const seq = r(h - 2)
        const it = r(h - 1)
        operator(p, next, h, 1, op,
          `if (${seq} instanceof NRange) { ${seq} = ${it}; break L${p}; }\n` +
            `if (${seq} instanceof NList && typeof ${it} === 'number' && ${it} >= 0 && ${it} < ${seq}.items.length && (${it} | 0) === ${it}) ` +
            `{ ${seq} = ${seq}.items[${it}]; break L${p}; }`,
        )
        break
      }
      case Op.RETURN:
        emit(
          `if (fiber.depth > 1) { fiber.depth--; s[b] = ${top}; fiber.sp = b + 1; vm.gas = gas; return ${JitExit.Frame}; }\n` +
            handBack(p, h),
        )
        break
      case Op.CLOSURE: {
        const g = all[a(0)]
        const ups: string[] = []
        for (let k = 0; k < g.captures.length; k += 2) {
          ups.push(g.captures[k] === 1 ? r(g.captures[k + 1]) : `ups[${g.captures[k + 1]}]`)
        }
        emit(
          `${sync(next)} { const c = vm.newClosure(FNS[${a(0)}], [${ups.join(', ')}]); c.fieldBase = fb; c.home = cl.home; ${r(h)} = c; }`,
        )
        break
      }
      case Op.LIST: {
        const n = a(0)
        const items: string[] = []
        for (let k = h - n; k < h; k++) items.push(r(k))
        emit(`gas -= ${n}; ${refill(next)} ${sync(next)} ${r(h - n)} = vm.newList([${items.join(', ')}]);`)
        break
      }
      case Op.MAP: {
        const n = a(0)
        const at = h - 2 * n
        const sets: string[] = []
        for (let k = 0; k < n; k++) {
          const key = r(at + 2 * k)
          sets.push(`if (!isValidKey(${key})) abort('R0008'); if (map.set(${key}, ${r(at + 2 * k + 1)})) vm.alloc(${SIZE.mapEntry});`)
        }
        emit(`gas -= ${4 * n}; ${refill(next)} ${sync(next)} { const map = vm.newMap(); ${sets.join(' ')} ${r(at)} = map; }`)
        break
      }
      default: {
        const num = NUM_BINARY[op]
        if (num !== undefined) {
          const x = r(h - 2)
          const y = r(h - 1)
          // Ranges allocate, and allocation may hit the memory limit.
          const pre = op === Op.RANGE_IN || op === Op.RANGE_EX ? sync(next) + ' ' : ''
          operator(p, next, h, 1, op,`if (typeof ${x} === 'number' && typeof ${y} === 'number') { ${pre}${x} = ${num(x, y)}; break L${p}; }`)
        } else {
          // Class definitions, method binding, imports: the interpreter runs them.
          emit(handBack(p, h))
        }
      }
    }
  }

  // On entry at the start only the receiver and arguments are live; resuming at a jump
  // target (from the interpreter) needs every slot.
  const live = Math.min(slots, lf.arity + 1)
  const decls: string[] = []
  for (let k = 0; k < slots; k++) decls.push(k < live ? `r${k} = s[b + ${k}]` : `r${k} = null`)
  const reload: string[] = []
  for (let k = live; k < slots; k++) reload.push(`r${k} = s[b + ${k}];`)
  return [
    `"use strict";`,
    `const vm = env.vm, K = env.consts, VARS = env.vars, FNS = env.fns, OPSYMS = env.opSyms;`,
    `const C_NUM = env.classes.num, C_STRING = env.classes.string, C_BOOL = env.classes.bool, C_NULL = env.classes.nul, C_INT = env.classes.int, C_BOX = env.classes.box;`,
    `const { Box, Instance, NList, NRange, NMap, abort, malformed, isValidKey, CALL, CALL_SUPER, CALL_OP, MAP_GET, MAP_SET } = env.rt;`,
    `const CLS = (v) => typeof v === 'number' ? C_NUM : typeof v === 'string' ? C_STRING : typeof v === 'boolean' ? C_BOOL : typeof v === 'bigint' ? C_INT : C_NULL;`,
    `const OBJ_OPS = env.objectOps;`,
    `return function ${jsName(lf)}(vm, fiber, frame, depth) {`,
    `const s = fiber.stack, b = frame.base, cl = frame.cl, ups = cl.ups, fb = cl.fieldBase;`,
    `let gas = vm.gas, pc = frame.ip;`,
    `let ${decls.join(', ')};`,
    ...(structured
      ? [
          ...[...targets].sort((x, y) => y - x).map((t) => `J${t}: {`),
          ...out,
          `malformed('JS tier: fell off the end');`,
        ]
      : [
          ...(reload.length > 0 ? [`if (pc !== 0) { ${reload.join(' ')} }`] : []),
          `for (;;) { switch (pc) {`,
          ...out,
          `} malformed('JS tier: no code at ' + pc); }`,
        ]),
    `};`,
  ].join('\n')
}


function jsName(lf: LinkedFunction): string {
  const safe = lf.name.replace(/[^A-Za-z0-9_$]/g, '_').slice(0, 40)
  return `nest_${lf.index}_${safe}`
}

/** Compiles the source into a factory; null when the function is not worth it. */
export function jitFactory(lf: LinkedFunction, all: readonly LinkedFunction[]): JitFactory | null {
  const src = jitSource(lf, all)
  if (src === null) return null
  return new Function('env', src) as JitFactory
}

function find(vm: VM, cls: NClass, g: number): Method {
  const m = cls.methods[g]
  if (m === undefined) abort('R0001', cls.name, vm.symbols[g])
  if (vm.onMethod !== null) vm.onMethod(cls, m.signature)
  return m
}

/** The method a call site finds for receivers of `cls`, through the site's inline cache
 *  (shared with the interpreter). */
function cached(vm: VM, frame: Frame, cls: NClass, sym: number, site: number): Method {
  const fn = frame.cl.fn
  if (fn.icCls[site] === cls) return fn.icM[site]!
  const m = find(vm, cls, fn.mod.syms[sym])
  fn.icCls[site] = cls
  fn.icM[site] = m
  return m
}

/** Runs compiled code on the frame just pushed for it. It returns Frame after popping that
 *  frame (Returned for our caller), or leaves something for the trampoline (a deeper frame,
 *  a hand-back), which is passed up unchanged. */
function runPushed(vm: VM, fiber: Fiber, j: JitFunction, depth: number): JitExit {
  const d = fiber.depth - 1
  const x = j(vm, fiber, fiber.frames[d], depth + 1)
  return x === JitExit.Frame && fiber.depth === d ? JitExit.Returned : x
}

/** CALL: the receiver's class is computed at the site (see invoke in jitSource). The
 *  common case, a Nest method with nothing on the way in that could fail, is written out
 *  here; anything else goes through run. */
function callSite(vm: VM, fiber: Fiber, frame: Frame, rb: number, argc: number, sym: number, site: number, next: number, here: number, depth: number, cls: NClass): JitExit {
  const m = cached(vm, frame, cls, sym, site)
  if (m.kind === MethodKind.Closure) {
    const plan = callPlan(m)
    const f = plan.fn
    const cost = f.entryCost
    const d = fiber.depth
    if (vm.gas >= cost && d < vm.maxCallDepth && d < fiber.frames.length && rb + f.maxSlots <= fiber.stack.length) {
      vm.gas -= cost
      if (plan.field >= 0) {
        access(fiber.stack, rb, plan.field, plan.set)
        return JitExit.Returned
      }
      fiber.sp = rb + argc + 1
      const cf = fiber.frames[d]
      cf.cl = plan.closure
      cf.ip = 0
      cf.base = rb
      fiber.depth = d + 1
      const j = f.jit
      if (j === null || depth >= MAX_JS_DEPTH) return JitExit.Frame
      const x = j(vm, fiber, cf, depth + 1)
      return x === JitExit.Frame && fiber.depth === d ? JitExit.Returned : x
    }
  }
  return run(vm, fiber, frame, m, rb, argc, next, here, depth)
}

/** SUPER: the method of the superclass of the class the running method was bound to. */
function callSuper(vm: VM, fiber: Fiber, frame: Frame, rb: number, argc: number, sym: number, site: number, next: number, here: number, depth: number, _: null): JitExit {
  const home = frame.cl.home
  if (home === null || home.superclass === null) fatal('R0206', 'super outside a method')
  if (!vm.isA(fiber.stack[rb], home)) fatal('R0206', 'super call on a receiver of another class')
  return run(vm, fiber, frame, cached(vm, frame, home.superclass, sym, site), rb, argc, next, here, depth)
}

/** An operator whose fast path did not apply: the method the source spelled. */
function callOp(vm: VM, fiber: Fiber, frame: Frame, rb: number, argc: number, g: number, next: number, here: number, depth: number, cls: NClass): JitExit {
  return run(vm, fiber, frame, find(vm, cls, g), rb, argc, next, here, depth)
}

/** Runs a found method as the interpreter's call sequence does: a native in place; a Nest
 *  callee in a new frame, itself run in place when compiled and the JS stack allows; the
 *  rest (fiber switches) handed back. The receiver and arguments are saved in the stack
 *  and vm.gas is current. `rb` is an absolute stack index. */
function run(vm: VM, fiber: Fiber, frame: Frame, m: Method, rb: number, argc: number, next: number, here: number, depth: number): JitExit {
  const s = fiber.stack
  const top = rb + argc + 1
  let callee: Closure
  let sp = top
  switch (m.kind) {
    case MethodKind.Native:
      s[rb] = m.native!(vm, s, rb)
      return JitExit.Returned
    case MethodKind.Closure:
      callee = m.closure!
      break
    case MethodKind.FnCall: {
      callee = s[rb] as Closure
      if (callee.fn.lf.kind !== FnKind.Fn) fatal('R0206', 'calling a method as a function')
      const arity = callee.fn.arity
      if (argc < arity) abort('R0010')
      sp = rb + 1 + arity
      break
    }
    case MethodKind.Constructor: {
      const k = s[rb] as NClass
      callee = vm.initializerOf(k, m.initSym)
      s[rb] = vm.newInstance(k)
      break
    }
    default:
      frame.ip = here
      fiber.sp = top
      return JitExit.HandBack
  }
  frame.ip = next
  fiber.sp = sp
  const f = callee.fn
  vm.gas -= f.entryCost
  if (vm.gas < 0) vm.refill(vm.gas)
  const acc = f.lf.accessor
  if (acc >= 0) {
    // A plain getter or setter: its effect without a frame, after the same gas and the
    // same limit checks a frame would have cost.
    if (fiber.depth >= vm.maxCallDepth) fatal('R0201', vm.maxCallDepth)
    vm.ensureStack(fiber, rb + f.maxSlots)
    access(s, rb, callee.fieldBase + (acc >> 1), (acc & 1) === 1)
    return JitExit.Returned
  }
  vm.pushFrame(fiber, callee, rb)
  const cj = f.jit
  if (cj === null || depth >= MAX_JS_DEPTH) return JitExit.Frame
  return runPushed(vm, fiber, cj, depth)
}

/** A plain getter's or setter's effect (LinkedFunction.accessor) on the receiver at s[rb]:
 *  the field's value, or the argument stored in it, becomes the call's result. */
function access(s: Value[], rb: number, field: number, set: boolean): void {
  const fields = (s[rb] as Instance).fields
  if (set) s[rb] = fields[field] = s[rb + 1]
  else s[rb] = fields[field]
}

const RUNTIME = {
  // Map subscripts skip the method call; the natives use the same two functions.
  MAP_GET: mapGet,
  MAP_SET: mapSet,
  NMap,
  CALL: callSite,
  CALL_SUPER: callSuper,
  CALL_OP: callOp,
  Box,
  Instance,
  NList,
  NRange,
  abort,
  malformed: (what: string): never => fatal('R0206', what),
  isValidKey,
}

/** A function's compiled code when it has some or has now been entered often enough
 *  (RFunction.heat); null while it stays in the interpreter. */
export function jitFor(vm: VM, fn: RFunction): JitFunction | null {
  if (fn.jit !== null) return fn.jit
  if (fn.heat === 0 || --fn.heat !== 0) return null
  return compileJit(vm, fn)
}

/** Object's == and != by opcode (see Op.EQ in jitSource). */
function objectOps(vm: VM): (Method | undefined)[] {
  const ops: (Method | undefined)[] = []
  for (const op of [Op.EQ, Op.NEQ]) ops[op] = vm.objectClass.methods[vm.opSyms[op]]
  return ops
}

/** The compiled code of a runtime function, compiling (once per module) if need be. */
export function compileJit(vm: VM, fn: RFunction): JitFunction | null {
  const lf = fn.lf
  if (lf.jitFactory === undefined) lf.jitFactory = jitFactory(lf, fn.mod.loaded.functions)
  if (lf.jitFactory === null) return null
  fn.jit = lf.jitFactory({
    vm,
    consts: fn.consts,
    vars: fn.vars,
    fns: fn.mod.fns,
    opSyms: vm.opSyms,
    classes: {
      num: vm.numClass,
      string: vm.stringClass,
      bool: vm.boolClass,
      nul: vm.nullClass,
      int: vm.intClass,
      box: vm.boxClass,
    },
    rt: RUNTIME,
    objectOps: objectOps(vm),
  })
  return fn.jit
}
