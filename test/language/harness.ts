// Runs one language case (test/language/<feature>/<case>.nest) in process and compares the
// outcome with its expectation comments:
//   // expect: TEXT                  the next stdout line
//   // expect error                  a compile error on this line (exit 65)
//   // expect error E0012            ... whose diagnostic has this code
//   // expect runtime error: MSG     a runtime error with this message on this line (exit 70)
// A case that tests a limit asks for it in a header comment (before any code), one per line:
//   // gas-limit: N   // memory-limit: N   // max-call-depth: N   // max-stack-slots: N
// so the limit it hits is small enough to reach quickly and stays visible in the case.
// Cases run as Wren's test runner runs them: from their own folder, so module names are
// relative to it ("./_modules/x").

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { compile } from '../../compiler/compile.js'
import { diagnosticPosition, renderDiagnostic, type DiagnosticCode } from '../../compiler/diagnostics.js'
import { FileHost } from '../../cli/host.js'
import { VM, type VMOptions } from '../../vm/vm.js'
import type { RuntimeErrorCode } from '../../vm/errors.js'
import type { NClass } from '../../vm/value.js'
import { textFromByteString } from '../../vm/bytes-io.js'

export const CASES_ROOT = import.meta.dirname

/** Every case under `dir`, sorted; `_modules` folders hold what cases import, not cases. */
export function languageCases(dir = CASES_ROOT): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n)
      if (statSync(p).isDirectory()) return n === '_modules' ? [] : languageCases(p)
      return n.endsWith('.nest') ? [p] : []
    })
}

export interface Expectations {
  readonly stdout: string[]
  readonly compileErrorLines: number[]
  /** Lines whose `expect error` names the diagnostic code. */
  readonly compileErrorCodes: ReadonlyMap<number, string>
  readonly runtimeError: { readonly line: number; readonly message: string } | null
}

export function readExpectations(text: string): Expectations {
  const stdout: string[] = []
  const compileErrorLines: number[] = []
  const compileErrorCodes = new Map<number, string>()
  let runtimeError: Expectations['runtimeError'] = null
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '')
    const out = /\/\/ expect: ?(.*)$/.exec(line)
    if (out) stdout.push(out[1])
    if (/\/\/ expect error(\s|$)/.test(line)) compileErrorLines.push(i + 1)
    const code = /\/\/ expect error (E\d{4})\b/.exec(line)
    if (code) compileErrorCodes.set(i + 1, code[1])
    const rt = /\/\/ expect runtime error: (.*)$/.exec(line)
    if (rt) runtimeError = { line: i + 1, message: rt[1] }
  })
  return { stdout, compileErrorLines, compileErrorCodes, runtimeError }
}

const LIMIT_OPTIONS = {
  'gas-limit': 'gasLimit',
  'memory-limit': 'memoryLimit',
  'max-call-depth': 'maxCallDepth',
  'max-stack-slots': 'maxStackSlots',
} as const

/** The VM limits a case's header comments ask for (see the top of this file). */
export function readLimits(text: string): Partial<VMOptions> {
  const limits: Partial<Record<(typeof LIMIT_OPTIONS)[keyof typeof LIMIT_OPTIONS], number>> = {}
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    if (!line.startsWith('//')) break
    const m = /^\/\/ ([a-z-]+): (\d+)$/.exec(line)
    if (m && m[1] in LIMIT_OPTIONS) limits[LIMIT_OPTIONS[m[1] as keyof typeof LIMIT_OPTIONS]] = Number(m[2])
  }
  return limits
}

export interface CaseResult {
  readonly exitCode: number
  readonly stdout: string
  readonly compileErrorLines: number[]
  /** The code of the diagnostic on each of those lines. */
  readonly compileErrorCodes: ReadonlyMap<number, DiagnosticCode>
  readonly runtimeError: { readonly line: number; readonly message: string } | null
  /** Rendered diagnostics or runtime error, to show when a case fails. */
  readonly report: string
  readonly diagnosticCodes: DiagnosticCode[]
  readonly runtimeCodes: RuntimeErrorCode[]
}

export interface CaseOptions {
  /** The case's text when it is generated (test/language/generated.ts), not read from `file`. */
  readonly text?: string
  readonly vm?: Partial<VMOptions>
  /** Every method call found by lookup; `fromCase` is false when the core library's own
   *  Nest code made the call (e.g. List.sort calling swap), true when a case's code did. */
  readonly onMethod?: (cls: NClass, signature: string, fromCase: boolean) => void
}

/** Whether the frame making a call belongs to the program rather than the core library. */
function callerIsCase(vm: VM | null): boolean {
  const fiber = vm?.fiber
  if (!vm || !fiber || fiber.depth === 0) return false
  return fiber.frames[fiber.depth - 1].cl.fn.mod !== vm.core.main?.mod
}

export function runCase(file: string, opts: CaseOptions = {}): CaseResult {
  const root = dirname(file)
  const name = './' + basename(file).replace(/\.(nest|wren)$/, '')
  const text = opts.text ?? readFileSync(file, 'utf8')
  const compiled = compile({ name, path: basename(file), text }, new FileHost(root))
  const importErrors = compiled.diagnostics.map((d) => renderDiagnostic(d)).join('\n')
  if (!compiled.bytes) {
    const mine = compiled.diagnostics.filter((d) => d.source.name === basename(file))
    return {
      exitCode: 65,
      stdout: '',
      compileErrorLines: [...new Set(mine.map((d) => diagnosticPosition(d).line))].sort((a, b) => a - b),
      compileErrorCodes: new Map(mine.map((d) => [diagnosticPosition(d).line, d.code])),
      runtimeError: null,
      report: compiled.diagnostics.map((d) => renderDiagnostic(d)).join('\n'),
      diagnosticCodes: compiled.diagnostics.map((d) => d.code),
      runtimeCodes: [],
    }
  }
  let out = ''
  const runtimeCodes: RuntimeErrorCode[] = []
  const onMethod = opts.onMethod
  // The prelude runs inside the constructor, before `vm` is set: its calls are the core's.
  let vm: VM | null = null
  vm = new VM({
    host: { write: (s) => (out += s), clock: () => 0 },
    onMethod: onMethod && ((cls, signature) => onMethod(cls, signature, callerIsCase(vm))),
    onError: (code) => runtimeCodes.push(code),
    ...readLimits(text),
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
      compileErrorCodes: new Map(),
      runtimeError: { line: own?.line ?? 0, message: textFromByteString(outcome.message) },
      report: `${importErrors}${outcome.message}\n${outcome.trace.map((f) => `  at ${f.fn} (${f.module}:${f.line})`).join('\n')}`,
      diagnosticCodes: [],
      runtimeCodes,
    }
  }
  return { exitCode: 0, stdout: textFromByteString(out), compileErrorLines: [], compileErrorCodes: new Map(), runtimeError: null, report: '', diagnosticCodes: [], runtimeCodes }
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
    for (const [line, code] of e.compileErrorCodes) {
      const actual = r.compileErrorCodes.get(line)
      if (actual !== undefined && actual !== code) problems.push(`error[${actual}] on line ${line}, expected ${code}`)
    }
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
