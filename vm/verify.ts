// The module verifier: everything about a decoded module that can be checked before it
// runs. Operand ranges, jump targets, stack heights at every instruction and join,
// closure captures, unit and function shapes, limits. The result feeds the linker.
//
// Invariant: a module that passes cannot make the interpreter read outside a frame's
// slots, a closure's captures, a unit's variables or the module's tables; a method's slot 0
// always holds its receiver, and a method closure is bound to one class, once.

import { BROKEN_UNIT, FnKind, MISSING_UNIT, type Module, type ModuleFunction } from './module.js'
import { Op, OPCODES, isBinaryOp, popCount, type OpInfo } from './opcodes.js'
import { MAX_ARGS, MAX_FIELDS } from './limits.js'

/** Stack slots one function may use: locals, temporaries and call arguments. */
export const MAX_FRAME_SLOTS = 1 << 16
/** Elements of one list or map literal. */
export const MAX_LITERAL_ELEMENTS = 1 << 16

export interface VerifiedFunction {
  /** Start word of each instruction. */
  readonly starts: Int32Array
  /** Stack height before each instruction; -1 where unreachable. */
  readonly heights: Int32Array
  readonly maxSlots: number
  /** Highest field index used by this function and the closures it creates, or -1. */
  fieldNeed: number
}

/** Arguments a method signature takes: one per `_` in its parameter list ("[_,_]=(_)" takes 3). */
export function signatureArity(sig: string): number {
  let n = 0
  for (let i = 1; i < sig.length; i++) {
    if (sig.charCodeAt(i) === 95 /* _ */ && (sig[i - 1] === '(' || sig[i - 1] === ',' || sig[i - 1] === '[')) n++
  }
  return n
}

/** Instructions that push one variable's value, as the compiler loads a class to bind to. */
const LOADS = new Set<number>([Op.LOAD_LOCAL, Op.LOAD_LOCAL_BOX, Op.LOAD_UPVALUE, Op.LOAD_UPVALUE_BOX, Op.LOAD_MODULE_VAR])

export class VerifyError {
  constructor(
    readonly fn: number,
    readonly instr: number,
    readonly message: string,
  ) {}
  toString(): string {
    return this.fn < 0 ? this.message : `function ${this.fn}${this.instr >= 0 ? `, instruction ${this.instr}` : ''}: ${this.message}`
  }
}

export function verifyModule(m: Module): VerifiedFunction[] | VerifyError {
  try {
    return verifyOrThrow(m)
  } catch (e) {
    if (e instanceof VerifyError) return e
    throw e
  }
}

function verifyOrThrow(m: Module): VerifiedFunction[] {
  m.symbols.forEach((s, i) => {
    if (s.length === 0 || s.length > 256) throw new VerifyError(-1, -1, `method name ${i} has a bad length`)
  })
  m.classes.forEach((c, i) => {
    if (c.numFields > MAX_FIELDS) throw new VerifyError(-1, -1, `class ${i} declares ${c.numFields} fields, above ${MAX_FIELDS}`)
  })
  m.units.forEach((u, i) => {
    if (u.main === MISSING_UNIT || u.main === BROKEN_UNIT) return
    const f = m.functions[u.main]
    if (!f) throw new VerifyError(-1, -1, `unit ${i} names a missing entry function ${u.main}`)
    if (f.kind !== FnKind.Script || f.unit !== i) throw new VerifyError(u.main, -1, `entry of unit ${i} must be a script of that unit`)
  })
  const out = m.functions.map((f, i) => verifyFunction(m, f, i))
  const needs = transitiveFieldNeeds(m, out)
  out.forEach((v, i) => (v.fieldNeed = needs[i]))
  return out
}

/**
 * For each function, the highest field used by it or by any function it reaches through
 * CLOSURE: a method's closures share its receiver. Without recursion (a module may chain
 * thousands of closures): Tarjan's strongly connected components come out successors
 * first, so each component's successors are final when it is.
 */
function transitiveFieldNeeds(m: Module, out: readonly VerifiedFunction[]): Int32Array {
  const n = out.length
  const edges = out.map((v, i) => {
    const code = m.functions[i].code
    const e: number[] = []
    for (const start of v.starts) if (code[start] === Op.CLOSURE) e.push(code[start + 1])
    return e
  })
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const component = new Int32Array(n).fill(-1)
  const result = new Int32Array(n)
  const open: number[] = []
  let counter = 0
  let components = 0
  const visit = (v: number, work: number[][]) => {
    index[v] = low[v] = counter++
    open.push(v)
    work.push([v, 0])
  }
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue
    const work: number[][] = []
    visit(root, work)
    while (work.length > 0) {
      const top = work[work.length - 1]
      const v = top[0]
      if (top[1] < edges[v].length) {
        const w = edges[v][top[1]++]
        if (index[w] < 0) visit(w, work)
        else if (component[w] < 0) low[v] = Math.min(low[v], index[w])
        continue
      }
      work.pop()
      if (low[v] === index[v]) {
        const id = components++
        const members: number[] = []
        let w: number
        do {
          w = open.pop()!
          component[w] = id
          members.push(w)
        } while (w !== v)
        let need = -1
        for (const u of members) {
          need = Math.max(need, out[u].fieldNeed)
          for (const x of edges[u]) if (component[x] !== id) need = Math.max(need, result[x])
        }
        for (const u of members) result[u] = need
      }
      if (work.length > 0) {
        const parent = work[work.length - 1][0]
        low[parent] = Math.min(low[parent], low[v])
      }
    }
  }
  return result
}

function verifyFunction(m: Module, f: ModuleFunction, fi: number): VerifiedFunction {
  const err = (instr: number, message: string): never => {
    throw new VerifyError(fi, instr, message)
  }
  if (f.unit >= m.units.length) err(-1, `unit ${f.unit} does not exist`)
  if (f.arity > MAX_ARGS) err(-1, `arity ${f.arity} is above ${MAX_ARGS}`)
  if (f.kind === FnKind.Script && (f.arity !== 0 || f.captures.length !== 0)) err(-1, 'a script takes no arguments and captures nothing')
  const vars = m.units[f.unit].vars.length

  // Pass 1: instruction boundaries and static operand ranges.
  const starts: number[] = []
  let pc = 0
  while (pc < f.code.length) {
    const instr = starts.length
    const op = f.code[pc]
    if (!isBinaryOp(op)) err(instr, `unknown opcode ${op}`)
    const info = OPCODES[op]
    if (pc + 1 + info.operands.length > f.code.length) err(instr, `${info.name} is cut off by the end of the code`)
    starts.push(pc)
    pc += 1 + info.operands.length
  }
  const n = starts.length
  if (n === 0) err(-1, 'a function needs code')
  if (f.lines.length !== n || f.cols.length !== n) err(-1, `line table has ${f.lines.length} entries for ${n} instructions`)

  const targets = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const info = OPCODES[f.code[starts[i]]]
    if (info.flow === 'jump' || info.flow === 'branch') {
      const t = f.code[starts[i] + 1]
      if (t < n) targets[t] = 1
    }
  }

  for (let i = 0; i < n; i++) {
    const at = starts[i]
    const info = OPCODES[f.code[at]]
    info.operands.forEach((kind, k) => {
      const v = f.code[at + 1 + k]
      const bad = (limit: number | string) => err(i, `${info.name} operand ${k} (${kind}) is ${v}, out of range ${limit}`)
      switch (kind) {
        case 'const':
          if (v >= m.constants.length) bad(m.constants.length)
          break
        case 'upvalue':
          if (v >= f.captures.length) bad(f.captures.length)
          break
        case 'modvar':
          if (v >= vars) bad(vars)
          break
        case 'field':
          if (v >= MAX_FIELDS) bad(MAX_FIELDS)
          if (f.kind !== FnKind.Method && (info.op === Op.LOAD_FIELD_THIS || info.op === Op.STORE_FIELD_THIS)) {
            err(i, `${info.name} outside a method`)
          }
          if (f.kind === FnKind.Script) err(i, `${info.name} in a script`)
          break
        case 'target':
          if (v >= n) bad(n)
          break
        case 'argc':
          if (v > MAX_ARGS) bad(MAX_ARGS)
          break
        case 'sym':
          if (v >= m.symbols.length) bad(m.symbols.length)
          break
        case 'fn':
          if (v >= m.functions.length) bad(m.functions.length)
          if (m.functions[v].kind === FnKind.Script) err(i, 'CLOSURE of a script')
          break
        case 'class':
          if (v >= m.classes.length) bad(m.classes.length)
          break
        case 'unit':
          if (v >= m.units.length) bad(m.units.length)
          break
        case 'count':
          if (v > MAX_LITERAL_ELEMENTS) bad(MAX_LITERAL_ELEMENTS)
          break
        case 'slot':
          break // checked against the stack height below
        default:
          err(i, `operand kind ${kind} cannot appear in a module`)
      }
    })
    if (info.op === Op.IMPORT_VARIABLE && typeof m.constants[f.code[at + 2]] !== 'string') err(i, 'IMPORT_VARIABLE needs a string constant')
    if (info.op === Op.SUPER && f.kind === FnKind.Script) err(i, 'SUPER in a script')
    // A call passes exactly the arguments its method name declares: callees and natives
    // read their parameters from the slots above the receiver.
    if ((info.op === Op.CALL || info.op === Op.SUPER) && f.code[at + 1] !== signatureArity(m.symbols[f.code[at + 2]])) {
      err(i, `${info.name} passes ${f.code[at + 1]} arguments to '${m.symbols[f.code[at + 2]]}'`)
    }
    if (info.op === Op.CONSTRUCTOR && signatureArity(m.symbols[f.code[at + 1]]) !== signatureArity(m.symbols[f.code[at + 2]])) {
      err(i, 'CONSTRUCTOR and its initializer take different numbers of arguments')
    }
    // Field access trusts slot 0 of a method to be its receiver: nothing may replace it.
    if (f.kind === FnKind.Method && (info.op === Op.STORE_LOCAL || info.op === Op.BOX_LOCAL || info.op === Op.STORE_LOCAL_BOX) && f.code[at + 1] === 0) {
      err(i, `${info.name} overwrites the receiver in slot 0`)
    }
    // A method closure goes straight to the class it is bound to, so it is bound once and
    // never escapes (its field offset and home class are set by that binding).
    if (info.op === Op.CLOSURE && m.functions[f.code[at + 1]].kind === FnKind.Method) {
      const bind = i + 2 < n ? f.code[starts[i + 2]] : -1
      if (i + 2 >= n || !LOADS.has(f.code[starts[i + 1]]) || (bind !== Op.METHOD_INSTANCE && bind !== Op.METHOD_STATIC) || targets[i + 1] || targets[i + 2]) {
        err(i, 'a method closure must be bound right away: CLOSURE, a load of the class, METHOD_INSTANCE or METHOD_STATIC')
      }
    }
  }

  // Pass 2: stack heights along every path; joins must agree.
  const heights = new Int32Array(n).fill(-1)
  let maxSlots = f.arity + 1
  let fieldNeed = -1
  const work: number[] = []
  const reach = (to: number, h: number, from: number) => {
    if (to >= n) err(from, 'control falls off the end of the function')
    if (heights[to] === -1) {
      heights[to] = h
      work.push(to)
    } else if (heights[to] !== h) {
      err(to, `stack height ${h} here disagrees with ${heights[to]} on another path`)
    }
  }
  heights[0] = f.arity + 1
  work.push(0)
  while (work.length > 0) {
    const i = work.pop()!
    const at = starts[i]
    const info: OpInfo = OPCODES[f.code[at]]
    const h = heights[i]
    const operand = (k: number) => f.code[at + 1 + k]
    for (let k = 0; k < info.operands.length; k++) {
      if (info.operands[k] === 'slot') {
        const s = operand(k)
        if (s >= h) err(i, `${info.name} slot ${s} is above the stack height ${h}`)
      } else if (info.operands[k] === 'field') {
        fieldNeed = Math.max(fieldNeed, operand(k))
      }
    }
    if (info.op === Op.CLOSURE) {
      const g = m.functions[operand(0)]
      for (const c of g.captures) {
        if (c.local ? c.index >= h : c.index >= f.captures.length) {
          err(i, `closure of function ${operand(0)} captures ${c.local ? 'slot' : 'upvalue'} ${c.index}, which does not exist here`)
        }
      }
    }
    const pops = popCount(info, f.code, at + 1)
    if (pops > h) err(i, `${info.name} pops ${pops} values from a stack of ${h}`)
    const after = h - pops + info.push
    if (after > MAX_FRAME_SLOTS) err(i, `stack height ${after} is above ${MAX_FRAME_SLOTS}`)
    if (after > maxSlots) maxSlots = after
    switch (info.flow) {
      case 'next':
        reach(i + 1, after, i)
        break
      case 'jump':
        reach(operand(0), after, i)
        break
      case 'branch':
        if (info.op === Op.JUMP_IF_FALSE) {
          reach(operand(0), after, i)
          reach(i + 1, after, i)
        } else {
          // AND / OR keep the tested value when they jump and drop it when they fall through.
          reach(operand(0), h, i)
          reach(i + 1, h - 1, i)
        }
        break
      case 'return':
        break
    }
  }
  return { starts: Int32Array.from(starts), heights, maxSlots, fieldNeed }
}
