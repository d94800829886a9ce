// The JSON-RPC method table (chain/rpc.ts) in process over a local chain: each method's
// answers, signed transactions in and receipts out (events, return values and revert stacks
// decoded), the JSON form of values both ways, the framing rules of JSON-RPC 2.0 (batches,
// notifications, every malformed request and its code), and history that survives a save
// and load of the chain.

import t from 'tap'
import { sha256 } from '@noble/hashes/sha2.js'
import { compile } from '../../compiler/compile.js'
import { formatAddress, SCHEMES } from '../../chain/address.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { LocalChain, type DevAccount } from '../../chain/local-chain.js'
import {
  abiValueFromJson,
  abiValueToJson,
  ChainRpc,
  fromHex,
  JsonValueError,
  MAX_BATCH,
  RPC_ERROR,
  RPC_METHODS,
  toHex,
  type BlockJson,
  type OutcomeJson,
  type ReceiptJson,
} from '../../chain/rpc.js'
import { balanceKey } from '../../chain/state/layout.js'
import { verifyProof, type Proof } from '../../chain/state/smt.js'
import { encodeTx, signTx, type Payload, type Tx } from '../../chain/tx.js'
import { AddressValue, encodeArgs, HandleValue, InstanceValue, type AbiValue } from '../../vm/contract/abi-values.js'

const BOX = `class Box is Contract {
  #deploy(start = Int)
  construct new(start) {
    _value = start
  }

  #view(returns = Int)
  value { _value }

  #public(by = Int, returns = Int)
  add(by) {
    _value = _value + by
    return _value
  }

  #public(v = Any, returns = Any)
  echo(v) {
    System.print("echo %(v is List)")
    Chain.emit("Echo", v)
    return v
  }

  #public
  fail() {
    Fiber.abort("no way")
  }
}
`
// The line of Fiber.abort above, which a revert's trace points at.
const FAIL_LINE = BOX.split('\n').findIndex((l) => l.includes('Fiber.abort')) + 1

function boxModule(): Uint8Array {
  const r = compile({ name: 'main', path: 'box.nest', text: BOX }, null, { contract: true })
  if (!r.bytes) throw new Error(r.diagnostics.map((d) => d.message).join('\n'))
  return r.bytes
}

type Answer = { id: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } }

/** One request through the text interface, as a transport sends it. */
async function ask(rpc: ChainRpc, method: string, params?: unknown, id: unknown = 1): Promise<Answer> {
  const text = await rpc.handle(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }))
  return JSON.parse(text!) as Answer
}

async function result<T>(rpc: ChainRpc, method: string, params?: unknown): Promise<T> {
  const a = await ask(rpc, method, params)
  if (a.error) throw new Error(`${method}: ${a.error.message}`)
  return a.result as T
}

async function signed(rpc: ChainRpc, from: DevAccount, payload: Payload, nonce?: number): Promise<Tx> {
  const key = toHex(Uint8Array.of(SCHEMES[from.signer.scheme].tag, ...from.signer.publicKey))
  const next = nonce ?? (await result<number>(rpc, 'unest_getNonce', [formatAddress(from.address), key]))
  return signTx(from.signer, rpc.chain.params.chainId, {
    sender: from.address,
    key: { scheme: from.signer.scheme, publicKey: from.signer.publicKey },
    nonce: next,
    fee: { token: 'NEST', amount: 1_000_000n },
    gasLimit: 1_000_000,
    payload,
  })
}

/** Signs, sends raw and fetches the receipt, as a wallet would. */
async function transact(rpc: ChainRpc, from: DevAccount, payload: Payload): Promise<ReceiptJson> {
  const hash = await result<string>(rpc, 'unest_sendRawTransaction', [toHex(encodeTx(await signed(rpc, from, payload)))])
  return result<ReceiptJson>(rpc, 'unest_getReceipt', [hash])
}

async function setup() {
  const chain = new LocalChain({ crypto: nodeCrypto, accounts: 3 })
  let saves = 0
  const rpc = new ChainRpc(chain, { afterBlocks: () => saves++ })
  const [a, b] = chain.accounts
  const deploy = await transact(rpc, a, { kind: 'deploy', module: boxModule(), args: encodeArgs([10n]), value: 0n })
  return { chain, rpc, a, b, deploy, box: deploy.contractAddress!, saves: () => saves }
}

t.test('chain facts, blocks and accounts', async (t) => {
  const { chain, rpc, deploy, saves } = await setup()
  t.equal(await result(rpc, 'unest_chainId'), 'unest-local')
  t.equal(await result(rpc, 'unest_gasPrice'), '1')
  t.equal(await result(rpc, 'unest_blockNumber'), 1, 'genesis, then the deploy')
  t.equal(saves(), 1, 'afterBlocks ran once for the one new block')
  const latest = await result<BlockJson>(rpc, 'unest_getBlock', ['latest'])
  t.same(await result(rpc, 'unest_getBlock', []), latest, '"latest" is the default')
  t.equal(latest.height, 1)
  t.same(latest.transactions, [deploy.transactionHash])
  t.equal(latest.hash, toHex(chain.blocks[1].hash))
  t.equal(latest.stateRoot, toHex(chain.stateRoot))
  const genesis = await result<BlockJson>(rpc, 'unest_getBlock', [0])
  t.equal(latest.parent, genesis.hash)
  t.same(await result(rpc, 'unest_getBlock', [latest.hash]), latest, 'by hash')
  t.equal(await result(rpc, 'unest_getBlock', [99]), null)
  const accounts = await result<{ name: string; address: string; key: string }[]>(rpc, 'unest_accounts')
  t.same(
    accounts.map((x) => [x.name, x.address]),
    chain.accounts.map((x) => [x.name, formatAddress(x.address)]),
  )
  t.equal(accounts[0].key, toHex(Uint8Array.of(1, ...chain.accounts[0].signer.publicKey)))
})

t.test('a deploy and calls: receipts with decoded values, events and prints', async (t) => {
  const { chain, rpc, a, b, deploy, box } = await setup()
  t.match(deploy, { status: 'ok', kind: 'deploy', blockHeight: 1, index: 0, from: formatAddress(a.address), nonce: 1, to: null, method: null, fee: '1000000' })
  t.same(deploy.returnValue, { address: box }, 'a deploy returns the new address')
  const abi = await result<{ contract: string; methods: { signature: string; kind: string }[] }>(rpc, 'unest_getAbi', [box])
  t.equal(abi.contract, 'Box')
  t.same(
    abi.methods.map((m) => `${m.signature}:${m.kind}`),
    ['new(_):deploy', 'value:view', 'add(_):public', 'echo(_):public', 'fail():public'],
  )
  t.equal(await result(rpc, 'unest_getAbi', [formatAddress(a.address)]), null, 'an account holds no ABI')

  const addr = AddressValue.fromHex(box)
  const rich = new Map<AbiValue, AbiValue>([
    [addr, [1.5, 'two', 3n, Uint8Array.of(0, 255), null, true, NaN, -0]],
    ['k', new Map([[2n, []]])],
  ])
  const echo = await transact(rpc, b, { kind: 'call', to: AddressValue.fromHex(box).bytes, method: 'echo', args: encodeArgs([rich]), value: 0n })
  t.equal(echo.status, 'ok', String(echo.error))
  t.same(echo.returnValue, abiValueToJson(rich), 'the value came back whole')
  t.same(abiValueFromJson(echo.returnValue), rich)
  t.same(echo.events, [{ address: box, topic: 'Echo', data: abiValueToJson(rich) }])
  t.same(echo.debug.prints, ['echo false'])
  t.equal(echo.method, 'echo')
  t.equal(echo.to, box)

  const added = await transact(rpc, b, { kind: 'call', to: addr.bytes, method: 'add', args: encodeArgs([5n]), value: 0n })
  t.same(added.returnValue, { int: '15' })
  t.equal(added.nonce, 2, "b's second transaction")
  t.equal(chain.read(addr.bytes, 'value'), 15n)
})

t.test('a revert: message, code and the Nest stack in the receipt; the fee is paid', async (t) => {
  const { rpc, b, box } = await setup()
  const before = BigInt(await result<string>(rpc, 'unest_getBalance', [formatAddress(b.address)]))
  const r = await transact(rpc, b, { kind: 'call', to: AddressValue.fromHex(box).bytes, method: 'fail', args: encodeArgs([]), value: 0n })
  t.equal(r.status, 'reverted')
  t.equal(r.error, 'no way')
  t.equal(r.code, 'R0028')
  t.same(r.events, [])
  t.same(r.debug.trace[0], { fn: 'Box.fail()', module: 'main', line: FAIL_LINE, col: r.debug.trace[0]?.col })
  t.ok(r.debug.trace[0].col > 0)
  t.equal(BigInt(await result<string>(rpc, 'unest_getBalance', [formatAddress(b.address), 'NEST'])), before - 1_000_000n, 'the fee is paid even on revert')
  t.equal(await result(rpc, 'unest_getBalance', [formatAddress(b.address), 'OTHER']), '0')
})

t.test('unest_call runs a method and keeps nothing', async (t) => {
  const { chain, rpc, b, box } = await setup()
  const view = await result<OutcomeJson>(rpc, 'unest_call', [box, 'value'])
  t.match(view, { status: 'ok', returnValue: { int: '10' }, error: null })
  const dry = await result<OutcomeJson>(rpc, 'unest_call', [box, 'add', [{ int: '7' }], formatAddress(b.address)])
  t.same(dry.returnValue, { int: '17' })
  t.equal(chain.read(AddressValue.fromHex(box).bytes, 'value'), 10n, 'the dry run left no trace')
  const named = await result<OutcomeJson>(rpc, 'unest_call', { to: box, method: 'add', args: [{ int: '1' }] })
  t.same(named.returnValue, { int: '11' }, 'named params')
  const fails = await result<OutcomeJson>(rpc, 'unest_call', [box, 'fail'])
  t.match(fails, { status: 'reverted', error: 'no way', code: 'R0028' })
  t.equal(fails.debug.trace[0].line, FAIL_LINE)
  const wrongType = await result<OutcomeJson>(rpc, 'unest_call', [box, 'add', ['seven']])
  t.equal(wrongType.status, 'reverted', 'an argument of the wrong type is refused at the boundary')
  const bad = await ask(rpc, 'unest_call', [box, 'add', [{ int: 'seven' }]])
  t.equal(bad.error?.code, RPC_ERROR.invalidParams)
  t.match(bad.error?.message, /args: an Int is/)
})

t.test('nonces, and transactions the chain refuses', async (t) => {
  const { rpc, a, box } = await setup()
  const key = toHex(Uint8Array.of(1, ...a.signer.publicKey))
  t.equal(await result(rpc, 'unest_getNonce', [formatAddress(a.address), key]), 2, 'the deploy used nonce 1')
  const call: Payload = { kind: 'call', to: AddressValue.fromHex(box).bytes, method: 'add', args: encodeArgs([1n]), value: 0n }
  const tx = await signed(rpc, a, call)
  const raw = toHex(encodeTx(tx))
  t.equal(typeof (await result(rpc, 'unest_sendRawTransaction', [raw])), 'string')
  const again = await ask(rpc, 'unest_sendRawTransaction', [raw])
  t.equal(again.error?.code, RPC_ERROR.invalidTx)
  t.same(again.error?.data, { reason: 'nonce' })
  const forged = encodeTx({ ...(await signed(rpc, a, call)), signature: new Uint8Array(64) })
  t.same((await ask(rpc, 'unest_sendRawTransaction', [toHex(forged)])).error?.data, { reason: 'signature' })
  const trailing = toHex(Uint8Array.of(...encodeTx(await signed(rpc, a, call)), 0))
  const codec = await ask(rpc, 'unest_sendRawTransaction', [trailing])
  t.same(codec.error?.data, { reason: 'codec' })
  t.match(codec.error?.message, /trailing bytes/)
  t.equal((await ask(rpc, 'unest_sendRawTransaction', ['0xzz'])).error?.code, RPC_ERROR.invalidParams)
  t.equal(await result(rpc, 'unest_blockNumber'), 2, 'refused transactions made no block')
  t.equal(await result(rpc, 'unest_getReceipt', [toHex(new Uint8Array(32))]), null)
})

t.test('proofs of present and absent state keys verify against the root', async (t) => {
  const { chain, rpc, a } = await setup()
  const hash = (d: Uint8Array) => sha256(d)
  type ProofJson = { root: string; key: string; value: string | null; siblings: string[]; leaf: { path: string; valueHash: string } | null }
  const check = (p: ProofJson) => {
    const proof: Proof = { siblings: p.siblings.map((s) => fromHex(s)!), leaf: p.leaf && { path: fromHex(p.leaf.path)!, valueHash: fromHex(p.leaf.valueHash)! } }
    return verifyProof(hash, fromHex(p.root)!, fromHex(p.key)!, p.value === null ? null : fromHex(p.value)!, proof)
  }
  const present = await result<ProofJson>(rpc, 'unest_getProof', [toHex(balanceKey(a.address, 'NEST'))])
  t.equal(present.root, toHex(chain.stateRoot))
  t.not(present.value, null)
  t.ok(check(present), 'membership')
  const absent = await result<ProofJson>(rpc, 'unest_getProof', [toHex(balanceKey(a.address, 'NOPE'))])
  t.equal(absent.value, null)
  t.ok(check(absent), 'non-membership')
  t.notOk(check({ ...absent, value: present.value }), 'a proof shows only what is there')
})

t.test('the JSON form of values, both ways', async (t) => {
  const cases: [AbiValue, unknown][] = [
    [null, null],
    [true, true],
    [2.5, 2.5],
    [NaN, { num: 'NaN' }],
    [-Infinity, { num: '-Infinity' }],
    [-0, { num: '-0' }],
    ['hi', 'hi'],
    [(1n << 256n) - 1n, { int: ((1n << 256n) - 1n).toString() }],
    [Uint8Array.of(1, 2), { bytes: '0x0102' }],
    [new AddressValue(new Uint8Array(20).fill(0xab)), { address: '0x' + 'ab'.repeat(20) }],
    [[1, [2n]], [1, [{ int: '2' }]]],
    [new Map<AbiValue, AbiValue>([[1n, 'x']]), { map: [[{ int: '1' }, 'x']] }],
    [new HandleValue('list', 3), { handle: { kind: 'list', id: 3 } }],
    [new InstanceValue('P', [1, 'a']), { instance: { class: 'P', fields: [1, 'a'] } }],
  ]
  for (const [v, j] of cases) {
    t.same(abiValueToJson(v), j, `to JSON: ${JSON.stringify(j)}`)
    const back = abiValueFromJson(JSON.parse(JSON.stringify(j)))
    t.ok(Object.is(back, v) || (!(back instanceof JsonValueError) && encodeArgs([back]).join() === encodeArgs([v]).join()), `from JSON: ${JSON.stringify(j)}`)
  }
  t.equal(abiValueFromJson({ int: '0xff' }), 255n)
  const refused: unknown[] = [
    { int: '1', bytes: '0x' },
    { int: 5 },
    { int: '-1' },
    { int: (1n << 256n).toString() },
    { bytes: '0x123' },
    { address: '0x12' },
    { map: [[1]] },
    { num: '1.5' },
    { handle: { kind: 'set', id: 1 } },
    { nope: 1 },
    JSON.parse('['.repeat(40) + ']'.repeat(40)),
  ]
  for (const j of refused) t.ok(abiValueFromJson(j) instanceof JsonValueError, `refused: ${JSON.stringify(j).slice(0, 60)}`)
})

t.test('framing: malformed requests get JSON-RPC errors and the table keeps serving', async (t) => {
  const { rpc } = await setup()
  const raw = async (text: string) => {
    const out = await rpc.handle(text)
    return out === null ? null : JSON.parse(out)
  }
  const code = (x: { error?: { code: number } }) => x.error?.code
  t.match(await raw('{"jsonrpc": "2.0", "id": 1, "method"'), { id: null, error: { code: RPC_ERROR.parse } })
  t.match(await raw('42'), { id: null, error: { code: RPC_ERROR.invalidRequest } })
  t.match(await raw('{"jsonrpc": "1.0", "id": 7, "method": "unest_chainId"}'), { id: 7, error: { code: RPC_ERROR.invalidRequest } })
  t.match(await raw('{"jsonrpc": "2.0", "id": {"a": 1}, "method": "unest_chainId"}'), { id: null, error: { code: RPC_ERROR.invalidRequest } })
  t.equal(code(await raw('{"jsonrpc": "2.0", "id": 1, "method": 5}')), RPC_ERROR.invalidRequest)
  t.equal(code(await raw('{"jsonrpc": "2.0", "id": 1, "method": "unest_chainId", "params": "x"}')), RPC_ERROR.invalidRequest)
  t.match(await ask(rpc, 'eth_blockNumber', [], 'abc'), { id: 'abc', error: { code: RPC_ERROR.methodNotFound } })
  t.match(await ask(rpc, 'toString'), { error: { code: RPC_ERROR.methodNotFound } }, 'no Object method is a method')
  t.equal(code(await ask(rpc, 'unest_chainId', [1])), RPC_ERROR.invalidParams, 'too many params')
  t.equal(code(await ask(rpc, 'unest_getBalance', [])), RPC_ERROR.invalidParams, 'a missing param')
  t.equal(code(await ask(rpc, 'unest_getBalance', ['0x12'])), RPC_ERROR.invalidParams, 'a bad address')
  t.equal(code(await ask(rpc, 'unest_getBalance', { who: 'x' })), RPC_ERROR.invalidParams, 'an unknown param name')
  t.equal(code(await ask(rpc, 'unest_getBlock', [-1])), RPC_ERROR.invalidParams)
  t.match(await ask(rpc, 'unest_getBalance', { address: '0x' + '00'.repeat(20) }), { result: '0' }, 'named params')

  t.equal(await raw('{"jsonrpc": "2.0", "method": "unest_chainId"}'), null, 'a notification gets no answer')
  t.equal(await raw('{"jsonrpc": "2.0", "method": "nope"}'), null, 'not even an error')
  t.match(await raw('[]'), { id: null, error: { code: RPC_ERROR.invalidRequest } })
  const batch = await raw(
    JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'unest_chainId' },
      { jsonrpc: '2.0', method: 'unest_chainId' },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
      7,
      { jsonrpc: '2.0', id: 3, method: 'unest_blockNumber' },
    ]),
  )
  t.same(batch, [
    { jsonrpc: '2.0', id: 1, result: 'unest-local' },
    { jsonrpc: '2.0', id: 2, error: { code: RPC_ERROR.methodNotFound, message: 'Method not found: nope' } },
    { jsonrpc: '2.0', id: null, error: { code: RPC_ERROR.invalidRequest, message: 'Invalid Request: a request is an object' } },
    { jsonrpc: '2.0', id: 3, result: 1 },
  ])
  t.equal(await raw('[{"jsonrpc": "2.0", "method": "unest_chainId"}]'), null, 'a batch of notifications gets no answer')
  const big = JSON.stringify(Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'unest_chainId' })))
  t.match(await raw(big), { error: { code: RPC_ERROR.invalidRequest } })

  // A fault inside a method is an internal error, and only that request's.
  const balance = rpc.chain.balance
  rpc.chain.balance = () => {
    throw new Error('disk on fire')
  }
  t.match(await ask(rpc, 'unest_getBalance', ['0x' + '00'.repeat(20)]), { error: { code: RPC_ERROR.internal, message: /disk on fire/ } })
  rpc.chain.balance = balance
  t.equal(await result(rpc, 'unest_chainId'), 'unest-local', 'still serving')
  t.ok(RPC_METHODS.every((m) => m.startsWith('unest_')))
})

t.test('blocks made outside the table are recorded; history survives save and load', async (t) => {
  const { chain, rpc, a, b, box, deploy } = await setup()
  const made = await chain.send(b, { kind: 'call', to: AddressValue.fromHex(box).bytes, method: 'add', args: encodeArgs([2n]), value: 0n })
  const seen = await result<ReceiptJson>(rpc, 'unest_getReceipt', [toHex(made.hash)])
  t.match(seen, { status: 'ok', blockHeight: 2, returnValue: { int: '12' } })

  const saved = JSON.parse(JSON.stringify({ state: Array.from(chain.save()), history: rpc.history() }))
  const loaded = LocalChain.load(Uint8Array.from(saved.state), { crypto: nodeCrypto, accounts: 3 })
  const again = new ChainRpc(loaded, { history: saved.history })
  t.equal(await result(again, 'unest_blockNumber'), 2)
  t.same(await result(again, 'unest_getReceipt', [deploy.transactionHash]), deploy, 'an old receipt, whole')
  t.same(await result(again, 'unest_getBlock', [2]), await result(rpc, 'unest_getBlock', [2]))
  const next = await transact(again, a, { kind: 'call', to: AddressValue.fromHex(box).bytes, method: 'add', args: encodeArgs([3n]), value: 0n })
  t.match(next, { status: 'ok', blockHeight: 3, returnValue: { int: '15' }, nonce: 2 })
  t.equal(await result(again, 'unest_blockNumber'), 3)
  t.same(await result(again, 'unest_getReceipt', [seen.transactionHash]), seen)
})
