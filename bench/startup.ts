// Start-up time of the `unest` bin: `node dist/unest.js run one.nest` for a one-line
// program, as a whole process, the figure the target is set on (under 0.25 s).
// Not a test (tests never time anything); bench/run.ts calls measureStartup.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BIN = join(import.meta.dirname, '..', 'dist', 'unest.js')

function once(dir: string): number {
  const env = { ...process.env }
  delete env.NODE_OPTIONS // the bin runs as users run it, without our loaders
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [BIN, 'run', 'one.nest'], { cwd: dir, encoding: 'utf8', env })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0 || r.stdout !== 'hello\n') throw new Error(`start-up bench: unexpected result (exit ${r.status}): ${r.stdout}${r.stderr}`)
  return seconds
}

/** Runs the bin `reps` times after one unmeasured run; returns the median and every run. */
export async function measureStartup(reps: number): Promise<{ medianSeconds: number; runs: number[] }> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`)
  const dir = mkdtempSync(join(tmpdir(), 'unest-startup-'))
  try {
    writeFileSync(join(dir, 'one.nest'), 'System.print("hello")\n')
    once(dir) // warms the OS file cache; its time is not kept
    const runs: number[] = []
    for (let i = 0; i < reps; i++) runs.push(once(dir))
    const sorted = [...runs].sort((a, b) => a - b)
    const mid = sorted.length >> 1
    const medianSeconds = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    return { medianSeconds, runs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
