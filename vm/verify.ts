// The module verifier: everything about a decoded module that can be checked before it
// runs. Operand ranges, jump targets, stack heights at every instruction and join,
// closure captures, unit and function shapes, limits. The result feeds the linker.
//
// Invariant: a module that passes cannot make the interpreter read outside a frame's
// slots, a closure's captures, a unit's variables or the module's tables.

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
  // A method's field needs include the closures it creates (they share its receiver).
  const memo = new Int32Array(m.functions.length).fill(-2)
  const need = (i: number, seen: Set<number>): number => {
    if (memo[i] !== -2) return memo[i]
    if (seen.has(i)) return out[i].fieldNeed
    seen.add(i)
    let n = out[i].fieldNeed
    const f = m.functions[i]
    for (const start of out[i].starts) {
      if (f.code[start] === Op.CLOSURE) n = Math.max(n, need(f.code[start + 1], seen))
    }
    memo[i] = n
    return n
  }
  out.forEach((v, i) => (v.fieldNeed = need(i, new Set())))
  return out
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
