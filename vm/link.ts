// The linker: turns verified binary code into the runnable form every tier executes.
// It splits each function into basic blocks, sums each block's static gas from the opcode
// table, and folds the charge into block entries: jumps carry the cost of the block they
// enter, branches also carry the cost of their fall-through block, a call charges the
// callee's entry block, and a GAS instruction sits only where control falls into a jump
// target. Call sites get inline-cache slots. Not the verifier (it must run first).

import { FnKind, type Module } from './module.js'
import { Op, OPCODES } from './opcodes.js'
import type { VerifiedFunction } from './verify.js'
import type { JitFactory } from './jit.js'

export interface LinkedFunction {
  readonly index: number
  readonly name: string
  readonly kind: FnKind
  readonly unit: number
  readonly arity: number
  /** Pairs: 1 for a creating-frame slot / 0 for one of its captures, then the index. */
  readonly captures: Int32Array
  readonly code: Int32Array
  /** Runnable word -> instruction index, for line lookup. */
  readonly pcInstr: Int32Array
  readonly lines: Int32Array
  readonly cols: Int32Array
  /** Leader instruction of each basic block, in order. */
  readonly blocks: Int32Array
  readonly blockCosts: Int32Array
  /** Stack height before each instruction (binary index), -1 where unreachable. */
  readonly heights: Int32Array
  /** Whether some jump goes backwards: a loop, worth compiling on first entry. */
  readonly loops: boolean
  /** Per runnable word: 1 where compiled code can be entered (the start, jump targets). */
  readonly entries: Uint8Array
  /** A method that only reads a field (2 * field) or only stores its argument in one and
   *  returns it (2 * field + 1): a call may do that in place of running it. -1 otherwise. */
  readonly accessor: number
  readonly entryCost: number
  readonly maxSlots: number
  readonly sites: number
  readonly fieldNeed: number
  /** The JS tier's compiled factory, made on first need and shared by every VM that
   *  loads this module (it depends on nothing but this function). Null: not compiled. */
  jitFactory: JitFactory | null | undefined
}

export function linkFunctions(m: Module, verified: readonly VerifiedFunction[]): LinkedFunction[] {
  return m.functions.map((f, fi) => {
    const v = verified[fi]
    const n = v.starts.length
    const code = f.code
    const instrOp = (i: number) => code[v.starts[i]]
    const operand = (i: number, k: number) => code[v.starts[i] + 1 + k]

    // Leaders: entry, jump targets, and whatever follows a jump, branch or return.
    const leader = new Uint8Array(n + 1)
    leader[0] = 1
    for (let i = 0; i < n; i++) {
      const info = OPCODES[instrOp(i)]
      if (info.flow !== 'next') leader[i + 1] = 1
      if (info.flow === 'jump' || info.flow === 'branch') leader[operand(i, 0)] = 1
    }
    const blocks: number[] = []
    const blockOf = new Int32Array(n)
    const costs: number[] = []
    for (let i = 0; i < n; i++) {
      if (leader[i]) {
        blocks.push(i)
        costs.push(0)
      }
      blockOf[i] = blocks.length - 1
      costs[costs.length - 1] += OPCODES[instrOp(i)].gas
    }
    const costAt = (instr: number) => costs[blockOf[instr]]

    // Emit the runnable code; targets are patched once every instruction has a position.
    const out: number[] = []
    const pcInstr: number[] = []
    const posOf = new Int32Array(n)
    const patches: number[] = []
    let sites = 0
    for (let i = 0; i < n; i++) {
      const op = instrOp(i)
      const info = OPCODES[op]
      if (i > 0 && leader[i] && OPCODES[instrOp(i - 1)].flow === 'next') {
        out.push(Op.GAS, costAt(i))
        pcInstr.push(i, i)
      }
      posOf[i] = out.length
      out.push(op)
      for (let k = 0; k < info.operands.length; k++) {
        if (info.operands[k] === 'target') patches.push(out.length)
        out.push(operand(i, k))
      }
      switch (info.flow) {
        case 'jump':
          out.push(costAt(operand(i, 0)))
          break
        case 'branch':
          out.push(costAt(operand(i, 0)), costAt(i + 1))
          break
        default:
          if (op === Op.CALL || op === Op.SUPER) out.push(sites++)
      }
      while (pcInstr.length < out.length) pcInstr.push(i)
    }
    for (const at of patches) out[at] = posOf[out[at]]
    // Compiled code of a function with loops can be entered at any jump target (the
    // interpreter goes back to it at the next jump); without loops, only at its start.
    const entries = new Uint8Array(out.length)
    entries[0] = 1
    const looping = loops(f.code, v.starts)
    if (looping) for (const at of patches) entries[out[at]] = 1

    const captures = new Int32Array(f.captures.length * 2)
    f.captures.forEach((c, k) => {
      captures[k * 2] = c.local ? 1 : 0
      captures[k * 2 + 1] = c.index
    })
    return {
      index: fi,
      name: f.name,
      kind: f.kind,
      unit: f.unit,
      arity: f.arity,
      captures,
      code: Int32Array.from(out),
      pcInstr: Int32Array.from(pcInstr),
      lines: Int32Array.from(f.lines),
      cols: Int32Array.from(f.cols),
      blocks: Int32Array.from(blocks),
      blockCosts: Int32Array.from(costs),
      heights: v.heights,
      loops: looping,
      entries,
      accessor: f.kind === FnKind.Method ? accessorOf(f.code) : -1,
      jitFactory: undefined,
      entryCost: costs[0],
      maxSlots: v.maxSlots,
      sites,
      fieldNeed: v.fieldNeed,
    }
  })
}

function loops(code: ArrayLike<number>, starts: Int32Array): boolean {
  for (let i = 0; i < starts.length; i++) {
    const info = OPCODES[code[starts[i]]]
    if ((info.flow === 'jump' || info.flow === 'branch') && code[starts[i] + 1] <= i) return true
  }
  return false
}

function accessorOf(code: ArrayLike<number>): number {
  const is = (...words: number[]) => code.length === words.length && words.every((w, i) => w < 0 || code[i] === w)
  if (is(Op.LOAD_FIELD_THIS, -1, Op.RETURN)) return 2 * code[1]
  if (is(Op.LOAD_LOCAL, 1, Op.STORE_FIELD_THIS, -1, Op.RETURN)) return 2 * code[3] + 1
  return -1
}
