// `unest test`: Nest-native contract tests, like Foundry's. Each `*.test.nest` file compiles as
// a test program; each class in it with `test*` methods is a test contract. For every test
// method, on a fresh snapshot of a local chain in test mode: deploy the test contract, call
// `setUp()` if it has one, then the test. A test passes when its call succeeds, it made at
// least one assertion, every expected event was emitted and no expectRevert is left over.
// A test method with parameters runs on FUZZ_RUNS seeded random inputs of its types.

import { readFileSync } from 'node:fs'
import { compile } from '../compiler/compile.js'
import { renderDiagnostic } from '../compiler/diagnostics.js'
import type { Source } from '../compiler/source.js'
import { AddressValue, decodeAbiValue, encodeArgs, type AbiValue } from '../vm/contract/abi-values.js'
import type { AbiMethod, AbiType } from '../vm/contract/abi.js'
import { LocalChain } from '../chain/local-chain.js'
import { nodeCrypto } from '../chain/crypto-node.js'
import { TestSession } from '../chain/test-session.js'
import type { Receipt, ReceiptDebug } from '../chain/receipt.js'
import { FileHost, entryFor } from '../cli/host.js'

export const FUZZ_RUNS = 256
const TEST_GAS = 1_000_000_000

export interface TestOptions {
  /** Project folder: imports and displayed paths are relative to it. */
  readonly root: string
  /** Test files, relative to root. */
  readonly files: readonly string[]
  /** Runs only tests whose "Class.method" matches. */
  readonly match?: RegExp
  readonly seed?: number
  readonly fuzzRuns?: number
}

export interface TestResult {
  readonly name: string
  readonly ok: boolean
  /** Why it failed: the message, where (file:line:col with the line), the Nest stack. */
  readonly failure: string | null
  readonly assertions: number
  readonly gasUsed: number
  /** Fuzzed tests: how many inputs ran, and the one that failed. */
  readonly runs: number
  readonly input: string | null
  readonly prints: readonly string[]
}

export interface FileResult {
  readonly file: string
  /** Compile diagnostics, rendered; no tests ran. */
  readonly compileErrors: string | null
  readonly tests: readonly TestResult[]
}

export interface TestRun {
  readonly files: readonly FileResult[]
  /** Gas of each contract method called, across every test: "Class.method" → uses. */
  readonly gas: ReadonlyMap<string, readonly number[]>
}

export function runNestTests(opts: TestOptions): TestRun {
  const gas = new Map<string, number[]>()
  const files = opts.files.map((f) => runFile(opts, f, gas))
  return { files, gas }
}

function runFile(opts: TestOptions, file: string, gas: Map<string, number[]>): FileResult {
  const entry = entryFor(opts.root, file)
  const text = readFileSync(`${opts.root}/${entry.path}`, 'utf8')
  const compiled = compile({ ...entry, text }, new FileHost(opts.root), { test: true })
  if (!compiled.bytes || !compiled.module?.contract) {
    return { file: entry.path, compileErrors: compiled.diagnostics.map((d) => renderDiagnostic(d)).join('\n'), tests: [] }
  }
  const section = compiled.module.contract
  const chain = new LocalChain({ crypto: nodeCrypto, params: { maxTxGas: TEST_GAS } })
  const base = chain.snapshot()
  const tests: TestResult[] = []
  for (const cls of section.classes) {
    const methods = cls.methods.filter((m) => m.name.startsWith('test'))
    const setUp = cls.methods.find((m) => m.name === 'setUp' && m.params.length === 0) ?? null
    for (const m of methods) {
      const name = `${cls.name}.${m.name}`
      if (opts.match && !opts.match.test(name)) continue
      const runs = m.params.length === 0 ? 1 : opts.fuzzRuns ?? FUZZ_RUNS
      const rng = seeded(hashName(name) ^ (opts.seed ?? 0))
      let result: TestResult | null = null
      let total = 0
      for (let run = 0; run < runs; run++) {
        const args = m.params.map((p) => randomValue(rng, p.type, run))
        chain.revert(base)
        const r = runOne(chain, compiled.bytes, cls.name, setUp, m, args, compiled.sources, gas)
        total += r.gasUsed
        if (!r.ok) {
          result = { ...r, name, runs: run + 1, input: m.params.length === 0 ? null : show(args) }
          break
        }
        result = { ...r, name, runs: run + 1, input: null, gasUsed: Math.round(total / (run + 1)) }
      }
      tests.push(result!)
    }
  }
  return { file: entry.path, compileErrors: null, tests }
}

type One = Omit<TestResult, 'name' | 'runs' | 'input'>

function runOne(
  chain: LocalChain,
  module: Uint8Array,
  className: string,
  setUp: AbiMethod | null,
  m: AbiMethod,
  args: AbiValue[],
  sources: ReadonlyMap<string, Source>,
  gas: Map<string, number[]>,
): One {
  const session = new TestSession(chain.accounts.map((a) => a.address))
  const me = chain.accounts[0].address
  const prints: string[] = []
  const fail = (receipt: Receipt, debug: ReceiptDebug, what: string): One => ({
    ok: false,
    failure: `${what}: ${receipt.error}${where(debug, sources)}`,
    assertions: session.assertions,
    gasUsed: receipt.gasUsed,
    prints: [...prints, ...debug.prints],
  })
  const deployed = chain.execute(me, { kind: 'deploy', module, args: encodeArgs([]), value: 0n, contract: className }, TEST_GAS, session)
  prints.push(...deployed.debug.prints)
  if (deployed.receipt.status !== 'ok' || deployed.contract === null) return fail(deployed.receipt, deployed.debug, 'deploying the test contract failed')
  const self = deployed.contract
  if (setUp) {
    const s = chain.execute(me, { kind: 'call', to: self, method: 'setUp', args: encodeArgs([]), value: 0n }, TEST_GAS, session)
    prints.push(...s.debug.prints)
    if (s.receipt.status !== 'ok') return fail(s.receipt, s.debug, 'setUp failed')
  }
  const before = session.assertions
  const t = chain.execute(me, { kind: 'call', to: self, method: m.name, args: encodeArgs(args), value: 0n }, TEST_GAS, session)
  prints.push(...t.debug.prints)
  for (const [k, v] of session.gas) {
    if (k.startsWith(`${className}.`)) continue // the test contract itself is not reported
    const list = gas.get(k)
    if (list) list.push(...v)
    else gas.set(k, [...v])
  }
  const base: One = { ok: true, failure: null, assertions: session.assertions - before, gasUsed: t.receipt.gasUsed, prints }
  if (t.receipt.status !== 'ok') return fail(t.receipt, t.debug, 'failed')
  if (session.pendingRevert) return { ...base, ok: false, failure: 'expectRevert() was set but no call followed it' }
  for (const e of session.expectedEvents) {
    const seen = t.receipt.events.some((x) => x.topic === e.topic && (e.data === null || same(x.data, e.data)))
    if (!seen) return { ...base, ok: false, failure: `expected an event "${e.topic}"${e.data ? ` with ${show([decodeAbiValue(e.data)])}` : ''}, none was emitted` }
  }
  if (base.assertions === 0) return { ...base, ok: false, failure: 'the test made no assertion (use Assert.equal, Assert.isTrue, expectRevert with a call, ...)' }
  return base
}

/** Where a failure happened: the top frame's file:line:col and line, then the Nest stack. */
function where(debug: ReceiptDebug, sources: ReadonlyMap<string, Source>): string {
  const top = debug.trace[0]
  if (!top) return ''
  const src = sources.get(top.module)
  const path = src?.name ?? `${top.module}.nest`
  const lines = [``, `  at ${path}:${top.line}:${top.col}`]
  if (src && top.line > 0) lines.push(`  ${top.line} | ${src.lineText(top.line).trim()}`)
  for (const f of debug.trace) lines.push(`  at ${f.fn} (${sources.get(f.module)?.name ?? f.module}:${f.line})`)
  return lines.join('\n')
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function show(values: readonly AbiValue[]): string {
  return values.map((v) => (typeof v === 'bigint' ? `${v}n` : v instanceof AddressValue ? v.toString() : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)))).join(', ')
}

// ---- fuzz inputs ----------------------------------------------------------------------

type Rng = () => number

/** xorshift32: tests must see the same inputs on every machine. */
function seeded(seed: number): Rng {
  let s = seed >>> 0 || 0x9e3779b9
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 0x100000000
  }
}

function hashName(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

/** Edges first (0, 1, the maximum), then random values of varied sizes. */
function randomValue(rng: Rng, type: AbiType, run: number): AbiValue {
  switch (type) {
    case 'Int': {
      const edges = [0n, 1n, (1n << 256n) - 1n]
      if (run < edges.length) return edges[run]
      const bits = 1 + Math.floor(rng() * 256)
      let v = 0n
      for (let i = 0; i < bits; i += 30) v = (v << 30n) | BigInt(Math.floor(rng() * 2 ** 30))
      return v & ((1n << BigInt(bits)) - 1n)
    }
    case 'Num':
      return run === 0 ? 0 : Math.floor((rng() - 0.5) * 2 ** Math.floor(rng() * 53))
    case 'Bool':
      return rng() < 0.5
    case 'String':
      return Array.from({ length: Math.floor(rng() * 16) }, () => String.fromCharCode(97 + Math.floor(rng() * 26))).join('')
    case 'Bytes':
      return Uint8Array.from({ length: Math.floor(rng() * 40) }, () => Math.floor(rng() * 256))
    case 'Address':
      return new AddressValue(Uint8Array.from({ length: 20 }, () => Math.floor(rng() * 256)))
    case 'List':
      return [Math.floor(rng() * 100)]
    case 'Map':
      return new Map([[String(Math.floor(rng() * 100)), 1]])
    case 'Null':
      return null
    case 'Any':
      return BigInt(Math.floor(rng() * 2 ** 32))
  }
}
