// The state transition (chain/execute.ts) through a local chain: which transactions are
// valid, what stays when a payload reverts (nonce, fee) and what is undone (state, events,
// attached value), receipts, transfers, key lists, and contracts calling contracts: try-calls,
// deploys from contracts, reentrancy (R0319), views (R0318), money (R0316), failed calls
// (R0317), gas forwarding, call depth, savepoints and determinism.

import t, { type Test } from 'tap'
import { encodeTx, type Tx } from '../../chain/tx.js'
import { contractAddress, InvalidTx } from '../../chain/execute.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import { MAX_CONTRACT_CALL_DEPTH } from '../../chain/params.js'
import type { LocalChain } from '../../chain/local-chain.js'
import { devKey } from '../../chain/signer.js'
import { sameKey } from '../../chain/state/world.js'
import { decodeAbiValue, encodeArgs, HandleValue } from '../../vm/contract/abi-values.js'
import { formatRuntimeError } from '../../vm/errors.js'
import { CALL_GAS, forwardable } from '../../vm/contract/chain.js'
import {
  accountOf,
  addr,
  call,
  callValue,
  compileContract,
  compileFile,
  deploy,
  hex,
  newChain,
  returned,
  signed,
  transfer,
} from './helpers.js'

/** Submits a transaction that must be refused, and checks that nothing changed. */
function refuses(t: Test, chain: LocalChain, tx: Tx, reason: InvalidTx['reason'], message: RegExp): void {
  const root = chain.stateRoot
  const [height, time, blocks] = [chain.height, chain.time, chain.blocks.length]
  const balances = chain.accounts.map((a) => chain.balance(a.address))
  let thrown: unknown = null
  try {
    chain.submit(tx)
  } catch (e) {
    thrown = e
  }
  t.ok(thrown instanceof InvalidTx, 'refused as invalid')
  t.match(thrown, { reason, message }, `refused (${reason})`)
  t.same(chain.stateRoot, root, 'the state root is unchanged')
  t.same([chain.height, chain.time, chain.blocks.length], [height, time, blocks], 'no block was made')
  t.same(
    chain.accounts.map((a) => chain.balance(a.address)),
    balances,
    'no balance moved, not even a fee',
  )
}

t.test('validity: key, nonce, fee, gas and signature', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const other = devKey('ed25519', 77)

  t.test('a new account registers its first key, which must be the one its address comes from', async (t) => {
    refuses(t, chain, await signed(chain, other, a.address, transfer(b.address, 1n)), 'key', /first key/)
    t.same(chain.world.keys(a.address), [], 'no key before the first transaction')
    const r = chain.submit(await signed(chain, a.signer, a.address, transfer(b.address, 1n)))
    t.equal(r.receipt.status, 'ok')
    const keys = chain.world.keys(a.address)
    t.equal(keys.length, 1)
    t.ok(sameKey(keys[0], { scheme: 'ed25519', publicKey: a.signer.publicKey }))
  })

  t.test('an existing account accepts only keys in its list', async (t) => {
    refuses(t, chain, await signed(chain, other, a.address, transfer(b.address, 1n)), 'key', /not in the account's key list/)
  })

  t.test('nonce: exactly the last + 1 per (account, key); a replay is refused', async (t) => {
    const last = chain.world.nonce(a.address, { scheme: 'ed25519', publicKey: a.signer.publicKey })
    t.equal(last, 1)
    refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n), { nonce: last + 2 }), 'nonce', /nonce 3 is not the next one for this key \(2\)/)
    refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n), { nonce: last }), 'nonce', /not the next/)
    const tx = await signed(chain, a.signer, a.address, transfer(b.address, 1n))
    t.equal(chain.submit(tx).receipt.status, 'ok')
    refuses(t, chain, tx, 'nonce', /nonce 2 is not the next one for this key \(3\)/)
  })

  t.test('fees: NEST only, at least gasLimit × minGasPrice, affordable', async (t) => {
    refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n), { fee: { token: 'GOLD', amount: 100_000n } }), 'fee', /paid in NEST, not GOLD/)
    refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n), { fee: { token: NATIVE_TOKEN, amount: 99_999n } }), 'fee', /below 100000/)
    const rich = chain.balance(a.address)
    refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n), { fee: { token: NATIVE_TOKEN, amount: rich + 1n } }), 'balance', /cannot pay the fee/)
    const pricey = newChain({ params: { minGasPrice: 3n } })
    const [p] = pricey.accounts
    refuses(t, pricey, await signed(pricey, p.signer, p.address, transfer(b.address, 1n), { fee: { token: NATIVE_TOKEN, amount: 299_999n } }), 'fee', /below 300000 \(gas limit × minimum gas price\)/)
    const paid = pricey.submit(await signed(pricey, p.signer, p.address, transfer(b.address, 1n)))
    t.equal(paid.receipt.fee, 300_000n)
    t.equal((await pricey.send(p, transfer(b.address, 1n), { gasLimit: 50_000 })).receipt.fee, 150_000n, 'send offers the least fee')
    // A new account that holds nothing cannot pay even the least fee.
    const poor = devKey('ed25519', 78)
    refuses(t, chain, await signed(chain, poor, accountOf(poor), transfer(b.address, 1n)), 'balance', /cannot pay/)
  })

  t.test('gas: at least the intrinsic gas, at most the chain limit', async (t) => {
    const tx = await signed(chain, a.signer, a.address, transfer(b.address, 1n), { gasLimit: 1000 })
    const intrinsic = chain.params.txBaseGas + chain.params.txGasPerByte * encodeTx(tx).length
    t.ok(intrinsic > 1000)
    refuses(t, chain, tx, 'gas', new RegExp(`below the ${intrinsic} this transaction needs`))
    refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n), { gasLimit: chain.params.maxTxGas + 1 }), 'gas', /above the chain's/)
  })

  t.test('signature: a flipped bit, another chain, another signer', async (t) => {
    const tx = await signed(chain, a.signer, a.address, transfer(b.address, 1n))
    const flipped = tx.signature.slice()
    flipped[5] ^= 1
    refuses(t, chain, { ...tx, signature: flipped }, 'signature', /does not verify/)
    refuses(t, chain, { ...tx, payload: transfer(b.address, 2n) }, 'signature', /does not verify/)
    const foreign = newChain({ params: { chainId: 'elsewhere' } })
    refuses(t, chain, await signed(foreign, a.signer, a.address, transfer(b.address, 1n), { nonce: tx.nonce }), 'signature', /does not verify/)
    // Signed by another key but naming this one.
    const forged = await signed(chain, other, a.address, transfer(b.address, 1n))
    refuses(t, chain, { ...forged, key: tx.key }, 'signature', /does not verify/)
    t.equal(chain.submit(tx).receipt.status, 'ok', 'the untouched transaction still goes through')
  })

  t.test('submitAll returns each refusal beside the results', async (t) => {
    const good = await signed(chain, b.signer, b.address, transfer(a.address, 1n))
    const out = chain.submitAll([good, good])
    t.equal((out[0] as { receipt: { status: string } }).receipt.status, 'ok')
    t.ok(out[1] instanceof InvalidTx && out[1].reason === 'nonce')
  })
})

const failing = compileContract(`
class Box is Contract {
  #deploy
  construct new() { _n = 0 }
  #payable(by = Num, returns = Num)
  bump(by) {
    _n = _n + by
    Chain.emit("Bumped", [by, Chain.value])
    System.print("bumped by %(by)")
    if (_n > 10) Fiber.abort("too big: %(_n)")
    return _n
  }
  #view(returns = Num)
  n { _n }
}`, 'box.nest')

t.test('fees are paid in full even on revert; the payload is undone', async (t) => {
  const chain = newChain()
  const [a] = chain.accounts
  const box = await deploy(chain, failing)
  const before = { a: chain.balance(a.address), producer: chain.balance(chain.producer), box: chain.balance(box) }

  const ok = await call(chain, box, 'bump', [4], { value: 7n, gasLimit: 200_000 })
  t.equal(ok.receipt.status, 'ok')
  t.equal(ok.receipt.fee, 200_000n, 'the fee is gasLimit × minGasPrice, as send offers it')
  t.equal(chain.balance(chain.producer) - before.producer, 200_000n, 'the producer received the fee')
  t.equal(chain.balance(box) - before.box, 7n, 'the attached value stayed with the contract')
  t.equal(before.a - chain.balance(a.address), 200_007n)

  const rootBefore = chain.stateRoot
  const bad = await call(chain, box, 'bump', [20], { value: 5n, gasLimit: 300_000 })
  t.match(bad.receipt, { status: 'reverted', fee: 300_000n, code: 'R0028', error: 'too big: 24', events: [] })
  t.not(hex(chain.stateRoot), hex(rootBefore), 'the nonce and the fee changed state')
  t.equal(chain.balance(chain.producer) - before.producer, 500_000n, 'the fee of the reverted call was paid in full')
  t.equal(chain.balance(box) - before.box, 7n, 'the attached value went back')
  t.equal(before.a - chain.balance(a.address), 500_007n, 'the sender lost the fee only')
  t.equal(chain.read(box, 'n'), 4, "the reverted call's write is undone")
  t.same(bad.debug.prints, ['bumped by 20'], 'prints stay visible in debug data')
  t.same(
    bad.debug.trace.map((f) => [f.fn, f.module, f.line]),
    [['Box.bump(_)', 'main', 10]],
    'the Nest stack names the module (the entry unit) and line',
  )
})

t.test('receipts: status, gas used, events and return value', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const box = await deploy(chain, failing)
  const r = await call(chain, box, 'bump', [3], { value: 2n })
  t.equal(r.receipt.status, 'ok')
  t.equal(returned(r), 3)
  t.equal(r.receipt.error, null)
  t.equal(r.receipt.code, null)
  t.equal(r.receipt.events.length, 1)
  const [e] = r.receipt.events
  t.equal(hex(e.address), hex(box))
  t.equal(e.topic, 'Bumped')
  t.same(decodeAbiValue(e.data), [3, 2n])
  t.same(r.debug.prints, ['bumped by 3'])
  t.same(chain.receipt(r.hash)?.receipt, r.receipt, 'receipts are found by transaction hash')

  // A transfer's gas is exact: intrinsic (base + per byte) plus the transfer's own.
  const sent = await chain.send(a, transfer(b.address, 5n))
  const size = encodeTx(sent.block.txs[0]).length
  t.equal(sent.receipt.gasUsed, chain.params.txBaseGas + chain.params.txGasPerByte * size + chain.params.transferGas)
  t.same(decodeAbiValue(sent.receipt.returnValue), null)
})

t.test('transfers of NEST and of a sub-token', async (t) => {
  const chain = newChain()
  const [a, b, c] = chain.accounts
  const fee = 100_000n
  const nest = [a, b].map((x) => chain.balance(x.address))
  const r = await chain.send(a, transfer(b.address, 1234n), { gasLimit: 100_000 })
  t.equal(r.receipt.status, 'ok')
  t.equal(chain.balance(a.address), nest[0] - 1234n - fee)
  t.equal(chain.balance(b.address), nest[1] + 1234n)

  chain.deal(a.address, 1000n, 'GOLD')
  t.equal(chain.world.supply('GOLD'), 1000n)
  t.equal((await chain.send(a, transfer(c.address, 300n, 'GOLD'))).receipt.status, 'ok')
  t.equal(chain.balance(a.address, 'GOLD'), 700n)
  t.equal(chain.balance(c.address, 'GOLD'), 300n)

  const nestBefore = chain.balance(a.address)
  const tooMuch = await chain.send(a, transfer(c.address, 701n, 'GOLD'), { gasLimit: 100_000 })
  t.match(tooMuch.receipt, { status: 'reverted', code: 'balance', error: 'insufficient GOLD: 700 held, 701 needed' })
  const zero = await chain.send(a, transfer(c.address, 0n, 'GOLD'), { gasLimit: 100_000 })
  t.match(zero.receipt, { status: 'reverted', code: 'amount' })
  t.equal(chain.balance(a.address, 'GOLD'), 700n, 'nothing moved')
  t.equal(chain.balance(a.address), nestBefore - 2n * fee, 'both fees were paid')
  t.equal(chain.world.supply('GOLD'), 1000n)
  t.equal(chain.world.supply(NATIVE_TOKEN), chain.accounts.reduce((s) => s + 10n ** 30n, 0n), 'transfers and fees never change the supply')
})

t.test('key lists: add, sign with the new key, remove, never the last; the address stays', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const p256 = devKey('p256', 3)
  const p256Key = { scheme: p256.scheme, publicKey: p256.publicKey }
  const edKey = { scheme: a.signer.scheme, publicKey: a.signer.publicKey }

  const added = await chain.send(a, { kind: 'keys', add: [p256Key], remove: [] })
  t.equal(added.receipt.status, 'ok')
  t.equal(chain.world.keys(a.address).length, 2)
  const byP256 = chain.submit(await signed(chain, p256, a.address, transfer(b.address, 9n)))
  t.equal(byP256.receipt.status, 'ok', 'an added key signs for the account')
  t.equal(chain.world.nonce(a.address, p256Key), 1, 'each key counts its own nonces')

  const dup = chain.submit(await signed(chain, p256, a.address, { kind: 'keys', add: [edKey], remove: [] }))
  t.match(dup.receipt, { status: 'reverted', code: 'keys', error: /already in the list/ })
  const removed = chain.submit(await signed(chain, p256, a.address, { kind: 'keys', add: [], remove: [edKey] }))
  t.equal(removed.receipt.status, 'ok')
  refuses(t, chain, await signed(chain, a.signer, a.address, transfer(b.address, 1n)), 'key', /not in the account's key list/)
  const last = chain.submit(await signed(chain, p256, a.address, { kind: 'keys', add: [], remove: [p256Key] }))
  t.match(last.receipt, { status: 'reverted', code: 'keys', error: 'an account keeps at least one key' })
  const absent = chain.submit(await signed(chain, p256, a.address, { kind: 'keys', add: [], remove: [edKey] }))
  t.match(absent.receipt, { status: 'reverted', code: 'keys', error: /not in the list/ })

  // The address is the first key's forever: funds sent to it are spent with the new key.
  const held = chain.balance(a.address)
  t.equal((await chain.send(b, transfer(a.address, 50n))).receipt.status, 'ok')
  t.equal(chain.balance(a.address), held + 50n)
  const back = chain.submit(await signed(chain, p256, a.address, transfer(b.address, 50n)))
  t.equal(back.receipt.status, 'ok')
  t.same(chain.world.keys(a.address), [p256Key])

  // Re-adding a removed key: its old nonces still count, so its old transactions cannot replay.
  t.equal(chain.submit(await signed(chain, p256, a.address, { kind: 'keys', add: [edKey], remove: [] })).receipt.status, 'ok')
  t.equal(chain.world.nonce(a.address, edKey), 1)
  refuses(t, chain, added.block.txs[0], 'nonce', /not the next/)
  t.equal((await chain.send(a, transfer(b.address, 1n))).receipt.status, 'ok')
})

const calleeModule = compileContract(`
class Callee is Contract {
  #deploy
  construct new() { _n = 0 }
  #public(by = Num, returns = Num)
  add(by) {
    _n = _n + by
    Chain.emit("Added", by)
    return _n
  }
  #payable(by = Num, returns = Num)
  addPaid(by) { add(by) }
  #public(by = Num)
  addThenFail(by) {
    add(by)
    Fiber.abort("callee failed")
  }
  #view(returns = Num)
  n { _n }
  #public
  spin() {
    while (true) {}
  }
  #public
  noop() {}
  #view(returns = Num)
  sin() { 1.sin }
  #view
  writes() { _n = 1 }
  #view
  emits() { Chain.emit("X", 1) }
  #view(to = Address)
  pays(to) { Chain.transfer(to, 1n) }
  #view(to = Address, returns = Num)
  viewCallsAdd(to) { Chain.call(to, "add", [1]) }
  #view(to = Address, returns = Num)
  viewCallsView(to) { Chain.call(to, "n", []) }
  #public(to = Address, amount = Int)
  pay(to, amount) { Chain.transfer(to, amount) }
  #public(to = Address, token = String, amount = Int)
  payToken(to, token, amount) { Chain.transfer(to, token, amount) }
  #view(who = Address, token = String, returns = Int)
  balanceOf(who, token) { Chain.balance(who, token) }
  #payable(to = Address)
  payThenFail(to) {
    Chain.transfer(to, Chain.value)
    Chain.emit("Paid", Chain.value)
    Fiber.abort("paid, then failed")
  }
}`, 'callee.nest')

const callerModule = compileContract(`
class Caller is Contract {
  #deploy
  construct new() {}
  #public(to = Address, method = String, args = List, opts = Any, returns = List)
  tryIt(to, method, args, opts) {
    _tried = true
    var r = opts == null ? Chain.tryCall(to, method, args) : Chain.tryCall(to, method, args, opts)
    return [r.ok, r.value, r.error]
  }
  #public(to = Address, method = String, args = List, opts = Any, returns = Any)
  callIt(to, method, args, opts) {
    _tried = true
    return opts == null ? Chain.call(to, method, args) : Chain.call(to, method, args, opts)
  }
  #view(returns = Any)
  tried { _tried }
  #payable
  fund() {}
  #public(to = Address, returns = List)
  callThenAbort(to) {
    var f = Fiber.new {
      Chain.call(to, "addPaid", [1], {"value": 5n})
      Fiber.abort("undo")
    }
    var error = f.try()
    return [error, Chain.balance(to)]
  }
}`, 'caller.nest')

interface Contracts {
  chain: LocalChain
  callee: Uint8Array
  other: Uint8Array
  caller: Uint8Array
}

async function contracts(): Promise<Contracts> {
  const chain = newChain()
  return { chain, callee: await deploy(chain, calleeModule), other: await deploy(chain, calleeModule), caller: await deploy(chain, callerModule) }
}

const opts = (entries: [string, unknown][]) => new Map(entries as [string, bigint | number][])

t.test('deploy and call the examples', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const counter = await deploy(chain, compileFile('examples/counter/counter.nest'), [5n])
  t.equal(await callValue(chain, counter, 'increment', [3n]), 8n)
  t.equal(chain.read(counter, 'count'), 8n)
  t.same(chain.read(counter, 'owner'), addr(a.address))
  const reset = await call(chain, counter, 'reset', [], { from: b })
  t.match(reset.receipt, { status: 'reverted', error: 'only the owner can reset' })
  t.equal((await call(chain, counter, 'reset')).receipt.status, 'ok')
  t.equal(chain.read(counter, 'count'), 0n)

  const token = await deploy(chain, compileFile('examples/token/token.nest'), ['Gold', 'GLD', 1000n])
  const sent = await call(chain, token, 'transfer', [addr(b.address), 250n])
  t.equal(sent.receipt.status, 'ok')
  t.same(
    sent.receipt.events.map((e) => [e.topic, decodeAbiValue(e.data)]),
    [['Transfer', [addr(a.address), addr(b.address), 250n]]],
  )
  t.equal(chain.read(token, 'balanceOf', [addr(a.address)]), 750n)
  t.equal(chain.read(token, 'balanceOf', [addr(b.address)]), 250n)
  const over = await call(chain, token, 'transfer', [addr(a.address), 251n], { from: b })
  t.equal(over.receipt.status, 'reverted', 'an Int below zero aborts the transfer')
  t.equal(chain.read(token, 'balanceOf', [addr(b.address)]), 250n)
  t.equal(chain.read(token, 'totalSupply'), 1000n)
})

t.test('cross-contract calls: Chain.call and Chain.tryCall', async (t) => {
  const { chain, callee, caller } = await contracts()

  const ok = await call(chain, caller, 'tryIt', [addr(callee), 'add', [5], null])
  t.same(returned(ok), [true, 5, null], 'CallResult: ok and the value')
  t.same(
    ok.receipt.events.map((e) => [hex(e.address), e.topic]),
    [[hex(callee), 'Added']],
    "the callee's event is the transaction's",
  )

  const tried = await call(chain, caller, 'tryIt', [addr(callee), 'addThenFail', [7], null])
  t.equal(tried.receipt.status, 'ok', 'a try-call survives its callee failing')
  t.same(returned(tried), [false, null, `addThenFail on ${addr(callee)} failed: callee failed`], 'CallResult: not ok and the error')
  t.same(tried.receipt.events, [], "the failed callee's event is undone")
  t.equal(chain.read(callee, 'n'), 5, "the failed callee's write is undone")
  t.equal(chain.read(caller, 'tried'), true, "the caller's own write stays")

  const fresh = await contracts()
  const failed = await call(fresh.chain, fresh.caller, 'callIt', [addr(fresh.callee), 'addThenFail', [7], null])
  t.match(failed.receipt, { status: 'reverted', code: 'R0317', error: formatRuntimeError('R0317', [`addThenFail on ${addr(fresh.callee)} failed: callee failed`]), events: [] })
  t.equal(fresh.chain.read(fresh.caller, 'tried'), null, "a call that fails aborts its caller: the caller's write is undone too")
  t.equal(fresh.chain.read(fresh.callee, 'n'), 0)

  // A failing callee's transfers are undone too, and the value it was sent comes back.
  await call(chain, caller, 'fund', [], { value: 50n })
  const sink = chain.accounts[7].address
  const sinkHeld = chain.balance(sink)
  const paid = await call(chain, caller, 'tryIt', [addr(callee), 'payThenFail', [addr(sink)], opts([['value', 20n]])])
  t.match(returned(paid), [false, null, /paid, then failed/])
  t.same([chain.balance(caller), chain.balance(callee), chain.balance(sink)], [50n, 0n, sinkHeld], 'no token moved')
  t.same(paid.receipt.events, [])

  // Fiber.try around a call that succeeded: the abort after it undoes the callee's effects.
  const n = chain.read(callee, 'n')
  const undone = await call(chain, caller, 'callThenAbort', [addr(callee)])
  t.same(returned(undone), ['undo', 0n])
  t.same(undone.receipt.events, [])
  t.equal(chain.read(callee, 'n'), n)
  t.same([chain.balance(caller), chain.balance(callee)], [50n, 0n])

  const noContract = await call(chain, caller, 'tryIt', [addr(chain.accounts[1].address), 'add', [1], null])
  t.match(returned(noContract), [false, null, /no contract at/])
  const noMethod = await call(chain, caller, 'tryIt', [addr(callee), 'nothing', [], null])
  t.match(returned(noMethod), [false, null, /has no ABI method nothing taking 0 arguments/])
  const badArg = await call(chain, caller, 'tryIt', [addr(callee), 'add', ['x'], null])
  t.match(returned(badArg), [false, null, /Argument 1 \(by\) of Callee.add must be Num/])
})

t.test('money between contracts (R0316, R0309)', async (t) => {
  const { chain, callee, caller } = await contracts()
  const [a, b] = chain.accounts
  const fee = 10_000_000n

  const poor = await call(chain, callee, 'pay', [addr(b.address), 5n])
  t.match(poor.receipt, { status: 'reverted', code: 'R0316', error: formatRuntimeError('R0316', ['insufficient NEST: 0 held, 5 needed']) })
  const zero = await call(chain, callee, 'pay', [addr(b.address), 0n])
  t.match(zero.receipt, { status: 'reverted', code: 'R0316', error: formatRuntimeError('R0316', ['amounts must be above 0']) })

  // Value sent to a method that is not payable is refused before it runs, and returned.
  const held = chain.balance(a.address)
  const refused = await call(chain, callee, 'add', [1], { value: 9n })
  t.match(refused.receipt, { status: 'reverted', code: 'R0309', error: formatRuntimeError('R0309', ['Callee.add']), events: [] })
  t.equal(chain.balance(callee), 0n)
  t.equal(chain.balance(a.address), held - fee, 'the value came back; the fee did not')
  t.equal(chain.read(callee, 'n'), 0, 'the method never ran')

  t.equal((await call(chain, caller, 'fund', [], { value: 100n })).receipt.status, 'ok')
  t.equal(chain.balance(caller), 100n)
  const nested = await call(chain, caller, 'tryIt', [addr(callee), 'add', [1], opts([['value', 5n]])])
  t.same(returned(nested), [false, null, `add on ${addr(callee)} failed: ${formatRuntimeError('R0309', ['Callee.add'])}`])
  t.equal(chain.balance(caller), 100n, "the refused value went back to the calling contract")
  const paid = await call(chain, caller, 'callIt', [addr(callee), 'addPaid', [1], opts([['value', 5n]])])
  t.equal(returned(paid), 1)
  t.same([chain.balance(caller), chain.balance(callee)], [95n, 5n])
  const tooMuch = await call(chain, caller, 'tryIt', [addr(callee), 'addPaid', [1], opts([['value', 500n]])])
  t.match(returned(tooMuch), [false, null, /insufficient NEST to attach 500/])
  t.same([chain.balance(caller), chain.balance(callee)], [95n, 5n])

  // Contracts move sub-tokens too, and read any balance.
  chain.deal(callee, 40n, 'GOLD')
  t.equal((await call(chain, callee, 'payToken', [addr(b.address), 'GOLD', 15n])).receipt.status, 'ok')
  t.equal(chain.balance(b.address, 'GOLD'), 15n)
  t.equal(chain.read(callee, 'balanceOf', [addr(callee), 'GOLD']), 25n)
  const badToken = await call(chain, callee, 'payToken', [addr(b.address), 'gold!', 1n])
  t.match(badToken.receipt, { status: 'reverted', code: 'R0316', error: /a token is 1 to 8 of A-Z and 0-9/ })
})

t.test('views: no writes, transfers or events; only views called (R0318)', async (t) => {
  const { chain, callee, other } = await contracts()
  for (const [method, args] of [['writes', []], ['emits', []], ['pays', [addr(other)]]] as const) {
    const r = await call(chain, callee, method, [...args])
    t.match(r.receipt, { status: 'reverted', code: 'R0306' }, `${method} in a view aborts`)
  }
  const r = await call(chain, callee, 'viewCallsAdd', [addr(other)])
  t.match(r.receipt, { status: 'reverted', code: 'R0317', error: new RegExp(escape(formatRuntimeError('R0318', ['Callee.add']))) })
  t.equal(chain.read(other, 'n'), 0)
  t.equal(await callValue(chain, callee, 'viewCallsView', [addr(other)]), 0, 'a view may call a view')
  t.equal(chain.read(callee, 'viewCallsView', [addr(other)]), 0)
})

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const pingModule = compileContract(`
class Ping is Contract {
  #deploy
  construct new() {}
  #public(relay = Address, method = String, returns = Any)
  ping(relay, method) { Chain.call(relay, "relay", [Chain.self, method]) }
  #public(relay = Address, method = String, returns = List)
  tryPing(relay, method) {
    var r = Chain.tryCall(relay, "relay", [Chain.self, method])
    return [r.ok, r.value, r.error]
  }
  #view(returns = Num)
  back { 1 }
  #view(returns = Num)
  #reentrant
  backOk { 2 }
  #public(returns = Num)
  #reentrant
  write() {
    _w = 3
    return _w
  }
  #view(returns = Any)
  w { _w }
}`, 'ping.nest')

const relayModule = compileContract(`
class Relay is Contract {
  #deploy
  construct new() {}
  #public(to = Address, method = String, returns = Any)
  relay(to, method) { Chain.call(to, method, []) }
}`, 'relay.nest')

t.test('reentrancy is refused unless the method opts in (R0319)', async (t) => {
  const chain = newChain()
  const ping = await deploy(chain, pingModule)
  const relay = await deploy(chain, relayModule)
  const refusal = formatRuntimeError('R0319', ['Ping', 'back'])
  const r = await call(chain, ping, 'ping', [addr(relay), 'back'])
  t.match(r.receipt, { status: 'reverted', code: 'R0317', error: new RegExp(escape(refusal)) }, 'even a view is refused')
  const tried = await call(chain, ping, 'tryPing', [addr(relay), 'back'])
  t.match(returned(tried), [false, null, new RegExp(escape(refusal))])
  t.equal(await callValue(chain, ping, 'ping', [addr(relay), 'backOk']), 2, '#reentrant opts in')
  t.equal(await callValue(chain, ping, 'ping', [addr(relay), 'write']), 3)
  t.equal(chain.read(ping, 'w'), 3, 'a reentrant write is kept')
  // Not on the stack any more once its call returned: calling it again is no reentrancy.
  t.equal(await callValue(chain, ping, 'tryPing', [addr(relay), 'backOk']).then((v) => (v as unknown[])[1]), 2)
})

const factoryModule = compileContract(`
class Child is Contract {
  #deploy(v = Num)
  construct new(v) {
    if (v < 0) Fiber.abort("negative")
    _v = v
    _parent = Chain.caller
  }
  #view(returns = List)
  info { [_v, _parent] }
}
class Factory is Contract {
  #deploy
  construct new() {}
  #public(v = Num, returns = Address)
  make(v) {
    _last = Child.new(v)
    return _last
  }
  #view(returns = Any)
  last { _last }
}`, 'factory.nest')

t.test('X.new(args) in a contract deploys X and returns its Address', async (t) => {
  const chain = newChain()
  const factory = await deploy(chain, factoryModule)
  t.same(
    chain.abi(factory)?.map((m) => m.name),
    ['new', 'make', 'last'],
    'a deploy of the module creates its last class',
  )
  const first = await call(chain, factory, 'make', [7])
  t.equal(first.receipt.status, 'ok')
  const child = contractAddress(chain.crypto, factory, 0)
  t.same(returned(first), addr(child), 'the address comes from the creator and its count of creations')
  t.same(chain.read(child, 'info'), [7, addr(factory)], 'the constructor ran with the arguments, called by the factory')
  t.same(
    chain.abi(child)?.map((m) => m.name),
    ['new', 'info'],
  )
  t.same(await callValue(chain, factory, 'make', [8]), addr(contractAddress(chain.crypto, factory, 1)))

  // A deploy transaction may name which contract class of the module to create.
  const named = await chain.send(chain.accounts[0], { kind: 'deploy', module: factoryModule, args: encodeArgs([3]), value: 0n, contract: 'Child' })
  t.equal(named.receipt.status, 'ok')
  t.same(chain.read(named.contract!, 'info'), [3, addr(chain.accounts[0].address)])
  t.equal(chain.world.code(named.contract!)?.className, 'Child')
  const unknown = await chain.send(chain.accounts[0], { kind: 'deploy', module: factoryModule, args: encodeArgs([]), value: 0n, contract: 'Nope' })
  t.match(unknown.receipt, { status: 'reverted', code: 'R0311' })
  t.equal(unknown.contract, null)

  const bad = await call(chain, factory, 'make', [-1])
  t.match(bad.receipt, { status: 'reverted', code: 'R0317', error: formatRuntimeError('R0317', ['deploying Child failed: negative']) })
  t.same(chain.read(factory, 'last'), addr(contractAddress(chain.crypto, factory, 1)), "the failed deploy undid the factory's write")
  t.equal(chain.world.code(contractAddress(chain.crypto, factory, 2)), null, 'and left no contract behind')
  t.same(await callValue(chain, factory, 'make', [9]), addr(contractAddress(chain.crypto, factory, 2)), 'nor used up an address')
})

const gasModule = compileContract(`
class Gas is Contract {
  #deploy
  construct new() {}
  #public(to = Address, method = String, gas = Any, returns = Bool)
  probe(to, method, gas) {
    var r = gas == null ? Chain.tryCall(to, method, []) : Chain.tryCall(to, method, [], {"gas": gas})
    _after = r.error
    return r.ok
  }
  #view(returns = Any)
  after { _after }
}`, 'gas.nest')

t.test('gas: a callee gets all but 1/64 unless less is named; unused gas returns', async (t) => {
  const { chain, callee } = await contracts()
  const probe = await deploy(chain, gasModule)
  const used = async (method: string, gas: number | null, gasLimit: number) => {
    const r = await call(chain, probe, 'probe', [addr(callee), method, gas], { gasLimit })
    t.equal(r.receipt.status, 'ok', `the caller finished after ${method}`)
    return r.receipt.gasUsed
  }

  // A callee that runs out of gas burns exactly what it was given.
  const named = [await used('spin', 5000, 1_000_000), await used('spin', 9000, 1_000_000)]
  t.equal(named[1] - named[0], 4000, 'a named gas is what the callee may burn')
  t.match(chain.read(probe, 'after'), /Out of gas/, 'the caller saw the callee run out, then wrote')

  // Unnamed: the callee may burn all but 1/64 of what the caller had left. Two gas limits
  // 64k apart leave it 63k apart: they encode in as many bytes (the same intrinsic gas), and
  // the error the caller stores names gas of as many digits (the same storage gas).
  const spun = [await used('spin', null, 1_100_000), await used('spin', null, 1_164_000)]
  t.equal(spun[1] - spun[0], 63_000, 'the callee got all but 1/64 of the extra gas')
  t.equal(forwardable(6400), 6300)
  t.ok(spun[0] < 1_100_000, 'the caller kept enough to finish')

  // A callee that uses little returns the rest: what the caller forwarded does not count.
  const cheap = [await used('noop', null, 1_000_000), await used('noop', null, 1_064_000), await used('noop', 900_000, 1_000_000)]
  t.equal(cheap[0], cheap[1])
  t.ok(cheap[0] < 50_000, `a call that used little costs little (${cheap[0]})`)
  t.ok(cheap[0] - cheap[2] <= 8, 'naming a large gas changes only the argument bytes')
  const alone = chain.execute(chain.accounts[0].address, { kind: 'call', to: callee, method: 'noop', args: encodeArgs([]), value: 0n })
  t.ok(cheap[0] > alone.receipt.gasUsed + CALL_GAS, "the caller paid the callee's gas and the call's own")
})

const diverModule = compileContract(`
class Diver is Contract {
  #deploy
  construct new() {}
  #public(n = Num, returns = Num)
  #reentrant
  dive(n) {
    var r = Chain.tryCall(Chain.self, "dive", [n + 1])
    return r.ok ? r.value : n
  }
  #public(n = Num, returns = Num)
  #reentrant
  plunge(n) { Chain.call(Chain.self, "plunge", [n + 1]) }
}`, 'diver.nest')

t.test('call depth: at most params.maxCallDepth nested calls', async (t) => {
  const chain = newChain()
  t.equal(chain.params.maxCallDepth, MAX_CONTRACT_CALL_DEPTH)
  const diver = await deploy(chain, diverModule)
  t.equal(await callValue(chain, diver, 'dive', [1], { gasLimit: 100_000_000 }), MAX_CONTRACT_CALL_DEPTH, 'the deepest call that ran was at the limit')
  const past = await call(chain, diver, 'plunge', [1], { gasLimit: 100_000_000 })
  t.match(past.receipt, { status: 'reverted', code: 'R0317', error: new RegExp(`more than ${MAX_CONTRACT_CALL_DEPTH} nested contract calls`) })

  const shallow = newChain({ params: { maxCallDepth: 5 } })
  const d = await deploy(shallow, diverModule)
  t.equal(await callValue(shallow, d, 'dive', [1]), 5)
})

// Each level calls the next from 40 Nest frames down: frames the JIT runs as JS calls.
const stackedDiverModule = compileContract(`
class Diver is Contract {
  #deploy
  construct new() {}
  #public(n = Num, returns = Any)
  #reentrant
  dive(n) { down(n, 40) }
  down(n, k) {
    if (k == 0) {
      var r = Chain.tryCall(Chain.self, "dive", [n + 1])
      return r.ok ? r.value : [n, r.error]
    }
    return down(n, k - 1)
  }
}`, 'stacked.nest')

t.test('the call depth limit holds whatever the JS stack holds under each call', async (t) => {
  // Calls to other contracts run from the interpreter's loop, never from compiled frames, so
  // each level starts on a short JS stack: the named limit, not the engine, stops the dive.
  const chain = newChain()
  const diver = await deploy(chain, stackedDiverModule)
  const r = await call(chain, diver, 'dive', [1], { gasLimit: 500_000_000 })
  t.equal(r.receipt.status, 'ok')
  const [depth, error] = returned(r) as [number, string]
  t.equal(depth, MAX_CONTRACT_CALL_DEPTH, 'the named limit stopped the dive')
  t.notMatch(error, /call stack/, 'not the JS engine')
})

const deepModule = compileContract(`
class Deep is Contract {
  #deploy
  construct new() { _log = [] }
  #payable
  fund() {}
  #public(depth = Num, failAt = Num, sink = Address, returns = List)
  nest(depth, failAt, sink) {
    var level
    level = Fn.new { |d|
      _log = _log + [d]
      Chain.emit("Level", d)
      Chain.transfer(sink, 1n)
      if (d < depth) Fiber.new { level.call(d + 1) }.try()
      if (d == failAt) Fiber.abort("level %(d)")
    }
    level.call(0)
    return _log
  }
}`, 'deep.nest')

t.test('Fiber.try in a contract rolls back storage, events and transfers, ten levels deep', async (t) => {
  for (const [failAt, kept] of [
    [-1, 10],
    [5, 5],
    [1, 1],
    [9, 9],
  ]) {
    const chain = newChain()
    const deep = await deploy(chain, deepModule)
    await call(chain, deep, 'fund', [], { value: 100n })
    const sink = chain.accounts[5].address
    const before = chain.balance(sink)
    const r = await call(chain, deep, 'nest', [9, failAt, addr(sink)])
    t.equal(r.receipt.status, 'ok')
    const levels = [...Array(kept).keys()]
    t.same(returned(r), levels, `failing at ${failAt}: levels below it stay`)
    t.same(
      r.receipt.events.map((e) => decodeAbiValue(e.data)),
      levels,
    )
    t.equal(chain.balance(sink) - before, BigInt(kept))
    t.equal(chain.balance(deep), 100n - BigInt(kept))
  }
})

t.test('determinism: System.clock refused at deploy, Num.sin in a call (R0314)', async (t) => {
  const chain = newChain()
  const clock = compileContract(`
class Clock is Contract {
  #deploy
  construct new() {}
  #view(returns = Num)
  now { System.clock }
}`)
  const r = await chain.send(chain.accounts[0], { kind: 'deploy', module: clock, args: encodeArgs([]), value: 0n })
  t.match(r.receipt, { status: 'reverted', code: 'module', error: /System.clock/ })
  t.equal(r.contract, null)
  // Known limit, reported: the refusal looks for the method name, so a contract with a
  // method of its own named clock is refused too.
  const own = compileContract(`
class Watch is Contract {
  #deploy
  construct new() {}
  #view(returns = Num)
  clock { 12 }
}`)
  const watch = await chain.send(chain.accounts[0], { kind: 'deploy', module: own, args: encodeArgs([]), value: 0n })
  t.equal(watch.receipt.status, 'ok', 'a method of its own named clock is not System.clock')

  const { chain: other, callee } = await contracts()
  const sin = other.view(callee, 'sin')
  t.match(sin.receipt, { status: 'reverted', code: 'R0314', error: formatRuntimeError('R0314', ['sin']) })
})

t.test('payload edge cases: out of gas, deploys with value, calls to no contract', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const callee = await deploy(chain, calleeModule)

  const spun = await call(chain, callee, 'spin', [], { gasLimit: 250_000 })
  t.match(spun.receipt, { status: 'reverted', code: 'R0200', gasUsed: 250_000, fee: 250_000n }, 'out of gas uses the whole limit')

  t.match((await call(chain, callee, 'new', [])).receipt, { status: 'reverted', code: 'R0307' }, 'the constructor is not callable')

  // A transfer with too little gas for its own cost: out of gas, the whole limit used.
  const probe = await signed(chain, a.signer, a.address, transfer(b.address, 1n), { gasLimit: 2000 })
  const intrinsicGas = chain.params.txBaseGas + chain.params.txGasPerByte * encodeTx(probe).length
  const short = chain.submit(await signed(chain, a.signer, a.address, transfer(b.address, 1n), { gasLimit: intrinsicGas + 100 }))
  t.match(short.receipt, { status: 'reverted', code: 'R0200', gasUsed: intrinsicGas + 100 })

  const held = chain.balance(a.address)
  const toAccount = await call(chain, b.address, 'add', [1], { value: 3n, gasLimit: 100_000 })
  t.match(toAccount.receipt, { status: 'reverted', code: 'call', error: /no contract at/ })
  t.equal(chain.balance(a.address), held - 100_000n, 'the value came back')

  // A constructor accepts value; a failing one returns it and leaves no contract.
  const module = compileContract(`
class Kept is Contract {
  #deploy(ok = Bool)
  construct new(ok) {
    if (!ok) Fiber.abort("no")
  }
}`)
  const made = await chain.send(a, { kind: 'deploy', module, args: encodeArgs([true]), value: 40n })
  t.equal(made.receipt.status, 'ok')
  t.same(returned(made), addr(made.contract!), 'a deploy returns the new Address')
  t.equal(chain.balance(made.contract!), 40n)
  const before = chain.balance(a.address)
  const failed = await chain.send(a, { kind: 'deploy', module, args: encodeArgs([false]), value: 40n }, { gasLimit: 1_000_000 })
  t.match(failed.receipt, { status: 'reverted', error: 'no' })
  t.equal(failed.contract, null)
  t.equal(chain.balance(a.address), before - 1_000_000n, 'the value came back')
  t.equal(chain.world.code(contractAddress(chain.crypto, a.address, 2)), null)

  // Storing the module is paid per byte before anything runs.
  const intrinsic = chain.params.txBaseGas + chain.params.txGasPerByte * (module.length + 200)
  const cheap = await chain.send(a, { kind: 'deploy', module, args: encodeArgs([true]), value: 0n }, { gasLimit: intrinsic + 10 })
  t.match(cheap.receipt, { status: 'reverted', code: 'R0200', error: /storing the module/ })
})

t.test('a P-256 account registers its key with its first transaction', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const signer = devKey('p256', 9)
  const account = accountOf(signer)
  t.equal((await chain.send(a, transfer(account, 10n ** 9n))).receipt.status, 'ok')
  const r = chain.submit(await signed(chain, signer, account, transfer(b.address, 1000n)))
  t.equal(r.receipt.status, 'ok')
  t.same(chain.world.keys(account), [{ scheme: 'p256', publicKey: signer.publicKey }])
  t.equal(chain.balance(account), 10n ** 9n - 1000n - 100_000n)
})

const holderModule = compileContract(`
class Holder is Contract {
  #deploy
  construct new() {
    _secret = PersistentMap.new()
    _secret["k"] = "the holder's"
  }
  #view(returns = Any)
  handle { _secret }
  #public(m = Any)
  poke(m) { m["k"] = "overwritten" }
  #view(returns = Any)
  secret { _secret["k"] }
}`, 'holder.nest')

const lookerModule = compileContract(`
class Looker is Contract {
  #deploy
  construct new() {
    _mine = PersistentMap.new()
    _mine["k"] = "the looker's"
  }
  #public(holder = Address, returns = Any)
  look(holder) {
    var m = Chain.call(holder, "handle", [])
    return m["k"]
  }
}`, 'looker.nest')

t.test('values cross contracts as copies: a persistent handle names nothing outside its contract', async (t) => {
  // A handle is an id into the state of whoever decodes it: one passed in or returned
  // would read and write the receiver's own collection of that id, so none crosses (R0321).
  const chain = newChain()
  const holder = await deploy(chain, holderModule)
  const looker = await deploy(chain, lookerModule)
  const poked = await call(chain, holder, 'poke', [new HandleValue('map', 1)])
  t.equal(poked.receipt.status, 'reverted', 'a handle as an argument is refused')
  t.equal(poked.receipt.code, 'R0321')
  t.equal(chain.read(holder, 'secret'), "the holder's", "so it cannot reach the holder's own map")
  const looked = await call(chain, looker, 'look', [addr(holder)])
  t.not(looked.receipt.status === 'ok' ? returned(looked) : null, "the looker's", "a returned handle does not read the caller's own map")
  t.match(looked.receipt.error, /persistent collection cannot leave/)
})

const registry = compileContract(`
class Registry is Contract {
  #deploy
  construct new() { _m = PersistentMap.new() }
  #public(keys = List)
  add(keys) {
    for (k in keys) _m[k] = k * 2n
  }
  #public(add = List, remove = List, returns = List)
  churn(add, remove) {
    // Writes and removals of this very call are seen by the iteration after them.
    for (k in add) _m[k] = k * 2n
    for (k in remove) _m.remove(k)
    var out = []
    for (k in _m) out.add([k, _m[k]])
    return [out, _m.count]
  }
}`, 'registry.nest')

t.test('a persistent map iterates its keys in their byte order, own writes included', async (t) => {
  const chain = newChain()
  const r = await deploy(chain, registry)
  await call(chain, r, 'add', [[5n, 300n, 1n, 70000n]])
  const out = await call(chain, r, 'churn', [[2n, 256n], [300n, 9n]])
  t.equal(out.receipt.status, 'ok', out.receipt.error ?? '')
  // Ints encode as length then big-endian bytes, so byte order is numeric order.
  t.same(returned(out), [[[1n, 2n], [2n, 4n], [5n, 10n], [256n, 512n], [70000n, 140000n]], 5])
})
