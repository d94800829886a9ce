// One contract call in a fresh VM: load the (cached, verified) module, run its top level
// (class definitions and constants), check the call against the ABI, run the method on an
// instance that holds nothing (its fields are the chain's state), check and encode the
// result. What the chain's state transition calls for deploys and calls; nothing here knows
// about accounts, fees or journals: the ContractHost does.

import { Abort, Fatal, formatRuntimeError, type RuntimeErrorCode } from '../errors.js'
import { LoadError } from '../loader.js'
import { Method, MethodKind, NAddress, NBytes, NClass, NList, type Value } from '../value.js'
import { deployNative, fromLoop } from './chain.js'
import { NMap } from '../map-table.js'
import { VM, type RunOutcome, type SymbolState, type TraceFrame } from '../vm.js'
import type { RModule } from '../function.js'
import type { ModuleCache } from '../loader.js'
import { abiOf, type AbiMethod, type AbiType } from './abi.js'
import type { ContractHost } from './host.js'
import type { ContractContext } from './natives.js'
import { decodeValue, encodeValue, type StoreClasses } from './storable.js'

export interface ContractCall {
  /** Module bytes; verified once per content hash through `cache`. */
  readonly module: Uint8Array
  readonly cache?: ModuleCache
  readonly className: string
  /** The constructor at deploy, else the ABI method of this name (and argument count). */
  readonly method: { readonly deploy: true } | { readonly deploy: false; readonly name: string }
  /** ABI-encoded arguments: a stored List of storable values. */
  readonly args: Uint8Array
  readonly host: ContractHost
  readonly gasLimit: number
  /** System.print output (shown by local chains and `unest test`; costs the same gas everywhere). */
  readonly print?: (text: string) => void
  /** The caller is a view: the method must be one too. */
  readonly requireView?: boolean
  /** The contract is already on the call stack: the method must be #reentrant. */
  readonly reentered?: boolean
}

export type ContractOutcome =
  | { readonly ok: true; readonly value: Uint8Array; readonly gasUsed: number; readonly abi: AbiMethod | null }
  | {
      readonly ok: false
      readonly code: RuntimeErrorCode | 'load'
      readonly message: string
      readonly trace: readonly TraceFrame[]
      readonly gasUsed: number
      readonly fatal: boolean
    }

/**
 * A contract module after its top level ran: its classes and constants. A contract's top
 * level only declares (E0072) and its classes hold no state (no static fields, E0067), so
 * running it again at the next call would make the same classes for the same gas: a call
 * takes this instead and is charged the gas and memory the run took.
 */
interface Prepared {
  readonly mod: RModule
  readonly gas: number
  readonly mem: number
  readonly symbols: SymbolState
  /** Names of the classes the program declares: the only ones a stored instance may name. */
  readonly declared: ReadonlySet<string>
  /** The ABI of each contract class, by name, worked out at its first call. */
  readonly abis: Map<string, AbiMethod[] | null>
}

function prepare(vm: VM, module: Uint8Array): Prepared | ContractOutcome {
  const mod = vm.load(module)
  if (mod instanceof LoadError) return failure(vm, 'load', `the module does not load: ${mod.message}`)
  const section = mod.loaded.module.contract
  if (!section) return failure(vm, 'load', 'the module was not compiled as a contract')
  const top = vm.runModule(mod)
  if (top.kind === 'error') return fromRun(top)
  // Constructors of contract classes deploy: an instance in memory would share this
  // contract's state. In every unit: a contract class may live in an imported one.
  for (const unit of mod.units) {
    for (const c of section.classes) {
      const k = unit.vars[unit.varNames.indexOf(c.name)]
      if (!(k instanceof NClass)) continue
      for (const x of k.cls.methods) {
        if (x?.kind === MethodKind.Constructor) vm.bindMethod(k.cls, x.signature, new Method(MethodKind.Control, x.signature, fromLoop(deployNative(c.name, arityOf(x.signature))) as never, null))
      }
    }
  }
  return {
    mod,
    gas: vm.gasUsed,
    mem: vm.mem,
    symbols: vm.symbolState(),
    declared: new Set(mod.loaded.module.classes.map((c) => c.name)),
    abis: new Map(),
  }
}

export function runContract(call: ContractCall): ContractOutcome {
  const vm = new VM({ host: { write: (s) => call.print?.(s) }, gasLimit: call.gasLimit, cache: call.cache, contract: true, shareCore: true })
  // Nothing but a host bug may throw out of a call: running out of gas while arguments are
  // decoded or the result encoded is the call's failure, as it would be inside the method.
  try {
    return run(vm, call)
  } catch (e) {
    if (e instanceof Fatal) return { ok: false, code: e.code, message: e.message, trace: [], gasUsed: vm.gasUsed, fatal: true }
    if (e instanceof Abort) return failure(vm, e.code, typeof e.value === 'string' ? e.value : formatRuntimeError(e.code, []))
    throw e
  }
}

function run(vm: VM, call: ContractCall): ContractOutcome {
  let prepared = vm.cache.prepared.get(call.module) as Prepared | undefined
  if (prepared !== undefined && prepared.gas <= call.gasLimit && prepared.mem <= vm.memoryLimit) {
    vm.adoptSymbols(prepared.symbols)
    vm.charge(prepared.gas)
    vm.alloc(prepared.mem)
  } else {
    const fresh = prepare(vm, call.module)
    if (!('mod' in fresh)) return fresh
    prepared = fresh
    vm.cache.prepared.set(call.module, fresh)
  }
  const mod = prepared.mod
  const section = mod.loaded.module.contract!

  const unit = mod.units[0]
  const cls = unit.vars[unit.varNames.indexOf(call.className)]
  let abi = prepared.abis.get(call.className)
  if (abi === undefined) prepared.abis.set(call.className, (abi = abiOf(section, call.className)))
  if (!(cls instanceof NClass) || abi === null) return refuse(vm, 'R0311', call.className)
  if (cls.numFields !== 0) return refuse(vm, 'R0312', call.className)

  const declared = prepared.declared
  const classes: StoreClasses = {
    persistentMap: vm.persistentMapClass,
    persistentList: vm.persistentListClass,
    // Only a plain class the program declares: a stored or passed instance that names a core
    // class (List, Fn, Fiber...) or a contract would be a forged object of that class.
    named: (name) => {
      if (!declared.has(name) || section.classes.some((c) => c.name === name)) return undefined
      const v = unit.vars[unit.varNames.indexOf(name)]
      return v instanceof NClass && !vm.builtins.has(v) ? v : undefined
    },
  }
  let args: Value
  try {
    vm.contract = { host: call.host, classes, writable: false }
    args = decodeValue(vm, classes, call.args, true)
  } catch (e) {
    if (e instanceof Abort) return failure(vm, e.code === 'R0321' ? 'R0321' : 'R0313', formatRuntimeError(e.code === 'R0321' ? 'R0321' : 'R0313', []))
    throw e
  }
  if (!(args instanceof NList)) return refuse(vm, 'R0313')

  // A constructor is the class's own (Wren does not inherit them): a deploy runs it, or, when
  // the class has none, runs nothing and takes no arguments.
  const own = section.classes.find((c) => c.name === call.className)!
  const m = call.method.deploy
    ? own.methods.find((x) => x.kind === 'deploy') ?? (args.items.length === 0 ? null : undefined)
    : abi.find((x) => x.kind !== 'deploy' && x.name === (call.method as { name: string }).name && x.params.length === args.items.length)
  const what = call.method.deploy ? 'new' : call.method.name
  if (m === undefined) return refuse(vm, 'R0307', call.className, what, args.items.length)
  if (call.requireView && m !== null && m.kind !== 'view') return refuse(vm, 'R0318', `${call.className}.${what}`)
  if (call.reentered && (m === null || !m.reentrant)) return refuse(vm, 'R0319', call.className, what)
  if (call.host.value > 0n && m !== null && m.kind !== 'payable' && m.kind !== 'deploy') return refuse(vm, 'R0309', `${call.className}.${what}`)
  if (call.host.value > 0n && m === null) return refuse(vm, 'R0309', `${call.className}.new`)
  for (let i = 0; m !== null && i < m.params.length; i++) {
    const p = m.params[i]
    if (!hasType(args.items[i], p.type)) return refuse(vm, 'R0308', i + 1, p.name, `${call.className}.${what}`, p.type)
  }

  const self = vm.newInstance(cls)
  vm.contract = { host: call.host, classes, writable: m === null || m.kind !== 'view' }
  if (m === null) return { ok: true, value: encodeValue(vm, classes, null), gasUsed: vm.gasUsed, abi: null }
  const sig = m.kind === 'deploy' ? 'init ' + m.signature : m.signature
  const method = cls.methods[vm.intern(sig)]
  if (method === undefined || method.kind !== MethodKind.Closure) return refuse(vm, 'R0307', call.className, what, args.items.length)
  const out = vm.callMethod(self, method.closure!, args.items)
  if (out.kind === 'error') return fromRun(out)
  // `returns` left out means the method returns nothing: a one-line body's value is dropped.
  const result = m.returns === 'Null' ? null : out.value
  if (!hasType(result, m.returns)) return refuse(vm, 'R0310', `${call.className}.${what}`, typeName(vm, result), m.returns)
  try {
    return { ok: true, value: encodeValue(vm, classes, result, true), gasUsed: vm.gasUsed, abi: m }
  } catch (e) {
    if (e instanceof Abort) return failure(vm, (e as Abort).code, String(e.value))
    throw e
  }
}

function arityOf(signature: string): number {
  return (signature.match(/_/g) ?? []).length
}

function hasType(v: Value, t: AbiType): boolean {
  switch (t) {
    case 'Null':
      return v === null
    case 'Bool':
      return typeof v === 'boolean'
    case 'Num':
      return typeof v === 'number'
    case 'Int':
      return typeof v === 'bigint'
    case 'String':
      return typeof v === 'string'
    case 'Bytes':
      return v instanceof NBytes && !(v instanceof NAddress)
    case 'Address':
      return v instanceof NAddress
    case 'List':
      return v instanceof NList
    case 'Map':
      return v instanceof NMap
    case 'Any':
      return true
  }
}

function typeName(vm: VM, v: Value): string {
  return vm.classOf(v).name
}

function refuse(vm: VM, code: RuntimeErrorCode, ...args: (string | number)[]): ContractOutcome {
  return failure(vm, code, formatRuntimeError(code, args))
}

function failure(vm: VM, code: RuntimeErrorCode | 'load', message: string): ContractOutcome {
  return { ok: false, code, message, trace: [], gasUsed: vm.gasUsed, fatal: false }
}

function fromRun(out: Extract<RunOutcome, { kind: 'error' }>): ContractOutcome {
  return { ok: false, code: out.code, message: out.message, trace: out.trace, gasUsed: out.gasUsed, fatal: out.fatal }
}
