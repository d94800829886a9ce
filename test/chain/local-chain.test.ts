// The local chain (chain/local-chain.ts): a block per transaction with its header roots,
// time travel, snapshots that revert in O(changes), save and load into a new chain, proofs
// of state keys against a block's state root, and the same chain on both crypto backends.

import t from 'tap'
import { blockHash, listRoot } from '../../chain/block.js'
import { nobleCrypto } from '../../chain/crypto-noble.js'
import { LocalChain } from '../../chain/local-chain.js'
import { encodeReceipt } from '../../chain/receipt.js'
import { balanceKey, storagePrefix } from '../../chain/state/layout.js'
import { MemoryKv } from '../../chain/state/kv.js'
import { verifyProof } from '../../chain/state/smt.js'
import { txHash } from '../../chain/tx.js'
import { addr, call, callValue, compileContract, compileFile, crypto, deploy, freshRoot, hex, newChain, returned, transfer } from './helpers.js'

const sha256 = (d: Uint8Array) => crypto.sha256(d)

const clockModule = compileContract(`
class Clock is Contract {
  #deploy
  construct new() {}
  #public(returns = List)
  stamp() { [Chain.time, Chain.height] }
  #view(returns = List)
  now { [Chain.time, Chain.height] }
}`)

t.test('a block per transaction, each header committing to state, transactions and receipts', async (t) => {
  const chain = newChain({ genesisTime: 5000 })
  const [a, b] = chain.accounts
  const genesis = chain.blocks[0]
  t.match(genesis.header, { height: 0, time: 5000 })
  t.same(genesis.header.txRoot, new Uint8Array(32), 'the empty list has the zero root')
  t.same(genesis.header.stateRoot, freshRoot(chain), 'genesis commits to the funded accounts')

  const results = [await chain.send(a, transfer(b.address, 1n)), await chain.send(b, transfer(a.address, 2n)), await chain.send(a, transfer(b.address, 0n))]
  t.equal(chain.blocks.length, 4)
  for (const [i, r] of results.entries()) {
    const h = r.block.header
    t.equal(h.height, i + 1)
    t.equal(h.time, 5000 + i + 1, 'time increases with each block')
    t.same(h.parent, chain.blocks[i].hash)
    t.same(r.block.hash, blockHash(crypto, h))
    t.same(h.txRoot, listRoot(crypto, [txHash(crypto, r.block.txs[0])]))
    t.same(h.receiptRoot, listRoot(crypto, [encodeReceipt(r.receipt)]))
    t.same(h.producer, chain.producer)
  }
  t.same(results[2].block.header.stateRoot, freshRoot(chain), "the last block's state root is a fresh tree's over all state")
  t.same(chain.stateRoot, freshRoot(chain))
  t.not(hex(results[0].block.header.txRoot), hex(results[1].block.header.txRoot), 'other transactions, another root')
  t.equal(results[2].receipt.status, 'reverted')
  t.not(hex(results[0].block.header.receiptRoot), hex(results[2].block.header.receiptRoot), 'other receipts, another root')

  // Two transactions in one list: the root covers both, in order.
  const [x, y] = [results[0].block.txs[0], results[1].block.txs[0]].map((tx) => txHash(crypto, tx))
  t.not(hex(listRoot(crypto, [x, y])), hex(listRoot(crypto, [y, x])))
  t.not(hex(listRoot(crypto, [x, y])), hex(listRoot(crypto, [x])))
  t.not(hex(listRoot(crypto, [x, y, x])), hex(listRoot(crypto, [x, y])), 'an odd last item is not dropped')

  t.throws(() => newChain({ blockTime: 0 }), RangeError)
})

t.test('time travel: a contract sees the time and height a test moved to', async (t) => {
  const chain = newChain()
  const clock = await deploy(chain, clockModule)
  const first = await call(chain, clock, 'stamp')
  const h = first.block.header
  t.same(returned(first), [h.time, h.height], "a call sees its own block's time and height")
  chain.advance(3600, 10)
  t.same(chain.read(clock, 'now'), [h.time + 1 + 3600, h.height + 1 + 10], 'a view sees the next block')
  const later = await call(chain, clock, 'stamp')
  t.same(returned(later), [h.time + 1 + 3600, h.height + 1 + 10])
  t.match(later.block.header, { time: h.time + 3601, height: h.height + 11 })
  t.throws(() => chain.advance(-1), RangeError)
  t.throws(() => chain.advance(1.5), RangeError)
})

/** A store that counts its writes. */
class CountingKv extends MemoryKv {
  writes = 0
  override set(key: Uint8Array, value: Uint8Array | null): void {
    this.writes++
    super.set(key, value)
  }
}

t.test('snapshot and revert restore state, root, height, time and receipts', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const counter = await deploy(chain, compileFile('examples/counter/counter.nest'), [1n])
  const snap = chain.snapshot()
  const before = { root: chain.stateRoot, height: chain.height, time: chain.time, blocks: chain.blocks.length, a: chain.balance(a.address), b: chain.balance(b.address) }

  const sent = await chain.send(a, transfer(b.address, 1000n))
  await call(chain, counter, 'increment', [5n])
  chain.deal(b.address, 7n, 'GOLD')
  chain.advance(100, 3)
  t.equal(chain.read(counter, 'count'), 6n)

  t.ok(chain.revert(snap))
  t.same(chain.stateRoot, before.root)
  t.same(chain.stateRoot, freshRoot(chain), 'the tree and the state agree after a revert')
  t.same(
    [chain.height, chain.time, chain.blocks.length, chain.balance(a.address), chain.balance(b.address)],
    [before.height, before.time, before.blocks, before.a, before.b],
  )
  t.equal(chain.balance(b.address, 'GOLD'), 0n)
  t.equal(chain.world.supply('GOLD'), 0n)
  t.equal(chain.read(counter, 'count'), 1n)
  t.equal(chain.receipt(sent.hash), undefined, 'receipts of dropped blocks are gone')

  // The snapshot stays usable; a later one is dropped when an earlier one is restored.
  await call(chain, counter, 'increment', [2n])
  const inner = chain.snapshot()
  await call(chain, counter, 'increment', [3n])
  t.ok(chain.revert(inner))
  t.equal(chain.read(counter, 'count'), 3n)
  t.ok(chain.revert(snap))
  t.equal(chain.read(counter, 'count'), 1n)
  t.notOk(chain.revert(inner), 'a snapshot taken after the restored one is gone')
  t.notOk(chain.revert(12345))
  const again = await call(chain, counter, 'increment', [4n])
  t.equal(again.block.header.height, before.height, 'the chain goes on from the restored height')
})

t.test('revert costs O(changes), not O(state)', async (t) => {
  const cost = async (extraAccounts: number) => {
    const store = new CountingKv()
    const chain = newChain({ store })
    for (let i = 0; i < extraAccounts; i++) chain.deal(crypto.sha256(Uint8Array.of(i >> 8, i & 255)).slice(0, 20), 1n)
    const [a, b] = chain.accounts
    const snap = chain.snapshot()
    const w0 = store.writes
    await chain.send(a, transfer(b.address, 5n))
    const made = store.writes - w0
    const w1 = store.writes
    t.ok(chain.revert(snap))
    return { made, undone: store.writes - w1, size: store.size }
  }
  const small = await cost(0)
  const large = await cost(2000)
  t.ok(large.size > small.size + 1900, 'the large chain holds far more state')
  t.equal(small.undone, small.made, 'each write since the snapshot is undone once')
  t.same(large, { ...small, size: large.size }, 'the same transaction costs the same writes to make and undo, whatever the state')
  t.ok(small.made > 0 && small.made < 20)
})

t.test('save, then load into a new chain that goes on with the same root', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const counter = await deploy(chain, compileFile('examples/counter/counter.nest'), [10n])
  await call(chain, counter, 'increment', [1n])
  chain.deal(b.address, 99n, 'GOLD')
  chain.advance(50, 2)
  const saved = chain.save()
  const savedRoot = chain.stateRoot

  const loaded = LocalChain.load(saved, { crypto })
  t.same(loaded.stateRoot, chain.stateRoot)
  t.same(loaded.stateRoot, freshRoot(loaded))
  t.same([loaded.height, loaded.time], [chain.height, chain.time])
  t.equal(loaded.read(counter, 'count'), 11n, "the contract's state came along")
  t.equal(loaded.balance(b.address, 'GOLD'), 99n)

  // The same transaction on both chains: the same receipt and the same state root.
  const here = await call(chain, counter, 'increment', [2n])
  const there = await call(loaded, counter, 'increment', [2n])
  t.equal(returned(there), 13n, 'the loaded chain keeps calling the contract')
  t.same(there.receipt, here.receipt)
  t.same(there.block.header.stateRoot, here.block.header.stateRoot)
  t.same(loaded.nextNonce(a.address, a.signer), chain.nextNonce(a.address, a.signer), 'nonces came along')

  // Loaded on the other crypto backend, the chain is the same chain.
  const noble = LocalChain.load(saved, { crypto: nobleCrypto })
  t.same(noble.stateRoot, savedRoot)
  const onNoble = await call(noble, counter, 'increment', [2n])
  t.same(onNoble.block.header.stateRoot, here.block.header.stateRoot)
  t.same(onNoble.hash, here.hash, 'the same signed transaction')

  t.throws(() => LocalChain.load(saved.subarray(0, 10), { crypto }), /not a saved local chain/)
  t.throws(() => LocalChain.load(new TextEncoder().encode('hello'), { crypto }), /not a saved local chain/)
})

t.test('proofs of state keys verify against the block state root', async (t) => {
  const chain = newChain()
  const [a, b] = chain.accounts
  const counter = await deploy(chain, compileFile('examples/counter/counter.nest'), [3n])
  const r = await chain.send(a, transfer(b.address, 1n))
  const root = r.block.header.stateRoot

  const key = balanceKey(a.address, 'NEST')
  const value = chain.world.journal.get(key)!
  const proof = chain.prove(key)
  t.ok(verifyProof(sha256, root, key, value, proof), 'membership')
  t.notOk(verifyProof(sha256, root, key, Uint8Array.of(1), proof), 'not with another value')
  t.notOk(verifyProof(sha256, root, key, null, proof), 'not as absent')
  t.notOk(verifyProof(sha256, root, balanceKey(b.address, 'NEST'), value, proof), 'not for another key')

  const absent = balanceKey(a.address, 'GOLD')
  const none = chain.prove(absent)
  t.ok(verifyProof(sha256, root, absent, null, none), 'non-membership')
  t.notOk(verifyProof(sha256, root, absent, Uint8Array.of(1), none))

  // Every key of the contract's own state proves its value.
  const entries = [...chain.entries(storagePrefix(counter))]
  t.ok(entries.length >= 2, 'the counter holds its fields')
  for (const [k, v] of entries) t.ok(verifyProof(sha256, root, k, v, chain.prove(k)))

  // A proof is against one root: the new root does not prove an old value, the old root does.
  await call(chain, counter, 'increment', [1n])
  const after = new Map([...chain.entries(storagePrefix(counter))].map(([k, v]) => [hex(k), v]))
  const [k0, v0] = entries.find(([k, v]) => hex(after.get(hex(k))!) !== hex(v))!
  t.notOk(verifyProof(sha256, chain.stateRoot, k0, v0, chain.prove(k0)), 'the old value does not prove against the new root')
  t.ok(verifyProof(sha256, chain.stateRoot, k0, after.get(hex(k0))!, chain.prove(k0)), 'the new value does')
  t.ok(verifyProof(sha256, root, k0, v0, chain.prove(k0, root)), "the old block's root still proves the old value")
})

t.test('views and dry runs keep nothing', async (t) => {
  const chain = newChain()
  const counter = await deploy(chain, compileFile('examples/counter/counter.nest'), [3n])
  const root = chain.stateRoot
  const dry = chain.view(counter, 'increment', [4n])
  t.equal(dry.receipt.status, 'ok')
  t.same(dry.receipt.events.map((e) => e.topic), ['Incremented'])
  t.same(chain.stateRoot, root)
  t.equal(chain.read(counter, 'count'), 3n)
  t.match(chain.view(counter, 'reset', [], chain.accounts[1].address).receipt, { status: 'reverted', error: 'only the owner can reset' }, 'a dry run as someone else')
  t.throws(() => chain.read(counter, 'nothing'), /nothing reverted/)
  t.equal(await callValue(chain, counter, 'increment', [1n]), 4n)
  t.same(chain.read(counter, 'owner'), addr(chain.accounts[0].address))
})
