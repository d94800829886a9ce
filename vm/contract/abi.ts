// A contract module's ABI: which classes are contracts, which of their methods the chain
// may call, and the storable types of their parameters and results. The compiler reads it
// from attributes (compiler/contract-abi.ts); it travels inside the module (covered by its
// content hash), so the chain checks calls against the code it runs, not a side file.

import type { ByteReader, ByteWriter } from '../bytes-io.js'

/** The storable types a parameter or result may declare. `Any` is any storable value. */
export const ABI_TYPES = ['Null', 'Bool', 'Num', 'Int', 'String', 'Bytes', 'Address', 'List', 'Map', 'Any'] as const
export type AbiType = (typeof ABI_TYPES)[number]

/**
 * What the chain lets a method do, named by the attribute that marks it:
 * - `deploy`: the constructor run once when the contract is deployed;
 * - `public`: callable, may write state, refuses attached value;
 * - `payable`: as public, and accepts attached value;
 * - `view`: reads only; writing, transferring or emitting aborts, and it calls only views.
 */
export const ABI_KINDS = ['deploy', 'public', 'payable', 'view'] as const
export type AbiKind = (typeof ABI_KINDS)[number]

export interface AbiParam {
  readonly name: string
  readonly type: AbiType
}

export interface AbiMethod {
  /** Nest signature, e.g. `transfer(_,_)`, `total`, `new(_)`. */
  readonly signature: string
  /** The name callers use (`transfer`); with the argument count it picks the signature. */
  readonly name: string
  readonly kind: AbiKind
  readonly params: readonly AbiParam[]
  readonly returns: AbiType
  /** Whether the contract may be re-entered while this method is on the call stack. */
  readonly reentrant: boolean
}

export interface AbiClass {
  readonly name: string
  /** The contract superclass it extends (its methods are inherited), or null for Contract. */
  readonly superclass: string | null
  readonly methods: readonly AbiMethod[]
}

export interface ContractSection {
  /** Imported units' classes, then the entry unit's, each in declaration order: a deploy of
   *  the module creates the last one. */
  readonly classes: readonly AbiClass[]
  /** A test program (`unest test`): it uses the test host, which only a local chain in
   *  test mode offers; any other chain refuses to deploy it. */
  readonly test?: boolean
}

/** The methods a class answers to, its own over inherited ones (by signature). */
export function abiOf(section: ContractSection, className: string): AbiMethod[] | null {
  const byName = new Map(section.classes.map((c) => [c.name, c]))
  const chain: AbiClass[] = []
  for (let c = byName.get(className); c !== undefined; c = c.superclass === null ? undefined : byName.get(c.superclass)) {
    if (chain.includes(c)) break
    chain.push(c)
  }
  if (chain.length === 0) return null
  const out = new Map<string, AbiMethod>()
  for (const c of chain.reverse()) for (const m of c.methods) out.set(m.signature, m)
  return [...out.values()]
}

const MAX_ABI_CLASSES = 256
const MAX_ABI_METHODS = 1024
const MAX_ABI_PARAMS = 16

export function writeContractSection(s: ContractSection, w: ByteWriter): void {
  w.u8(s.test ? 1 : 0)
  w.uvar(s.classes.length)
  for (const c of s.classes) {
    w.str(c.name)
    w.str(c.superclass ?? '')
    w.uvar(c.methods.length)
    for (const m of c.methods) {
      w.str(m.signature)
      w.str(m.name)
      w.u8(ABI_KINDS.indexOf(m.kind))
      w.u8(ABI_TYPES.indexOf(m.returns))
      w.u8(m.reentrant ? 1 : 0)
      w.uvar(m.params.length)
      for (const p of m.params) {
        w.str(p.name)
        w.u8(ABI_TYPES.indexOf(p.type))
      }
    }
  }
}

export function readContractSection(r: ByteReader, fail: (message: string) => never): ContractSection {
  const table = <T>(values: readonly T[], what: string): T => {
    const i = r.u8()
    if (i >= values.length) fail(`unknown ABI ${what} ${i}`)
    return values[i]
  }
  const flags = r.u8()
  if (flags > 1) fail('unknown contract section flags')
  const classes: AbiClass[] = []
  const nClasses = r.count(MAX_ABI_CLASSES, 'contract classes')
  for (let i = 0; i < nClasses; i++) {
    const name = r.str()
    const superclass = r.str()
    const methods: AbiMethod[] = []
    const nMethods = r.count(MAX_ABI_METHODS, 'ABI methods')
    for (let j = 0; j < nMethods; j++) {
      const signature = r.str()
      const mname = r.str()
      const kind = table(ABI_KINDS, 'kind')
      const returns = table(ABI_TYPES, 'type')
      const flag = r.u8()
      if (flag > 1) fail('bad ABI reentrancy flag')
      const params: AbiParam[] = []
      const nParams = r.count(MAX_ABI_PARAMS, 'ABI parameters')
      for (let k = 0; k < nParams; k++) params.push({ name: r.str(), type: table(ABI_TYPES, 'type') })
      methods.push({ signature, name: mname, kind, params, returns, reentrant: flag === 1 })
    }
    classes.push({ name, superclass: superclass === '' ? null : superclass, methods })
  }
  return flags === 1 ? { classes, test: true } : { classes }
}
