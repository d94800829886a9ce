// `unest compile f.nest [-o f.nvm]` and `unest disasm f.nest|f.nvm`. A contract program
// compiles to an artifact instead (artifact.ts).

import { readFileSync, writeFileSync } from 'node:fs'
import { decodeModule, ModuleFormatError } from '../../vm/module.js'
import { loadModule, LoadError } from '../../vm/loader.js'
import { disassemble } from '../../vm/disasm.js'
import { EXIT_COMPILE } from '../host.js'
import { loadProgram } from './run.js'
import { compileArtifactCommand, compileContract, isContractSource } from './artifact.js'

export interface CompileOptions {
  readonly output?: string
  /** Compile as a contract even if no `class X is Contract` is seen. */
  readonly contract?: boolean
  /** The compiler's version, recorded in artifacts. */
  readonly version: string
  readonly color?: boolean
}

function declaresContract(file: string): boolean {
  try {
    return file.endsWith('.nest') && isContractSource(readFileSync(file, 'utf8'))
  } catch {
    return false // loadProgram reports the missing file
  }
}

export function compileCommand(file: string, opts: CompileOptions): number {
  if (opts.contract || declaresContract(file)) return compileArtifactCommand(file, opts)
  const err = (s: string) => process.stderr.write(s + '\n')
  const program = loadProgram(process.cwd(), file, err, opts.color)
  if (typeof program === 'number') return program
  if (program.brokenImports > 0) {
    err(`error: could not compile ${file}: an imported module has errors`)
    return EXIT_COMPILE
  }
  const out = opts.output ?? file.replace(/\.(nest|wren)$/, '') + '.nvm'
  writeFileSync(out, program.bytes)
  return 0
}

export function disasmCommand(file: string, opts: { color?: boolean }): number {
  const err = (s: string) => process.stderr.write(s + '\n')
  let bytes: Uint8Array
  if (file.endsWith('.nvm')) {
    bytes = new Uint8Array(readFileSync(file))
    const loaded = loadModule(bytes)
    if (loaded instanceof LoadError) {
      err(`error: ${loaded}`)
      // Still show what decodes, to help find the problem.
      const m = decodeModule(bytes)
      if (!(m instanceof ModuleFormatError)) process.stdout.write(disassemble(m))
      return EXIT_COMPILE
    }
  } else {
    const program = declaresContract(file) ? compileContract(process.cwd(), file, err, opts.color) : loadProgram(process.cwd(), file, err, opts.color)
    if (typeof program === 'number') return program
    bytes = program.bytes
  }
  const m = decodeModule(bytes)
  if (m instanceof ModuleFormatError) {
    err(`error: ${m.message}`)
    return EXIT_COMPILE
  }
  process.stdout.write(disassemble(m))
  return 0
}
