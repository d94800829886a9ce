// Compiles the Nest versions of the EVM workloads (bench/contracts/*.nest) in process, as
// solc-js compiles the Solidity ones, and times it: the figure set beside solc-js's.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compile } from '../../compiler/compile.js'
import { renderDiagnostic } from '../../compiler/diagnostics.js'
import { median, msSince } from '../stats.js'

export const NEST_CONTRACTS_DIR = join(import.meta.dirname, '..', 'contracts')

export class NestCompileError extends Error {
  override name = 'NestCompileError'
}

export interface NestCompileOutput {
  /** Module bytes by file name without `.nest` (`fib`, `token`, ...). */
  readonly modules: ReadonlyMap<string, Uint8Array>
  /** The first compile of every file in this process (the compiler's own warm-up included). */
  readonly coldMs: number
  /** Median of `warmRuns` further compiles of every file. */
  readonly warmMs: number
  readonly warmRuns: number
}

export function readNestSources(dir = NEST_CONTRACTS_DIR): Map<string, { path: string; text: string }> {
  const sources = new Map<string, { path: string; text: string }>()
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.nest')).sort()) {
    const path = join(dir, f)
    sources.set(f.slice(0, -'.nest'.length), { path, text: readFileSync(path, 'utf8') })
  }
  return sources
}

function compileAll(sources: ReadonlyMap<string, { path: string; text: string }>): Map<string, Uint8Array> {
  const modules = new Map<string, Uint8Array>()
  for (const [name, s] of sources) {
    const r = compile({ name: 'main', path: s.path, text: s.text }, null, { contract: true })
    if (!r.bytes) throw new NestCompileError(r.diagnostics.map((d) => renderDiagnostic(d)).join('\n'))
    modules.set(name, r.bytes)
  }
  return modules
}

export function compileNestContracts(sources = readNestSources(), warmRuns = 5): NestCompileOutput {
  const t0 = process.hrtime.bigint()
  const modules = compileAll(sources)
  const coldMs = msSince(t0)
  const warm: number[] = []
  for (let i = 0; i < warmRuns; i++) {
    const t = process.hrtime.bigint()
    compileAll(sources)
    warm.push(msSince(t))
  }
  return { modules, coldMs, warmMs: warm.length > 0 ? median(warm) : coldMs, warmRuns }
}
