// `unest run f.nest|f.nvm`: compile (or load) and run a program, printing what it prints.
// Exit codes follow Wren's CLI: 65 compile error or rejected module, 70 runtime error.

import { readFileSync } from 'node:fs'
import { compile } from '../../compiler/compile.js'
import { renderDiagnostic } from '../../compiler/diagnostics.js'
import type { Source } from '../../compiler/source.js'
import { LoadError } from '../../vm/loader.js'
import { VM, type RunOutcome } from '../../vm/vm.js'
import { EXIT_COMPILE, EXIT_NOINPUT, EXIT_RUNTIME, FileHost, Output, entryFor, renderRuntimeError } from '../host.js'

export interface RunOptions {
  gasLimit?: number
  memoryLimit?: number
  printGas?: boolean
  color?: boolean
}

export interface Program {
  readonly bytes: Uint8Array
  readonly sources: ReadonlyMap<string, Source>
  /** Imported modules that did not compile (their import aborts at run time). */
  readonly brokenImports: number
}

/** Compiles a .nest file, or reads a .nvm module; prints diagnostics and returns null on failure. */
export function loadProgram(root: string, file: string, err: (s: string) => void, color = false): Program | number {
  let data: Buffer
  try {
    data = readFileSync(file.startsWith('/') ? file : `${root}/${file}`)
  } catch {
    err(`Could not find file "${file}".`)
    return EXIT_NOINPUT
  }
  if (file.endsWith('.nvm')) return { bytes: new Uint8Array(data), sources: new Map(), brokenImports: 0 }
  const entry = entryFor(root, file)
  const result = compile({ ...entry, text: data.toString('utf8') }, new FileHost(root))
  for (const d of result.diagnostics) err(renderDiagnostic(d, color) + '\n')
  if (!result.bytes) {
    const n = result.diagnostics.length
    err(`error: could not compile ${entry.path} (${n} error${n === 1 ? '' : 's'})`)
    return EXIT_COMPILE
  }
  return { bytes: result.bytes, sources: result.sources, brokenImports: result.diagnostics.length }
}

export function runProgram(program: Program, opts: RunOptions, out: Output, err: (s: string) => void): number {
  const start = performance.now()
  const vm = new VM({
    host: { write: out.write, clock: () => (performance.now() - start) / 1000 },
    gasLimit: opts.gasLimit,
    memoryLimit: opts.memoryLimit,
  })
  const mod = vm.load(program.bytes)
  if (mod instanceof LoadError) {
    err(`error: ${mod}`)
    return EXIT_COMPILE
  }
  let outcome: RunOutcome
  try {
    outcome = vm.runModule(mod)
  } finally {
    out.flush()
  }
  if (opts.printGas) err(`gas used: ${outcome.gasUsed}`)
  if (outcome.kind === 'error') {
    err(renderRuntimeError(outcome, program.sources, opts.color))
    return EXIT_RUNTIME
  }
  return 0
}

export function runCommand(file: string, opts: RunOptions): number {
  const err = (s: string) => process.stderr.write(s + '\n')
  const program = loadProgram(process.cwd(), file, err, opts.color)
  if (typeof program === 'number') return program
  return runProgram(program, opts, new Output(process.stdout), err)
}
