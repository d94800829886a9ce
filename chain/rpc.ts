// The chain's JSON-RPC 2.0 interface: the method table the node will serve unchanged, the
// JSON forms of values, blocks and receipts, and the request framing (batches,
// notifications, error codes). Transport-agnostic, text in and text out: the HTTP server is
// cli/rpc-server.ts. Imports nothing from Node.
//
// Values (AbiValue) in JSON: null, booleans, numbers (Num), strings and arrays stand for
// themselves; the rest are objects of one key: {"int": "123"} (or "0xff"), {"address":
// "0x.."}, {"bytes": "0x.."}, {"map": [[k, v], ...]}, {"num": "NaN" | "Infinity" |
// "-Infinity" | "-0"}, and, as contracts return them, {"handle": {"kind", "id"}} and
// {"instance": {"class", "fields"}}. Amounts are decimal strings; byte strings are 0x-hex.

import { AddressError, formatAddress, parseAddress, SCHEME_BY_TAG, SCHEMES, type Address } from './address.js'
import { CodecError, isTokenId, NATIVE_TOKEN } from './codec.js'
import { InvalidTx } from './execute.js'
import type { Block, LocalChain } from './local-chain.js'
import type { Receipt, ReceiptDebug } from './receipt.js'
import { decodeTx, txHash, type Tx, type TxKey } from './tx.js'
import { AbiValueError, AddressValue, HandleValue, InstanceValue, decodeAbiValue, encodeArgs, type AbiValue } from '../vm/contract/abi-values.js'
import type { AbiMethod, AbiType } from '../vm/contract/abi.js'
import { MAX_STORE_DEPTH } from '../vm/contract/storable.js'

// ---- hex ----

const HEX = '0123456789abcdef'

export function toHex(b: Uint8Array): string {
  let s = '0x'
  for (const x of b) s += HEX[x >> 4] + HEX[x & 15]
  return s
}

/** "0x" and an even number of hex digits, or null. */
export function fromHex(s: string): Uint8Array | null {
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(s)) return null
  const out = new Uint8Array((s.length - 2) / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}

// ---- values ----

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/** A JSON value that stands for no AbiValue. */
export class JsonValueError {
  constructor(readonly message: string) {}
}

const MAX_INT = (1n << 256n) - 1n
const SPECIAL_NUMS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
])

type Tagged = (x: unknown, depth: number) => AbiValue | JsonValueError

/** The tagged forms, by their one key. */
const TAGGED: Readonly<Record<string, Tagged>> = {
  int(x) {
    if (typeof x !== 'string' || !/^(?:0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(x)) return new JsonValueError('an Int is {"int": "<decimal or 0x-hex digits>"}')
    const v = BigInt(x)
    return v > MAX_INT ? new JsonValueError(`Int ${x} is above 2^256-1`) : v
  },
  num(x) {
    const v = typeof x === 'string' ? SPECIAL_NUMS.get(x) : undefined
    return v ?? new JsonValueError('{"num": _} holds "NaN", "Infinity", "-Infinity" or "-0"; other numbers are plain JSON numbers')
  },
  address(x) {
    if (typeof x !== 'string') return new JsonValueError('an Address is {"address": "0x<40 hex digits>"}')
    const a = parseAddress(x)
    return a instanceof AddressError ? new JsonValueError(a.message) : new AddressValue(a)
  },
  bytes(x) {
    return (typeof x === 'string' ? fromHex(x) : null) ?? new JsonValueError('Bytes are {"bytes": "0x<hex digit pairs>"}')
  },
  map(x, depth) {
    if (!Array.isArray(x)) return new JsonValueError('a Map is {"map": [[key, value], ...]}')
    const out = new Map<AbiValue, AbiValue>()
    for (const entry of x) {
      if (!Array.isArray(entry) || entry.length !== 2) return new JsonValueError('each map entry is a [key, value] pair')
      const k = fromJson(entry[0], depth + 1)
      if (k instanceof JsonValueError) return k
      const v = fromJson(entry[1], depth + 1)
      if (v instanceof JsonValueError) return v
      out.set(k, v)
    }
    return out
  },
  handle(x) {
    const h = x as { kind?: unknown; id?: unknown } | null
    if (typeof h !== 'object' || h === null || (h.kind !== 'map' && h.kind !== 'list') || !Number.isSafeInteger(h.id) || (h.id as number) < 0) {
      return new JsonValueError('a handle is {"handle": {"kind": "map" | "list", "id": n}}')
    }
    return new HandleValue(h.kind, h.id as number)
  },
  instance(x, depth) {
    const o = x as { class?: unknown; fields?: unknown } | null
    if (typeof o !== 'object' || o === null || typeof o.class !== 'string' || !Array.isArray(o.fields)) {
      return new JsonValueError('an instance is {"instance": {"class": "Name", "fields": [...]}}')
    }
    const fields: AbiValue[] = []
    for (const f of o.fields) {
      const v = fromJson(f, depth + 1)
      if (v instanceof JsonValueError) return v
      fields.push(v)
    }
    return new InstanceValue(o.class, fields)
  },
}

function fromJson(j: unknown, depth: number): AbiValue | JsonValueError {
  if (depth > MAX_STORE_DEPTH) return new JsonValueError(`a value nested more than ${MAX_STORE_DEPTH} levels deep`)
  if (j === null || typeof j === 'boolean' || typeof j === 'string') return j
  if (typeof j === 'number') return j
  if (Array.isArray(j)) {
    const out: AbiValue[] = []
    for (const x of j) {
      const v = fromJson(x, depth + 1)
      if (v instanceof JsonValueError) return v
      out.push(v)
    }
    return out
  }
  if (typeof j === 'object') {
    const keys = Object.keys(j)
    const tag = keys.length === 1 && Object.hasOwn(TAGGED, keys[0]) ? TAGGED[keys[0]] : undefined
    if (tag === undefined) return new JsonValueError(`an object value has one key of ${Object.keys(TAGGED).join(', ')}; this one has ${JSON.stringify(keys)}`)
    return tag((j as Record<string, unknown>)[keys[0]], depth)
  }
  return new JsonValueError(`${typeof j} is not a JSON value`)
}

/** The AbiValue a JSON value stands for (see the top of this file). */
export function abiValueFromJson(j: unknown): AbiValue | JsonValueError {
  return fromJson(j, 0)
}

export function abiValueToJson(v: AbiValue): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { num: Object.is(v, -0) ? '-0' : String(v) }
  if (typeof v === 'bigint') return { int: v.toString() }
  if (v instanceof Uint8Array) return { bytes: toHex(v) }
  if (v instanceof AddressValue) return { address: v.toString() }
  if (v instanceof HandleValue) return { handle: { kind: v.kind, id: v.id } }
  if (v instanceof InstanceValue) return { instance: { class: v.className, fields: v.fields.map(abiValueToJson) } }
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [abiValueToJson(k), abiValueToJson(x)]) }
  return (v as readonly AbiValue[]).map(abiValueToJson)
}

/** Encoded value bytes (a return value, an event's data) in JSON form; bytes that decode to
 *  no value (never written by a contract) come back as {"bytes"} of themselves. */
function encodedToJson(b: Uint8Array): JsonValue {
  try {
    return abiValueToJson(decodeAbiValue(b))
  } catch (e) {
    if (e instanceof AbiValueError) return { bytes: toHex(b) }
    throw e
  }
}

// ---- blocks and receipts ----

export type BlockJson = {
  readonly height: number
  readonly hash: string
  readonly time: number
  readonly parent: string
  readonly producer: string
  readonly stateRoot: string
  readonly txRoot: string
  readonly receiptRoot: string
  /** Hashes of the block's transactions, in order. */
  readonly transactions: readonly string[]
}

export type EventJson = {
  readonly address: string
  readonly topic: string
  readonly data: JsonValue
}

/** What a payload did: a receipt's outcome, and a dry run's (unest_call). */
export type OutcomeJson = {
  readonly status: 'ok' | 'reverted'
  readonly gasUsed: number
  readonly events: readonly EventJson[]
  readonly returnValue: JsonValue
  /** The revert message, and its code (R0xxx or a chain refusal such as "balance"). */
  readonly error: string | null
  readonly code: string | null
  /** Not covered by the receipt root: the Nest stack of a revert, innermost frame first,
   *  and what System.print wrote. */
  readonly debug: { readonly trace: readonly FrameJson[]; readonly prints: readonly string[] }
}

/** A Nest stack frame: the function, its module's name, and where in the source. */
export type FrameJson = { readonly fn: string; readonly module: string; readonly line: number; readonly col: number }

export type ReceiptJson = OutcomeJson & {
  readonly transactionHash: string
  readonly blockHeight: number
  readonly blockHash: string
  /** The transaction's index in its block. */
  readonly index: number
  readonly from: string
  readonly nonce: number
  readonly kind: Tx['payload']['kind']
  /** The called contract or transfer recipient. */
  readonly to: string | null
  readonly method: string | null
  /** The fee paid, in full even on revert, in NEST base units. */
  readonly fee: string
  /** The contract a deploy created. */
  readonly contractAddress: string | null
}

function outcomeJson(r: Receipt, debug: ReceiptDebug): OutcomeJson {
  return {
    status: r.status,
    gasUsed: r.gasUsed,
    events: r.events.map((e) => ({ address: formatAddress(e.address), topic: e.topic, data: encodedToJson(e.data) })),
    returnValue: encodedToJson(r.returnValue),
    error: r.error,
    code: r.code,
    debug: { trace: debug.trace.map((f) => ({ fn: f.fn, module: f.module, line: f.line, col: f.col })), prints: [...debug.prints] },
  }
}

/** Blocks and receipts as served: recorded as the chain makes blocks, and saved with its
 *  state (a local chain's save() keeps state, not history). */
export interface SavedHistory {
  readonly format: typeof HISTORY_FORMAT
  readonly blocks: readonly BlockJson[]
  readonly receipts: readonly ReceiptJson[]
}

const HISTORY_FORMAT = 'unest/rpc-history/v1'

/** A saved history's shape, checked before use (it comes from a file); the problem or null. */
export function checkSavedHistory(x: unknown): string | null {
  const h = x as Partial<SavedHistory> | null
  if (typeof h !== 'object' || h === null || h.format !== HISTORY_FORMAT) return `not a ${HISTORY_FORMAT} history`
  if (!Array.isArray(h.blocks) || h.blocks.length === 0 || !Array.isArray(h.receipts)) return 'the history lacks its blocks or receipts'
  for (const b of h.blocks) if (typeof b?.hash !== 'string' || !Number.isSafeInteger(b.height) || !Array.isArray(b.transactions)) return 'a block of the history is malformed'
  for (const r of h.receipts) if (typeof r?.transactionHash !== 'string') return 'a receipt of the history is malformed'
  return null
}

// ---- errors and params ----

/** JSON-RPC 2.0's codes, and ours in its server range. */
export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** A transaction the chain cannot include (codec, key, nonce, fee, gas, balance). */
  invalidTx: -32000,
} as const

export class RpcError {
  constructor(
    readonly code: number,
    readonly message: string,
    readonly data?: JsonValue,
  ) {}
}

/** Why a parameter was refused. */
class Bad {
  constructor(readonly why: string) {}
}

interface Param<T> {
  readonly name: string
  /** `v` is undefined when the parameter is missing. */
  parse(v: unknown): T | Bad
}

function param<T>(name: string, what: string, parse: (v: unknown) => T | Bad | null): Param<T> {
  return { name, parse: (v) => (v === undefined ? new Bad(`missing; expected ${what}`) : parse(v) ?? new Bad(`expected ${what}`)) }
}

function optional<T, D>(p: Param<T>, fallback: D): Param<T | D> {
  return { name: p.name, parse: (v) => (v === undefined || v === null ? fallback : p.parse(v)) }
}

const addressParam = (name: string) =>
  param(name, 'an address ("0x" and 40 hex digits)', (v) => {
    if (typeof v !== 'string') return null
    const a = parseAddress(v)
    return a instanceof AddressError ? new Bad(a.message) : a
  })

const hexParam = (name: string, length?: number) =>
  param(name, length === undefined ? '0x-hex bytes' : `${length} bytes as 0x-hex`, (v) => {
    const b = typeof v === 'string' ? fromHex(v) : null
    return b !== null && (length === undefined || b.length === length) ? b : null
  })

const tokenParam = (name: string) => param(name, 'a token id (1-8 of A-Z, 0-9)', (v) => (typeof v === 'string' && isTokenId(v) ? v : null))

const methodParam = (name: string) => param(name, 'a method name', (v) => (typeof v === 'string' && v.length > 0 ? v : null))

/** A key as transactions name it: its scheme tag byte, then its public key. */
const keyParam = (name: string) =>
  param(name, 'a key: 0x-hex of its scheme tag byte and public key', (v): TxKey | null => {
    const b = typeof v === 'string' ? fromHex(v) : null
    const scheme = b !== null && b.length > 0 ? SCHEME_BY_TAG[b[0]] : undefined
    if (b === null || scheme === undefined || b.length !== 1 + SCHEMES[scheme].keyLength) return null
    return { scheme, publicKey: b.slice(1) }
  })

const valuesParam = (name: string) =>
  param(name, 'an array of values', (v) => {
    if (!Array.isArray(v)) return null
    const out = abiValueFromJson(v)
    if (out instanceof JsonValueError) return new Bad(out.message)
    try {
      encodeArgs(out as AbiValue[])
    } catch (e) {
      if (e instanceof AbiValueError) return new Bad(e.message)
      throw e
    }
    return out as AbiValue[]
  })

type BlockRef = number | 'latest' | Uint8Array

const blockParam = (name: string) =>
  param(name, 'a block: its height, "latest" or its hash', (v): BlockRef | null => {
    if (v === 'latest') return v
    if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null
    const b = typeof v === 'string' ? fromHex(v) : null
    return b !== null && b.length === 32 ? b : null
  })

/** An ABI method as plain JSON (the same fields as AbiMethod). */
export type AbiMethodJson = {
  readonly signature: string
  readonly name: string
  readonly kind: AbiMethod['kind']
  readonly params: readonly { readonly name: string; readonly type: AbiType }[]
  readonly returns: AbiType
  readonly reentrant: boolean
}

export function abiMethodJson(m: AbiMethod): AbiMethodJson {
  return { signature: m.signature, name: m.name, kind: m.kind, params: m.params.map((p) => ({ name: p.name, type: p.type })), returns: m.returns, reentrant: m.reentrant }
}

// ---- methods ----

/** A method's answer; a node's methods may wait on its store, a local chain's do not. */
type Answer = JsonValue | RpcError | Promise<JsonValue | RpcError>

interface RpcMethod {
  readonly params: readonly Param<unknown>[]
  run(rpc: ChainRpc, args: readonly unknown[]): Answer
}

function method<A extends unknown[]>(params: [...{ [K in keyof A]: Param<A[K]> }], run: (rpc: ChainRpc, ...args: A) => Answer): RpcMethod {
  return { params, run: (rpc, args) => run(rpc, ...(args as A)) }
}

/** The methods, by name. Each reads committed state; only unest_sendRawTransaction writes. */
const METHODS: Readonly<Record<string, RpcMethod>> = {
  unest_chainId: method([], (rpc) => rpc.chain.params.chainId),
  /** The least fee per unit of gas limit, in NEST base units. */
  unest_gasPrice: method([], (rpc) => rpc.chain.params.minGasPrice.toString()),
  unest_blockNumber: method([], (rpc) => rpc.latest.height),
  unest_getBlock: method([optional(blockParam('block'), 'latest' as const)], (rpc, ref) => rpc.block(ref) ?? null),
  unest_getBalance: method([addressParam('address'), optional(tokenParam('token'), NATIVE_TOKEN)], (rpc, address, token) => rpc.chain.balance(address, token).toString()),
  /** The nonce the account's next transaction signed with `key` must carry. */
  unest_getNonce: method([addressParam('address'), keyParam('key')], (rpc, address, key) => rpc.chain.world.nonce(address, key) + 1),
  unest_sendRawTransaction: method([hexParam('transaction')], (rpc, raw) => rpc.submit(raw)),
  unest_getReceipt: method([hexParam('hash', 32)], (rpc, hash) => rpc.receipt(toHex(hash)) ?? null),
  /** A dry run of any method (a view, or what a transaction would do): nothing is kept. */
  unest_call: method(
    [addressParam('to'), methodParam('method'), optional(valuesParam('args'), []), optional(addressParam('from'), undefined)],
    (rpc, to, name, args, from) => {
      const out = rpc.chain.view(to, name, args, from)
      return outcomeJson(out.receipt, out.debug)
    },
  ),
  unest_getAbi: method([addressParam('address')], (rpc, address) => {
    const code = rpc.chain.world.code(address)
    const methods = rpc.chain.abi(address)
    if (code === null || methods === null) return null
    return { contract: code.className, moduleHash: toHex(code.moduleHash), methods: methods.map(abiMethodJson) }
  }),
  /** The development accounts (a local chain's; a node has none). */
  unest_accounts: method([], (rpc) =>
    rpc.chain.accounts.map((a) => ({
      name: a.name,
      address: formatAddress(a.address),
      key: toHex(Uint8Array.of(SCHEMES[a.signer.scheme].tag, ...a.signer.publicKey)),
    })),
  ),
  /** A membership (value present) or non-membership (value null) proof of a state key
   *  against the current state root; chain/state/smt.ts verifyProof checks it. */
  unest_getProof: method([hexParam('key')], (rpc, key) => {
    const proof = rpc.chain.prove(key)
    const value = rpc.chain.world.journal.get(key)
    return {
      root: toHex(rpc.chain.stateRoot),
      key: toHex(key),
      value: value === undefined ? null : toHex(value),
      siblings: proof.siblings.map(toHex),
      leaf: proof.leaf === null ? null : { path: toHex(proof.leaf.path), valueHash: toHex(proof.leaf.valueHash) },
    }
  }),
}

export const RPC_METHODS: readonly string[] = Object.keys(METHODS)

// ---- framing ----

type Id = string | number | null

export type RpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: Id; readonly result: JsonValue }
  | { readonly jsonrpc: '2.0'; readonly id: Id; readonly error: { readonly code: number; readonly message: string; readonly data?: JsonValue } }

/** Requests in one batch, at most: a batch runs to the end before anything else does. */
export const MAX_BATCH = 100

function failure(id: Id, e: RpcError): RpcResponse {
  return { jsonrpc: '2.0', id, error: e.data === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, data: e.data } }
}

function validId(x: unknown): x is Id {
  return x === null || typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))
}

/** The arguments a method gets from positional or named params, or why they do not fit. */
function bindParams(m: RpcMethod, params: unknown): unknown[] | RpcError {
  const bad = (why: string) => new RpcError(RPC_ERROR.invalidParams, `Invalid params: ${why}`)
  let given: unknown[]
  if (params === undefined) given = []
  else if (Array.isArray(params)) {
    if (params.length > m.params.length) return bad(`takes at most ${m.params.length} params, not ${params.length}`)
    given = params
  } else {
    const named = params as Record<string, unknown>
    const unknown = Object.keys(named).find((k) => !m.params.some((p) => p.name === k))
    if (unknown !== undefined) return bad(`no param is named ${JSON.stringify(unknown)}`)
    given = m.params.map((p) => named[p.name])
  }
  const args: unknown[] = []
  for (const [i, p] of m.params.entries()) {
    const v = p.parse(given[i])
    if (v instanceof Bad) return bad(`${p.name}: ${v.why}`)
    args.push(v)
  }
  return args
}

export interface ChainRpcOptions {
  /** Blocks and receipts an earlier run served (from history()), when the chain was loaded
   *  from that run's save(). Without it, the chain's own blocks are the history. */
  readonly history?: SavedHistory
  /** Called once new blocks are recorded, before the request that made them is answered:
   *  where a server persists the chain. */
  readonly afterBlocks?: () => void
}

/** The method table over one local chain. */
export class ChainRpc {
  private readonly blocks: BlockJson[] = []
  private readonly byHash = new Map<string, BlockJson>()
  private readonly byHeight = new Map<number, BlockJson>()
  private readonly receipts = new Map<string, ReceiptJson>()
  /** How many of chain.blocks the history holds (or replaces, for a loaded chain). */
  private seen: number
  private readonly afterBlocks: (() => void) | undefined

  constructor(
    readonly chain: LocalChain,
    opts: ChainRpcOptions = {},
  ) {
    if (opts.history) {
      for (const b of opts.history.blocks) this.addBlock(b)
      for (const r of opts.history.receipts) this.receipts.set(r.transactionHash, r)
      // A loaded chain's block list starts with a genesis of its own, not the saved one.
      this.seen = chain.blocks.length
    } else {
      this.seen = 0
    }
    this.sync()
    this.afterBlocks = opts.afterBlocks
  }

  get latest(): BlockJson {
    return this.blocks[this.blocks.length - 1]
  }

  block(ref: BlockRef): BlockJson | undefined {
    if (ref === 'latest') return this.latest
    return typeof ref === 'number' ? this.byHeight.get(ref) : this.byHash.get(toHex(ref))
  }

  receipt(hash: string): ReceiptJson | undefined {
    return this.receipts.get(hash)
  }

  history(): SavedHistory {
    return { format: HISTORY_FORMAT, blocks: [...this.blocks], receipts: [...this.receipts.values()] }
  }

  /** Includes a signed transaction (the bytes encodeTx makes); returns its hash. */
  submit(raw: Uint8Array): string | RpcError {
    let tx: Tx
    try {
      tx = decodeTx(raw)
    } catch (e) {
      if (e instanceof CodecError) return new RpcError(RPC_ERROR.invalidTx, `not a transaction: ${e.message}`, { reason: 'codec' })
      throw e
    }
    try {
      const result = this.chain.submit(tx)
      this.sync()
      return toHex(result.hash)
    } catch (e) {
      if (e instanceof InvalidTx) return new RpcError(RPC_ERROR.invalidTx, e.message, { reason: e.reason })
      throw e
    }
  }

  /** Records blocks the chain made since the last look: this table's transactions, and any a
   *  host made directly (the `unest chain` examples, the playground). */
  sync(): void {
    const made = this.chain.blocks
    if (made.length < this.seen) this.dropReverted()
    if (made.length === this.seen) return
    for (; this.seen < made.length; this.seen++) this.record(made[this.seen])
    this.afterBlocks?.()
  }

  /** The chain went back to a snapshot: forget the blocks after it. */
  private dropReverted(): void {
    while (this.blocks.length > 1 && this.latest.height >= this.chain.height) {
      const b = this.blocks.pop()!
      this.byHash.delete(b.hash)
      this.byHeight.delete(b.height)
      for (const t of b.transactions) this.receipts.delete(t)
    }
    this.seen = this.chain.blocks.length
  }

  private record(b: Block): void {
    const crypto = this.chain.crypto
    const h = b.header
    const hashes = b.txs.map((tx) => toHex(txHash(crypto, tx)))
    const block: BlockJson = {
      height: h.height,
      hash: toHex(b.hash),
      time: h.time,
      parent: toHex(h.parent),
      producer: formatAddress(h.producer),
      stateRoot: toHex(h.stateRoot),
      txRoot: toHex(h.txRoot),
      receiptRoot: toHex(h.receiptRoot),
      transactions: hashes,
    }
    this.addBlock(block)
    for (const [i, tx] of b.txs.entries()) {
      const done = this.chain.receipt(txHash(crypto, tx))
      const p = tx.payload
      this.receipts.set(hashes[i], {
        transactionHash: hashes[i],
        blockHeight: block.height,
        blockHash: block.hash,
        index: i,
        from: formatAddress(tx.sender),
        nonce: tx.nonce,
        kind: p.kind,
        to: p.kind === 'call' || p.kind === 'transfer' ? formatAddress(p.to) : null,
        method: p.kind === 'call' ? p.method : null,
        fee: b.receipts[i].fee.toString(),
        contractAddress: done?.contract ? formatAddress(done.contract) : null,
        ...outcomeJson(b.receipts[i], done?.debug ?? { trace: [], prints: [] }),
      })
    }
  }

  private addBlock(b: BlockJson): void {
    this.blocks.push(b)
    this.byHash.set(b.hash, b)
    this.byHeight.set(b.height, b)
  }

  /** One JSON-RPC message (a request or a batch) as text; the response text, or null when
   *  nothing is to be answered (notifications only). Never throws. */
  async handle(text: string): Promise<string | null> {
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch (e) {
      return JSON.stringify(failure(null, new RpcError(RPC_ERROR.parse, `Parse error: ${e instanceof Error ? e.message : 'not JSON'}`)))
    }
    const out = await this.respond(message)
    return out === null ? null : JSON.stringify(out)
  }

  /** One parsed message: a request's response, a batch's responses, or null. */
  async respond(message: unknown): Promise<RpcResponse | RpcResponse[] | null> {
    if (!Array.isArray(message)) return this.one(message)
    if (message.length === 0) return failure(null, new RpcError(RPC_ERROR.invalidRequest, 'Invalid Request: an empty batch'))
    if (message.length > MAX_BATCH) return failure(null, new RpcError(RPC_ERROR.invalidRequest, `Invalid Request: a batch holds at most ${MAX_BATCH} requests`))
    const out: RpcResponse[] = []
    for (const m of message) {
      const r = await this.one(m)
      if (r !== null) out.push(r)
    }
    return out.length === 0 ? null : out
  }

  private async one(req: unknown): Promise<RpcResponse | null> {
    const invalid = (id: Id, why: string) => failure(id, new RpcError(RPC_ERROR.invalidRequest, `Invalid Request: ${why}`))
    if (typeof req !== 'object' || req === null || Array.isArray(req)) return invalid(null, 'a request is an object')
    const r = req as { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown }
    const notification = !('id' in r)
    if (!notification && !validId(r.id)) return invalid(null, 'id is a string, a number or null')
    const id = notification ? null : (r.id as Id)
    if (r.jsonrpc !== '2.0') return invalid(id, 'jsonrpc must be "2.0"')
    if (typeof r.method !== 'string') return invalid(id, 'method must be a string')
    if (r.params !== undefined && (typeof r.params !== 'object' || r.params === null)) return invalid(id, 'params must be an array or an object')
    const answer = (x: JsonValue | RpcError): RpcResponse | null => (notification ? null : x instanceof RpcError ? failure(id, x) : { jsonrpc: '2.0', id, result: x })
    const m = Object.hasOwn(METHODS, r.method) ? METHODS[r.method] : undefined
    if (m === undefined) return answer(new RpcError(RPC_ERROR.methodNotFound, `Method not found: ${r.method}`))
    const args = bindParams(m, r.params)
    if (args instanceof RpcError) return answer(args)
    try {
      this.sync()
      return answer(await m.run(this, args))
    } catch (e) {
      // A bug here must not take the server down: the caller gets an error and the chain,
      // whose writes commit only whole, goes on.
      return answer(new RpcError(RPC_ERROR.internal, `Internal error: ${e instanceof Error ? e.message : String(e)}`))
    }
  }
}
