// The EVM side of the issue 4 benchmark, for correctness only (nothing is timed here): the
// ABI slice, the solc-js compile, and every workload run once at a small n with its answer
// checked against values computed here, apart from bench/evm/expected.ts. Contracts that
// answer wrongly must be rejected, or the runner's checks would prove nothing.

import t from 'tap'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { encodeCall, selector, toHex, uintWord, wordAt } from '../../bench/evm/abi.js'
import { compileEvmContracts, readContractSources } from '../../bench/evm/compile.js'
import * as expected from '../../bench/evm/expected.js'
import { runEvmWorkloads, WORKLOAD_NAMES, WORKLOADS, type WorkloadName } from '../../bench/evm/run.js'

const SMALL: Record<WorkloadName, number> = {
  fib: 10,
  loop: 1000,
  storage: 50,
  token: 100,
  hash: 100,
  hash_asm: 100,
  bytes_append: 100,
  bytes_concat: 50,
}

const hashChain = (n: number) => {
  let h: Uint8Array = new Uint8Array(32)
  for (let i = 0; i < n; i++) h = keccak_256(h)
  return toHex(h)
}
const bytesAnswer = (n: number) => `${n} ${toHex(keccak_256(Uint8Array.from({ length: n }, (_, i) => i % 256)))}`

/** With 100 transfers each account sends once, to the next: A[i] pays 1 + i%10 and receives 1 + (i-1)%10. */
function tokenAnswerFor100(): string {
  const words = new Uint8Array(32 * 100)
  for (let i = 0; i < 100; i++) {
    const balance = 1_000_000 - (1 + (i % 10)) + (1 + (((i + 99) % 100) % 10))
    words.set(uintWord(BigInt(balance)), 32 * i)
  }
  return `100 balances, keccak ${toHex(keccak_256(words))}`
}

const SMALL_ANSWERS: Record<WorkloadName, string> = {
  fib: '55',
  loop: String(Array.from({ length: 1000 }, (_, i) => (i * i) % 7).reduce((a, b) => a + b, 0)),
  storage: String((50 * 51) / 2),
  token: tokenAnswerFor100(),
  hash: hashChain(100),
  hash_asm: hashChain(100),
  bytes_append: bytesAnswer(100),
  bytes_concat: bytesAnswer(50),
}

t.test('ABI: selectors and static arguments', async (t) => {
  t.equal(toHex(selector('transfer(address,uint256)')), '0xa9059cbb')
  t.equal(toHex(selector('balanceOf(address)')), '0x70a08231')
  const data = encodeCall('transfer(address,uint256)', [{ address: 0x10001n }, { uint256: 7n }])
  t.equal(data.length, 4 + 64)
  t.equal(wordAt(data.subarray(4), 0), 0x10001n)
  t.equal(wordAt(data.subarray(4), 1), 7n)
  t.equal(wordAt(uintWord((1n << 256n) - 1n), 0), (1n << 256n) - 1n)
  t.throws(() => encodeCall('f(address)', [{ address: 1n << 160n }]), RangeError)
  t.throws(() => uintWord(-1n), RangeError)
  t.throws(() => wordAt(new Uint8Array(31), 0), RangeError)
})

t.test('the independent computations agree with WORKLOADS.md at the default n', async (t) => {
  t.equal(expected.fib(25), 75025n)
  t.equal(expected.loopSum(1_000_000), 1999998n)
  t.equal(expected.storageSum(10_000), 50005000n)
  // keccak256 of 32 zero bytes, the well-known empty storage-slot hash.
  t.equal(toHex(expected.keccakChain(1)), '0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563')
  const balances = expected.tokenBalances(10_000)
  t.equal(balances.reduce((a, b) => a + b, 0n), 100n * 1_000_000n, 'transfers conserve the supply')
  t.ok(balances.every((b) => b > 0n))
})

t.test('every workload, compiled and run once at a small n, gives the right answer', async (t) => {
  const compiled = await compileEvmContracts()
  t.same(compiled.warnings, [], 'solc has no warnings')
  t.match(compiled.solcVersion, /^0\.8\.37\+/)
  for (const w of WORKLOADS) t.ok((compiled.contracts.get(w.contract)?.bytecode.length ?? 0) > 0, `${w.contract} compiled`)

  // One warm-up rep besides the checked one, so the gas-equal-across-reps check runs too.
  const results = await runEvmWorkloads({ reps: 1, warmup: 1, n: SMALL, compiled })
  t.same(results.map((r) => r.name), [...WORKLOAD_NAMES])
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

t.test('a contract that answers wrongly is rejected', async (t) => {
  const sources = readContractSources()
  const cases: { name: WorkloadName; file: string; from: string; to: string; why: RegExp }[] = [
    { name: 'fib', file: 'fib.sol', from: 'return fib(n);', to: 'return fib(n) + 1;', why: /answered 56, expected 55/ },
    {
      name: 'token',
      file: 'token.sol',
      from: 'emit Transfer(msg.sender, to, amount);',
      to: 'emit Transfer(to, msg.sender, amount);',
      why: /transfer 0 did not emit the expected Transfer event/,
    },
    {
      name: 'token',
      file: 'token.sol',
      from: 'balanceOf[to] += amount;\n        emit Transfer(msg.sender',
      to: 'balanceOf[to] += amount + 1;\n        emit Transfer(msg.sender',
      why: /answered 100 balances, keccak 0x\w+, expected 100 balances/,
    },
    {
      name: 'bytes_append',
      file: 'bytes_append.sol',
      from: 'return (buf.length, keccak256(buf));',
      to: 'return (buf.length + 1, keccak256(buf));',
      why: /answered 101 0x\w+, expected 100 0x/,
    },
  ]
  for (const c of cases) {
    t.ok(sources[c.file].includes(c.from), `${c.file} has the line the case changes`)
    const compiled = await compileEvmContracts({ [c.file]: sources[c.file].replace(c.from, c.to) })
    const run = runEvmWorkloads({ only: [c.name], reps: 1, warmup: 0, n: SMALL, compiled })
    await t.rejects(run, { name: 'WorkloadCheckError', message: c.why }, `${c.file} changed to \`${c.to.split('\n')[0]}\``)
  }
})

t.test('bad options are refused', async (t) => {
  await t.rejects(runEvmWorkloads({ only: ['fibonacci'] }), RangeError)
  await t.rejects(runEvmWorkloads({ reps: 0 }), RangeError)
})
