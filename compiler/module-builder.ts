// Accumulates one module's tables while units compile: constants and method names
// (deduplicated), classes, units and functions, then hands vm/module.ts a Module.

import type { Capture, Constant, Module, ModuleClass, ModuleFunction, ModuleUnit } from '../vm/module.js'
import { MAX_CONSTANTS } from '../vm/limits.js'

function constantKey(c: Constant): string {
  if (typeof c === 'number') return 'n' + (Object.is(c, -0) ? '-0' : String(c))
  if (typeof c === 'string') return 's' + c
  if (typeof c === 'bigint') return 'i' + c.toString(16)
  let h = 'b'
  for (const b of c) h += (b < 16 ? '0' : '') + b.toString(16)
  return h
}

export interface MutableUnit {
  name: string
  main: number
  vars: string[]
}

export interface MutableFunction {
  name: string
  kind: number
  unit: number
  arity: number
  captures: Capture[]
  code: number[]
  lines: number[]
  cols: number[]
}

export class ModuleBuilder {
  readonly constants: Constant[] = []
  private readonly constIndex = new Map<string, number>()
  readonly symbols: string[] = []
  private readonly symIndex = new Map<string, number>()
  readonly classes: ModuleClass[] = []
  readonly units: MutableUnit[] = []
  readonly functions: MutableFunction[] = []

  private readonly maxConstants: number

  /** `maxConstants` may lower the loader's limit (MAX_CONSTANTS), never raise it. */
  constructor(maxConstants = MAX_CONSTANTS) {
    this.maxConstants = Math.min(maxConstants, MAX_CONSTANTS)
  }

  /** -1 when the module already holds the maximum number of constants. */
  constant(c: Constant): number {
    const k = constantKey(c)
    let i = this.constIndex.get(k)
    if (i === undefined) {
      if (this.constants.length >= this.maxConstants) return -1
      i = this.constants.length
      this.constants.push(c)
      this.constIndex.set(k, i)
    }
    return i
  }

  symbol(signature: string): number {
    let i = this.symIndex.get(signature)
    if (i === undefined) {
      i = this.symbols.length
      this.symbols.push(signature)
      this.symIndex.set(signature, i)
    }
    return i
  }

  addClass(name: string): number {
    this.classes.push({ name, numFields: 0 })
    return this.classes.length - 1
  }

  setFields(index: number, numFields: number): void {
    this.classes[index] = { name: this.classes[index].name, numFields }
  }

  addFunction(f: MutableFunction): number {
    this.functions.push(f)
    return this.functions.length - 1
  }

  build(): Module {
    return {
      constants: this.constants,
      symbols: this.symbols,
      classes: this.classes,
      units: this.units as ModuleUnit[],
      functions: this.functions as ModuleFunction[],
    }
  }
}
