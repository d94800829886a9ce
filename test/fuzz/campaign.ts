// A fuzz campaign: N source cases (generated programs and mutants of the language cases)
// and M module cases (mutated .nvm files), every case derived from (seed, stream, case
// number) alone so that any one can be replayed by itself. Counts what happened and
// collects failures with what is needed to reproduce them. Used by fuzz.test.ts and run.ts.

import { dirname, relative } from 'node:path'
import { FileHost } from '../../cli/host.js'
import type { CompileHost } from '../../compiler/compile.js'
import { compile } from '../../compiler/compile.js'
import { ModuleCache } from '../../vm/loader.js'
import { CaseCache, MapHost, runModuleBytes, runSource, type Outcome } from './exec.js'
import { compileCorpusFile, corpus } from './corpus.js'
import { mutateModule } from './module-mutate.js'
import { Prng } from './prng.js'
import { generateProgram } from './source-gen.js'
import { mutateSource } from './source-mutate.js'

const SOURCE_STREAM = 1
const MODULE_STREAM = 2
const POOL_STREAM = 3
/** Generated programs the module pool draws from, beside the language cases. */
const POOL_GENERATED = 60

export interface SourceCase {
  readonly origin: string
  readonly text: string
  readonly modules: ReadonlyMap<string, string>
  readonly host: CompileHost | null
}

/** Source case k of a seed: a generated program, or a mutant of one or of a language case. */
export function sourceCase(seed: number, k: number): SourceCase {
  const rng = new Prng(seed, SOURCE_STREAM, k)
  const files = corpus()
  const choice = rng.weighted([4, 5, 1])
  if (choice === 0) {
    const p = generateProgram(rng)
    return { origin: 'generated', text: p.main, modules: p.modules, host: new MapHost(p.modules) }
  }
  if (choice === 1) {
    const file = rng.pick(files)
    const text = mutateSource(rng, file.text, files.map((f) => f.text))
    // Run from the case's folder, as the language runner does, so its imports resolve.
    return { origin: `mutant of ${relative(process.cwd(), file.path)}`, text, modules: new Map(), host: new FileHost(dirname(file.path)) }
  }
  const p = generateProgram(rng)
  const text = mutateSource(rng, p.main, files.map((f) => f.text))
  return { origin: 'mutant of a generated program', text, modules: p.modules, host: new MapHost(p.modules) }
}

/** The compiled modules that module cases mutate, built lazily and deterministically. */
export class ModulePool {
  private readonly built = new Map<number, { origin: string; bytes: Uint8Array } | null>()
  constructor(private readonly seed: number) {}

  get size(): number {
    return corpus().length + POOL_GENERATED
  }

  /** Entry i, or the next one after it that compiles. */
  get(i: number): { origin: string; bytes: Uint8Array } {
    for (let k = 0; k < this.size; k++) {
      const e = this.build((i + k) % this.size)
      if (e) return e
    }
    throw new Error('no source of the module pool compiles')
  }

  private build(i: number): { origin: string; bytes: Uint8Array } | null {
    if (this.built.has(i)) return this.built.get(i)!
    const files = corpus()
    let entry: { origin: string; bytes: Uint8Array } | null = null
    if (i < files.length) {
      const bytes = compileCorpusFile(files[i])
      if (bytes) entry = { origin: relative(process.cwd(), files[i].path), bytes }
    } else {
      const p = generateProgram(new Prng(this.seed, POOL_STREAM, i))
      const r = compile({ name: './main', path: 'main.nest', text: p.main }, new MapHost(p.modules))
      if (r.bytes) entry = { origin: `generated program ${i - files.length} of the pool`, bytes: r.bytes }
    }
    this.built.set(i, entry)
    return entry
  }
}

export interface ModuleCase {
  readonly origin: string
  readonly bytes: Uint8Array
  readonly log: readonly string[]
}

export function moduleCase(seed: number, k: number, pool: ModulePool): ModuleCase {
  const rng = new Prng(seed, MODULE_STREAM, k)
  const base = pool.get(rng.int(pool.size))
  const m = mutateModule(rng, base.bytes)
  return { origin: base.origin, bytes: m.bytes, log: m.log }
}

export interface Failure {
  readonly stream: 'source' | 'module'
  readonly seed: number
  readonly k: number
  readonly stage: string
  readonly error: string
  /** The input, printable: the source (and its modules) or the module's mutation. */
  readonly input: string
}

export interface SourceCounts {
  total: number
  generated: number
  compiled: number
  ok: number
  runtimeError: number
  fatal: number
  diagnostics: number
}

export interface ModuleCounts {
  total: number
  /** Decoded: the verifier saw them. */
  reachedVerifier: number
  rejectedFormat: number
  rejectedVerify: number
  ran: number
  ok: number
  runtimeError: number
  fatal: number
}

export interface CampaignResult {
  readonly sources: SourceCounts
  readonly modules: ModuleCounts
  readonly failures: Failure[]
  /** The slowest run, for the report (tests never assert on time). */
  readonly slowest: { ms: number; stream: string; k: number }
}

export interface CampaignOptions {
  readonly seed: number
  /** How many source cases, starting at case `sourceFirst` (default 0). */
  readonly sources: number
  readonly sourceFirst?: number
  /** How many module cases, starting at case `moduleFirst` (default 0). */
  readonly modules: number
  readonly moduleFirst?: number
  /** A run longer than this is a failure (run.ts only; tests never time anything). */
  readonly slowMs?: number
}

export function describeSource(c: SourceCase): string {
  let s = `origin: ${c.origin}\n--- main.nest\n${c.text}`
  for (const [name, text] of c.modules) s += `\n--- ${name}.nest\n${text}`
  return s
}

export function describeModule(c: ModuleCase): string {
  return `origin: ${c.origin}\nmutation: ${c.log.join('; ')}\nbase64: ${Buffer.from(c.bytes).toString('base64')}`
}

function tally(run: Extract<Outcome, { kind: 'ran' }>['run'], counts: { ok: number; runtimeError: number; fatal: number }): void {
  if (run.kind === 'ok') counts.ok++
  else if (run.fatal) counts.fatal++
  else counts.runtimeError++
}

export function runCampaign(opts: CampaignOptions): CampaignResult {
  const shared = new ModuleCache()
  const failures: Failure[] = []
  const slowest = { ms: 0, stream: '', k: -1 }
  const sources: SourceCounts = { total: 0, generated: 0, compiled: 0, ok: 0, runtimeError: 0, fatal: 0, diagnostics: 0 }
  const modules: ModuleCounts = { total: 0, reachedVerifier: 0, rejectedFormat: 0, rejectedVerify: 0, ran: 0, ok: 0, runtimeError: 0, fatal: 0 }
  const timed = (o: Outcome, stream: string, k: number): string | null => {
    if (o.kind !== 'ran') return null
    if (o.ms > slowest.ms) Object.assign(slowest, { ms: o.ms, stream, k })
    return opts.slowMs !== undefined && o.ms > opts.slowMs ? `the run took ${o.ms.toFixed(0)} ms` : null
  }

  for (let i = 0; i < opts.sources; i++) {
    const k = (opts.sourceFirst ?? 0) + i
    let c: SourceCase
    try {
      c = sourceCase(opts.seed, k)
    } catch (e) {
      failures.push({ stream: 'source', seed: opts.seed, k, stage: 'fuzzer', error: String(e), input: '' })
      continue
    }
    sources.total++
    if (c.origin === 'generated') sources.generated++
    // Every fourth case also checks that a second run does exactly what the first did.
    const o = runSource(c.text, c.host, new CaseCache(shared), k % 4 === 0)
    const slow = timed(o, 'source', k)
    if (o.kind === 'failure' || slow) {
      failures.push({ stream: 'source', seed: opts.seed, k, stage: o.kind === 'failure' ? o.stage : 'time', error: o.kind === 'failure' ? o.error : slow!, input: describeSource(c) })
    } else if (o.kind === 'diagnostics') {
      sources.diagnostics++
    } else if (o.kind === 'ran') {
      sources.compiled++
      tally(o.run, sources)
    }
  }

  const pool = new ModulePool(opts.seed)
  for (let i = 0; i < opts.modules; i++) {
    const k = (opts.moduleFirst ?? 0) + i
    const c = moduleCase(opts.seed, k, pool)
    modules.total++
    const o = runModuleBytes(c.bytes, new CaseCache(shared))
    const slow = timed(o, 'module', k)
    if (o.kind === 'failure' || slow) {
      failures.push({ stream: 'module', seed: opts.seed, k, stage: o.kind === 'failure' ? o.stage : 'time', error: o.kind === 'failure' ? o.error : slow!, input: describeModule(c) })
    }
    if (o.kind === 'rejected' && o.stage === 'format') modules.rejectedFormat++
    else if (o.kind === 'rejected') modules.rejectedVerify++
    else if (o.kind === 'ran') {
      modules.ran++
      tally(o.run, modules)
    }
    if (!(o.kind === 'rejected' && o.stage === 'format')) modules.reachedVerifier++
  }
  return { sources, modules, failures, slowest }
}

/** Sums the results of campaigns run over disjoint case ranges. */
export function mergeResults(parts: readonly CampaignResult[]): CampaignResult {
  const sum = <T extends object>(pick: (r: CampaignResult) => T): T => {
    const out = { ...pick(parts[0]) } as Record<string, number>
    for (const r of parts.slice(1)) for (const [k, v] of Object.entries(pick(r))) out[k] += v as number
    return out as T
  }
  const slowest = parts.map((r) => r.slowest).reduce((a, b) => (b.ms > a.ms ? b : a))
  return { sources: sum((r) => r.sources), modules: sum((r) => r.modules), failures: parts.flatMap((r) => r.failures), slowest }
}

export function formatCounts(r: CampaignResult): string {
  const s = r.sources
  const m = r.modules
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`)
  return [
    `sources: ${s.total} (${s.generated} generated), ${s.compiled} compiled and ran (${pct(s.compiled, s.total)}): ${s.ok} ok, ${s.runtimeError} runtime errors, ${s.fatal} fatal; ${s.diagnostics} with diagnostics`,
    `modules: ${m.total}, ${m.reachedVerifier} reached the verifier (${pct(m.reachedVerifier, m.total)}): ${m.rejectedVerify} rejected by it, ${m.ran} ran (${m.ok} ok, ${m.runtimeError} runtime errors, ${m.fatal} fatal); ${m.rejectedFormat} rejected by the decoder`,
    `slowest run: ${r.slowest.ms.toFixed(1)} ms (${r.slowest.stream} case ${r.slowest.k})`,
    `failures: ${r.failures.length}`,
  ].join('\n')
}

export function formatFailure(f: Failure): string {
  return [
    `FAIL ${f.stream} case ${f.k} of seed ${f.seed} (${f.stage})`,
    `replay: node --import tsx test/fuzz/run.ts --seed ${f.seed} --case ${f.k} --only ${f.stream}s`,
    f.error,
    f.input,
  ].join('\n')
}
