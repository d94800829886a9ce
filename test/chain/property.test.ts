// Money is conserved: 10,000 seeded random transactions, one block each, across the
// development accounts and a few contracts: transfers of NEST and of a sub-token, contract
// calls that succeed, revert, run out of gas or attempt reentrancy, nested try-calls moving
// value, value attached to payable and non-payable methods, and a few invalid transactions.
// After every block, for every token, all balances (accounts, contracts, the producer) add
// up to the supply; the producer received exactly the fee; a reverted transaction moved
// nothing but its fee; an invalid one changed nothing.

import t from 'tap'
import type { Address } from '../../chain/address.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import { InvalidTx } from '../../chain/execute.js'
import type { DevAccount, LocalChain, TxResult } from '../../chain/local-chain.js'
import type { Payload } from '../../chain/tx.js'
import { AddressValue, encodeArgs, type AbiValue } from '../../vm/contract/abi-values.js'
import { Prng } from '../fuzz/prng.js'
import { addr, balances, compileContract, compileFile, deploy, freshRoot, hex, newChain, returned, signed, sum } from './helpers.js'

const TXS = 10_000
const SEED = 20260401
const GOLD = 'GOLD'
const TOKENS = [NATIVE_TOKEN, GOLD] as const

const vaultModule = compileContract(`
class Vault is Contract {
  #deploy
  construct new() { _hops = 0 }
  #payable
  deposit() {}
  #public
  poke() {}
  #public(to = Address, amount = Int)
  withdraw(to, amount) { Chain.transfer(to, amount) }
  #public(to = Address, token = String, amount = Int)
  send(to, token, amount) { Chain.transfer(to, token, amount) }
  #public(n = Num)
  spin(n) {
    var x = 0
    for (i in 0...n) x = x + i
  }
  #public(other = Address, tryIt = Bool, returns = Bool)
  reenter(other, tryIt) {
    // The other vault calls back into this one, which is on the call stack: refused.
    var args = [Chain.self, "poke", []]
    if (tryIt) return Chain.tryCall(other, "forward", args).ok
    Chain.call(other, "forward", args)
    return true
  }
  #public(to = Address, method = String, args = List)
  forward(to, method, args) { Chain.call(to, method, args) }
  // Passes half the attached value down a path of vaults, each step a try-call or a call;
  // the step at depth failAt aborts after its own call returned.
  #payable(path = List, failAt = Num, tryIt = Bool, payTo = Address, returns = Num)
  #reentrant
  hop(path, failAt, tryIt, payTo) {
    _hops = _hops + 1
    Chain.emit("Hop", path.count)
    if (Chain.balance(Chain.self) > 0n) Chain.transfer(payTo, 1n)
    if (path.count > 0) {
      var rest = []
      for (i in 1...path.count) rest.add(path[i])
      var args = [rest, failAt, tryIt, payTo]
      var opts = {"value": Chain.value / 2n}
      if (tryIt) {
        Chain.tryCall(path[0], "hop", args, opts)
      } else {
        Chain.call(path[0], "hop", args, opts)
      }
    }
    if (path.count == failAt) Fiber.abort("hop failed at %(failAt)")
    return _hops
  }
}`, 'vault.nest')

interface World {
  readonly chain: LocalChain
  readonly vaults: readonly Address[]
  readonly token: Address
  readonly supply: ReadonlyMap<string, bigint>
}

async function setUp(): Promise<World> {
  const chain = newChain({ accounts: 10 })
  const vaults: Address[] = []
  for (let i = 0; i < 4; i++) vaults.push(await deploy(chain, vaultModule))
  const token = await deploy(chain, compileFile('examples/token/token.nest'), ['Token', 'TKN', 1_000_000n])
  for (const a of chain.accounts) chain.deal(a.address, 1_000_000n, GOLD)
  for (const v of vaults) chain.deal(v, 1_000n, GOLD)
  return { chain, vaults, token, supply: new Map(TOKENS.map((tok) => [tok, chain.world.supply(tok)])) }
}

const call = (to: Address, method: string, args: readonly AbiValue[], value = 0n): Payload => ({ kind: 'call', to, method, args: encodeArgs(args), value })

interface RandomTx {
  readonly payload: Payload
  readonly gasLimit: number
  /** What must hold of the outcome besides conservation: null when it does. */
  readonly check?: (r: TxResult) => string | null
}

/** One random payload and its gas limit. */
function randomTx(w: World, rng: Prng, from: DevAccount): RandomTx {
  const { chain, vaults } = w
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]
  const anyone = (): Address => (rng.int(4) === 0 ? pick(vaults) : pick(chain.accounts).address)
  const vault = pick(vaults)
  const small = () => BigInt(rng.int(2000))
  const gas = 2_000_000
  switch (rng.int(12)) {
    case 0: {
      // NEST, now and then more than the sender holds, or nothing (refused).
      const odd = rng.int(10)
      const amount = odd === 0 ? chain.balance(from.address) + 1n : odd === 1 ? 0n : small()
      return { payload: { kind: 'transfer', to: anyone(), token: NATIVE_TOKEN, amount }, gasLimit: 100_000 }
    }
    case 1:
      return { payload: { kind: 'transfer', to: anyone(), token: GOLD, amount: BigInt(rng.int(1_200_000)) }, gasLimit: 100_000 }
    case 2:
      return { payload: call(vault, 'deposit', [], small()), gasLimit: gas }
    case 3:
      // Value to a method that is not payable: refused, and returned.
      return { payload: call(vault, 'poke', [], 1n + small()), gasLimit: gas }
    case 4:
      // Now and then more than any vault holds: refused (R0316).
      return { payload: call(vault, 'withdraw', [addr(anyone()), rng.int(4) === 0 ? 10n ** 40n : BigInt(rng.int(3000))]), gasLimit: gas }
    case 5:
      return { payload: call(vault, 'send', [addr(anyone()), GOLD, BigInt(rng.int(300))]), gasLimit: gas }
    case 6:
      // Runs out of gas about half the time.
      return { payload: call(vault, 'spin', [rng.int(2) === 0 ? 10 : 1_000_000]), gasLimit: 300_000 }
    case 7: {
      const other = pick(vaults.filter((v) => v !== vault))
      const tryIt = rng.int(2) === 0
      const check = (r: TxResult) => {
        const refused = tryIt ? r.receipt.status === 'ok' && returned(r) === false : r.receipt.status === 'reverted' && /Reentrancy refused/.test(r.receipt.error ?? '')
        return refused || r.receipt.code === 'R0200' ? null : `reentrancy was not refused: ${r.receipt.status} ${r.receipt.error}`
      }
      return { payload: call(vault, 'reenter', [addr(other), tryIt]), gasLimit: gas, check }
    }
    case 8:
    case 9: {
      const path = Array.from({ length: rng.int(6) }, () => addr(pick(vaults)))
      const failAt = rng.int(3) === 0 ? -1 : rng.int(path.length + 1)
      return { payload: call(vault, 'hop', [path, failAt, rng.int(3) !== 0, addr(anyone())], small()), gasLimit: 5_000_000 }
    }
    case 10: {
      const amount = BigInt(rng.int(3) === 0 ? 2_000_000 : rng.int(1000))
      return { payload: call(w.token, 'transfer', [addr(pick(chain.accounts).address), amount]), gasLimit: gas }
    }
    default:
      // Any method with value attached, payable or not.
      return { payload: call(vault, pick(['deposit', 'poke', 'hop']), rng.int(2) === 0 ? [] : [[], -1, true, addr(anyone())], small()), gasLimit: gas }
  }
}

type Balances = ReadonlyMap<string, ReadonlyMap<string, bigint>>

function allBalances(chain: LocalChain): Balances {
  return new Map(TOKENS.map((tok) => [tok, balances(chain, tok)]))
}

/** Where `after` differs from `before`, per token and address. */
function moved(before: Balances, after: Balances): Map<string, bigint> {
  const out = new Map<string, bigint>()
  for (const tok of TOKENS) {
    const b = before.get(tok)!
    const a = after.get(tok)!
    for (const k of new Set([...b.keys(), ...a.keys()])) {
      const d = (a.get(k) ?? 0n) - (b.get(k) ?? 0n)
      if (d !== 0n) out.set(`${tok}:${k}`, d)
    }
  }
  return out
}

t.test(`${TXS} random transactions conserve every token`, async (t) => {
  const w = await setUp()
  const { chain } = w
  const rng = new Prng(SEED)
  const producer = hex(chain.producer)
  const failures: string[] = []
  const fail = (i: number, what: string) => {
    if (failures.length < 20) failures.push(`tx ${i}: ${what}`)
  }
  const tally = { ok: 0, reverted: 0, invalid: 0, codes: new Map<string, number>() }
  let before = allBalances(chain)

  for (let i = 0; i < TXS; i++) {
    const from = chain.accounts[rng.int(chain.accounts.length)]
    const { payload, gasLimit, check } = randomTx(w, rng, from)
    const invalid = rng.int(50) === 0
    const tx = await signed(chain, from.signer, from.address, payload, invalid ? { gasLimit, nonce: 1 + rng.int(3) } : { gasLimit })
    const root = chain.stateRoot
    let r: TxResult
    try {
      r = chain.submit(tx)
    } catch (e) {
      if (!(e instanceof InvalidTx)) throw e
      tally.invalid++
      if (hex(chain.stateRoot) !== hex(root)) fail(i, 'an invalid transaction changed the state root')
      if (moved(before, allBalances(chain)).size !== 0) fail(i, 'an invalid transaction moved tokens')
      continue
    }
    const after = allBalances(chain)
    const d = moved(before, after)
    const fee = r.receipt.fee
    tally[r.receipt.status]++
    const code = r.receipt.code ?? 'ok'
    tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1)

    for (const tok of TOKENS) {
      const total = sum(after.get(tok)!.values())
      if (total !== w.supply.get(tok)) fail(i, `${tok}: balances add up to ${total}, not the supply ${w.supply.get(tok)}`)
      if (chain.world.supply(tok) !== w.supply.get(tok)) fail(i, `${tok}: the supply changed`)
    }
    if (d.get(`${NATIVE_TOKEN}:${producer}`) !== fee) fail(i, `the producer received ${d.get(`${NATIVE_TOKEN}:${producer}`)}, not the fee ${fee}`)
    if (fee !== BigInt(gasLimit)) fail(i, `fee ${fee} for gas limit ${gasLimit}`)
    if (r.receipt.gasUsed > gasLimit) fail(i, `gas used ${r.receipt.gasUsed} above the limit ${gasLimit}`)
    if (r.receipt.status === 'reverted') {
      // Nothing moved but the fee: attached value came back, transfers were undone.
      const expected = new Map([[`${NATIVE_TOKEN}:${producer}`, fee]])
      if (fee !== 0n) expected.set(`${NATIVE_TOKEN}:${hex(from.address)}`, -fee)
      if (JSON.stringify([...d].map(([k, v]) => [k, String(v)]).sort()) !== JSON.stringify([...expected].map(([k, v]) => [k, String(v)]).sort())) {
        fail(i, `a reverted transaction (${r.receipt.code}) moved ${[...d].map(([k, v]) => `${k}=${v}`).join(', ')}`)
      }
      if (r.receipt.events.length !== 0) fail(i, 'a reverted transaction kept events')
    }
    const wrong = check?.(r) ?? null
    if (wrong !== null) fail(i, wrong)
    if (hex(r.block.header.stateRoot) !== hex(chain.stateRoot)) fail(i, "the block's state root is not the chain's")
    if (i % 1000 === 999 && hex(freshRoot(chain)) !== hex(chain.stateRoot)) fail(i, 'the state root is not a fresh tree over the state')
    before = after
  }

  t.same(failures, [], 'every block conserved every token')
  // The mix reached what it means to: each outcome, many times.
  t.ok(tally.ok > 3000 && tally.reverted > 2000 && tally.invalid > 100, `outcomes ${JSON.stringify({ ...tally, codes: Object.fromEntries(tally.codes) })}`)
  for (const code of ['R0200', 'R0309', 'R0316', 'R0317', 'balance', 'amount']) t.ok((tally.codes.get(code) ?? 0) > 20, `${code} happened ${tally.codes.get(code) ?? 0} times`)

  // The contract token's own ledger adds up too.
  const holders = [...chain.accounts.map((a) => a.address), ...w.vaults, w.token]
  const held = sum(holders.map((h) => chain.read(w.token, 'balanceOf', [new AddressValue(h)]) as bigint))
  t.equal(held, chain.read(w.token, 'totalSupply'))
})
