// `unest test [paths...]`: finds `*.test.nest` under test/ folders (or the paths given), runs
// them on a local chain in test mode (testing/nest-tests.ts) and prints TAP, then a summary;
// `--gas` adds a gas report per contract method. Exit 0 when every test passed, 1 otherwise.

import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { runNestTests, type TestRun } from '../../testing/nest-tests.js'
import { EXIT_NOINPUT } from '../host.js'

export interface TestCommandOptions {
  readonly match?: string
  readonly gas?: boolean
  readonly seed?: number
}

/** Test files under `dir`: `*.test.nest`, skipping node_modules and dot folders. */
export function findTestFiles(root: string, dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.test.nest')) out.push(relative(root, p).replace(/\\/g, '/'))
    }
  }
  walk(dir)
  return out
}

export function testCommand(paths: readonly string[], opts: TestCommandOptions): number {
  const root = process.cwd()
  const out = (s: string) => process.stdout.write(s + '\n')
  const files: string[] = []
  for (const p of paths.length > 0 ? paths : ['.']) {
    const full = join(root, p)
    if (!existsSync(full)) {
      process.stderr.write(`Could not find "${p}".\n`)
      return EXIT_NOINPUT
    }
    if (statSync(full).isDirectory()) files.push(...findTestFiles(root, full))
    else files.push(relative(root, full).replace(/\\/g, '/'))
  }
  if (files.length === 0) {
    process.stderr.write('No test files (*.test.nest) found.\n')
    return EXIT_NOINPUT
  }
  const run = runNestTests({ root, files, match: opts.match ? new RegExp(opts.match) : undefined, seed: opts.seed })
  const { passed, failed } = printTap(run, out)
  if (opts.gas) printGas(run, out)
  out(`# ${passed} passed, ${failed} failed`)
  return failed === 0 ? 0 : 1
}

function printTap(run: TestRun, out: (s: string) => void): { passed: number; failed: number } {
  let n = 0
  let passed = 0
  let failed = 0
  out('TAP version 14')
  for (const f of run.files) {
    if (f.compileErrors !== null) {
      n++
      failed++
      out(`not ok ${n} - ${f.file} does not compile`)
      out(indent(f.compileErrors))
      continue
    }
    out(`# ${f.file}`)
    for (const t of f.tests) {
      n++
      const runs = t.runs > 1 ? ` (${t.runs} runs)` : ''
      if (t.ok) {
        passed++
        out(`ok ${n} - ${t.name}${runs} # gas ${t.gasUsed}`)
        for (const p of t.prints) out(`# printed: ${p}`)
      } else {
        failed++
        out(`not ok ${n} - ${t.name}${runs}`)
        out(indent(t.failure ?? 'failed'))
        if (t.input !== null) out(indent(`with input: ${t.input}`))
        for (const p of t.prints) out(indent(`printed: ${p}`))
      }
    }
  }
  out(`1..${n}`)
  return { passed, failed }
}

function printGas(run: TestRun, out: (s: string) => void): void {
  const rows = [...run.gas].sort(([a], [b]) => a.localeCompare(b))
  if (rows.length === 0) return
  out('# gas per contract method (min / median / max, calls)')
  const width = Math.max(...rows.map(([k]) => k.length))
  for (const [name, uses] of rows) {
    const s = [...uses].sort((a, b) => a - b)
    const median = s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2)
    out(`# ${name.padEnd(width)}  ${s[0]} / ${median} / ${s[s.length - 1]}  (${s.length})`)
  }
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')
