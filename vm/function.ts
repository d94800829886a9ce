// Per-VM instances of a loaded module: its constants as runtime values, its method names
// mapped to the VM's symbols, its units' variables, and each function's inline caches.
// The linked code itself is shared and immutable (vm/link.ts); this is the mutable part.

import type { LinkedFunction } from './link.js'
import type { JitFunction } from './jit.js'
import type { LoadedModule } from './loader.js'
import { MethodKind, type Method, type NClass, type Value } from './value.js'

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

/** A call site's last callee when it was a plain getter or setter (LinkedFunction.accessor):
 *  receivers of `cls` read or write `field` for the callee's entry gas, `cost`, provided a
 *  frame of `slots` would fit (so no limit could have been hit by running it). */
export class AccessorPlan {
  constructor(
    readonly cls: NClass,
    readonly field: number,
    readonly cost: number,
    readonly slots: number,
  ) {}
}

/** The plan for a call site that found `m` for receivers of `cls`, if m is an accessor. */
export function accessorPlan(cls: NClass, m: Method): AccessorPlan | null {
  if (m.kind !== MethodKind.Closure) return null
  const c = m.closure!
  const acc = c.fn.lf.accessor
  return acc >= 0 ? new AccessorPlan(cls, c.fieldBase + (acc >> 1), c.fn.entryCost, c.fn.maxSlots) : null
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
  /** Per call site: the getter or setter it last called, for the JS tier to do in place. */
  readonly accessorAt: (AccessorPlan | null)[]
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
    this.accessorAt = new Array(lf.sites).fill(null)
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
