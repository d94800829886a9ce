// The eight EVM workloads of ../shared/peers/evm/WORKLOADS.md on the nVM, by the EVM side's
// method: per rep a fresh LocalChain, deploy and setup untimed, only the workload calls
// timed, each a separate top-level LocalChain.execute (the runCall analogue: no signature,
// nonce, fee or block; its state committed after it). Every rep's answer is checked against
// bench/evm/expected.ts and its gas must equal the first rep's.

import { keccak_256 } from '@noble/hashes/sha3.js'
import { LocalChain } from '../../chain/local-chain.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import type { Applied } from '../../chain/execute.js'
import type { Address, Payload } from '../../chain/tx.js'
import { AddressValue, decodeAbiValue, encodeArgs, type AbiValue } from '../../vm/contract/abi-values.js'
import type { WorkloadName } from '../evm/workloads.js'
import * as expected from '../evm/expected.js'
import { compileNestContracts, type NestCompileOutput } from './contracts.js'
import { median, msSince, repCounts, workloadSize } from '../stats.js'

export const NEST_WORKLOAD_NAMES = ['fib', 'loop', 'storage', 'token', 'hash', 'hash_asm', 'bytes_append', 'bytes_concat'] as const satisfies readonly WorkloadName[]

export class NestWorkloadError extends Error {
  override name = 'NestWorkloadError'
}

/** Every call gets far more gas than it needs, as the EVM side's 1e12. */
export const CALL_GAS_LIMIT = 1e12
/** Deploys every contract and owns the token. */
export const DEPLOYER: Address = addressOfNumber(0xde9107e7n)

export interface NestCall {
  /** Calls sharing a label are summed into one gas detail entry. */
  readonly label: string
  readonly sender: Address
  readonly payload: Payload
}

export interface NestWorkload {
  readonly name: WorkloadName
  /** File in bench/contracts/, without `.nest`. hash_asm has no Nest twin: inline assembly
   *  is the EVM's way round its own memory model, so it runs the one keccak chain. */
  readonly contract: string
  readonly defaultN: number
  /** Untimed setup on the freshly deployed contract; returns the calls to time. */
  prepare(chain: LocalChain, at: Address, n: number): readonly NestCall[]
  /** The nVM's answer in string form, from the timed calls (and untimed reads). */
  answer(outs: readonly Applied[], chain: LocalChain, at: Address, n: number): string
  /** The same string from bench/evm/expected.ts. */
  expected(n: number): string
}

export interface NestResult {
  readonly name: WorkloadName
  readonly n: number
  readonly msMedian: number
  readonly msRuns: readonly number[]
  /** Sum of the timed calls' gasUsed (execute charges no intrinsic gas). */
  readonly gas: number
  readonly gasDetail?: Readonly<Record<string, number>>
  readonly result: string
  readonly checked: true
}

export interface NestRunOptions {
  readonly only?: readonly string[]
  readonly reps?: number
  readonly warmup?: number
  readonly n?: Partial<Readonly<Record<WorkloadName, number>>>
  readonly compiled?: NestCompileOutput
  readonly onResult?: (r: NestResult) => void
}

function addressOfNumber(v: bigint): Address {
  const out = new Uint8Array(20)
  for (let i = 19; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}

const tokenAccount = (i: number): Address => addressOfNumber(expected.TOKEN_FIRST_ACCOUNT + BigInt(i))

const hex = (b: Uint8Array) => '0x' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

const call = (to: Address, method: string, args: readonly AbiValue[]): Payload => ({ kind: 'call', to, method, args: encodeArgs(args), value: 0n })

const runOnce = (label: string, method: string) => (_c: LocalChain, at: Address, n: number) => [{ label, sender: DEPLOYER, payload: call(at, method, [BigInt(n)]) }]

function returned(out: Applied): AbiValue {
  return decodeAbiValue(out.receipt.returnValue)
}

function intAnswer(outs: readonly Applied[]): string {
  const v = returned(outs[outs.length - 1])
  if (typeof v !== 'bigint') throw new NestWorkloadError(`expected an Int, the contract returned ${String(v)}`)
  return String(v)
}

function bytesAnswer(outs: readonly Applied[]): string {
  const v = returned(outs[outs.length - 1])
  if (!(v instanceof Uint8Array)) throw new NestWorkloadError(`expected Bytes, the contract returned ${String(v)}`)
  return hex(v)
}

/** `length keccak` of a returned [Int, Bytes], as the bytes workloads answer. */
function lengthAndHash(outs: readonly Applied[]): string {
  const v = returned(outs[0])
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'bigint' || !(v[1] instanceof Uint8Array)) {
    throw new NestWorkloadError(`expected [length, hash], the contract returned ${String(v)}`)
  }
  return `${v[0]} ${hex(v[1])}`
}

function expectedBytes(n: number): string {
  const b = expected.appendedBytes(n)
  return `${b.length} ${hex(b.keccak)}`
}

/** Balances are summarised by the keccak of their 32-byte big-endian words, in account order. */
function balancesDigest(balances: readonly bigint[]): string {
  const words = new Uint8Array(32 * balances.length)
  balances.forEach((b, i) => {
    for (let k = 31, v = b; v > 0n; k--, v >>= 8n) words[32 * i + k] = Number(v & 0xffn)
  })
  return `${balances.length} balances, keccak ${hex(keccak_256(words))}`
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

function checkTransfers(outs: readonly Applied[]): void {
  outs.forEach((o, k) => {
    if (returned(o) !== true) throw new NestWorkloadError(`token transfer ${k} did not return true`)
    const t = expected.tokenTransfer(k)
    const events = o.receipt.events
    const data = events.length === 1 ? decodeAbiValue(events[0].data) : null
    const ok =
      events.length === 1 &&
      events[0].topic === 'Transfer' &&
      Array.isArray(data) &&
      data.length === 3 &&
      data[0] instanceof AddressValue &&
      sameBytes(data[0].bytes, tokenAccount(t.from)) &&
      data[1] instanceof AddressValue &&
      sameBytes(data[1].bytes, tokenAccount(t.to)) &&
      data[2] === t.amount
    if (!ok) throw new NestWorkloadError(`token transfer ${k} did not emit the expected Transfer event`)
  })
}

function mustExecute(chain: LocalChain, sender: Address, payload: Payload, what: string): Applied {
  const out = chain.execute(sender, payload, CALL_GAS_LIMIT)
  if (out.receipt.status !== 'ok') throw new NestWorkloadError(`${what}: ${out.receipt.error}`)
  return out
}

export const NEST_WORKLOADS: readonly NestWorkload[] = [
  { name: 'fib', contract: 'fib', defaultN: 25, prepare: runOnce('run', 'run'), answer: intAnswer, expected: (n) => String(expected.fib(n)) },
  { name: 'loop', contract: 'loop', defaultN: 1_000_000, prepare: runOnce('run', 'run'), answer: intAnswer, expected: (n) => String(expected.loopSum(n)) },
  {
    name: 'storage',
    contract: 'storage',
    defaultN: 10_000,
    prepare: (_c, at, n) => [
      { label: 'write', sender: DEPLOYER, payload: call(at, 'write', [BigInt(n)]) },
      { label: 'readSum', sender: DEPLOYER, payload: call(at, 'readSum', [BigInt(n)]) },
    ],
    answer: intAnswer,
    expected: (n) => String(expected.storageSum(n)),
  },
  {
    name: 'token',
    contract: 'token',
    defaultN: 10_000,
    prepare(chain, at, n) {
      for (let i = 0; i < expected.TOKEN_ACCOUNTS; i++) {
        mustExecute(chain, DEPLOYER, call(at, 'mint', [new AddressValue(tokenAccount(i)), expected.TOKEN_MINT]), `minting to A[${i}]`)
      }
      return Array.from({ length: n }, (_, k) => {
        const t = expected.tokenTransfer(k)
        return { label: 'transfer', sender: tokenAccount(t.from), payload: call(at, 'transfer', [new AddressValue(tokenAccount(t.to)), t.amount]) }
      })
    },
    answer(outs, chain, at) {
      checkTransfers(outs)
      const balances: bigint[] = []
      for (let i = 0; i < expected.TOKEN_ACCOUNTS; i++) {
        const v = decodeAbiValue(mustExecute(chain, DEPLOYER, call(at, 'balanceOf', [new AddressValue(tokenAccount(i))]), `balanceOf(A[${i}])`).receipt.returnValue)
        if (typeof v !== 'bigint') throw new NestWorkloadError(`balanceOf(A[${i}]) returned ${String(v)}`)
        balances.push(v)
      }
      return balancesDigest(balances)
    },
    expected: (n) => balancesDigest(expected.tokenBalances(n)),
  },
  { name: 'hash', contract: 'hash', defaultN: 100_000, prepare: runOnce('run', 'run'), answer: bytesAnswer, expected: (n) => hex(expected.keccakChain(n)) },
  { name: 'hash_asm', contract: 'hash', defaultN: 100_000, prepare: runOnce('run', 'run'), answer: bytesAnswer, expected: (n) => hex(expected.keccakChain(n)) },
  { name: 'bytes_append', contract: 'bytes_append', defaultN: 10_000, prepare: runOnce('run', 'run'), answer: lengthAndHash, expected: expectedBytes },
  { name: 'bytes_concat', contract: 'bytes_concat', defaultN: 2_000, prepare: runOnce('run', 'run'), answer: lengthAndHash, expected: expectedBytes },
]

export function selectNestWorkloads(only?: readonly string[]): NestWorkload[] {
  if (!only) return [...NEST_WORKLOADS]
  const unknown = only.filter((name) => !NEST_WORKLOADS.some((w) => w.name === name))
  if (unknown.length > 0) throw new RangeError(`unknown workload ${unknown.join(', ')} (known: ${NEST_WORKLOAD_NAMES.join(', ')})`)
  return NEST_WORKLOADS.filter((w) => only.includes(w.name))
}

interface Rep {
  readonly ms: number
  readonly gasByLabel: ReadonlyMap<string, number>
}

/** A fresh chain with the workload's contract deployed by DEPLOYER. */
function deployFresh(module: Uint8Array, what: string): { chain: LocalChain; at: Address } {
  const chain = new LocalChain({ crypto: nodeCrypto, accounts: 0 })
  const d = mustExecute(chain, DEPLOYER, { kind: 'deploy', module, args: encodeArgs([]), value: 0n }, `deploying ${what}`)
  if (d.contract === null) throw new NestWorkloadError(`deploying ${what} made no contract`)
  return { chain, at: d.contract }
}

function runRep(w: NestWorkload, module: Uint8Array, n: number, want: string, rep: number): Rep {
  const { chain, at } = deployFresh(module, w.contract)
  const calls = w.prepare(chain, at, n)
  const outs: Applied[] = new Array(calls.length)

  const t0 = process.hrtime.bigint()
  for (let i = 0; i < calls.length; i++) outs[i] = chain.execute(calls[i].sender, calls[i].payload, CALL_GAS_LIMIT)
  const ms = msSince(t0)

  const failed = outs.findIndex((o) => o.receipt.status !== 'ok')
  if (failed >= 0) throw new NestWorkloadError(`${w.name} rep ${rep}: call ${failed} (${calls[failed].label}) failed: ${outs[failed].receipt.error}`)
  const got = w.answer(outs, chain, at, n)
  if (got !== want) throw new NestWorkloadError(`${w.name} n=${n} rep ${rep}: the nVM answered ${got}, expected ${want}`)

  const gasByLabel = new Map<string, number>()
  outs.forEach((o, i) => gasByLabel.set(calls[i].label, (gasByLabel.get(calls[i].label) ?? 0) + o.receipt.gasUsed))
  return { ms, gasByLabel }
}

const totalGas = (r: Rep) => [...r.gasByLabel.values()].reduce((a, b) => a + b, 0)

export function runNestWorkloads(opts: NestRunOptions = {}): NestResult[] {
  const { reps, warmup } = repCounts(opts)
  const selected = selectNestWorkloads(opts.only)
  const compiled = opts.compiled ?? compileNestContracts(undefined, 0)

  const results: NestResult[] = []
  for (const w of selected) {
    const module = compiled.modules.get(w.contract)
    if (!module) throw new RangeError(`no compiled contract ${w.contract} for ${w.name}`)
    const n = workloadSize(w.name, opts.n, w.defaultN)
    const want = w.expected(n)

    const timed: Rep[] = []
    let firstGas: number | null = null
    for (let rep = 0; rep < warmup + reps; rep++) {
      const r = runRep(w, module, n, want, rep)
      firstGas ??= totalGas(r)
      if (totalGas(r) !== firstGas) throw new NestWorkloadError(`${w.name} rep ${rep}: gas ${totalGas(r)} differs from ${firstGas} of rep 0`)
      if (rep >= warmup) timed.push(r)
    }

    const msRuns = timed.map((r) => r.ms)
    const detail = timed[0].gasByLabel
    const result: NestResult = {
      name: w.name,
      n,
      msMedian: median(msRuns),
      msRuns,
      gas: totalGas(timed[0]),
      ...(detail.size > 1 ? { gasDetail: Object.fromEntries(detail) } : {}),
      result: want,
      checked: true,
    }
    opts.onResult?.(result)
    results.push(result)
  }
  return results
}
