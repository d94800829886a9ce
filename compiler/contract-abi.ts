// Reads a contract class's ABI from its methods' attributes:
//
//   #view(who = Address, returns = Int)      a view taking an Address, returning an Int
//   #public(to = Address, amount = Int)      a state-changing method (returns Null)
//   #payable                                 accepts attached value
//   #deploy(supply = Int)                    the constructor run at deploy
//   #reentrant                               beside one of the above: opts in to re-entry
//
// Every parameter must be typed; `returns` defaults to Null. Methods without one of these
// attributes are internal: the chain never calls them.

import type * as A from './ast.js'
import { ABI_KINDS, ABI_TYPES, type AbiKind, type AbiMethod, type AbiParam, type AbiType } from '../vm/contract/abi.js'
import type { Span } from './source.js'

export interface AbiProblem {
  readonly span: Span
  readonly message: string
}

const isKind = (s: string | null): s is AbiKind => s !== null && (ABI_KINDS as readonly string[]).includes(s)
const isType = (s: unknown): s is AbiType => typeof s === 'string' && (ABI_TYPES as readonly string[]).includes(s)

/** In a test program, what the runner calls: `setUp` and methods named test...; `#test(x = Int)`
 *  types a test's parameters (it then runs on random inputs of those types). */
const isTestMethod = (m: A.Method) => m.methodKind === 'method' && !m.isStatic && (m.name === 'setUp' || /^test/.test(m.name))

/** The ABI entry of one method, or null when it has no ABI attribute. */
export function abiMethod(m: A.Method, signature: string, problems: AbiProblem[], test = false): AbiMethod | null {
  if (test && isTestMethod(m)) return testMethod(m, signature, problems)
  const compileTime = m.attributes.filter((a) => !a.runtime)
  const marks = compileTime.filter((a) => (a.group === null && isKind(a.key)) || isKind(a.group))
  const reentrant = compileTime.some((a) => a.group === null && a.key === 'reentrant')
  if (marks.length === 0) {
    if (reentrant) problems.push({ span: m.nameSpan, message: '#reentrant needs #public, #payable or #view beside it.' })
    // An unmarked constructor would be skipped at deploy: the chain calls only the ABI.
    if (m.methodKind === 'constructor' && !m.isStatic) problems.push({ span: m.nameSpan, message: 'Mark a contract constructor with #deploy (and type its parameters).' })
    return null
  }
  const kind = (marks[0].group ?? marks[0].key) as AbiKind
  for (const a of marks) {
    if ((a.group ?? a.key) !== kind) {
      problems.push({ span: a.span, message: `A method has one ABI kind: #${kind} and #${a.group ?? a.key} conflict.` })
      return null
    }
  }
  if (m.isStatic) {
    problems.push({ span: m.nameSpan, message: 'Static methods cannot be part of a contract ABI: the chain calls instances.' })
    return null
  }
  const isCtor = m.methodKind === 'constructor'
  if (isCtor !== (kind === 'deploy')) {
    problems.push({ span: marks[0].span, message: isCtor ? 'Mark a contract constructor with #deploy.' : '#deploy marks the constructor.' })
    return null
  }
  if (m.methodKind !== 'method' && m.methodKind !== 'getter' && m.methodKind !== 'constructor') {
    problems.push({ span: m.nameSpan, message: 'Only named methods, getters and constructors can be part of a contract ABI.' })
    return null
  }
  const types = new Map<string, { type: unknown; span: Span }>()
  let returns: AbiType = 'Null'
  for (const a of marks) {
    if (a.group === null) continue
    if (a.key === 'returns') {
      if (!isType(a.value)) problems.push({ span: a.span, message: `Unknown ABI type '${a.value}' (one of ${ABI_TYPES.join(', ')}).` })
      else if (kind === 'deploy') problems.push({ span: a.span, message: 'A constructor returns nothing: drop `returns`.' })
      else returns = a.value
      continue
    }
    if (types.has(a.key)) problems.push({ span: a.span, message: `Parameter '${a.key}' is typed twice.` })
    types.set(a.key, { type: a.value, span: a.span })
  }
  const params: AbiParam[] = []
  for (const p of m.params) {
    const t = types.get(p.name)
    types.delete(p.name)
    if (t === undefined) {
      problems.push({ span: p.span, message: `Parameter '${p.name}' needs a type: #${kind}(${p.name} = Int, ...).` })
      continue
    }
    if (!isType(t.type)) {
      problems.push({ span: t.span, message: `Unknown ABI type '${t.type}' (one of ${ABI_TYPES.join(', ')}).` })
      continue
    }
    params.push({ name: p.name, type: t.type })
  }
  for (const [name, t] of types) problems.push({ span: t.span, message: `'${name}' is not a parameter of ${m.name}.` })
  return { signature, name: m.name, kind, params, returns, reentrant }
}

function testMethod(m: A.Method, signature: string, problems: AbiProblem[]): AbiMethod {
  const types = new Map<string, unknown>()
  for (const a of m.attributes) if (!a.runtime && a.group === 'test') types.set(a.key, a.value)
  const params: AbiParam[] = m.params.map((p) => {
    const t = types.get(p.name) ?? 'Int'
    if (!isType(t)) {
      problems.push({ span: p.span, message: `Unknown ABI type '${t}' (one of ${ABI_TYPES.join(', ')}).` })
      return { name: p.name, type: 'Any' as AbiType }
    }
    return { name: p.name, type: t }
  })
  return { signature, name: m.name, kind: 'public', params, returns: 'Any', reentrant: true }
}
