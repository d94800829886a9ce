// What the language cases cover: the diagnostic codes their compile errors produce, the
// runtime error codes their runs raise, and the core methods their own code calls. Runs
// every case once with operator fast paths off, so `1 + 2` and `list[0]` are method calls
// the VM reports like any other.

import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { DIAGNOSTICS, type DiagnosticCode } from '../../compiler/diagnostics.js'
import { RUNTIME_ERRORS, type RuntimeErrorCode } from '../../vm/errors.js'
import { VM } from '../../vm/vm.js'
import { CORE_NAMES } from '../../vm/core/names.js'
import type { NClass } from '../../vm/value.js'
import { compareCase, readExpectations, runCase } from '../language/harness.js'

export interface Coverage {
  readonly diagnostics: Set<DiagnosticCode>
  readonly runtime: Set<RuntimeErrorCode>
  /** Core methods a case's own code called, keyed as `coreMethods` keys them. */
  readonly methods: Set<string>
  /** Cases that do not pass when run for coverage: they cover nothing. */
  readonly failing: string[]
}

/** Methods only the core library itself calls: Wren's trailing-underscore convention for
 *  helpers (`byteAt_`, `quicksort_`), and the `init` half of constructors, which no call
 *  syntax reaches (`new` on the metaclass runs it). */
export function isInternal(signature: string): boolean {
  return signature.startsWith('init ') || /_$/.test(signature.replace(/[([].*$/, ''))
}

/** `List.add(_)` for an instance method, `List.filled(_,_) static` for a metaclass one. */
function keyOf(definer: NClass, signature: string): string {
  const meta = definer.name.endsWith(' metaclass')
  return meta ? `${definer.name.slice(0, -' metaclass'.length)}.${signature} static` : `${definer.name}.${signature}`
}

/** The class whose own definition of `method` this is: the highest ancestor sharing it
 *  (methods are copied down from superclasses, so inherited entries are the same object). */
function definerOf(cls: NClass, slot: number): NClass {
  const m = cls.methods[slot]
  let d = cls
  while (d.superclass !== null && d.superclass.methods[slot] === m) d = d.superclass
  return d
}

/** Every public method the core classes define, instance and static, from a fresh VM whose
 *  host offers everything a script host does (so System.clock is there). */
export function coreMethods(): Set<string> {
  const vm = new VM({ host: { write: () => {}, clock: () => 0 } })
  const out = new Set<string>()
  const own = (cls: NClass) => {
    cls.methods.forEach((m, slot) => {
      if (m === undefined || isInternal(m.signature) || definerOf(cls, slot) !== cls) return
      out.add(keyOf(cls, m.signature))
    })
  }
  for (const name of CORE_NAMES) {
    const cls = vm.core.vars[vm.core.varNames.indexOf(name)] as NClass
    own(cls)
    if (cls.cls !== cls) own(cls.cls)
  }
  return out
}

export function collectCoverage(cases: readonly { file: string; text?: string }[], root: string): Coverage {
  const coverage: Coverage = { diagnostics: new Set(), runtime: new Set(), methods: new Set(), failing: [] }
  for (const { file, text } of cases) {
    // Calls are resolved to their defining class after the run, once per distinct pair.
    const called = new Map<NClass, Set<string>>()
    const result = runCase(file, {
      text,
      vm: { noFastPaths: true },
      onMethod: (cls, signature, fromCase) => {
        if (!fromCase) return
        let sigs = called.get(cls)
        if (sigs === undefined) called.set(cls, (sigs = new Set()))
        sigs.add(signature)
      },
    })
    const problems = compareCase(readExpectations(text ?? readFileSync(file, 'utf8')), result)
    if (problems.length > 0) {
      coverage.failing.push(`${relative(root, file)}: ${problems[0]}`)
      continue
    }
    for (const code of result.diagnosticCodes) coverage.diagnostics.add(code)
    for (const code of result.runtimeCodes) coverage.runtime.add(code)
    for (const [cls, sigs] of called) {
      for (const sig of sigs) {
        const slot = cls.methods.findIndex((m) => m?.signature === sig)
        if (slot >= 0) coverage.methods.add(keyOf(definerOf(cls, slot), sig))
      }
    }
  }
  return coverage
}

export const ALL_DIAGNOSTICS = Object.keys(DIAGNOSTICS) as DiagnosticCode[]
export const ALL_RUNTIME_ERRORS = Object.keys(RUNTIME_ERRORS) as RuntimeErrorCode[]
