// Runs the EVM workloads by WORKLOADS.md's method: per rep a new EVM, deploy and setup
// untimed, only the workload calls timed, every rep's answer checked and its gas equal to
// the first rep's. Also a CLI that prints the table (the bench entry is bench/run.ts):
//
//   node --import tsx bench/evm/run.ts [--only fib,loop] [--reps 5] [--warmup 1] [--n fib=20,loop=1000]

import type { ExecResult } from '@ethereumjs/evm'
import { pathToFileURL } from 'node:url'
import { median, repCounts, workloadSize } from '../stats.js'
import { compileEvmContracts, type EvmCompileOutput } from './compile.js'
import { call, deploy, newSession } from './session.js'
import { compareGas, formatEvmTable, GAS_TOLERANCE } from './report.js'
import { WORKLOAD_NAMES, WORKLOADS, WorkloadCheckError, type Workload, type WorkloadName } from './workloads.js'

export { compareGas, formatEvmTable, type GasComparison } from './report.js'
export { compileEvmContracts, WORKLOAD_NAMES, WORKLOADS, WorkloadCheckError, type EvmCompileOutput, type WorkloadName }

export interface Result {
  readonly name: WorkloadName
  readonly n: number
  readonly msMedian: number
  readonly msRuns: readonly number[]
  /** Sum of executionGasUsed of the timed calls (no intrinsic or calldata gas). */
  readonly gas: number
  /** Gas per call label, when a workload times more than one kind of call (storage). */
  readonly gasDetail?: Readonly<Record<string, number>>
  readonly mgasPerS: number
  readonly result: string
  readonly checked: true
}

export interface RunOptions {
  readonly only?: readonly string[]
  readonly reps?: number
  readonly warmup?: number
  /** Overrides of the default n per workload (tests use small ones). */
  readonly n?: Partial<Readonly<Record<WorkloadName, number>>>
  /** Reuse a compile (or a deliberately different one); compiles bench/evm/contracts otherwise. */
  readonly compiled?: EvmCompileOutput
  /** Called as each workload finishes, for progress output. */
  readonly onResult?: (r: Result) => void
}

export function selectWorkloads(only?: readonly string[]): Workload[] {
  if (!only) return [...WORKLOADS]
  const unknown = only.filter((name) => !WORKLOADS.some((w) => w.name === name))
  if (unknown.length > 0) throw new RangeError(`unknown EVM workload ${unknown.join(', ')} (known: ${WORKLOAD_NAMES.join(', ')})`)
  return WORKLOADS.filter((w) => only.includes(w.name))
}

interface Rep {
  readonly ms: number
  readonly gas: bigint
  readonly gasByLabel: ReadonlyMap<string, bigint>
}

async function runRep(w: Workload, bytecode: Uint8Array, n: number, want: string, rep: number): Promise<Rep> {
  const s = await newSession()
  const at = await deploy(s, bytecode, w.contract)
  const calls = await w.prepare(s, at, n)
  const outs: ExecResult[] = new Array(calls.length)

  const t0 = process.hrtime.bigint()
  for (let i = 0; i < calls.length; i++) outs[i] = await call(s, calls[i].caller, at, calls[i].data)
  const t1 = process.hrtime.bigint()

  const failed = outs.findIndex((o) => o.exceptionError)
  if (failed >= 0) throw new WorkloadCheckError(`${w.name} rep ${rep}: call ${failed} (${calls[failed].label}) failed: ${outs[failed].exceptionError?.error}`)
  const got = await w.answer(outs, s, at, n)
  if (got !== want) throw new WorkloadCheckError(`${w.name} n=${n} rep ${rep}: the EVM answered ${got}, expected ${want}`)

  const gasByLabel = new Map<string, bigint>()
  outs.forEach((o, i) => gasByLabel.set(calls[i].label, (gasByLabel.get(calls[i].label) ?? 0n) + o.executionGasUsed))
  const gas = [...gasByLabel.values()].reduce((a, b) => a + b, 0n)
  return { ms: Number(t1 - t0) / 1e6, gas, gasByLabel }
}

export async function runEvmWorkloads(opts: RunOptions = {}): Promise<Result[]> {
  const { reps, warmup } = repCounts(opts)
  const selected = selectWorkloads(opts.only)
  const compiled = opts.compiled ?? (await compileEvmContracts())

  const results: Result[] = []
  for (const w of selected) {
    const contract = compiled.contracts.get(w.contract)
    if (!contract) throw new RangeError(`no compiled contract ${w.contract} for ${w.name}`)
    const n = workloadSize(w.name, opts.n, w.defaultN)
    const want = w.expected(n)

    const timed: Rep[] = []
    let firstGas: bigint | null = null
    for (let rep = 0; rep < warmup + reps; rep++) {
      const r = await runRep(w, contract.bytecode, n, want, rep)
      firstGas ??= r.gas
      if (r.gas !== firstGas) throw new WorkloadCheckError(`${w.name} rep ${rep}: gas ${r.gas} differs from ${firstGas} of rep 0`)
      if (rep >= warmup) timed.push(r)
    }

    const msRuns = timed.map((r) => r.ms)
    const msMedian = median(msRuns)
    const gas = Number(timed[0].gas)
    const detail = timed[0].gasByLabel
    const result: Result = {
      name: w.name,
      n,
      msMedian,
      msRuns,
      gas,
      ...(detail.size > 1 ? { gasDetail: Object.fromEntries([...detail].map(([k, v]) => [k, Number(v)])) } : {}),
      mgasPerS: gas / 1e6 / (msMedian / 1000),
      result: want,
      checked: true,
    }
    opts.onResult?.(result)
    results.push(result)
  }
  return results
}

interface CliArgs {
  only?: string[]
  reps?: number
  warmup?: number
  n: Partial<Record<WorkloadName, number>>
}

function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { n: {} }
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]]
    if (value === undefined) throw new RangeError(`${flag} needs a value`)
    i++
    if (flag === '--only') args.only = selectWorkloads(value.split(',')).map((w) => w.name)
    else if (flag === '--reps') args.reps = Number(value)
    else if (flag === '--warmup') args.warmup = Number(value)
    else if (flag === '--n') {
      for (const pair of value.split(',')) {
        const [name, v] = pair.split('=')
        selectWorkloads([name])
        args.n[name as WorkloadName] = Number(v)
      }
    } else throw new RangeError(`unknown argument ${flag} (use --only a,b --reps N --warmup N --n name=N,...)`)
  }
  return args
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseCliArgs(argv)
  const compiled = await compileEvmContracts()
  console.log(`solc ${compiled.solcVersion}: load ${compiled.loadMs.toFixed(0)} ms, compile of ${compiled.contracts.size} contracts ${compiled.compileMs.toFixed(0)} ms`)
  for (const w of compiled.warnings) console.log(w)
  const results = await runEvmWorkloads({
    ...args,
    compiled,
    onResult: (r) => console.log(`  ${r.name}: ${r.msMedian.toFixed(1)} ms, gas ${r.gas}, ${r.result}`),
  })
  console.log()
  console.log(formatEvmTable(results))
  const flagged = results.filter((r) => compareGas(r)?.flagged)
  if (flagged.length > 0) console.log(`\n(!) gas differs from WORKLOADS.md by more than ${GAS_TOLERANCE * 100}%: ${flagged.map((r) => r.name).join(', ')}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : e)
    process.exitCode = 1
  })
}
