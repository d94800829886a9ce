// How the parser decides between alternatives: Chevrotain's LL(k) lookahead paths, worked
// out once at build time (scripts/gen-lookahead.ts) and turned into small matching
// functions when the parser is built. Computing the paths at start-up took longer than
// the rest of `unest run`; a production missing from the table (a grammar edited without
// `npm run gen`) is computed on first use, and a test keeps the table current.

import { EOF, getLookaheadPaths, LLkLookaheadStrategy, type ILookaheadStrategy, type IOrAlt, type TokenType } from 'chevrotain'
import { ALL_TOKENS } from './lexer.js'
import { LOOKAHEAD_PATHS } from './lookahead.generated.js'

type AltOptions = Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]
type OptOptions = Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]
/** Per alternative, the token sequences that select it. */
export type AltPaths = TokenType[][][]

interface Lookahead {
  LA(i: number): { tokenType: TokenType }
}

export function productionKey(rule: string, prodType: string, occurrence: number): string {
  return `${rule}:${prodType}:${occurrence}`
}

function matches(p: Lookahead, path: TokenType[]): boolean {
  for (let i = 0; i < path.length; i++) if (p.LA(i + 1).tokenType !== path[i]) return false
  return true
}

export function alternativesFunction(alts: AltPaths, hasPredicates: boolean): (this: Lookahead, orAlts?: IOrAlt<unknown>[]) => number | undefined {
  if (!hasPredicates && alts.every((a) => a.every((p) => p.length === 1))) {
    // One token decides: a table from token type to the first alternative it selects.
    const choice = new Map<TokenType, number>()
    alts.forEach((a, i) => a.forEach((p) => (choice.has(p[0]) ? undefined : choice.set(p[0], i))))
    return function () {
      return choice.get(this.LA(1).tokenType)
    }
  }
  return function (orAlts) {
    for (let t = 0; t < alts.length; t++) {
      const gate = hasPredicates ? orAlts?.[t]?.GATE : undefined
      if (gate !== undefined && gate.call(this) === false) continue
      for (const path of alts[t]) if (matches(this, path)) return t
    }
    return undefined
  }
}

export function optionalFunction(paths: TokenType[][]): (this: Lookahead) => boolean {
  if (paths.every((p) => p.length === 1)) {
    const first = new Set(paths.map((p) => p[0]))
    return function () {
      return first.has(this.LA(1).tokenType)
    }
  }
  return function () {
    for (const path of paths) if (matches(this, path)) return true
    return false
  }
}

const byName = new Map<string, TokenType>([...ALL_TOKENS.map((t) => [t.name, t] as const), ['EOF', EOF]])
const toTypes = (paths: string[][]) => paths.map((p) => p.map((n) => byName.get(n)!))

/** Lookahead from the precomputed table, computing (lazily) only what it lacks. */
export class PrecomputedLookahead extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(o: AltOptions) {
    const stored = LOOKAHEAD_PATHS[productionKey(o.rule.name, 'Alternation', o.prodOccurrence)]
    if (stored) return alternativesFunction(stored.map(toTypes), o.hasPredicates)
    let f: ReturnType<typeof alternativesFunction> | null = null
    return function (this: Lookahead, alts?: IOrAlt<unknown>[]) {
      f ??= alternativesFunction(computeAlternation(o), o.hasPredicates)
      return f.call(this, alts)
    }
  }
  override buildLookaheadForOptional(o: OptOptions) {
    const stored = LOOKAHEAD_PATHS[productionKey(o.rule.name, o.prodType, o.prodOccurrence)]
    if (stored) return optionalFunction(toTypes(stored[0]))
    let f: ReturnType<typeof optionalFunction> | null = null
    return function (this: Lookahead) {
      f ??= optionalFunction(computeOptional(o))
      return f.call(this)
    }
  }
}

export function computeAlternation(o: AltOptions): AltPaths {
  return getLookaheadPaths({ occurrence: o.prodOccurrence, rule: o.rule, prodType: 'Alternation', maxLookahead: o.maxLookahead }) as AltPaths
}

export function computeOptional(o: OptOptions): TokenType[][] {
  return (getLookaheadPaths({ occurrence: o.prodOccurrence, rule: o.rule, prodType: o.prodType, maxLookahead: o.maxLookahead }) as AltPaths)[0]
}

/** Computes every production's paths as the parser is built (for the generator). */
export class RecordingLookahead extends LLkLookaheadStrategy {
  readonly table: Record<string, string[][][]> = {}
  override buildLookaheadForAlternation(o: AltOptions) {
    const paths = computeAlternation(o)
    this.table[productionKey(o.rule.name, 'Alternation', o.prodOccurrence)] = paths.map((a) => a.map((p) => p.map((t) => t.name)))
    return alternativesFunction(paths, o.hasPredicates)
  }
  override buildLookaheadForOptional(o: OptOptions) {
    const paths = computeOptional(o)
    this.table[productionKey(o.rule.name, o.prodType, o.prodOccurrence)] = [paths.map((p) => p.map((t) => t.name))]
    return optionalFunction(paths)
  }
}
