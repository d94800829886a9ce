// The token from TypeScript, through `unest/testing`.
import t from 'tap'
import { LocalChain, AddressValue, expectRevert } from 'unest/testing'

const source = new URL('../token.nest', import.meta.url).pathname
const addr = (a: { address: Uint8Array }) => new AddressValue(a.address)

t.test('transfers move balances and emit Transfer', async (t) => {
  const chain = new LocalChain()
  const [owner, alice, bob] = chain.accounts
  const token = await chain.deploy(owner, source, ['Example', 'EXT', 1000n])
  t.equal(token.read('balanceOf', [addr(owner)]), 1000n)
  const sent = await token.send(owner, 'transfer', [addr(alice), 300n])
  t.ok(sent.ok)
  t.same(sent.events.map((e) => e.topic), ['Transfer'])
  t.same(sent.events[0].data, [addr(owner), addr(alice), 300n])
  t.equal(token.read('balanceOf', [addr(alice)]), 300n)
  expectRevert(await token.send(alice, 'transfer', [addr(bob), 301n]), 'below 0')
  t.equal(token.read('balanceOf', [addr(bob)]), 0n)
})

t.test('arguments are checked against the ABI before the token runs', async (t) => {
  const chain = new LocalChain()
  const [owner, alice] = chain.accounts
  const token = await chain.deploy(owner, source, ['Example', 'EXT', 1000n])
  const wrong = await token.send(owner, 'transfer', [addr(alice), 5])
  expectRevert(wrong, 'must be Int')
  t.equal(wrong.code, 'R0308')
})

t.test('allowances', async (t) => {
  const chain = new LocalChain()
  const [owner, spender, bob] = chain.accounts
  const token = await chain.deploy(owner, source, ['Example', 'EXT', 1000n])
  t.ok((await token.send(owner, 'approve', [addr(spender), 100n])).ok)
  t.ok((await token.send(spender, 'transferFrom', [addr(owner), addr(bob), 60n])).ok)
  t.equal(token.read('allowance', [addr(owner), addr(spender)]), 40n)
  expectRevert(await token.send(spender, 'transferFrom', [addr(owner), addr(bob), 41n]))
  t.equal(token.read('balanceOf', [addr(bob)]), 60n)
})
