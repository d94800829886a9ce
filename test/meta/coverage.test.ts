// The coverage rule: every diagnostic code, every runtime error and every public
// core method has a language case. Fails naming each one that has none (test/meta/coverage.ts
// says what counts as covered).

import t, { type Test } from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DIAGNOSTICS, type DiagnosticCode } from '../../compiler/diagnostics.js'
import { RUNTIME_ERRORS, type RuntimeErrorCode } from '../../vm/errors.js'
import { CASES_ROOT, languageCases } from '../language/harness.js'
import { generatedCases } from '../language/generated.js'
import { ALL_DIAGNOSTICS, ALL_RUNTIME_ERRORS, collectCoverage, coreMethods } from './coverage.js'

const repo = join(import.meta.dirname, '..', '..')

interface Exemption {
  readonly why: string
  /** The test that shows the code instead of a case; it must exist and mention the code. */
  readonly coveredBy?: string
}

/**
 * Codes no language case shows. An entry with `coveredBy` passes once that test exists
 * and names the code; until then, and for entries without one, the gap is reported as a
 * TODO (visible in every run, never a pass). An entry whose code a case does cover is
 * stale and fails, so the list only shrinks.
 */
const NOT_FROM_CASES: Readonly<Partial<Record<DiagnosticCode | RuntimeErrorCode, Exemption>>> = {
  E0057: {
    why: 'a case would need over 2^20 distinct literals (megabytes of source; compiling them runs out of memory): the test lowers the limit with the maxConstants option',
    coveredBy: 'test/compiler/constants.test.ts',
  },
  E0058: {
    why: 'a case would need over 2^16 distinct method names: the test reaches the real limit with long call chains, and lowers it with the maxSymbols option to check positions and imports',
    coveredBy: 'test/compiler/module-limits.test.ts',
  },
  E0059: {
    why: 'a case would need over 2^16 functions: the test reaches the real limit with long chains of block arguments, and lowers it with the maxFunctions option',
    coveredBy: 'test/compiler/module-limits.test.ts',
  },
  E0060: {
    why: 'a case would need over 2^16 class declarations (a megabyte of source): the test reaches the real limit across an import, and lowers it with the maxClasses option',
    coveredBy: 'test/compiler/module-limits.test.ts',
  },
  E0061: {
    why: 'a case would need a function of over 2^20 code words (hundreds of kilobytes of source): the test builds one, and lowers the limit with the maxCodeWords option',
    coveredBy: 'test/compiler/module-limits.test.ts',
  },
  E0062: {
    why: 'a case is one file and the limit needs over 4096 modules: the test supplies them from a host, and lowers the limit with the maxUnits option',
    coveredBy: 'test/compiler/module-limits.test.ts',
  },
  E0063: {
    why: 'a case would need over 2^16 values on one stack (a 65,536-element literal, 128 KB of source that takes seconds to compile): the test builds one, and lowers the limit with the maxFrameSlots option',
    coveredBy: 'test/compiler/stack-limits.test.ts',
  },
  E0064: {
    why: 'a case would need a literal of over 2^16 elements or 2^15 interpolations (128 KB of source): the test builds one, and lowers the limit with the maxLiteralElements option',
    coveredBy: 'test/compiler/stack-limits.test.ts',
  },
  E0065: {
    why: 'a case is one source of at most MAX_SOURCE_BYTES and the module limit is 16 MiB: the test imports dozens of large sources from a host, and lowers the limit with the maxModuleBytes option',
    coveredBy: 'test/compiler/stack-limits.test.ts',
  },
  E0066: {
    why: 'a case would be a source of over 1 MiB: the test builds one, and lowers the limit with the maxSourceBytes option',
    coveredBy: 'test/compiler/stack-limits.test.ts',
  },
  E0067: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  E0068: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  E0069: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  E0070: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  E0073: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  E0072: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  E0071: {
    why: 'contract rules: language cases compile as scripts; the test compiles contracts',
    coveredBy: 'test/compiler/contract.test.ts',
  },
  R0300: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0301: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0302: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0303: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0304: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0305: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0306: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0307: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0308: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0309: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0310: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0311: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0312: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0313: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0314: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0315: {
    why: 'raised only while a contract runs on a chain: the test runs contracts through vm/contract/runtime.ts',
    coveredBy: 'test/vm/contract/runtime.test.ts',
  },
  R0316: {
    why: 'raised by money and calls between contracts, which need a chain: the test runs them on the local chain',
    coveredBy: 'test/chain/execute.test.ts',
  },
  R0317: {
    why: 'raised by money and calls between contracts, which need a chain: the test runs them on the local chain',
    coveredBy: 'test/chain/execute.test.ts',
  },
  R0318: {
    why: 'raised by money and calls between contracts, which need a chain: the test runs them on the local chain',
    coveredBy: 'test/chain/execute.test.ts',
  },
  R0319: {
    why: 'raised by money and calls between contracts, which need a chain: the test runs them on the local chain',
    coveredBy: 'test/chain/execute.test.ts',
  },
  R0320: {
    why: 'the test host exists only under `unest test`: its test runs a Test call outside it',
    coveredBy: 'test/cli/test-command.test.ts',
  },
  R0321: {
    why: 'raised when values cross between contracts: the test passes and returns handles on the local chain',
    coveredBy: 'test/chain/execute.test.ts',
  },
  R0322: {
    why: 'raised only while a contract runs on a chain: the test emits events on the local chain',
    coveredBy: 'test/chain/review.test.ts',
  },
  R0205: {
    why: 'a refusal comes from the host, not the program: the language cases run on a host that accepts everything',
    coveredBy: 'test/vm/host.test.ts',
  },
  R0206: {
    why: 'the compiler never emits what the interpreter rejects (an unboxed local, a field of a non-instance); only a hand-made module that passes the verifier reaches it',
    coveredBy: 'test/vm/malformed.test.ts',
  },
}

const coverage = collectCoverage([...languageCases().map((file) => ({ file })), ...generatedCases()], CASES_ROOT)

t.test('every case passes with operator fast paths off', async (t) => {
  t.same(coverage.failing, [], 'cases that fail in the coverage run (they cover nothing)')
})

function checkCodes(t: Test, all: readonly (DiagnosticCode | RuntimeErrorCode)[], covered: ReadonlySet<string>, text: (c: never) => string, what: string) {
  const missing = all.filter((c) => !covered.has(c) && !(c in NOT_FROM_CASES)).map((c) => `${c} ${text(c as never)}`)
  t.same(missing, [], `${what} no case shows`)
  for (const c of all) {
    const e = NOT_FROM_CASES[c]
    if (!e) continue
    t.notOk(covered.has(c), `no case shows ${c} (if one does, drop it from NOT_FROM_CASES)`)
    const path = e.coveredBy && join(repo, e.coveredBy)
    if (path && existsSync(path)) t.ok(readFileSync(path, 'utf8').includes(c), `${c} is covered by ${e.coveredBy}`)
    else t.fail(`${c} has no case: ${e.why}`, { todo: true })
  }
}

t.test('every diagnostic code has a case', async (t) => {
  checkCodes(t, ALL_DIAGNOSTICS, coverage.diagnostics, (c: DiagnosticCode) => DIAGNOSTICS[c], 'diagnostic codes')
})

t.test('every runtime error has a case', async (t) => {
  checkCodes(t, ALL_RUNTIME_ERRORS, coverage.runtime, (c: RuntimeErrorCode) => RUNTIME_ERRORS[c], 'runtime errors')
})

t.test('every public core method has a case', async (t) => {
  const missing = [...coreMethods()].filter((m) => !coverage.methods.has(m)).sort()
  t.same(missing, [], 'core methods no case calls')
})
