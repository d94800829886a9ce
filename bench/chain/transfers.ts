// 10,000 pre-signed token transfers through the local chain as transactions, one block each,
// nonce and signature checked (issue 4). The token is examples/token, deployed by dev
// account 0, which then funds dev accounts 1..100 (the holders); transfer k is sent by
// holder k % 100 to holder (k + 1) % 100 for 1 + k % 10, as the EVM token workload's. Signing
// is untimed and done once: every rep starts from a fresh chain in the same state, so the
// same signed transactions are valid again.
//
// Four figures: LocalChain.submit as it is; the same loop with a clock on each phase
// (phased-chain.ts: verify, execute, commit); that loop with the signatures checked by
// worker threads while the main thread executes (verify-batch.ts); and the signature checks
// alone on one core.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compile } from '../../compiler/compile.js'
import { renderDiagnostic } from '../../compiler/diagnostics.js'
import type { Address } from '../../chain/address.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { contractAddress } from '../../chain/execute.js'
import { LocalChain } from '../../chain/local-chain.js'
import type { Receipt } from '../../chain/receipt.js'
import { encodeTx, signTx, verifyTxSignature, type Payload, type Tx } from '../../chain/tx.js'
import { AddressValue, decodeAbiValue, encodeArgs } from '../../vm/contract/abi-values.js'
import * as expected from '../evm/expected.js'
import { nodeDevSigner } from './node-signer.js'
import { PhasedChain, type PhaseTimes } from './phased-chain.js'
import { median, msSince } from '../stats.js'
import { chunkCount, ensureVerified, packBatch, CHUNK, type SharedBatch } from './verify-batch.js'
import { VerifyPool } from './verify-pool.js'

export const TOKEN_SOURCE = join(import.meta.dirname, '..', '..', 'examples', 'token', 'token.nest')
export const TRANSFERS = 10_000
export const HOLDERS = expected.TOKEN_ACCOUNTS
/** Issue 4: 3× Hardhat 2.29's best figure here (4.9 s); the stretch uses both cores. */
export const TARGET_MS = 1600
export const STRETCH_MS = 1000
const OWNER = 0
const TRANSFER_GAS_LIMIT = 20_000
const DEPLOY_GAS_LIMIT = 10_000_000

export class TransfersCheckError extends Error {
  override name = 'TransfersCheckError'
}

export interface TransferSet {
  readonly chainId: string
  readonly token: Address
  readonly holders: readonly Address[]
  /** Deploy and funding, untimed. */
  readonly setup: readonly Tx[]
  readonly transfers: readonly Tx[]
  /** The transfers' encodings, as a node receives them. */
  readonly encoded: readonly Uint8Array[]
  readonly signMs: number
}

const holderIndex = (k: number) => 1 + k

function compileToken(): Uint8Array {
  const r = compile({ name: 'main', path: TOKEN_SOURCE, text: readFileSync(TOKEN_SOURCE, 'utf8') }, null, { contract: true })
  if (!r.bytes) throw new TransfersCheckError(r.diagnostics.map((d) => renderDiagnostic(d)).join('\n'))
  return r.bytes
}

/** Every transaction of the benchmark, signed; n transfers. */
export async function prepareTransfers(n = TRANSFERS): Promise<TransferSet> {
  const chain = new LocalChain({ crypto: nodeCrypto, accounts: 1 + HOLDERS })
  const chainId = chain.params.chainId
  const signers = chain.accounts.map((_, i) => nodeDevSigner(i))
  const addresses = chain.accounts.map((a) => a.address)
  const nonces = addresses.map(() => 0)
  const sign = (from: number, gasLimit: number, payload: Payload) =>
    signTx(signers[from], chainId, {
      sender: addresses[from],
      key: { scheme: signers[from].scheme, publicKey: signers[from].publicKey },
      nonce: ++nonces[from],
      fee: { token: NATIVE_TOKEN, amount: BigInt(gasLimit) * chain.params.minGasPrice },
      gasLimit,
      payload,
    })
  const token = contractAddress(nodeCrypto, addresses[OWNER], 0)
  const holders = Array.from({ length: HOLDERS }, (_, i) => addresses[holderIndex(i)])
  const transfer = (to: Address, amount: bigint): Payload => ({ kind: 'call', to: token, method: 'transfer', args: encodeArgs([new AddressValue(to), amount]), value: 0n })

  const setup: Tx[] = [await sign(OWNER, DEPLOY_GAS_LIMIT, { kind: 'deploy', module: compileToken(), args: encodeArgs(['Bench', 'BENCH', BigInt(HOLDERS) * expected.TOKEN_MINT]), value: 0n })]
  for (const h of holders) setup.push(await sign(OWNER, TRANSFER_GAS_LIMIT, transfer(h, expected.TOKEN_MINT)))
  const t0 = process.hrtime.bigint()
  const transfers: Tx[] = []
  for (let k = 0; k < n; k++) {
    const t = expected.tokenTransfer(k)
    transfers.push(await sign(holderIndex(t.from), TRANSFER_GAS_LIMIT, transfer(holders[t.to], t.amount)))
  }
  const signMs = msSince(t0)
  return { chainId, token, holders, setup, transfers, encoded: transfers.map(encodeTx), signMs }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

/** Each transfer succeeded, returned true and emitted its one Transfer event. */
function checkReceipts(set: TransferSet, receipts: readonly Receipt[]): void {
  receipts.forEach((r, k) => {
    if (r.status !== 'ok') throw new TransfersCheckError(`transfer ${k} reverted: ${r.error}`)
    if (decodeAbiValue(r.returnValue) !== true) throw new TransfersCheckError(`transfer ${k} did not return true`)
    const t = expected.tokenTransfer(k)
    const data = r.events.length === 1 && r.events[0].topic === 'Transfer' ? decodeAbiValue(r.events[0].data) : null
    const ok =
      Array.isArray(data) &&
      data.length === 3 &&
      data[0] instanceof AddressValue &&
      sameBytes(data[0].bytes, set.holders[t.from]) &&
      data[1] instanceof AddressValue &&
      sameBytes(data[1].bytes, set.holders[t.to]) &&
      data[2] === t.amount
    if (!ok) throw new TransfersCheckError(`transfer ${k} did not emit the expected Transfer event`)
  })
}

function freshLocalChain(set: TransferSet): LocalChain {
  const chain = new LocalChain({ crypto: nodeCrypto, accounts: 1 + HOLDERS })
  for (const tx of set.setup) {
    const r = chain.submit(tx)
    if (r.receipt.status !== 'ok') throw new TransfersCheckError(`setup transaction failed: ${r.receipt.error}`)
  }
  return chain
}

function freshPhasedChain(set: TransferSet): PhasedChain {
  const chain = new PhasedChain(nodeCrypto, 1 + HOLDERS)
  for (const tx of set.setup) {
    if (chain.submit(tx).status !== 'ok') throw new TransfersCheckError('setup transaction failed on the phased chain')
  }
  chain.resetTimes()
  return chain
}

export interface Ending {
  readonly stateRoot: string
  readonly blockHash: string
}

/** The timed loop through LocalChain.submit; balances and nonces checked after. */
function runLocal(set: TransferSet): { ms: number; end: Ending } {
  const chain = freshLocalChain(set)
  const receipts: Receipt[] = new Array(set.transfers.length)
  const t0 = process.hrtime.bigint()
  for (let k = 0; k < set.transfers.length; k++) receipts[k] = chain.submit(set.transfers[k]).receipt
  const ms = msSince(t0)
  checkReceipts(set, receipts)
  const want = expected.tokenBalances(set.transfers.length)
  set.holders.forEach((h, i) => {
    const got = chain.read(set.token, 'balanceOf', [new AddressValue(h)])
    if (got !== want[i]) throw new TransfersCheckError(`holder ${i} holds ${String(got)}, expected ${want[i]}`)
    const sent = Math.floor(set.transfers.length / HOLDERS) + (i < set.transfers.length % HOLDERS ? 1 : 0)
    const nonce = chain.nextNonce(h, chain.accounts[holderIndex(i)].signer) - 1
    if (nonce !== sent) throw new TransfersCheckError(`holder ${i} is at nonce ${nonce} after sending ${sent}`)
  })
  const last = chain.blocks[chain.blocks.length - 1]
  return { ms, end: { stateRoot: hex(chain.stateRoot), blockHash: hex(last.hash) } }
}

function runPhased(set: TransferSet): { ms: number; times: PhaseTimes; end: Ending } {
  const chain = freshPhasedChain(set)
  const receipts: Receipt[] = new Array(set.transfers.length)
  const t0 = process.hrtime.bigint()
  for (let k = 0; k < set.transfers.length; k++) receipts[k] = chain.submit(set.transfers[k])
  const ms = msSince(t0)
  checkReceipts(set, receipts)
  return { ms, times: { ...chain.times }, end: { stateRoot: hex(chain.stateRoot), blockHash: hex(chain.lastBlockHash) } }
}

/** The phased loop with the workers checking signatures ahead of it; the main thread checks
 *  a chunk itself when it gets there first. */
async function runParallel(set: TransferSet, pool: VerifyPool): Promise<{ ms: number; times: PhaseTimes; mainChunks: number; end: Ending }> {
  const chain = freshPhasedChain(set)
  const batch: SharedBatch = packBatch(set.chainId, set.encoded)
  const verdicts = new Uint8Array(batch.verdicts)
  const receipts: Receipt[] = new Array(set.transfers.length)
  let mainChunks = 0
  const t0 = process.hrtime.bigint()
  const workers = pool.run(batch)
  for (let c = 0; c < chunkCount(batch); c++) {
    const tv = process.hrtime.bigint()
    if (ensureVerified(nodeCrypto, batch, c)) mainChunks++
    chain.addVerify(msSince(tv))
    const end = Math.min((c + 1) * CHUNK, set.transfers.length)
    for (let k = c * CHUNK; k < end; k++) {
      if (verdicts[k] !== 1) throw new TransfersCheckError(`transfer ${k}: the signature does not verify`)
      receipts[k] = chain.submit(set.transfers[k], true)
    }
  }
  const ms = msSince(t0)
  await workers
  checkReceipts(set, receipts)
  return { ms, times: { ...chain.times }, mainChunks, end: { stateRoot: hex(chain.stateRoot), blockHash: hex(chain.lastBlockHash) } }
}

function verifyAlone(set: TransferSet): number {
  const t0 = process.hrtime.bigint()
  let bad = 0
  for (const tx of set.transfers) if (!verifyTxSignature(nodeCrypto, set.chainId, tx)) bad++
  const ms = msSince(t0)
  if (bad > 0) throw new TransfersCheckError(`${bad} signatures did not verify`)
  return ms
}

export interface TransfersResult {
  readonly n: number
  readonly reps: number
  readonly signMs: number
  /** LocalChain.submit, the figure the target is about. */
  readonly localMs: number
  readonly localRuns: readonly number[]
  /** The phased loop: its total and the median of each phase. */
  readonly phasedMs: number
  readonly phases: PhaseTimes
  /** Workers checking signatures beside the main thread. */
  readonly parallel: { readonly workers: number; readonly ms: number; readonly runs: readonly number[]; readonly phases: PhaseTimes; readonly mainShare: number } | null
  readonly verifyAloneMs: number
}

export interface TransfersOptions {
  readonly n?: number
  readonly reps?: number
  readonly warmup?: number
  /** Worker threads for the parallel run; 0 skips it. */
  readonly workers?: number
  readonly log?: (line: string) => void
}

const medianPhases = (xs: readonly PhaseTimes[]): PhaseTimes => ({
  verifyMs: median(xs.map((x) => x.verifyMs)),
  executeMs: median(xs.map((x) => x.executeMs)),
  commitMs: median(xs.map((x) => x.commitMs)),
})

function sameEnding(a: Ending, b: Ending, what: string): void {
  if (a.stateRoot !== b.stateRoot || a.blockHash !== b.blockHash) throw new TransfersCheckError(`${what} ended on another state or block than LocalChain.submit`)
}

export async function runTransfers(opts: TransfersOptions = {}): Promise<TransfersResult> {
  const n = opts.n ?? TRANSFERS
  const reps = opts.reps ?? 5
  const warmup = opts.warmup ?? 1
  const log = opts.log ?? (() => {})
  const set = await prepareTransfers(n)
  log(`signed ${n} transfers in ${set.signMs.toFixed(0)} ms (untimed)`)

  const local: number[] = []
  const phased: { ms: number; times: PhaseTimes }[] = []
  const alone: number[] = []
  let reference: Ending | null = null
  for (let rep = 0; rep < warmup + reps; rep++) {
    const l = runLocal(set)
    const p = runPhased(set)
    const v = verifyAlone(set)
    reference ??= l.end
    sameEnding(l.end, reference, `LocalChain.submit rep ${rep}`)
    sameEnding(p.end, reference, `the phased loop (rep ${rep})`)
    log(`  rep ${rep}${rep < warmup ? ' (warm-up)' : ''}: submit ${l.ms.toFixed(0)} ms, phased ${p.ms.toFixed(0)} ms, verify alone ${v.toFixed(0)} ms`)
    if (rep < warmup) continue
    local.push(l.ms)
    phased.push(p)
    alone.push(v)
  }

  let parallel: TransfersResult['parallel'] = null
  const workers = opts.workers ?? 1
  if (workers > 0) {
    const pool = await VerifyPool.start(workers)
    try {
      const runs: { ms: number; times: PhaseTimes; mainChunks: number }[] = []
      for (let rep = 0; rep < warmup + reps; rep++) {
        const r = await runParallel(set, pool)
        sameEnding(r.end, reference!, `the parallel loop (rep ${rep})`)
        log(`  parallel rep ${rep}${rep < warmup ? ' (warm-up)' : ''}: ${r.ms.toFixed(0)} ms, main thread checked ${r.mainChunks} of ${Math.ceil(n / CHUNK)} chunks`)
        if (rep >= warmup) runs.push(r)
      }
      const chunks = Math.ceil(n / CHUNK)
      parallel = {
        workers,
        ms: median(runs.map((r) => r.ms)),
        runs: runs.map((r) => r.ms),
        phases: medianPhases(runs.map((r) => r.times)),
        mainShare: median(runs.map((r) => r.mainChunks)) / chunks,
      }
    } finally {
      await pool.close()
    }
  }

  return {
    n,
    reps,
    signMs: set.signMs,
    localMs: median(local),
    localRuns: local,
    phasedMs: median(phased.map((p) => p.ms)),
    phases: medianPhases(phased.map((p) => p.times)),
    parallel,
    verifyAloneMs: median(alone),
  }
}

const ms = (x: number) => x.toFixed(0)
const verdict = (x: number, limit: number) => (x < limit ? 'met' : '**missed**')

/** The BENCHMARKS.md section. */
export function formatTransfers(r: TransfersResult): string {
  const out: string[] = []
  const p = r.phases
  out.push(`| run | ${r.n.toLocaleString('en-US')} transfers (ms, median of ${r.reps}) | target < ${TARGET_MS} ms | stretch < ${STRETCH_MS} ms |`)
  out.push('|---|---:|:---:|:---:|')
  out.push(`| LocalChain.submit, one core | ${ms(r.localMs)} | ${verdict(r.localMs, TARGET_MS)} | ${verdict(r.localMs, STRETCH_MS)} |`)
  out.push(`| same loop with phase clocks, one core | ${ms(r.phasedMs)} | ${verdict(r.phasedMs, TARGET_MS)} | ${verdict(r.phasedMs, STRETCH_MS)} |`)
  if (r.parallel) {
    out.push(
      `| signatures checked by ${r.parallel.workers} worker thread${r.parallel.workers > 1 ? 's' : ''} beside the main thread | ${ms(r.parallel.ms)} | ` +
        `${verdict(r.parallel.ms, TARGET_MS)} | ${verdict(r.parallel.ms, STRETCH_MS)} |`,
    )
  }
  out.push('')
  out.push(`Split of the one-core loop: verify ${ms(p.verifyMs)} ms, execute ${ms(p.executeMs)} ms, commit ${ms(p.commitMs)} ms.`)
  out.push(`The same ${r.n.toLocaleString('en-US')} signatures verified alone on one core: ${ms(r.verifyAloneMs)} ms (node:crypto). Runs of LocalChain.submit: ${r.localRuns.map(ms).join(', ')} ms.`)
  if (r.parallel) {
    const q = r.parallel.phases
    out.push(
      `With workers: the main thread executed (${ms(q.executeMs)} ms) and committed (${ms(q.commitMs)} ms), and spent ${ms(q.verifyMs)} ms checking or waiting for signatures ` +
        `(it checked ${(100 * r.parallel.mainShare).toFixed(0)}% of the ${CHUNK}-transaction chunks itself); runs: ${r.parallel.runs.map(ms).join(', ')} ms.`,
    )
  }
  return out.join('\n')
}
