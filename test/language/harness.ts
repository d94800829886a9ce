// Runs one language case (test/language/<feature>/<case>.nest) in process and compares the
// outcome with its expectation comments:
//   // expect: TEXT                  the next stdout line
//   // expect error                  a compile error on this line (exit 65)
//   // expect runtime error: MSG     a runtime error with this message on this line (exit 70)
// Cases run as Wren's test runner runs them: from their own folder, so module names are
// relative to it ("./_modules/x").

import { readFileSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { compile } from '../../compiler/compile.js'
import { diagnosticPosition, renderDiagnostic, type DiagnosticCode } from '../../compiler/diagnostics.js'
import { FileHost } from '../../cli/host.js'
import { VM, type VMOptions } from '../../vm/vm.js'
import type { RuntimeErrorCode } from '../../vm/errors.js'
import type { NClass } from '../../vm/value.js'
import { textFromByteString } from '../../vm/bytes-io.js'

export interface Expectations {
  readonly stdout: string[]
  readonly compileErrorLines: number[]
  readonly runtimeError: { readonly line: number; readonly message: string } | null
}

export function readExpectations(text: string): Expectations {
  const stdout: string[] = []
  const compileErrorLines: number[] = []
  let runtimeError: Expectations['runtimeError'] = null
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '')
    const out = /\/\/ expect: ?(.*)$/.exec(line)
    if (out) stdout.push(out[1])
    if (/\/\/ expect error(\s|$)/.test(line)) compileErrorLines.push(i + 1)
    const rt = /\/\/ expect runtime error: (.*)$/.exec(line)
    if (rt) runtimeError = { line: i + 1, message: rt[1] }
  })
  return { stdout, compileErrorLines, runtimeError }
}

export interface CaseResult {
  readonly exitCode: number
  readonly stdout: string
  readonly compileErrorLines: number[]
  readonly runtimeError: { readonly line: number; readonly message: string } | null
  /** Rendered diagnostics or runtime error, to show when a case fails. */
  readonly report: string
  readonly diagnosticCodes: DiagnosticCode[]
  readonly runtimeCodes: RuntimeErrorCode[]
}

export interface CaseOptions {
  readonly vm?: Partial<VMOptions>
  readonly onMethod?: (cls: NClass, signature: string) => void
}

export function runCase(file: string, opts: CaseOptions = {}): CaseResult {
  const root = dirname(file)
  const name = './' + basename(file).replace(/\.(nest|wren)$/, '')
  const text = readFileSync(file, 'utf8')
  const compiled = compile({ name, path: basename(file), text }, new FileHost(root))
  const importErrors = compiled.diagnostics.map((d) => renderDiagnostic(d)).join('\n')
  if (!compiled.bytes) {
    const mine = compiled.diagnostics.filter((d) => d.source.name === basename(file))
    return {
      exitCode: 65,
      stdout: '',
      compileErrorLines: [...new Set(mine.map((d) => diagnosticPosition(d).line))].sort((a, b) => a - b),
      runtimeError: null,
      report: compiled.diagnostics.map((d) => renderDiagnostic(d)).join('\n'),
      diagnosticCodes: compiled.diagnostics.map((d) => d.code),
      runtimeCodes: [],
    }
  }
  let out = ''
  const runtimeCodes: RuntimeErrorCode[] = []
  const vm = new VM({
    host: { write: (s) => (out += s), clock: () => 0 },
    onMethod: opts.onMethod,
    onError: (code) => runtimeCodes.push(code),
    ...opts.vm,
  })
  const mod = vm.load(compiled.bytes)
  if (!('units' in mod)) throw new Error(`module rejected: ${mod}`)
  const outcome = vm.runModule(mod)
  if (outcome.kind === 'error') {
    // The line reported is the innermost frame in the case's own file.
    const own = outcome.trace.find((f) => f.module === name) ?? outcome.trace[0]
    return {
      exitCode: 70,
      stdout: textFromByteString(out),
      compileErrorLines: [],
      runtimeError: { line: own?.line ?? 0, message: textFromByteString(outcome.message) },
      report: `${importErrors}${outcome.message}\n${outcome.trace.map((f) => `  at ${f.fn} (${f.module}:${f.line})`).join('\n')}`,
      diagnosticCodes: [],
      runtimeCodes,
    }
  }
  return { exitCode: 0, stdout: textFromByteString(out), compileErrorLines: [], runtimeError: null, report: '', diagnosticCodes: [], runtimeCodes }
}

/** The differences between what a case expects and what happened; empty when it passes. */
export function compareCase(e: Expectations, r: CaseResult): string[] {
  const problems: string[] = []
  const expectedExit = e.compileErrorLines.length > 0 ? 65 : e.runtimeError ? 70 : 0
  if (r.exitCode !== expectedExit) problems.push(`exit code ${r.exitCode}, expected ${expectedExit}`)
  if (e.compileErrorLines.length > 0 || r.compileErrorLines.length > 0) {
    const want = e.compileErrorLines.join(',')
    const got = r.compileErrorLines.join(',')
    if (want !== got) problems.push(`compile errors on lines [${got}], expected [${want}]`)
  }
  if (expectedExit !== 65) {
    const want = e.stdout.length > 0 ? e.stdout.join('\n') + '\n' : ''
    if (r.stdout !== want) problems.push(`stdout:\n${r.stdout}\nexpected:\n${want}`)
  }
  if (e.runtimeError) {
    if (!r.runtimeError) problems.push(`no runtime error, expected "${e.runtimeError.message}"`)
    else {
      if (r.runtimeError.message !== e.runtimeError.message) problems.push(`runtime error "${r.runtimeError.message}", expected "${e.runtimeError.message}"`)
      if (r.runtimeError.line !== e.runtimeError.line) problems.push(`runtime error on line ${r.runtimeError.line}, expected line ${e.runtimeError.line}`)
    }
  }
  if (problems.length > 0 && r.report) problems.push(r.report)
  return problems
}
