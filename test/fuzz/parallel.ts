// Runs a fuzz campaign on worker threads, each over its own share of the case numbers, and
// merges what they found. Cases depend only on (seed, case number), so the split changes
// nothing but the wall time; the machine's cores are the only reason for it.

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { mergeResults, type CampaignOptions, type CampaignResult } from './campaign.js'

/** The worker's entry, loaded through tsx's API: workers don't get the parent's loader. */
const WORKER = new URL('./worker.ts', import.meta.url).href
const TSX_API = import.meta.resolve('tsx/esm/api')

function share(total: number, parts: number, i: number): { first: number; count: number } {
  const first = Math.floor((total * i) / parts)
  return { first, count: Math.floor((total * (i + 1)) / parts) - first }
}

export async function runCampaignParallel(opts: CampaignOptions, workers = availableParallelism()): Promise<CampaignResult> {
  const n = Math.max(1, Math.min(workers, 8))
  const parts = Array.from({ length: n }, (_, i) => {
    const s = share(opts.sources, n, i)
    const m = share(opts.modules, n, i)
    const part: CampaignOptions = { ...opts, sourceFirst: (opts.sourceFirst ?? 0) + s.first, sources: s.count, moduleFirst: (opts.moduleFirst ?? 0) + m.first, modules: m.count }
    const boot = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(import.meta.url)}))`
    return new Promise<CampaignResult>((resolve, reject) => {
      const w = new Worker(boot, { eval: true, workerData: part })
      w.once('message', (r: CampaignResult) => resolve(r))
      w.once('error', reject)
      w.once('exit', (code) => reject(new Error(`fuzz worker ${i} exited with code ${code} before reporting`)))
    })
  })
  return mergeResults(await Promise.all(parts))
}
