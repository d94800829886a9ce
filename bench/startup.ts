// Start-up time of the `unest` bin: `dist/unest.js run one.nest` for a one-line
// program, as a whole process, the figure the target is set on (under 0.25 s).
// Not a test (tests never time anything); bench/run.ts calls measureStartup.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { median } from './stats.js'

const BIN = join(import.meta.dirname, '..', 'dist', 'unest.js')

/** The environment the bin runs in here: as users run it (its own `#!` line, so its Node
 *  options apply), without our loaders, and with this Node first on the PATH. */
export function binEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }
  delete env.NODE_OPTIONS
  return env
}

function once(dir: string): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(BIN, ['run', 'one.nest'], { cwd: dir, encoding: 'utf8', env: binEnv() })
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
    return { medianSeconds: median(runs), runs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
