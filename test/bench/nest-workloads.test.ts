// The nVM side of the issue 4 benchmark, for correctness only (nothing is timed here): every
// Nest workload contract run once at a small n on a local chain, its answer checked against
// values computed here, apart from bench/evm/expected.ts; contracts that answer wrongly are
// rejected; the transfers harness ends on one state whichever way it runs, and refuses a
// transaction whose signature does not verify.

import t from 'tap'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { InvalidTx } from '../../chain/execute.js'
import { LocalChain } from '../../chain/local-chain.js'
import { encodeTx } from '../../chain/tx.js'
import { compileNestContracts, readNestSources } from '../../bench/chain/contracts.js'
import { PhasedChain } from '../../bench/chain/phased-chain.js'
import { prepareTransfers, runTransfers } from '../../bench/chain/transfers.js'
import { chunkCount, ensureVerified, packBatch } from '../../bench/chain/verify-batch.js'
import { NEST_WORKLOAD_NAMES, runNestWorkloads } from '../../bench/chain/workloads.js'
import type { WorkloadName } from '../../bench/evm/workloads.js'

const SMALL: Record<WorkloadName, number> = {
  fib: 10,
  loop: 1000,
  storage: 50,
  token: 100,
  hash: 100,
  hash_asm: 100,
  bytes_append: 300,
  bytes_concat: 50,
}

const hex = (b: Uint8Array) => '0x' + Buffer.from(b).toString('hex')
const word = (v: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * (31 - i))) & 0xffn))

const hashChain = (n: number) => {
  let h: Uint8Array = new Uint8Array(32)
  for (let i = 0; i < n; i++) h = keccak_256(h)
  return hex(h)
}
const bytesAnswer = (n: number) => `${n} ${hex(keccak_256(Uint8Array.from({ length: n }, (_, i) => i % 256)))}`

/** With 100 transfers each account sends once, to the next: A[i] pays 1 + i%10 and receives 1 + (i-1)%10. */
function tokenAnswerFor100(): string {
  const words = new Uint8Array(32 * 100)
  for (let i = 0; i < 100; i++) words.set(word(BigInt(1_000_000 - (1 + (i % 10)) + (1 + (((i + 99) % 100) % 10)))), 32 * i)
  return `100 balances, keccak ${hex(keccak_256(words))}`
}

const SMALL_ANSWERS: Record<WorkloadName, string> = {
  fib: '55',
  loop: String(Array.from({ length: 1000 }, (_, i) => (i * i) % 7).reduce((a, b) => a + b, 0)),
  storage: String((50 * 51) / 2),
  token: tokenAnswerFor100(),
  hash: hashChain(100),
  hash_asm: hashChain(100),
  bytes_append: bytesAnswer(300),
  bytes_concat: bytesAnswer(50),
}

t.test('every Nest workload, run at a small n on a local chain, gives the right answer', async (t) => {
  const compiled = compileNestContracts(undefined, 0)
  t.same([...compiled.modules.keys()].sort(), ['bytes_append', 'bytes_concat', 'fib', 'hash', 'loop', 'storage', 'token'])
  // One warm-up rep besides the checked one, so the gas-equal-across-reps check runs too.
  const results = runNestWorkloads({ reps: 1, warmup: 1, n: SMALL, compiled })
  t.same(results.map((r) => r.name), [...NEST_WORKLOAD_NAMES])
  for (const r of results) {
    t.equal(r.n, SMALL[r.name], `${r.name} ran at the small n`)
    t.equal(r.result, SMALL_ANSWERS[r.name], `${r.name} answer`)
    t.equal(r.checked, true)
    t.ok(r.gas > 0, `${r.name} used gas`)
  }
  const storage = results.find((r) => r.name === 'storage')
  t.same(Object.keys(storage?.gasDetail ?? {}), ['write', 'readSum'])
  t.equal(Object.values(storage?.gasDetail ?? {}).reduce((a, b) => a + b, 0), storage?.gas)
})

t.test('Int checks stay on: a loop whose sum overflows aborts the call', async (t) => {
  const sources = readNestSources()
  const loop = sources.get('loop')!
  const from = 'var s = 0n'
  t.ok(loop.text.includes(from))
  const compiled = compileNestContracts(new Map([['loop', { ...loop, text: loop.text.replace(from, 'var s = Int.max') }]]), 0)
  t.throws(() => runNestWorkloads({ only: ['loop'], reps: 1, warmup: 0, n: SMALL, compiled }), { name: 'NestWorkloadError', message: /call 0 \(run\) failed: .*overflow/i })
})

t.test('a contract that answers wrongly is rejected', async (t) => {
  const sources = readNestSources()
  const cases: { name: WorkloadName; file: string; from: string; to: string; why: RegExp }[] = [
    { name: 'fib', file: 'fib', from: 'run(n) { fib(n) }', to: 'run(n) { fib(n) + 1n }', why: /answered 56, expected 55/ },
    {
      name: 'token',
      file: 'token',
      from: 'Chain.emit("Transfer", [from, to, amount])',
      to: 'Chain.emit("Transfer", [to, from, amount])',
      why: /transfer 0 did not emit the expected Transfer event/,
    },
    {
      name: 'token',
      file: 'token',
      from: 'balances[to] = (balances[to] || 0n) + amount\n    Chain.emit("Transfer", [from',
      to: 'balances[to] = (balances[to] || 0n) + amount + 1n\n    Chain.emit("Transfer", [from',
      why: /answered 100 balances, keccak 0x\w+, expected 100 balances/,
    },
    { name: 'hash', file: 'hash', from: 'while (i < n) {', to: 'while (i <= n) {', why: /answered 0x\w+, expected 0x/ },
    { name: 'bytes_append', file: 'bytes_append', from: 'buf.add((i % 256n).toNum)', to: 'buf.add((i % 255n).toNum)', why: /answered 300 0x\w+, expected 300 0x/ },
  ]
  for (const c of cases) {
    const source = sources.get(c.file)!
    t.ok(source.text.includes(c.from), `${c.file}.nest has the code the case changes`)
    const compiled = compileNestContracts(new Map([[c.file, { ...source, text: source.text.replace(c.from, c.to) }]]), 0)
    t.throws(() => runNestWorkloads({ only: [c.name], reps: 1, warmup: 0, n: SMALL, compiled }), { name: 'NestWorkloadError', message: c.why }, `${c.file} changed to \`${c.to.split('\n')[0]}\``)
  }
})

t.test('bad options are refused', async (t) => {
  t.throws(() => runNestWorkloads({ only: ['fibonacci'] }), RangeError)
  t.throws(() => runNestWorkloads({ reps: 0 }), RangeError)
})

t.test('transfers: LocalChain.submit, the phased loop and the worker loop end on one state', async (t) => {
  // runTransfers throws unless every receipt, event, balance and nonce is right and every
  // way of running ends on LocalChain.submit's state root and block hash.
  const r = await runTransfers({ n: 150, reps: 1, warmup: 0, workers: 1 })
  t.equal(r.n, 150)
  t.ok(r.parallel, 'the worker loop ran')
  t.equal(r.parallel?.workers, 1)
})

t.test('transfers: a signature that does not verify is refused on every path', async (t) => {
  const set = await prepareTransfers(3)
  const forged = { ...set.transfers[0], signature: set.transfers[0].signature.map((b, i) => (i === 0 ? b ^ 1 : b)) }

  const local = new LocalChain({ crypto: nodeCrypto, accounts: 101 })
  for (const tx of set.setup) local.submit(tx)
  t.throws(() => local.submit(forged), InvalidTx)
  const phased = new PhasedChain(nodeCrypto, 101)
  for (const tx of set.setup) phased.submit(tx)
  t.throws(() => phased.submit(forged), InvalidTx)
  t.equal(phased.submit(set.transfers[0]).status, 'ok', 'the genuine transaction still goes through')
  t.throws(() => phased.submit(set.transfers[0]), { name: 'InvalidTx', reason: 'nonce' }, 'and only once')

  const batch = packBatch(set.chainId, [set.encoded[0], encodeTx(forged), set.encoded[2]])
  for (let c = 0; c < chunkCount(batch); c++) t.ok(ensureVerified(nodeCrypto, batch, c), 'unclaimed chunks fall to the main thread')
  t.same([...new Uint8Array(batch.verdicts)], [1, 0, 1])
})
