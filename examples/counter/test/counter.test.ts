// The counter from TypeScript, through `unest/testing`: the same local chain and state
// transition as the node, driven like Hardhat.
import t from 'tap'
import { LocalChain, expectRevert } from 'unest/testing'

const source = new URL('../counter.nest', import.meta.url).pathname

t.test('deploy, increment, read', async (t) => {
  const chain = new LocalChain()
  const [alice, bob] = chain.accounts
  const counter = await chain.deploy(alice, source, [5n])
  t.equal(counter.read('count'), 5n)
  const sent = await counter.send(bob, 'increment', [2n])
  t.ok(sent.ok)
  t.equal(sent.value, 7n)
  t.same(
    sent.events.map((e) => [e.topic, (e.data as unknown[]).slice(1)]),
    [['Incremented', [2n, 7n]]],
  )
  t.equal(counter.read('count'), 7n)
  t.equal(String(counter.read('owner')), String(alice.address.reduce((s, b) => s + b.toString(16).padStart(2, '0'), '0x')))
})

t.test('only the owner resets: the revert says why and where', async (t) => {
  const chain = new LocalChain()
  const [alice, bob] = chain.accounts
  const counter = await chain.deploy(alice, source, [5n])
  const refused = await counter.send(bob, 'reset')
  expectRevert(refused, 'only the owner can reset')
  t.equal(refused.trace[0]?.fn, 'Counter.reset()')
  t.ok(refused.result.receipt.fee > 0n, 'the fee is paid even so')
  t.equal(counter.read('count'), 5n)
  t.ok((await counter.send(alice, 'reset')).ok)
  t.equal(counter.read('count'), 0n)
})

t.test('snapshots and time travel', async (t) => {
  const chain = new LocalChain()
  const [alice] = chain.accounts
  const counter = await chain.deploy(alice, source, [0n])
  const snap = chain.snapshot()
  await counter.send(alice, 'increment', [10n])
  t.equal(counter.read('count'), 10n)
  t.ok(chain.revert(snap))
  t.equal(counter.read('count'), 0n)
  const before = chain.time
  chain.advance(7 * 24 * 3600)
  const sent = await counter.send(alice, 'increment', [1n])
  t.equal(sent.result.block.header.time, before + 7 * 24 * 3600, 'a week passes in no time')
})
