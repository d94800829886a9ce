// The fuzzers from the command line (`npm run fuzz` = this with --long).
//
//   --seed N          the campaign's seed (default: random with --long, else 1); printed
//   --long            100,000 sources and 100,000 modules instead of 10,000 each
//   --sources N       number of source cases       --modules N   number of module cases
//   --case K          replay case K alone (with --only, of one stream) and print it in full
//   --only sources|modules
//   --jobs N          worker threads (default: one per core)
//
// Unlike the tap test, a run that takes longer than a second counts as a failure here.

import { randomInt } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { describeModule, describeSource, formatCounts, formatFailure, mergeResults, moduleCase, ModulePool, sourceCase, type CampaignResult } from './campaign.js'
import { runCampaignParallel } from './parallel.js'
import { CaseCache, runModuleBytes, runSource, type Outcome } from './exec.js'
import { ModuleCache } from '../../vm/loader.js'

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`)
    const flag = a.slice(2)
    if (flag === 'long') out.set(flag, '1')
    else out.set(flag, argv[++i] ?? '')
  }
  return out
}

function count(args: Map<string, string>, name: string, fallback: number): number {
  const v = args.get(name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} needs a whole number, got ${v}`)
  return n
}

function showOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'diagnostics':
      return `compile diagnostics: ${o.codes.join(', ')}`
    case 'rejected':
      return `rejected (${o.stage}): ${o.message}`
    case 'failure':
      return `FAILURE (${o.stage}): ${o.error}`
    case 'ran': {
      const r = o.run
      const end = r.kind === 'ok' ? `ok, gas ${r.gasUsed}` : `${r.fatal ? 'fatal' : 'runtime'} error ${r.code}: ${r.message} (gas ${r.gasUsed})`
      return `ran in ${o.ms.toFixed(1)} ms: ${end}\n--- output\n${o.output}`
    }
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2))
  const long = args.has('long')
  const seed = count(args, 'seed', long ? randomInt(2 ** 31) : 1)
  const only = args.get('only')
  if (only !== undefined && only !== 'sources' && only !== 'modules') throw new Error('--only takes sources or modules')

  if (args.has('case')) {
    const k = count(args, 'case', 0)
    const shared = new ModuleCache()
    let failed = false
    if (only !== 'modules') {
      const c = sourceCase(seed, k)
      const o = runSource(c.text, c.host, new CaseCache(shared))
      console.log(`source case ${k} of seed ${seed}\n${describeSource(c)}\n--- outcome\n${showOutcome(o)}`)
      failed ||= o.kind === 'failure'
    }
    if (only !== 'sources') {
      const c = moduleCase(seed, k, new ModulePool(seed))
      const o = runModuleBytes(c.bytes, new CaseCache(shared))
      console.log(`module case ${k} of seed ${seed}\n${describeModule(c)}\n--- outcome\n${showOutcome(o)}`)
      failed ||= o.kind === 'failure'
    }
    return failed ? 1 : 0
  }

  const n = long ? 100_000 : 10_000
  const sources = only === 'modules' ? 0 : count(args, 'sources', n)
  const modules = only === 'sources' ? 0 : count(args, 'modules', n)
  const jobs = count(args, 'jobs', availableParallelism())
  console.log(`fuzzing with seed ${seed}: ${sources} sources, ${modules} modules, ${jobs} workers`)
  const start = performance.now()
  // In chunks, so a long run shows progress and its failures as it goes.
  const chunk = 10_000
  const results: CampaignResult[] = []
  for (let done = 0; done < Math.max(sources, modules); done += chunk) {
    const s = Math.max(0, Math.min(chunk, sources - done))
    const m = Math.max(0, Math.min(chunk, modules - done))
    const r = await runCampaignParallel({ seed, sources: s, sourceFirst: done, modules: m, moduleFirst: done, slowMs: 1000 }, jobs)
    for (const f of r.failures) console.log(formatFailure(f) + '\n')
    results.push(r)
    if (done + chunk < Math.max(sources, modules)) console.log(`  ${done + chunk} cases of each kind, ${((performance.now() - start) / 1000).toFixed(0)} s`)
  }
  const result = mergeResults(results)
  console.log(formatCounts(result))
  console.log(`seed ${seed}, ${((performance.now() - start) / 1000).toFixed(1)} s`)
  return result.failures.length > 0 ? 1 : 0
}

process.exitCode = await main()
