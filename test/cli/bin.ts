// Runs the real `unest` bin (dist/unest.js) the way a user does: a child process with
// plain `node`, none of the test runner's loader flags. Not a test itself.
//
// The bin is built from the sources by scripts/build.mjs. If dist/ is missing, or older
// than any file it is built from, the first test that needs it rebuilds it; the build
// writes each file whole and renames it, so two test files rebuilding at once are safe.

import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const BIN = join(ROOT, 'dist', 'unest.js')
const BUILT = ['unest.js', 'unest.cjs', 'unest.cjs.cache', 'package.json'].map((f) => join(ROOT, 'dist', f))
const INPUTS = ['cli', 'compiler', 'vm', 'chain', 'testing', 'scripts/build.mjs', 'package.json', 'package-lock.json']

function newestMtime(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false })
  if (!st) return 0
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(0, ...readdirSync(path).map((n) => newestMtime(join(path, n))))
}

/** The environment the bin runs in: ours without NODE_OPTIONS (the runner's loaders). */
export function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra }
  delete env.NODE_OPTIONS
  return env
}

let fresh = false

/** Builds dist/ if it is missing or stale; returns why it built, or null. */
export function ensureBuilt(): string | null {
  if (fresh) return null
  const oldest = Math.min(...BUILT.map((f) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0))
  const newest = Math.max(...INPUTS.map((p) => newestMtime(join(ROOT, p))))
  let why: string | null = null
  if (oldest === 0) why = 'dist/ is missing'
  else if (newest > oldest) why = 'dist/ is older than its sources'
  if (why) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8', env: plainEnv() })
    if (r.status !== 0) throw new Error(`scripts/build.mjs failed (${why}):\n${r.stdout}${r.stderr}`)
  }
  fresh = true
  return why
}

export interface BinResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `node dist/unest.js ...args` in `cwd` (default: the repository). */
export function unest(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): BinResult {
  ensureBuilt()
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: plainEnv(opts.env), maxBuffer: 64 << 20 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The gas a run reported with --gas ("gas used: N" on stderr), or null. */
export function gasReported(stderr: string): number | null {
  const m = /^gas used: (\d+)$/m.exec(stderr)
  return m ? Number(m[1]) : null
}

/** A JS stack frame line, which a user must never see. */
export const JS_STACK = /^\s+at .*(\.js|\.cjs|\.ts|node:internal)\b/m
