// One nVM instance: the state of a single run (classes, symbols, fibers, gas, memory) and
// the API hosts use: load a module, run it, read the outcome. Cheap to create; nothing is
// shared between VMs but immutable linked code. The dispatch loop is vm/interpreter.ts.

import { SIZE } from './sizes.js'
import { abort, fatal, Abort, Fatal, type RuntimeErrorCode } from './errors.js'
import { RFunction, RModule, RUnit } from './function.js'
import { LoadError, ModuleCache, type LoadedModule } from './loader.js'
import { BROKEN_UNIT, FnKind } from './module.js'
import {
  GAS_CHUNK,
  MAX_STRING_BYTES,
  SCRIPT_MAX_CALL_DEPTH,
  SCRIPT_MAX_STACK_SLOTS,
  SCRIPT_MEMORY_LIMIT,
  UNLIMITED_GAS,
} from './limits.js'
import { Closure, Fiber, FiberState, Frame, Instance, Method, MethodKind, NAddress, NBytes, NClass, NList, NRange, type Value } from './value.js'
import { NMap } from './map-table.js'
import { execute } from './interpreter.js'
import { OPCODES } from './opcodes.js'
import { installCore, CORE_NAMES } from './core/index.js'
import { CONTRACT_NAMES, TEST_NAMES } from './core/names.js'
import type { ContractContext } from './contract/natives.js'
import { restrictForContracts } from './contract/determinism.js'

const IMPLICIT_CONTRACT_NAMES: readonly string[] = [...CORE_NAMES, ...CONTRACT_NAMES]
const IMPLICIT_TEST_NAMES: readonly string[] = [...IMPLICIT_CONTRACT_NAMES, ...TEST_NAMES]
import { PRELUDE_MODULE } from './core/prelude.generated.js'

export interface Host {
  /** Output of System.print/write: a Nest byte string (UTF-8 bytes as chars). A host may
   *  refuse it by returning a Refusal (an output cap on a gateway, say): the run then
   *  ends, fatally, with R0205. Any other result is ignored. */
  write(s: string): unknown
  /** Script-only host functions; absent for contracts. */
  clock?: () => number
}

export interface VMOptions {
  host: Host
  gasLimit?: number
  memoryLimit?: number
  maxCallDepth?: number
  maxStackSlots?: number
  cache?: ModuleCache
  /** Disables operator fast paths so every core method call goes through lookup (coverage runs). */
  noFastPaths?: boolean
  /** Records each method invoked through lookup, as "Class.signature" (coverage runs). */
  onMethod?: (cls: NClass, signature: string) => void
  /** Called with the code of every runtime error raised, caught or not (coverage runs). */
  onError?: (code: RuntimeErrorCode) => void
  /** Compile hot functions to JS (vm/jit.ts); default on. Same output and gas either way. */
  jit?: boolean
  /** Runs a contract: Num methods whose results differ between machines abort. */
  contract?: boolean
  /** Reuses a core library booted once per `cache` (for this kind of VM) instead of booting
   *  one: a contract call starts in a fresh VM, and booting is most of what that costs.
   *  Sound because nothing a run does changes the core's classes: user classes copy
   *  their methods, and symbols a run adds stay in the run's own table. Not for scripts,
   *  whose core closes over their host's clock. */
  shareCore?: boolean
}

export interface SymbolState {
  readonly symbols: readonly string[]
  readonly arity: readonly number[]
  /** The symbols beyond the shared core's. */
  readonly own: ReadonlyMap<string, number>
}

export interface TraceFrame {
  readonly fn: string
  readonly module: string
  readonly line: number
  readonly col: number
}

export type RunOutcome =
  | { readonly kind: 'ok'; readonly value: Value; readonly gasUsed: number }
  | {
      readonly kind: 'error'
      readonly fatal: boolean
      readonly code: RuntimeErrorCode
      readonly message: string
      readonly value: Value
      readonly trace: readonly TraceFrame[]
      readonly gasUsed: number
    }

export class VM {
  readonly host: Host
  readonly cache: ModuleCache
  readonly noFastPaths: boolean
  readonly jit: boolean
  readonly onMethod: ((cls: NClass, signature: string) => void) | null

  // Gas: `gas` is a small counter the dispatch loop keeps in a local; `gasReserve` holds
  // the rest of the limit, moved in by `refill` on a slow path.
  gas = 0
  gasReserve = 0
  gasLimit: number
  mem = 0
  readonly memoryLimit: number
  /** What `alloc` checks against: the limit, except while the VM sets itself up. */
  private memCap: number
  readonly maxCallDepth: number
  readonly maxStackSlots: number

  fiber: Fiber | null = null
  /** Set by Fiber.transferError for the interpreter to raise in the fiber it switched to. */
  pendingError: Value = null
  /** Code of the last runtime error raised (caught or not), for tests and coverage. */
  lastErrorCode: RuntimeErrorCode | null = null
  readonly onError: ((code: RuntimeErrorCode) => void) | null

  symbols: string[] = []
  symbolArity: number[] = []
  private symbolIndex = new Map<string, number>()
  /** Whether `symbols`, `symbolArity` and `symbolIndex` belong to another VM (a shared core
   *  or a prepared module): copied before this VM adds a symbol. */
  private symbolsShared = false
  /** A shared core's symbols (see `shareCore`), looked up before this VM's own. */
  private baseIndex: ReadonlyMap<string, number> | null = null
  /** VM symbols of the operator opcodes' methods, indexed by opcode. */
  readonly opSyms: Int32Array

  // Core classes (set while the prelude runs, natives attached after).
  objectClass!: NClass
  classClass!: NClass
  boolClass!: NClass
  nullClass!: NClass
  numClass!: NClass
  stringClass!: NClass
  listClass!: NClass
  mapClass!: NClass
  rangeClass!: NClass
  fnClass!: NClass
  fiberClass!: NClass
  intClass!: NClass
  bytesClass!: NClass
  addressClass!: NClass
  persistentMapClass!: NClass
  persistentListClass!: NClass
  callResultClass!: NClass
  /** Set by the contract runtime (vm/contract/runtime.ts) while a contract runs; null in
   *  scripts, where persistent state does not exist. */
  contract: ContractContext | null = null
  boxClass!: NClass
  sequenceClass!: NClass
  /** Classes user code cannot inherit from: their instances are not plain objects. */
  builtins = new Set<NClass>()
  core!: RUnit
  private bootstrapping = true

  constructor(opts: VMOptions) {
    this.host = opts.host
    this.cache = opts.cache ?? new ModuleCache()
    this.noFastPaths = opts.noFastPaths ?? false
    this.jit = (opts.jit ?? true) && !this.noFastPaths
    this.onMethod = opts.onMethod ?? null
    this.onError = opts.onError ?? null
    this.gasLimit = opts.gasLimit ?? UNLIMITED_GAS
    this.memoryLimit = opts.memoryLimit ?? SCRIPT_MEMORY_LIMIT
    this.maxCallDepth = opts.maxCallDepth ?? SCRIPT_MAX_CALL_DEPTH
    this.maxStackSlots = opts.maxStackSlots ?? SCRIPT_MAX_STACK_SLOTS
    const image = opts.shareCore ? this.cache.coreImage(opts.contract ? 'contract' : 'plain', () => new VM({ host: { write: () => undefined }, cache: this.cache, contract: opts.contract, jit: opts.jit })) : null
    this.opSyms = image ? (image as VM).opSyms : installOpSymbols(this)
    // The core library's own set-up is the VM's, not the run's: it is paid from no limit
    // and does not count, so a run's gas and memory are the program's alone.
    const limit = this.gasLimit
    this.resetGas(UNLIMITED_GAS)
    this.memCap = Infinity
    if (image) {
      this.adopt(image as VM)
    } else {
      this.bootstrap()
      if (opts.contract) restrictForContracts(this)
    }
    this.resetGas(limit)
    this.mem = 0
    this.memCap = this.memoryLimit
  }

  // ---- symbols --------------------------------------------------------------------

  intern(signature: string): number {
    let s = this.baseIndex?.get(signature) ?? this.symbolIndex.get(signature)
    if (s === undefined) {
      if (this.symbolsShared) {
        // Copy on the first symbol of this VM's own: the tables came from another VM.
        this.symbols = this.symbols.slice()
        this.symbolArity = this.symbolArity.slice()
        this.symbolIndex = new Map(this.symbolIndex)
        this.symbolsShared = false
      }
      s = this.symbols.length
      this.symbols.push(signature)
      this.symbolArity.push(signatureArity(signature))
      this.symbolIndex.set(signature, s)
    }
    return s
  }

  // ---- gas and memory -------------------------------------------------------------

  resetGas(limit: number): void {
    this.gasLimit = limit
    this.gas = Math.min(limit, GAS_CHUNK)
    this.gasReserve = limit - this.gas
  }

  get gasUsed(): number {
    return this.gasLimit - (this.gas + this.gasReserve)
  }

  /** Called when the small counter went negative: top it up or stop the run. */
  refill(g: number): number {
    const total = g + this.gasReserve
    if (total < 0) {
      this.gas = 0
      this.gasReserve = 0
      fatal('R0200', this.gasLimit, this.gasLimit)
    }
    const next = Math.min(total, GAS_CHUNK)
    this.gasReserve = total - next
    this.gas = next
    return next
  }

  /** Dynamic gas for natives, charged before the work it pays for. */
  charge(amount: number): void {
    this.gas -= amount
    if (this.gas < 0) this.refill(this.gas)
  }

  /** Deterministic allocation accounting (bytes), checked against the run's cap. */
  alloc(bytes: number): void {
    this.mem += bytes
    if (this.mem > this.memCap) fatal('R0203', this.memoryLimit)
  }

  checkStringLength(n: number): void {
    if (n > MAX_STRING_BYTES) fatal('R0204', MAX_STRING_BYTES)
  }

  // ---- allocation helpers used by natives ----------------------------------------

  newList(items: Value[]): NList {
    this.alloc(SIZE.list + SIZE.listSlot * items.length)
    return new NList(this.listClass, items)
  }

  newMap(): NMap {
    this.alloc(SIZE.map)
    return new NMap(this.mapClass)
  }

  newRange(from: number, to: number, inclusive: boolean): NRange {
    this.alloc(SIZE.range)
    return new NRange(this.rangeClass, from, to, inclusive)
  }

  newAddress(bytes: Uint8Array): NAddress {
    this.alloc(SIZE.bytes + bytes.length)
    return new NAddress(this.addressClass, bytes)
  }

  newBytes(bytes: Uint8Array): NBytes {
    this.checkStringLength(bytes.length)
    this.alloc(SIZE.bytes + bytes.length)
    return new NBytes(this.bytesClass, bytes)
  }

  /** A constructor call's initializer: the method `initSym` of class k, run on a new
   *  instance (both tiers make constructor calls through this and newInstance). */
  initializerOf(k: NClass, initSym: number): Closure {
    const init = k.methods[initSym]
    if (init === undefined || init.kind !== MethodKind.Closure) abort('R0001', k.name, this.symbols[initSym])
    return init.closure!
  }

  newInstance(k: NClass): Instance {
    this.alloc(SIZE.instance + SIZE.field * k.numFields)
    const fields: Value[] = new Array(k.numFields)
    for (let i = 0; i < fields.length; i++) fields[i] = null
    return new Instance(k, fields)
  }

  /** Whether v's class is `cls` or inherits from it. */
  isA(v: Value, cls: NClass): boolean {
    for (let c: NClass | null = this.classOf(v); c !== null; c = c.superclass) if (c === cls) return true
    return false
  }

  classOf(v: Value): NClass {
    switch (typeof v) {
      case 'number':
        return this.numClass
      case 'string':
        return this.stringClass
      case 'boolean':
        return this.boolClass
      case 'bigint':
        return this.intClass
      default:
        return v === null ? this.nullClass : v.cls
    }
  }

  // ---- classes --------------------------------------------------------------------

  /** A class and its metaclass; methods are copied down from the superclass (Wren). */
  newClass(name: string, superclass: NClass | null, ownFields: number): NClass {
    const meta = new NClass(this.classClass, name + ' metaclass', this.classClass, 0)
    meta.methods = this.classClass.methods.slice()
    const numFields = (superclass?.numFields ?? 0) + ownFields
    const cls = new NClass(meta, name, superclass, numFields)
    if (superclass) cls.methods = superclass.methods.slice()
    this.alloc(SIZE.klass)
    if (this.bootstrapping) this.registerCore(cls)
    return cls
  }

  bindMethod(cls: NClass, signature: string, method: Method): void {
    cls.methods[this.intern(signature)] = method
  }

  private registerCore(cls: NClass): void {
    switch (cls.name) {
      case 'Bool':
        this.boolClass = cls
        break
      case 'Null':
        this.nullClass = cls
        break
      case 'Num':
        this.numClass = cls
        break
      case 'String':
        this.stringClass = cls
        break
      case 'List':
        this.listClass = cls
        break
      case 'Map':
        this.mapClass = cls
        break
      case 'Range':
        this.rangeClass = cls
        break
      case 'Fn':
        this.fnClass = cls
        break
      case 'Fiber':
        this.fiberClass = cls
        break
      case 'Int':
        this.intClass = cls
        break
      case 'Bytes':
        this.bytesClass = cls
        break
      case 'Sequence':
        this.sequenceClass = cls
        break
      case 'Address':
        this.addressClass = cls
        break
      case 'PersistentMap':
        this.persistentMapClass = cls
        break
      case 'PersistentList':
        this.persistentListClass = cls
        break
      case 'CallResult':
        this.callResultClass = cls
        break
    }
  }

  /** This VM's symbols, to give another VM the same ones (see `adoptSymbols`). */
  symbolState(): SymbolState {
    return { symbols: this.symbols.slice(), arity: this.symbolArity.slice(), own: new Map(this.symbolIndex) }
  }

  /** Takes the symbols of a VM of the same core, so that classes made there (whose method
   *  tables are indexed by symbol) work here: a prepared contract module's. */
  adoptSymbols(s: SymbolState): void {
    this.symbols = s.symbols as string[]
    this.symbolArity = s.arity as number[]
    this.symbolIndex = s.own as Map<string, number>
    this.symbolsShared = true
  }

  /** Takes the booted core of `image` (see VMOptions.shareCore). */
  private adopt(image: VM): void {
    this.symbols = image.symbols
    this.symbolArity = image.symbolArity
    this.baseIndex = image.symbolIndex
    this.symbolIndex = new Map()
    this.symbolsShared = true
    this.objectClass = image.objectClass
    this.classClass = image.classClass
    this.boolClass = image.boolClass
    this.nullClass = image.nullClass
    this.numClass = image.numClass
    this.stringClass = image.stringClass
    this.listClass = image.listClass
    this.mapClass = image.mapClass
    this.rangeClass = image.rangeClass
    this.fnClass = image.fnClass
    this.fiberClass = image.fiberClass
    this.intClass = image.intClass
    this.bytesClass = image.bytesClass
    this.addressClass = image.addressClass
    this.persistentMapClass = image.persistentMapClass
    this.persistentListClass = image.persistentListClass
    this.callResultClass = image.callResultClass
    this.boxClass = image.boxClass
    this.sequenceClass = image.sequenceClass
    this.builtins = image.builtins
    this.core = image.core
    this.bootstrapping = false
  }

  private bootstrap(): void {
    // Object, Class and Object's metaclass refer to each other; wire them by hand.
    const placeholder = Object.create(NClass.prototype) as NClass
    const object = new NClass(placeholder, 'Object', null, 0)
    const klass = new NClass(placeholder, 'Class', object, 0)
    const objectMeta = new NClass(klass, 'Object metaclass', klass, 0)
    object.cls = objectMeta
    klass.cls = klass
    this.objectClass = object
    this.classClass = klass
    this.boxClass = new NClass(klass, 'Box', object, 0)
    // Natives of Object and Class must exist before other classes copy them down.
    installCore(this, 'bootstrap')
    objectMeta.methods = klass.methods.slice()
    installCore(this, 'objectMeta', objectMeta)

    const loaded = this.cache.load(PRELUDE_MODULE)
    if (loaded instanceof LoadError) throw new Error(`the core prelude does not load: ${loaded}`)
    const mod = this.instantiate(loaded, null)
    this.core = mod.units[0]
    this.core.vars[this.core.varNames.indexOf('Object')] = object
    this.core.vars[this.core.varNames.indexOf('Class')] = klass
    const out = this.runUnit(this.core)
    if (out.kind !== 'ok') throw new Error(`the core prelude failed: ${out.message}`)
    this.bootstrapping = false
    for (const name of CORE_NAMES) {
      if (this.core.varNames.indexOf(name) < 0) throw new Error(`the core prelude does not define ${name}`)
    }
    installCore(this, 'classes')
    for (const c of [klass, this.fiberClass, this.fnClass, this.listClass, this.mapClass, this.rangeClass, this.stringClass, this.boolClass, this.nullClass, this.numClass, this.intClass, this.bytesClass]) {
      this.builtins.add(c)
    }
  }

  // ---- modules --------------------------------------------------------------------

  /** Makes a loaded module's units and functions live in this VM. `core` is null only
   *  for the prelude; other units start with the core variables they implicitly import. */
  instantiate(loaded: LoadedModule, core: RUnit | null): RModule {
    const m = loaded.module
    const consts: Value[] = m.constants.map((c) => (c instanceof Uint8Array ? new NBytes(this.bytesClass, c) : c))
    const syms = Int32Array.from(m.symbols, (s) => this.intern(s))
    const mod = new RModule(loaded, consts, syms)
    for (const u of m.units) {
      const vars: Value[] = new Array(u.vars.length).fill(null)
      if (core) {
        // Wren: every module starts with the core module's variables. The compiler
        // declares them first, in CORE_NAMES order, then a contract's CONTRACT_NAMES.
        const implicit = m.contract ? (m.contract.test ? IMPLICIT_TEST_NAMES : IMPLICIT_CONTRACT_NAMES) : CORE_NAMES
        for (let i = 0; i < implicit.length && i < u.vars.length; i++) {
          if (u.vars[i] !== implicit[i]) break
          vars[i] = core.vars[core.varNames.indexOf(implicit[i])]
        }
      }
      mod.units.push(new RUnit(u.name, u.vars, vars, null))
    }
    loaded.functions.forEach((lf) => mod.fns.push(new RFunction(lf, mod, mod.units[lf.unit])))
    m.units.forEach((u, i) => {
      mod.units[i].main = u.main >= 0 ? mod.fns[u.main] : null
      mod.units[i].broken = u.main === BROKEN_UNIT
    })
    return mod
  }

  load(bytes: Uint8Array): RModule | LoadError {
    const loaded = this.cache.load(bytes)
    if (loaded instanceof LoadError) return loaded
    return this.instantiate(loaded, this.core)
  }

  /** Runs a module's entry unit to completion on a fresh root fiber. */
  runModule(mod: RModule): RunOutcome {
    return this.runUnit(mod.units[0])
  }

  /** Control leaves a fiber for the fiber that tried it: keep what it did (contracts). */
  keepSavepoint(fiber: Fiber): void {
    if (fiber.savepoint >= 0) {
      this.contract?.host.release(fiber.savepoint)
      fiber.savepoint = -1
    }
  }

  /** Runs a method closure on `receiver` with `args` on a fresh root fiber, to completion:
   *  how the contract runtime enters a contract. */
  callMethod(receiver: Value, closure: Closure, args: readonly Value[]): RunOutcome {
    const fiber = new Fiber(this.fiberClass, closure)
    fiber.state = FiberState.Root
    while (fiber.stack.length < args.length + 1) fiber.stack.push(null)
    fiber.stack[0] = receiver
    for (let i = 0; i < args.length; i++) fiber.stack[1 + i] = args[i]
    fiber.sp = 1 + args.length
    return this.runFiber(fiber)
  }

  private runUnit(unit: RUnit): RunOutcome {
    if (!unit.main) {
      return this.errorOutcome(false, 'R0026', `Could not load module '${unit.name}'.`, [])
    }
    unit.state = 1
    const closure = new Closure(this.fnClass ?? this.objectClass, unit.main, [])
    const fiber = new Fiber(this.fiberClass ?? this.objectClass, closure)
    fiber.state = FiberState.Root
    return this.runFiber(fiber)
  }

  private runFiber(fiber: Fiber): RunOutcome {
    const entry = fiber.frames[0].cl.fn
    this.fiber = fiber
    try {
      this.charge(entry.entryCost)
      this.ensureStack(fiber, entry.maxSlots)
      return execute(this)
    } catch (e) {
      if (e instanceof Fatal) {
        this.onError?.(e.code)
        return this.errorOutcome(true, e.code, e.message, this.traceOf(fiber))
      }
      throw e
    }
  }

  // ---- fibers and frames (shared by the interpreter and fiber natives) --------------

  ensureStack(fiber: Fiber, needed: number): void {
    const stack = fiber.stack
    if (needed <= stack.length) return
    if (needed > this.maxStackSlots) fatal('R0202', this.maxStackSlots)
    let n = Math.min(Math.max(needed, stack.length * 2), this.maxStackSlots)
    this.alloc(SIZE.slot * (n - stack.length))
    for (let i = stack.length; i < n; i++) stack.push(null)
  }

  pushFrame(fiber: Fiber, cl: Closure, base: number): Frame {
    if (fiber.depth >= this.maxCallDepth) fatal('R0201', this.maxCallDepth)
    this.ensureStack(fiber, base + cl.fn.maxSlots)
    let frame = fiber.frames[fiber.depth]
    if (frame === undefined) {
      this.alloc(SIZE.frame)
      frame = new Frame(cl, 0, base)
      fiber.frames.push(frame)
    } else {
      frame.cl = cl
      frame.ip = 0
      frame.base = base
    }
    fiber.depth++
    return frame
  }

  newClosure(fn: RFunction, ups: unknown[]): Closure {
    this.alloc(SIZE.closure + SIZE.capture * ups.length)
    return new Closure(this.fnClass, fn, ups)
  }

  /** Whether a closure may run as a plain function (Fn.call, Fiber.new). */
  isPlainFn(c: Closure): boolean {
    return c.fn.lf.kind === FnKind.Fn
  }

  // ---- errors -----------------------------------------------------------------------

  traceOf(fiber: Fiber): TraceFrame[] {
    const out: TraceFrame[] = []
    for (let i = fiber.depth - 1; i >= 0; i--) {
      const f = fiber.frames[i]
      const fn = f.cl.fn
      if (fn.mod === this.core.main?.mod) continue // Wren hides the core module's frames
      const pos = fn.position(f.ip - 1)
      out.push({ fn: fn.name, module: fn.unit.name, line: pos.line, col: pos.col })
    }
    return out
  }

  errorOutcome(isFatal: boolean, code: RuntimeErrorCode, message: string, trace: TraceFrame[], value: Value = message): RunOutcome {
    return { kind: 'error', fatal: isFatal, code, message, value, trace, gasUsed: this.gasUsed }
  }

  /** Error text for a value used as an error (Fiber.abort(42)). */
  errorText(value: Value): string {
    return typeof value === 'string' ? value : '[error object]'
  }

  abort(code: RuntimeErrorCode, ...args: (string | number)[]): never {
    abort(code, ...args)
  }

  /** Fiber.abort(value): any non-null value becomes the fiber's error. */
  throwValue(value: Value): never {
    throw new Abort('R0028', value)
  }
}

function signatureArity(sig: string): number {
  let n = 0
  for (let i = 0; i < sig.length; i++) if (sig.charCodeAt(i) === 95 /* _ */ && (sig[i - 1] === '(' || sig[i - 1] === ',' || sig[i - 1] === '[')) n++
  return n
}

/** The opcode table names the method each operator opcode stands for. */
function installOpSymbols(vm: VM): Int32Array {
  const syms = new Int32Array(OPCODES.length).fill(-1)
  OPCODES.forEach((info, op) => {
    if (info.method) syms[op] = vm.intern(info.method)
  })
  return syms
}

export { Abort, Fatal }
