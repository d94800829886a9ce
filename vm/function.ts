// Per-VM instances of a loaded module: its constants as runtime values, its method names
// mapped to the VM's symbols, its units' variables, and each function's inline caches.
// The linked code itself is shared and immutable (vm/link.ts); this is the mutable part.

import type { LinkedFunction } from './link.js'
import type { JitFunction } from './jit.js'
import type { LoadedModule } from './loader.js'
import type { Closure, Method, NClass, Value } from './value.js'

export class RUnit {
  /** 0: never run, 1: running or done (imports run a unit once, cycles see it partly done). */
  state = 0
  /** Why a unit without code has none: its source was missing, or did not compile. */
  broken = false
  constructor(
    readonly name: string,
    readonly varNames: readonly string[],
    readonly vars: Value[],
    public main: RFunction | null,
  ) {}
}

export class RModule {
  readonly fns: RFunction[] = []
  readonly units: RUnit[] = []
  constructor(
    readonly loaded: LoadedModule,
    readonly consts: Value[],
    /** Module method-name index -> VM symbol. */
    readonly syms: Int32Array,
  ) {}
}

/** How the JS tier calls a Nest method without the general call sequence: run `closure`
 *  (entry gas and frame size from `fn`), or, for a plain getter or setter
 *  (LinkedFunction.accessor), read or write (`set`) instance field `field` in its place
 *  (-1 when it is not one). Whether it writes is the method's, not the call's: a getter
 *  may take arguments it ignores. Made once per method binding and kept on the Method. */
export class CallPlan {
  readonly fn: RFunction
  constructor(
    readonly closure: Closure,
    readonly field: number,
    readonly set: boolean,
  ) {
    this.fn = closure.fn
  }
}

/** The plan of a Nest method (MethodKind.Closure), made on first need. */
export function callPlan(m: Method): CallPlan {
  if (m.plan !== null) return m.plan
  const c = m.closure!
  const acc = c.fn.lf.accessor
  return (m.plan = new CallPlan(c, acc >= 0 ? c.fieldBase + (acc >> 1) : -1, (acc & 1) === 1))
}

export class RFunction {
  readonly code: Int32Array
  readonly entryCost: number
  readonly maxSlots: number
  readonly arity: number
  readonly consts: Value[]
  readonly vars: Value[]
  /** Inline caches, one per call site: the receiver class last seen and its method. */
  readonly icCls: (NClass | null)[]
  readonly icM: (Method | null)[]
  /** The JS tier's code for this function, once compiled (vm/jit.ts). */
  jit: JitFunction | null = null
  /** Entries left before compiling; 0: never (not worth it, or it failed). */
  heat: number
  constructor(
    readonly lf: LinkedFunction,
    readonly mod: RModule,
    readonly unit: RUnit,
  ) {
    this.code = lf.code
    this.entryCost = lf.entryCost
    this.maxSlots = lf.maxSlots
    this.arity = lf.arity
    this.consts = mod.consts
    this.vars = unit.vars
    this.icCls = new Array(lf.sites).fill(null)
    this.icM = new Array(lf.sites).fill(null)
    this.heat = lf.loops ? 1 : 2
  }
  get name(): string {
    return this.lf.name
  }
  /** Source line and column of the instruction at a runnable code offset. */
  position(pc: number): { line: number; col: number } {
    const at = Math.max(0, Math.min(pc, this.lf.pcInstr.length - 1))
    const instr = this.lf.pcInstr[at]
    return { line: this.lf.lines[instr] ?? 0, col: this.lf.cols[instr] ?? 0 }
  }
}
