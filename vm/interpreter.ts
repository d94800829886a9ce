// The reference tier: a switch dispatch loop over linked code (vm/link.ts). Every Nest
// call, fiber switch and callback runs on explicit frames here, never on the JS stack.
// Operator opcodes take a fast path for primitive operands and otherwise make the same
// method call the source spelled; gas is charged per basic block exactly as linked.
//
// Hot state lives in locals (no closures capture them: that would box them). Whenever
// control changes frame or fiber the locals are reloaded from the frame by hand.

import { SIZE } from './sizes.js'
import { MAX_FIELDS } from './limits.js'
import { Op } from './opcodes.js'
import { Abort, Fatal, abort, fatal } from './errors.js'
import { FnKind } from './module.js'
import { Box, Closure, FiberState, Instance, Method, MethodKind, NClass, NList, NRange, type Fiber, type Value } from './value.js'
import { NMap, isValidKey } from './map-table.js'
import type { RFunction } from './function.js'
import type { RunOutcome, VM } from './vm.js'
import { jitFor, JitExit } from './jit.js'

/** What a control native (fiber switch) asks the loop to do after it returns. */
export const enum Control {
  /** vm.fiber may have changed; reload and continue (stop if it is null). */
  Continue = 0,
  /** Reload, then raise vm.pendingError in the (new) current fiber. */
  Raise = 1,
}

/** Marks the local gas counter as stale while a native holds the authoritative one. */
const IN_NATIVE = -0x3fffffff

function malformed(what: string): never {
  fatal('R0206', what)
}

export function execute(vm: VM): RunOutcome {
  let fiber = vm.fiber as Fiber
  let stack = fiber.stack
  let frame = fiber.frames[fiber.depth - 1]
  let cl = frame.cl
  let fn: RFunction = cl.fn
  let code = fn.code
  let consts = fn.consts
  let vars = fn.vars
  let ip = frame.ip
  let base = frame.base
  let sp = fiber.sp
  let fieldBase = cl.fieldBase
  let gas = vm.gas
  const fast = !vm.noFastPaths
  const opSyms = vm.opSyms
  const jitOn = vm.jit

  for (;;) {
    try {
      // Reached whenever the top frame may have changed: run it in the JS tier if it has
      // (or now earns) compiled code; otherwise, or when handed back, interpret.
      enter: for (;;) {
      if (jitOn) {
        // The trampoline: compiled functions call and return through here, and only a
        // hand-back (or a function without compiled code) drops into the dispatch loop.
        let jf = jitFor(vm, fn)
        if (jf !== null && fn.lf.entries[ip] === 1) {
          frame.ip = ip
          fiber.sp = sp
          vm.gas = gas
          gas = IN_NATIVE
          try {
            for (;;) {
              const exit = jf(vm, fiber, frame, 0)
              frame = fiber.frames[fiber.depth - 1]
              const next = frame.cl.fn
              if (exit === JitExit.HandBack) break
              jf = jitFor(vm, next)
              if (jf === null) break
              // A return into the middle of a function: interpret it up to its next jump.
              if (next.lf.entries[frame.ip] !== 1) break
            }
          } catch (e) {
            ip = frame.ip
            sp = fiber.sp
            throw e
          }
          gas = vm.gas
          stack = fiber.stack
          sp = fiber.sp
          cl = frame.cl
          fn = cl.fn
          code = fn.code
          consts = fn.consts
          vars = fn.vars
          ip = frame.ip
          base = frame.base
          fieldBase = cl.fieldBase
        }
      }
      for (;;) {
        // Set by the cases that end in a method call; read by the shared call sequence.
        let argc = 0
        let sym = 0
        let site = -1
        let superCls: NClass | null = null
        call: {
          switch (code[ip++]) {
            case Op.CONST:
              stack[sp++] = consts[code[ip++]]
              continue
            case Op.NULL:
              stack[sp++] = null
              continue
            case Op.TRUE:
              stack[sp++] = true
              continue
            case Op.FALSE:
              stack[sp++] = false
              continue
            case Op.POP:
              sp--
              continue
            case Op.DUP:
              stack[sp] = stack[sp - 1]
              sp++
              continue
            case Op.LOAD_LOCAL:
              stack[sp++] = stack[base + code[ip++]]
              continue
            case Op.STORE_LOCAL:
              stack[base + code[ip++]] = stack[sp - 1]
              continue
            case Op.BOX_LOCAL: {
              const s = base + code[ip++]
              vm.alloc(SIZE.box)
              stack[s] = new Box(vm.boxClass, stack[s])
              continue
            }
            case Op.LOAD_LOCAL_BOX: {
              const b = stack[base + code[ip++]] as unknown
              if (!(b instanceof Box)) malformed('unboxed local')
              stack[sp++] = b.v
              continue
            }
            case Op.STORE_LOCAL_BOX: {
              const b = stack[base + code[ip++]] as unknown
              if (!(b instanceof Box)) malformed('unboxed local')
              b.v = stack[sp - 1]
              continue
            }
            case Op.LOAD_UPVALUE:
              stack[sp++] = cl.ups[code[ip++]] as Value
              continue
            case Op.LOAD_UPVALUE_BOX: {
              const b = cl.ups[code[ip++]]
              if (!(b instanceof Box)) malformed('unboxed upvalue')
              stack[sp++] = b.v
              continue
            }
            case Op.STORE_UPVALUE_BOX: {
              const b = cl.ups[code[ip++]]
              if (!(b instanceof Box)) malformed('unboxed upvalue')
              b.v = stack[sp - 1]
              continue
            }
            case Op.LOAD_MODULE_VAR:
              stack[sp++] = vars[code[ip++]]
              continue
            case Op.STORE_MODULE_VAR:
              vars[code[ip++]] = stack[sp - 1]
              continue
            case Op.LOAD_FIELD_THIS:
              stack[sp++] = (stack[base] as Instance).fields[fieldBase + code[ip++]]
              continue
            case Op.STORE_FIELD_THIS:
              ;(stack[base] as Instance).fields[fieldBase + code[ip++]] = stack[sp - 1]
              continue
            case Op.LOAD_FIELD: {
              const o = stack[sp - 1]
              const k = fieldBase + code[ip++]
              if (!(o instanceof Instance) || k >= o.fields.length) malformed('field of a non-instance')
              stack[sp - 1] = o.fields[k]
              continue
            }
            case Op.STORE_FIELD: {
              const o = stack[--sp]
              const k = fieldBase + code[ip++]
              if (!(o instanceof Instance) || k >= o.fields.length) malformed('field of a non-instance')
              o.fields[k] = stack[sp - 1]
              continue
            }
            case Op.JUMP:
              gas -= code[ip + 1]
              ip = code[ip]
              if (gas < 0) gas = vm.refill(gas)
              // Back into compiled code (left for a call or a hand-back) at the first chance.
              if (jitOn && fn.jit !== null) continue enter
              continue
            case Op.JUMP_IF_FALSE: {
              const v = stack[--sp]
              if (v === false || v === null) {
                gas -= code[ip + 1]
                ip = code[ip]
              } else {
                gas -= code[ip + 2]
                ip += 3
              }
              if (gas < 0) gas = vm.refill(gas)
              continue
            }
            case Op.AND: {
              const v = stack[sp - 1]
              if (v === false || v === null) {
                gas -= code[ip + 1]
                ip = code[ip]
              } else {
                sp--
                gas -= code[ip + 2]
                ip += 3
              }
              if (gas < 0) gas = vm.refill(gas)
              continue
            }
            case Op.OR: {
              const v = stack[sp - 1]
              if (v === false || v === null) {
                sp--
                gas -= code[ip + 2]
                ip += 3
              } else {
                gas -= code[ip + 1]
                ip = code[ip]
              }
              if (gas < 0) gas = vm.refill(gas)
              continue
            }
            case Op.GAS:
              gas -= code[ip++]
              if (gas < 0) gas = vm.refill(gas)
              continue

            case Op.CALL:
              argc = code[ip++]
              sym = code[ip++]
              site = code[ip++]
              break call
            case Op.SUPER: {
              argc = code[ip++]
              sym = code[ip++]
              site = code[ip++]
              const home = cl.home
              if (home === null || home.superclass === null) malformed('super outside a method')
              // The verifier cannot tell that the receiver is `this`; a method of a class
              // other than its receiver's would read fields that are not there.
              if (!vm.isA(stack[sp - argc - 1], home)) malformed('super call on a receiver of another class')
              superCls = home.superclass
              break call
            }

            case Op.ADD: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a + b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.ADD]
              break call
            }
            case Op.SUB: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a - b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.SUB]
              break call
            }
            case Op.MUL: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a * b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.MUL]
              break call
            }
            case Op.DIV: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a / b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.DIV]
              break call
            }
            case Op.MOD: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a % b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.MOD]
              break call
            }
            case Op.LT: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a < b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.LT]
              break call
            }
            case Op.GT: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a > b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.GT]
              break call
            }
            case Op.LTE: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a <= b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.LTE]
              break call
            }
            case Op.GTE: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = a >= b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.GTE]
              break call
            }
            case Op.EQ: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              // Num, String, Bool, Null and Int compare by value and cannot be overridden.
              if ((typeof a !== 'object' || a === null) && fast) {
                stack[sp - 2] = a === b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.EQ]
              break call
            }
            case Op.NEQ: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if ((typeof a !== 'object' || a === null) && fast) {
                stack[sp - 2] = a !== b
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.NEQ]
              break call
            }
            case Op.BAND: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = ((a >>> 0) & (b >>> 0)) >>> 0
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.BAND]
              break call
            }
            case Op.BOR: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = ((a >>> 0) | (b >>> 0)) >>> 0
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.BOR]
              break call
            }
            case Op.BXOR: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = ((a >>> 0) ^ (b >>> 0)) >>> 0
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.BXOR]
              break call
            }
            case Op.SHL: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = ((a >>> 0) << (b >>> 0)) >>> 0
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.SHL]
              break call
            }
            case Op.SHR: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = (a >>> 0) >>> (b >>> 0)
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.SHR]
              break call
            }
            case Op.RANGE_IN: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = vm.newRange(a, b, true)
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.RANGE_IN]
              break call
            }
            case Op.RANGE_EX: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (typeof a === 'number' && typeof b === 'number' && fast) {
                stack[sp - 2] = vm.newRange(a, b, false)
                sp--
                continue
              }
              argc = 1
              sym = opSyms[Op.RANGE_EX]
              break call
            }
            case Op.NEG: {
              const a = stack[sp - 1]
              if (typeof a === 'number' && fast) {
                stack[sp - 1] = -a
                continue
              }
              sym = opSyms[Op.NEG]
              break call
            }
            case Op.NOT: {
              const a = stack[sp - 1]
              // Bool and Null define "!"; every other primitive inherits Object's (false).
              if ((typeof a !== 'object' || a === null) && fast) {
                stack[sp - 1] = a === false || a === null
                continue
              }
              sym = opSyms[Op.NOT]
              break call
            }
            case Op.BNOT: {
              const a = stack[sp - 1]
              if (typeof a === 'number' && fast) {
                stack[sp - 1] = ~(a >>> 0) >>> 0
                continue
              }
              sym = opSyms[Op.BNOT]
              break call
            }
            case Op.SUBSCRIPT: {
              const b = stack[sp - 1]
              const a = stack[sp - 2]
              if (a instanceof NList && typeof b === 'number' && fast) {
                const items = a.items
                if (b >= 0 && b < items.length && (b | 0) === b) {
                  stack[sp - 2] = items[b]
                  sp--
                  continue
                }
              }
              argc = 1
              sym = opSyms[Op.SUBSCRIPT]
              break call
            }
            case Op.SUBSCRIPT_SET: {
              const b = stack[sp - 2]
              const a = stack[sp - 3]
              if (a instanceof NList && typeof b === 'number' && fast) {
                const items = a.items
                if (b >= 0 && b < items.length && (b | 0) === b) {
                  const v = stack[sp - 1]
                  items[b] = v
                  stack[sp - 3] = v
                  sp -= 2
                  continue
                }
              }
              argc = 2
              sym = opSyms[Op.SUBSCRIPT_SET]
              break call
            }
            case Op.ITERATE: {
              const it = stack[sp - 1]
              const seq = stack[sp - 2]
              if (fast) {
                if (seq instanceof NRange) {
                  // Mirrors Range.iterate(_) (vm/core/range.ts).
                  const from = seq.from
                  const to = seq.to
                  if (from === to && !seq.inclusive) {
                    stack[sp - 2] = false
                  } else if (it === null) {
                    stack[sp - 2] = from
                  } else if (typeof it === 'number') {
                    let next = it
                    let done = false
                    if (from < to) {
                      next++
                      if (next > to) done = true
                    } else {
                      next--
                      if (next < to) done = true
                    }
                    if (!done && !seq.inclusive && next === to) done = true
                    stack[sp - 2] = done ? false : next
                  } else {
                    argc = 1
                    sym = opSyms[Op.ITERATE]
                    break call
                  }
                  sp--
                  continue
                }
                if (seq instanceof NList && (it === null || (typeof it === 'number' && (it | 0) === it))) {
                  // Mirrors List.iterate(_) (vm/core/list.ts).
                  const count = seq.items.length
                  if (it === null) stack[sp - 2] = count === 0 ? false : 0
                  else stack[sp - 2] = it < 0 || it >= count - 1 ? false : it + 1
                  sp--
                  continue
                }
              }
              argc = 1
              sym = opSyms[Op.ITERATE]
              break call
            }
            case Op.ITER_VALUE: {
              const it = stack[sp - 1]
              const seq = stack[sp - 2]
              if (fast) {
                if (seq instanceof NRange) {
                  stack[sp - 2] = it
                  sp--
                  continue
                }
                if (seq instanceof NList && typeof it === 'number' && it >= 0 && it < seq.items.length && (it | 0) === it) {
                  stack[sp - 2] = seq.items[it]
                  sp--
                  continue
                }
              }
              argc = 1
              sym = opSyms[Op.ITER_VALUE]
              break call
            }

            case Op.RETURN: {
              const r = stack[sp - 1]
              const d = --fiber.depth
              if (d === 0) {
                // The fiber is done. Its caller, if any, resumes with the result.
                const caller = fiber.caller
                fiber.sp = 0
                if (caller === null) {
                  vm.gas = gas
                  vm.fiber = null
                  return { kind: 'ok', value: r, gasUsed: vm.gasUsed }
                }
                fiber.caller = null
                vm.keepSavepoint(fiber)
                fiber = caller
                vm.fiber = caller
                stack = fiber.stack
                sp = fiber.sp
                stack[sp - 1] = r
                frame = fiber.frames[fiber.depth - 1]
              } else {
                stack[base] = r
                sp = base + 1
                frame = fiber.frames[d - 1]
              }
              cl = frame.cl
              fn = cl.fn
              code = fn.code
              consts = fn.consts
              vars = fn.vars
              ip = frame.ip
              base = frame.base
              fieldBase = cl.fieldBase
              continue enter
            }

            case Op.CLOSURE: {
              const f = fn.mod.fns[code[ip++]]
              const caps = f.lf.captures
              const ups: unknown[] = new Array(caps.length >> 1)
              for (let k = 0; k < ups.length; k++) {
                ups[k] = caps[2 * k] === 1 ? stack[base + caps[2 * k + 1]] : cl.ups[caps[2 * k + 1]]
              }
              const c = vm.newClosure(f, ups)
              c.fieldBase = fieldBase
              c.home = cl.home
              stack[sp++] = c
              continue
            }
            case Op.LIST: {
              const n = code[ip++]
              gas -= n
              if (gas < 0) gas = vm.refill(gas)
              const items = stack.slice(sp - n, sp)
              sp -= n
              stack[sp++] = vm.newList(items)
              continue
            }
            case Op.MAP: {
              const n = code[ip++]
              gas -= 4 * n
              if (gas < 0) gas = vm.refill(gas)
              const map = vm.newMap()
              const at = sp - 2 * n
              for (let k = 0; k < n; k++) {
                const key = stack[at + 2 * k]
                if (!isValidKey(key)) abort('R0008')
                if (map.set(key, stack[at + 2 * k + 1])) vm.alloc(SIZE.mapEntry)
              }
              sp = at
              stack[sp++] = map
              continue
            }
            case Op.CLASS: {
              const info = fn.mod.loaded.module.classes[code[ip++]]
              const sup = stack[sp - 1]
              if (!(sup instanceof NClass)) abort('R0023', info.name)
              if (vm.builtins.has(sup)) abort('R0024', info.name, sup.name)
              if (sup.numFields + info.numFields > MAX_FIELDS) abort('R0025', info.name, MAX_FIELDS)
              stack[sp - 1] = vm.newClass(info.name, sup, info.numFields)
              continue enter
            }
            case Op.METHOD_INSTANCE:
            case Op.METHOD_STATIC: {
              const isStatic = code[ip - 1] === Op.METHOD_STATIC
              const g = fn.mod.syms[code[ip++]]
              const target = stack[--sp]
              const c = stack[--sp]
              if (!(target instanceof NClass) || !(c instanceof Closure) || c.fn.lf.kind !== FnKind.Method) malformed('method binding')
              if (c.fn.arity !== vm.symbolArity[g]) malformed('method arity')
              const own = target.superclass?.numFields ?? 0
              const need = c.fn.lf.fieldNeed
              if (need >= 0 && (isStatic || vm.builtins.has(target) || own + need >= target.numFields)) malformed('field access')
              c.fieldBase = own
              // Wren binds a static method's super calls to the metaclass's superclass (Class).
              c.home = isStatic ? (target.cls as NClass) : target
              bind(vm, isStatic ? (target.cls as NClass) : target, g, new Method(MethodKind.Closure, vm.symbols[g], null, c))
              continue enter
            }
            case Op.CONSTRUCTOR: {
              const g = fn.mod.syms[code[ip++]]
              const init = fn.mod.syms[code[ip++]]
              const target = stack[--sp]
              if (!(target instanceof NClass)) malformed('constructor binding')
              bind(vm, target.cls as NClass, g, new Method(MethodKind.Constructor, vm.symbols[g], null, null, init))
              continue enter
            }
            case Op.END_CLASS: {
              const target = stack[--sp]
              const attrs = stack[--sp]
              if (!(target instanceof NClass)) malformed('class attributes')
              target.attributes = attrs
              continue enter
            }
            case Op.IMPORT_MODULE: {
              const unit = fn.mod.units[code[ip++]]
              if (unit.main === null) abort(unit.broken ? 'R0029' : 'R0026', unit.name)
              stack[sp++] = null
              if (unit.state !== 0) continue enter
              unit.state = 1
              // Run the unit body like a call whose result lands in the slot just pushed.
              const callee = new Closure(vm.fnClass, unit.main, [])
              frame.ip = ip
              const f = callee.fn
              gas -= f.entryCost
              if (gas < 0) gas = vm.refill(gas)
              const rb = sp - 1
              frame = vm.pushFrame(fiber, callee, rb)
              cl = callee
              fn = f
              code = f.code
              consts = f.consts
              vars = f.vars
              ip = 0
              base = rb
              fieldBase = 0
              continue enter
            }
            case Op.IMPORT_VARIABLE: {
              const unit = fn.mod.units[code[ip++]]
              const name = consts[code[ip++]] as string
              const at = unit.varNames.indexOf(name)
              if (at < 0) abort('R0027', name, unit.name)
              stack[sp++] = unit.vars[at]
              continue enter
            }
            default:
              malformed(`opcode ${code[ip - 1]}`)
          }
        }

        // ---- The shared call sequence: receiver at sp - argc - 1. -----------------
        const rb = sp - argc - 1
        const recv = stack[rb]
        let cls: NClass
        if (superCls !== null) {
          cls = superCls
        } else {
          switch (typeof recv) {
            case 'number':
              cls = vm.numClass
              break
            case 'string':
              cls = vm.stringClass
              break
            case 'boolean':
              cls = vm.boolClass
              break
            case 'bigint':
              cls = vm.intClass
              break
            default:
              cls = recv === null ? vm.nullClass : (recv as { cls: NClass }).cls
          }
        }
        let m: Method | null | undefined
        if (site >= 0) {
          if (fn.icCls[site] === cls) {
            m = fn.icM[site]
          } else {
            const g = fn.mod.syms[sym]
            m = cls.methods[g]
            if (m === undefined) abort('R0001', cls.name, vm.symbols[g])
            fn.icCls[site] = cls
            fn.icM[site] = m
            if (vm.onMethod !== null) vm.onMethod(cls, m.signature)
          }
        } else {
          m = cls.methods[sym]
          if (m === undefined) abort('R0001', cls.name, vm.symbols[sym])
          if (vm.onMethod !== null) vm.onMethod(cls, m.signature)
        }
        const method = m as Method
        let callee: Closure
        switch (method.kind) {
          case MethodKind.Native: {
            vm.gas = gas
            gas = IN_NATIVE
            const r = method.native!(vm, stack, rb)
            gas = vm.gas
            stack[rb] = r
            sp = rb + 1
            continue
          }
          case MethodKind.Closure:
            callee = method.closure!
            break
          case MethodKind.FnCall: {
            callee = recv as Closure
            if (callee.fn.lf.kind !== FnKind.Fn) malformed('calling a method as a function')
            const arity = callee.fn.arity
            if (argc < arity) abort('R0010')
            sp = rb + 1 + arity // extra arguments are dropped
            break
          }
          case MethodKind.Constructor: {
            const k = recv as NClass
            callee = vm.initializerOf(k, method.initSym)
            stack[rb] = vm.newInstance(k)
            break
          }
          default: {
            // Control natives switch fibers: save everything, let them act, reload.
            frame.ip = ip
            fiber.sp = sp
            vm.gas = gas
            gas = IN_NATIVE
            const what = method.native!(vm, stack, rb) as unknown as Control
            gas = vm.gas
            const next = vm.fiber
            if (next === null) {
              return { kind: 'ok', value: null, gasUsed: vm.gasUsed }
            }
            fiber = next
            stack = fiber.stack
            sp = fiber.sp
            frame = fiber.frames[fiber.depth - 1]
            cl = frame.cl
            fn = cl.fn
            code = fn.code
            consts = fn.consts
            vars = fn.vars
            ip = frame.ip
            base = frame.base
            fieldBase = cl.fieldBase
            if (what === Control.Raise) throw new Abort('R0028', vm.pendingError)
            continue enter
          }
        }
        // Enter the callee: charge its entry block, push its frame.
        frame.ip = ip
        const f = callee.fn
        gas -= f.entryCost
        if (gas < 0) gas = vm.refill(gas)
        frame = vm.pushFrame(fiber, callee, rb)
        cl = callee
        fn = f
        code = f.code
        consts = f.consts
        vars = f.vars
        ip = 0
        base = rb
        fieldBase = callee.fieldBase
        continue enter
      }
      }
    } catch (e) {
      if (gas !== IN_NATIVE && !(e instanceof Fatal && e.code === 'R0200')) vm.gas = gas
      gas = vm.gas
      if (e instanceof Abort) {
        frame.ip = ip
        fiber.sp = sp
        vm.lastErrorCode = e.code
        const failed = fiber
        // Wren: every fiber along the call chain is aborted until one was run by try.
        let current: Fiber | null = fiber
        let catcher: Fiber | null = null
        while (current !== null) {
          current.error = e.value as Value
          if (current.state === FiberState.Try && current.caller !== null) {
            catcher = current.caller
            if (current.savepoint >= 0) {
              vm.contract?.host.revertTo(current.savepoint)
              current.savepoint = -1
            }
            break
          }
          const caller: Fiber | null = current.caller
          current.caller = null
          current = caller
        }
        if (catcher === null) {
          vm.fiber = null
          vm.onError?.(e.code)
          return vm.errorOutcome(false, e.code, vm.errorText(e.value as Value), vm.traceOf(failed), e.value as Value)
        }
        vm.onError?.(e.code)
        fiber = catcher
        vm.fiber = catcher
        stack = fiber.stack
        sp = fiber.sp
        stack[sp - 1] = e.value as Value
        frame = fiber.frames[fiber.depth - 1]
        cl = frame.cl
        fn = cl.fn
        code = fn.code
        consts = fn.consts
        vars = fn.vars
        ip = frame.ip
        base = frame.base
        fieldBase = cl.fieldBase
        continue
      }
      if (e instanceof Fatal) {
        frame.ip = ip
        vm.onError?.(e.code)
        return vm.errorOutcome(true, e.code, e.message, vm.traceOf(fiber))
      }
      if (e instanceof RangeError) {
        // A JS engine limit (e.g. an array too long to allocate) reached by a core method.
        frame.ip = ip
        vm.onError?.('R0203')
        return vm.errorOutcome(true, 'R0203', `Memory limit reached: ${e.message}`, vm.traceOf(fiber))
      }
      throw e
    }
  }
}

function bind(vm: VM, cls: NClass, g: number, m: Method): void {
  cls.methods[g] = m
}
