// `unest examples`: runs every example program and reports each one's outcome, so the
// language shows itself working end to end. Contracts are not programs (`unest chain`
// deploys them): they are left out.

import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Output } from '../host.js'
import { loadProgram, runProgram } from './run.js'
import { isContractSource } from './artifact.js'

function findPrograms(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) {
      if (name !== 'test' && !name.startsWith('_')) out.push(...findPrograms(p))
    } else if (name.endsWith('.nest') && !name.endsWith('.test.nest') && !isContractSource(readFileSync(p, 'utf8'))) {
      out.push(p)
    }
  }
  return out
}

export function examplesCommand(dir: string): number {
  const err = (s: string) => process.stderr.write(s + '\n')
  let failed = 0
  const programs = findPrograms(dir)
  for (const file of programs) {
    process.stdout.write(`\n== ${file}\n`)
    const program = loadProgram(process.cwd(), file, err)
    const code = typeof program === 'number' ? program : runProgram(program, {}, new Output(process.stdout), err)
    if (code !== 0) failed++
  }
  process.stdout.write(`\n${programs.length - failed} of ${programs.length} examples ran cleanly.\n`)
  return failed === 0 ? 0 : 1
}
