// Accumulates one module's tables while units compile: constants and method names
// (deduplicated), classes, units and functions, then hands vm/module.ts a Module.

import type { Capture, Constant, Module, ModuleClass, ModuleFunction, ModuleUnit } from '../vm/module.js'
import { MAX_CLASSES, MAX_CODE_WORDS, MAX_CONSTANTS, MAX_FUNCTIONS, MAX_MODULE_BYTES, MAX_SYMBOLS, MAX_UNITS } from '../vm/limits.js'
import { MAX_FRAME_SLOTS, MAX_LITERAL_ELEMENTS } from '../vm/verify.js'

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

/** Lower limits than the loader's (vm/limits.ts), for a host that wants smaller modules or
 *  a test that reaches a limit without a huge program. A higher value changes nothing. */
export interface ModuleLimits {
  /** Distinct method names (MAX_SYMBOLS). */
  readonly maxSymbols?: number
  /** Functions: units' top-level code, methods and closures (MAX_FUNCTIONS). */
  readonly maxFunctions?: number
  /** Class declarations (MAX_CLASSES). */
  readonly maxClasses?: number
  /** Code words of one function (MAX_CODE_WORDS). */
  readonly maxCodeWords?: number
  /** Units: the entry module and every module it imports, directly or not (MAX_UNITS). */
  readonly maxUnits?: number
  /** Stack height of one function: locals, temporaries, literal elements (MAX_FRAME_SLOTS). */
  readonly maxFrameSlots?: number
  /** Elements of one list or map literal, parts of one interpolated string (MAX_LITERAL_ELEMENTS). */
  readonly maxLiteralElements?: number
  /** Bytes of the encoded module (MAX_MODULE_BYTES). */
  readonly maxModuleBytes?: number
}

export class ModuleBuilder {
  readonly constants: Constant[] = []
  private readonly constIndex = new Map<string, number>()
  readonly symbols: string[] = []
  private readonly symIndex = new Map<string, number>()
  readonly classes: ModuleClass[] = []
  readonly units: MutableUnit[] = []
  readonly functions: MutableFunction[] = []

  /** The limits in force; codegen checks maxCodeWords, maxFrameSlots and maxLiteralElements
   *  itself, as it emits, and compile() checks maxModuleBytes on the encoded module. */
  readonly maxConstants: number
  readonly maxSymbols: number
  readonly maxFunctions: number
  readonly maxClasses: number
  readonly maxCodeWords: number
  readonly maxUnits: number
  readonly maxFrameSlots: number
  readonly maxLiteralElements: number
  readonly maxModuleBytes: number
  /** Functions started, finished or not: counted when they start so that the first one past
   *  the limit in source order is the one reported, though they are added as they finish. */
  private functionsStarted = 0

  /** `maxConstants` and `limits` may lower the loader's limits, never raise them. */
  constructor(maxConstants = MAX_CONSTANTS, limits: ModuleLimits = {}) {
    this.maxConstants = Math.min(maxConstants, MAX_CONSTANTS)
    this.maxSymbols = Math.min(limits.maxSymbols ?? MAX_SYMBOLS, MAX_SYMBOLS)
    this.maxFunctions = Math.min(limits.maxFunctions ?? MAX_FUNCTIONS, MAX_FUNCTIONS)
    this.maxClasses = Math.min(limits.maxClasses ?? MAX_CLASSES, MAX_CLASSES)
    this.maxCodeWords = Math.min(limits.maxCodeWords ?? MAX_CODE_WORDS, MAX_CODE_WORDS)
    // The entry unit always exists: a module without one is no module.
    this.maxUnits = Math.max(1, Math.min(limits.maxUnits ?? MAX_UNITS, MAX_UNITS))
    this.maxFrameSlots = Math.min(limits.maxFrameSlots ?? MAX_FRAME_SLOTS, MAX_FRAME_SLOTS)
    this.maxLiteralElements = Math.min(limits.maxLiteralElements ?? MAX_LITERAL_ELEMENTS, MAX_LITERAL_ELEMENTS)
    this.maxModuleBytes = Math.min(limits.maxModuleBytes ?? MAX_MODULE_BYTES, MAX_MODULE_BYTES)
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

  /** -1 when the module already holds the maximum number of method names. */
  symbol(signature: string): number {
    let i = this.symIndex.get(signature)
    if (i === undefined) {
      if (this.symbols.length >= this.maxSymbols) return -1
      i = this.symbols.length
      this.symbols.push(signature)
      this.symIndex.set(signature, i)
    }
    return i
  }

  /** -1 when the module already holds the maximum number of classes. */
  addClass(name: string): number {
    if (this.classes.length >= this.maxClasses) return -1
    this.classes.push({ name, numFields: 0 })
    return this.classes.length - 1
  }

  setFields(index: number, numFields: number): void {
    this.classes[index] = { name: this.classes[index].name, numFields }
  }

  /** Counts a function about to be compiled; false when it does not fit. */
  startFunction(): boolean {
    return ++this.functionsStarted <= this.maxFunctions
  }

  /** Adds a finished function (counted by startFunction before). */
  addFunction(f: MutableFunction): number {
    this.functions.push(f)
    return this.functions.length - 1
  }

  /** -1 when the module already holds the maximum number of units. */
  addUnit(name: string): number {
    if (this.units.length >= this.maxUnits) return -1
    this.units.push({ name, main: -1, vars: [] })
    return this.units.length - 1
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
