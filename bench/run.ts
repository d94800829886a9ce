// `npm run bench`: the figures the issues name, measured on this machine and written to
// BENCHMARKS.md with the machine and the date. Not a test: nothing here runs in `npm test`.
//
//   npm run bench                      every benchmark, results into BENCHMARKS.md
//   npm run bench -- --only fib        one benchmark (or a comma list); printed only
//   npm run bench -- --only evm        the eight EVM workloads (evm.fib,evm.token for some)
//   npm run bench -- --only transfers  10,000 signed token transfers through the local chain
//   npm run bench -- --reps 9          runs per program (default 5, at least 5 for the record)
//
// Language core (issue 3): the eight Wren benchmark programs run unchanged on `unest run`,
// interleaved with Wren 0.4's C VM when ../shared/peers/wren/build.sh can build it; the
// ratio is of the medians of the programs' own `elapsed:` lines, the whole-process time is
// printed beside it. Our own Nest versions (bench/programs/) run too and check their
// answers. Then the start-up time of the bin on a one-line program.
//
// Contracts (issue 4): the eight EVM workloads on @ethereumjs/evm and as Nest contracts on a
// local chain (bench/chain/compare.ts), and 10,000 pre-signed token transfers through the
// local chain (bench/chain/transfers.ts).

import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, release, type as osType } from 'node:os'
import { join } from 'node:path'
import { binEnv, measureStartup } from './startup.js'
import { median } from './stats.js'
import { formatComparison, formatRowLine, runComparison, type Comparison } from './chain/compare.js'
import { NEST_WORKLOAD_NAMES } from './chain/workloads.js'
import { formatTransfers, type TransfersResult } from './chain/transfers.js'

const ROOT = join(import.meta.dirname, '..')
const BIN = join(ROOT, 'dist', 'unest.js')
const PEERS = join(ROOT, '..', 'shared', 'peers', 'wren')
const PROGRAMS = ['fib', 'method_call', 'binary_trees', 'delta_blue', 'map_numeric', 'map_string', 'string_equals', 'for'] as const
const WREN_TARGET = 3
const STARTUP_TARGET = 0.25

interface Args {
  only: Set<string> | null
  reps: number
}

const EVM_PREFIX = 'evm.'
/** What `--only` accepts besides the Wren programs. */
const SECTIONS = ['startup', 'evm', 'transfers', ...NEST_WORKLOAD_NAMES.map((w) => EVM_PREFIX + w)]

function parseArgs(argv: string[]): Args {
  const args: Args = { only: null, reps: 5 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--only') args.only = new Set(argv[++i].split(','))
    else if (a === '--reps') args.reps = Math.max(1, Number(argv[++i]))
    else throw new Error(`unknown argument ${a} (use --only NAME[,NAME] and --reps N)`)
  }
  const unknown = [...(args.only ?? [])].filter((n) => !(PROGRAMS as readonly string[]).includes(n) && !SECTIONS.includes(n))
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${[...PROGRAMS, ...SECTIONS].join(', ')})`)
  return args
}

/** The EVM workloads `--only` names; all of them without --only; none when it names none. */
function evmWorkloads(args: Args): string[] {
  if (!args.only || args.only.has('evm')) return [...NEST_WORKLOAD_NAMES]
  return [...args.only].filter((n) => n.startsWith(EVM_PREFIX)).map((n) => n.slice(EVM_PREFIX.length))
}

const wanted = (args: Args, name: string) => !args.only || args.only.has(name)

const fmt = (x: number, d = 3) => x.toFixed(d)

interface Timed {
  readonly elapsed: number
  readonly wall: number
  readonly results: string
}

/** Runs a program as a whole process; its `elapsed:` line and its other output. */
function timed(cmd: string, args: string[], what: string): Timed {
  const env = binEnv()
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 << 20 })
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`)
  const lines = r.stdout.trimEnd().split('\n')
  const last = lines.pop() ?? ''
  const m = /^elapsed: ([0-9.e+-]+)$/.exec(last)
  if (!m) throw new Error(`${what}: no elapsed line at the end of its output:\n${r.stdout}`)
  return { elapsed: Number(m[1]), wall, results: lines.join('\n') }
}

function wrenBinary(): string | null {
  const script = join(PEERS, 'build.sh')
  if (!existsSync(script)) return null
  const r = spawnSync('bash', [script], { encoding: 'utf8' })
  const bin = r.stdout.trim().split('\n').pop() ?? ''
  if (r.status !== 0 || !existsSync(bin)) {
    console.log(`note: ${script} did not build Wren (exit ${r.status}); running without it`)
    return null
  }
  return bin
}

interface WrenRow {
  readonly name: string
  readonly unest: number
  readonly unestWall: number
  readonly ours: number | null
  readonly wren: number | null
  readonly wrenWall: number | null
}

function benchWren(args: Args, wren: string | null): WrenRow[] {
  const rows: WrenRow[] = []
  for (const name of PROGRAMS) {
    if (args.only && !args.only.has(name)) continue
    const peer = join(PEERS, 'benchmark', `${name}.wren`)
    const own = join(ROOT, 'bench', 'programs', `${name}.nest`)
    if (!existsSync(peer) && !existsSync(own)) continue
    const u: Timed[] = []
    const w: Timed[] = []
    const o: Timed[] = []
    for (let i = 0; i < args.reps; i++) {
      if (existsSync(peer)) {
        u.push(timed(BIN, ['run', peer], `unest run ${name}.wren`))
        if (wren) w.push(timed(wren, [peer], `wren ${name}.wren`))
      }
      if (existsSync(own)) o.push(timed(BIN, ['run', own], `unest run bench/programs/${name}.nest`))
    }
    if (w.length > 0 && u[0].results !== w[0].results) {
      throw new Error(`${name}: unest printed\n${u[0].results}\nbut Wren printed\n${w[0].results}`)
    }
    // Our versions check their own answers (exit 70 otherwise); they also print Wren's.
    if (w.length > 0 && o.length > 0 && o[0].results !== w[0].results) {
      throw new Error(`${name}: bench/programs/${name}.nest printed\n${o[0].results}\nbut Wren printed\n${w[0].results}`)
    }
    const row: WrenRow = {
      name,
      unest: u.length ? median(u.map((t) => t.elapsed)) : NaN,
      unestWall: u.length ? median(u.map((t) => t.wall)) : NaN,
      ours: o.length ? median(o.map((t) => t.elapsed)) : null,
      wren: w.length ? median(w.map((t) => t.elapsed)) : null,
      wrenWall: w.length ? median(w.map((t) => t.wall)) : null,
    }
    rows.push(row)
    const ratio = row.wren ? ` ${fmt(row.unest / row.wren, 2)}x of Wren` : ''
    console.log(`${name.padEnd(14)} unest ${fmt(row.unest)} s${row.wren ? `  wren ${fmt(row.wren)} s` : ''}${ratio}`)
  }
  return rows
}

function machine(): string {
  const c = cpus()
  return `${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node ${process.version}`
}

function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' })
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  return r.status === 0 ? `${r.stdout.trim()}${dirty ? ' (with uncommitted changes)' : ''}` : 'unknown'
}

interface Sections {
  readonly rows: WrenRow[]
  readonly startup: { medianSeconds: number; runs: number[] } | null
  readonly evm: Comparison | null
  readonly transfers: TransfersResult | null
}

function report({ rows, startup, evm, transfers }: Sections, reps: number): string {
  const out: string[] = []
  out.push('# Benchmarks', '')
  out.push('Written by `npm run bench` (bench/run.ts); do not edit by hand. Tests never time anything: these')
  out.push('figures are measured here, on the machine below, and checked against the targets the issues set.', '')
  out.push(`- Date: ${new Date().toISOString().slice(0, 10)}`)
  out.push(`- Machine: ${machine()}`)
  out.push(`- Commit: ${commit()}`)
  out.push(`- Runs: ${reps} per program, interleaved with the peer; medians`, '')
  out.push('## Language core: Wren benchmark programs (target: within 3× of Wren 0.4’s C VM)', '')
  out.push('Each program runs unchanged on `unest run` (gas metering on, as always). Ratio: median of the')
  out.push('programs’ own `elapsed:` lines, nVM over Wren. Whole process: median wall time of the process.')
  out.push('`bench/programs/` are our own Nest versions of the same workloads, which check their answers. The bin runs as')
  out.push('users run it, through its `#!` line (Node with `--v8-pool-size=0`: V8’s worker pool sized to the machine).', '')
  out.push('| program | nVM elapsed (s) | Wren elapsed (s) | ratio | target ≤ 3× | nVM process (s) | Wren process (s) | own Nest version (s) |')
  out.push('|---|---:|---:|---:|:---:|---:|---:|---:|')
  for (const r of rows) {
    const ratio = r.wren ? r.unest / r.wren : null
    out.push(
      `| ${r.name} | ${fmt(r.unest)} | ${r.wren !== null ? fmt(r.wren) : '–'} | ${ratio !== null ? fmt(ratio, 2) + '×' : '–'} | ` +
        `${ratio === null ? 'no peer' : ratio <= WREN_TARGET ? 'met' : '**missed**'} | ${fmt(r.unestWall)} | ` +
        `${r.wrenWall !== null ? fmt(r.wrenWall) : '–'} | ${r.ours !== null ? fmt(r.ours) : '–'} |`,
    )
  }
  out.push('')
  if (startup) {
    out.push(`## Start-up: \`unest run\` of a one-line program (target: under ${STARTUP_TARGET} s)`, '')
    out.push(`Whole process, \`dist/unest.js run one.nest\` (the bin as users run it): median ${fmt(startup.medianSeconds)} s over ${startup.runs.length} runs ` +
      `(${startup.medianSeconds < STARTUP_TARGET ? 'met' : '**missed**'}); runs: ${startup.runs.map((x) => fmt(x)).join(', ')}.`, '')
  }
  if (evm) {
    out.push('## Contracts: the EVM workloads (targets: fib, loop ≥ 20× faster than the EVM; storage, token, bytes ≥ 5×; hashing ≥ 2× against hash_asm; none slower)', '')
    out.push('../shared/peers/evm/WORKLOADS.md’s eight workloads: Solidity on @ethereumjs/evm (Prague, in-memory')
    out.push('SimpleStateManager, no state root) and Nest contracts (bench/contracts/) on a LocalChain. Both sides: per rep a fresh')
    out.push('chain, deploy and setup untimed, 1 warm-up and 5 timed reps, median; each call a separate top-level call without')
    out.push('signature, nonce or block (runCall; LocalChain.execute, which commits state after each call and, making no block,')
    out.push('leaves the state root to the next block, as runCall has none). Every rep’s answer is checked against')
    out.push('bench/evm/expected.ts. Gas: EVM executionGasUsed (no intrinsic or')
    out.push('calldata gas); nVM gasUsed of execute (no intrinsic gas). hash_asm on the nVM is the same contract as hash.', '')
    out.push(formatComparison(evm), '')
  }
  if (transfers) {
    out.push('## Contracts: 10,000 pre-signed token transfers through the local chain (target: under 1.6 s; stretch: under 1 s on both cores)', '')
    out.push('examples/token deployed by dev account 0, which funds 100 dev accounts; transfer k from holder k % 100 to holder')
    out.push('(k + 1) % 100. Signed transactions (signing untimed), one block each, signature and nonce checked, each rep on a fresh')
    out.push('chain; receipts, events, balances and nonces checked after. The phase split is LocalChain.submit’s own clock')
    out.push('(its timing option, bench/chain/phased-chain.ts); the worker run passes it signatures a worker thread checked.')
    out.push('This section runs in a process of its own, so what earlier sections left in the heap does not weigh on it.', '')
    out.push(formatTransfers(transfers), '')
  }
  return out.join('\n')
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const needsBin = wanted(args, 'startup') || PROGRAMS.some((p) => wanted(args, p))
  if (needsBin && !existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`)
  let rows: WrenRow[] = []
  if (PROGRAMS.some((p) => wanted(args, p))) {
    const wren = wrenBinary()
    if (!wren) console.log('note: Wren is not available here; ratios are not measured')
    rows = benchWren(args, wren)
  }
  let startup: Awaited<ReturnType<typeof measureStartup>> | null = null
  if (wanted(args, 'startup')) {
    startup = await measureStartup(Math.max(args.reps, 7))
    console.log(`startup        ${fmt(startup.medianSeconds)} s (median of ${startup.runs.length})`)
  }
  let evm: Comparison | null = null
  const workloads = evmWorkloads(args)
  if (workloads.length > 0) {
    evm = await runComparison({ only: workloads, reps: args.reps, onRow: (r) => console.log(formatRowLine(r)) })
    console.log(`compile: solc-js ${evm.solc.compileMs.toFixed(0)} ms, Nest ${evm.nest.coldMs.toFixed(0)} ms cold, ${evm.nest.warmMs.toFixed(0)} ms warm`)
  }
  let transfers: TransfersResult | null = null
  if (wanted(args, 'transfers')) {
    // In a fresh process: the earlier sections' heap would slow this one's collector.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'chain', 'transfers-main.ts'), String(args.reps)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 << 20,
    })
    if (child.status !== 0) throw new Error(`the transfers benchmark failed (exit ${child.status})`)
    transfers = JSON.parse(child.stdout.trim().split('\n').pop()!) as TransfersResult
    console.log(formatTransfers(transfers))
  }
  if (args.only) return
  const file = join(ROOT, 'BENCHMARKS.md')
  writeFileSync(file, report({ rows, startup, evm, transfers }, args.reps))
  console.log(`wrote ${file}`)
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 1
})
