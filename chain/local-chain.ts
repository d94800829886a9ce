// A local chain in process, for contract tests, `unest chain` and the playground: prefunded
// development accounts, one block per transaction, time travel, snapshots that revert in
// O(changes), and state that saves and loads. It runs the node's state transition
// (execute.ts) on in-memory state; nothing here imports Node.

import { ByteReader, ByteWriter } from '../vm/bytes-io.js'
import { decodeAbiValue, encodeArgs, type AbiValue } from '../vm/contract/abi-values.js'
import { abiOf, type AbiMethod } from '../vm/contract/abi.js'
import { ModuleCache, LoadError } from '../vm/loader.js'
import { addressOf, type Address } from './address.js'
import { blockHash, listRoot, type BlockHeader } from './block.js'
import { NATIVE_TOKEN } from './codec.js'
import type { Crypto } from './crypto.js'
import { Executor, InvalidTx, type Applied } from './execute.js'
import { DEFAULT_PARAMS, type ChainParams } from './params.js'
import { encodeReceipt, type Receipt, type ReceiptDebug } from './receipt.js'
import { devKey, type Signer } from './signer.js'
import { Journal, SnapshotKv, type SnapshotId } from './state/journal.js'
import { MemoryKv, keyString, type KvScan, type KvStore } from './state/kv.js'
import { World } from './state/world.js'
import { MemoryNodeStore, Smt, type Proof } from './state/smt.js'
import type { TestSession } from './test-session.js'
import { encodeTx, signTx, txHash, verifyEncodedTxSignature, type Payload, type Tx } from './tx.js'

export interface DevAccount {
  readonly name: string
  readonly address: Address
  readonly signer: Signer
}

export interface LocalChainOptions {
  readonly crypto: Crypto
  readonly params?: Partial<ChainParams>
  /** Prefunded development accounts (keys from devKey: never use them on a real chain). */
  readonly accounts?: number
  /** NEST each development account starts with, in base units. */
  readonly balance?: bigint
  /** Genesis time in seconds; each block is `blockTime` seconds after the one before. */
  readonly genesisTime?: number
  readonly blockTime?: number
  /** Where committed state lives (a fresh MemoryKv by default): the node passes its own,
   *  and tests pass one that counts the writes a revert makes. */
  readonly store?: KvStore & KvScan
}

export interface Block {
  readonly header: BlockHeader
  readonly hash: Uint8Array
  readonly txs: readonly Tx[]
  readonly receipts: readonly Receipt[]
}

export interface TxResult {
  readonly hash: Uint8Array
  readonly block: Block
  readonly receipt: Receipt
  readonly debug: ReceiptDebug
  /** The contract a deploy created. */
  readonly contract: Address | null
}

export interface SubmitOptions {
  /** The signature was checked already (by a worker thread, say): only the caller may say so. */
  readonly verified?: boolean
  /** Adds the time of each phase, read from `now` (in ms), to these totals: benchmarks. */
  readonly timing?: { readonly now: () => number; verify: number; execute: number; commit: number }
}

export interface SendOptions {
  readonly gasLimit?: number
  /** Fee in NEST base units; defaults to gasLimit × the minimum gas price. */
  readonly fee?: bigint
}

export const DEFAULT_GAS_LIMIT = 10_000_000
const DEFAULT_BALANCE = 10n ** 30n
const DEFAULT_GENESIS_TIME = 1_700_000_000

interface Snapshot {
  readonly kv: SnapshotId
  readonly root: Uint8Array
  readonly height: number
  readonly time: number
  readonly blocks: number
}

export class LocalChain {
  readonly crypto: Crypto
  readonly params: ChainParams
  readonly accounts: readonly DevAccount[]
  /** Who produces the local chain's blocks, and so receives the fees. */
  readonly producer: Address
  readonly modules = new ModuleCache()
  readonly blocks: Block[] = []
  private readonly state: SnapshotKv<KvStore & KvScan>
  private readonly nodes = new MemoryNodeStore()
  private smt: Smt
  private readonly receipts = new Map<string, TxResult>()
  private readonly snapshots = new Map<number, Snapshot>()
  private readonly blockTime: number
  /** The next block's height and time. */
  height: number
  time: number

  constructor(opts: LocalChainOptions) {
    this.crypto = opts.crypto
    this.params = { ...DEFAULT_PARAMS, ...opts.params }
    this.blockTime = opts.blockTime ?? 1
    if (!Number.isInteger(this.blockTime) || this.blockTime < 1) throw new RangeError('a block time is a whole number of seconds, at least 1: block times strictly increase')
    this.state = new SnapshotKv(opts.store ?? new MemoryKv())
    this.smt = new Smt(this.nodes, (d) => this.crypto.sha256(d), undefined, SHA256_NODES)
    this.producer = addressOf(this.crypto, 'ed25519', devKey('ed25519', 1000).publicKey)
    const n = opts.accounts ?? 10
    const accounts: DevAccount[] = []
    for (let i = 0; i < n; i++) {
      const signer = devKey('ed25519', i)
      accounts.push({ name: `account${i}`, address: addressOf(this.crypto, 'ed25519', signer.publicKey), signer })
    }
    this.accounts = accounts
    this.height = 0
    this.time = opts.genesisTime ?? DEFAULT_GENESIS_TIME
    // Genesis: the development accounts' NEST, committed as block 0.
    const journal = new Journal(this.state)
    const world = new World(journal)
    for (const a of accounts) world.mint(a.address, NATIVE_TOKEN, opts.balance ?? DEFAULT_BALANCE)
    this.commit(journal, [], [])
  }

  get stateRoot(): Uint8Array {
    return this.root()
  }

  /** Reads committed state (tests, RPC). */
  get world(): World {
    return new World(new Journal(this.state))
  }

  /** Committed state under `prefix`, in key order (tests, tools, saving). */
  entries(prefix: Uint8Array = new Uint8Array(0)): Iterable<readonly [Uint8Array, Uint8Array]> {
    return this.state.inner.scan(prefix)
  }

  balance(address: Address, token = NATIVE_TOKEN): bigint {
    return this.world.balance(address, token)
  }

  /** The next nonce `signer` should use for `sender`. */
  nextNonce(sender: Address, signer: Signer): number {
    return this.world.nonce(sender, { scheme: signer.scheme, publicKey: signer.publicKey }) + 1
  }

  /** Signs and submits a payload from a development account (or any signer of `sender`). */
  async send(from: DevAccount, payload: Payload, opts: SendOptions = {}): Promise<TxResult> {
    const gasLimit = opts.gasLimit ?? DEFAULT_GAS_LIMIT
    const tx = await signTx(from.signer, this.params.chainId, {
      sender: from.address,
      key: { scheme: from.signer.scheme, publicKey: from.signer.publicKey },
      nonce: this.nextNonce(from.address, from.signer),
      fee: { token: NATIVE_TOKEN, amount: opts.fee ?? BigInt(gasLimit) * this.params.minGasPrice },
      gasLimit,
      payload,
    })
    return this.submit(tx)
  }

  /** Includes a signed transaction in a new block of its own. Throws InvalidTx when it
   *  cannot be included (bad signature, key, nonce or fee): then nothing changes. */
  submit(tx: Tx, opts: SubmitOptions = {}): TxResult {
    const clock = opts.timing
    let t = clock?.now() ?? 0
    const lap = (phase: 'verify' | 'execute' | 'commit') => {
      if (!clock) return
      const now = clock.now()
      clock[phase] += now - t
      t = now
    }
    const bytes = encodeTx(tx)
    if (!opts.verified) {
      const ok = verifyEncodedTxSignature(this.crypto, this.params.chainId, tx, bytes)
      lap('verify')
      if (!ok) throw new InvalidTx('signature', 'the signature does not verify')
    }
    const journal = new Journal(this.state)
    const ex = new Executor(journal, this.crypto, this.params, this.blockContext(), this.modules)
    const applied = ex.applyTx(tx, bytes.length)
    lap('execute')
    const hash = this.crypto.sha256(bytes)
    const block = this.commit(journal, [tx], [applied.receipt], [hash])
    const result = this.remember(hash, block, applied)
    lap('commit')
    return result
  }

  /** Submits many signed transactions, one block each; each result or its InvalidTx. */
  submitAll(txs: readonly Tx[]): (TxResult | InvalidTx)[] {
    return txs.map((tx) => {
      try {
        return this.submit(tx)
      } catch (e) {
        if (e instanceof InvalidTx) return e
        throw e
      }
    })
  }

  /** The analogue of an EVM runCall: the payload as `sender`, without signature, nonce, fee
   *  or block; its effects are committed (no block is made). For benchmarks and tools. */
  execute(sender: Address, payload: Payload, gasLimit = DEFAULT_GAS_LIMIT, test: TestSession | null = null): Applied {
    const journal = new Journal(this.state)
    const ex = new Executor(journal, this.crypto, this.params, this.blockContext(), this.modules, test)
    const applied = ex.execute(sender, payload, gasLimit)
    // A test's warp and roll last for the rest of the test.
    this.time = ex.block.time
    this.height = ex.block.height
    this.state.apply(journal.changes())
    this.defer(journal.changes())
    return applied
  }

  /** Changes committed outside blocks (execute, deal), not yet in the state root: like an
   *  EVM runCall, an execute makes no block, so its root is computed when one is needed
   *  (the next block, a snapshot, a proof), once for all of them. */
  private readonly unrooted = new Map<string, readonly [Uint8Array, Uint8Array | null]>()

  private defer(changes: Iterable<readonly [Uint8Array, Uint8Array | null]>): void {
    for (const c of changes) this.unrooted.set(keyString(c[0]), c)
  }

  /** The state root with every committed change in it. */
  private root(): Uint8Array {
    if (this.unrooted.size > 0) {
      this.smt.update(this.unrooted.values())
      this.unrooted.clear()
    }
    return this.smt.root
  }

  /** Calls a method without a transaction and keeps nothing it did: views, dry runs. */
  view(address: Address, method: string, args: readonly AbiValue[] = [], from: Address = this.accounts[0]?.address ?? new Uint8Array(20)): Applied {
    const journal = new Journal(this.state)
    const ex = new Executor(journal, this.crypto, this.params, this.blockContext(), this.modules)
    return ex.execute(from, { kind: 'call', to: address, method, args: encodeArgs(args), value: 0n }, DEFAULT_GAS_LIMIT)
  }

  /** A view's decoded result; throws with the revert message when it fails. */
  read(address: Address, method: string, args: readonly AbiValue[] = []): AbiValue {
    const out = this.view(address, method, args)
    if (out.receipt.status !== 'ok') throw new Error(`${method} reverted: ${out.receipt.error}`)
    return decodeAbiValue(out.receipt.returnValue)
  }

  /** The ABI of the contract at `address`, or null when it holds none. */
  abi(address: Address): AbiMethod[] | null {
    const w = this.world
    const code = w.code(address)
    if (code === null) return null
    const loaded = this.modules.load(w.module(code.moduleHash)!)
    if (loaded instanceof LoadError || !loaded.module.contract) return null
    return abiOf(loaded.module.contract, code.className)
  }

  receipt(hash: Uint8Array): TxResult | undefined {
    return this.receipts.get(keyString(hash))
  }

  /** Time travel: the next block is `seconds` later (and `blocks` higher) than it would be. */
  advance(seconds: number, blocks = 0): void {
    if (!Number.isInteger(seconds) || seconds < 0 || !Number.isInteger(blocks) || blocks < 0) throw new RangeError('advance by whole, non-negative seconds and blocks')
    this.time += seconds
    this.height += blocks
  }

  /** Development only: credits tokens out of nothing (supply grows to match). */
  deal(to: Address, amount: bigint, token = NATIVE_TOKEN): void {
    const journal = new Journal(this.state)
    new World(journal).mint(to, token, amount)
    this.state.apply(journal.changes())
    this.defer(journal.changes())
  }

  snapshot(): number {
    const kv = this.state.snapshot()
    this.snapshots.set(kv, { kv, root: this.root(), height: this.height, time: this.time, blocks: this.blocks.length })
    return kv
  }

  /** Back to a snapshot, in O(changes since it). The snapshot stays usable. */
  revert(id: number): boolean {
    const s = this.snapshots.get(id)
    if (s === undefined || !this.state.revert(s.kv)) return false
    for (const k of this.snapshots.keys()) if (k > id) this.snapshots.delete(k)
    this.unrooted.clear()
    this.smt = new Smt(this.nodes, (d) => this.crypto.sha256(d), s.root, SHA256_NODES)
    this.height = s.height
    this.time = s.time
    for (const b of this.blocks.splice(s.blocks)) for (const r of this.receiptsOf(b)) this.receipts.delete(r)
    return true
  }

  /** A membership or non-membership proof of a state key against the current root, or
   *  against an earlier block's (the tree never drops nodes, so old roots stay readable). */
  prove(key: Uint8Array, root?: Uint8Array): Proof {
    return root === undefined ? (this.root(), this.smt.prove(key)) : new Smt(this.nodes, (d) => this.crypto.sha256(d), root, SHA256_NODES).prove(key)
  }

  /** The whole state with the chain's clock, to load into another local chain. */
  save(): Uint8Array {
    const w = new ByteWriter()
    w.str('unest/local-state/v2')
    w.str(this.params.chainId)
    w.uvar(this.height)
    w.uvar(this.time)
    // The last block's header, so the chain continues from it (its hash is the next parent).
    const last = this.blocks[this.blocks.length - 1].header
    w.uvar(last.height)
    w.uvar(last.time)
    for (const b of [last.parent, last.producer, last.stateRoot, last.txRoot, last.receiptRoot]) w.blob(b)
    const entries = [...this.entries()]
    w.uvar(entries.length)
    for (const [k, v] of entries) {
      w.blob(k)
      w.blob(v)
    }
    return w.finish()
  }

  /** A local chain holding a saved state (its development accounts are the usual ones). */
  static load(saved: Uint8Array, opts: LocalChainOptions): LocalChain {
    const r = new ByteReader(saved, (m) => {
      throw new Error(`not a saved local chain: ${m}`)
    })
    if (r.str() !== 'unest/local-state/v2') throw new Error('not a saved local chain (or one saved by another version)')
    const chainId = r.str()
    const chain = new LocalChain({ ...opts, params: { ...opts.params, chainId }, accounts: opts.accounts ?? 10 })
    chain.height = r.uvar()
    chain.time = r.uvar()
    const header: BlockHeader = { height: r.uvar(), time: r.uvar(), parent: r.blob().slice(), producer: r.blob().slice(), stateRoot: r.blob().slice(), txRoot: r.blob().slice(), receiptRoot: r.blob().slice() }
    chain.blocks.length = 0
    chain.blocks.push({ header, hash: blockHash(chain.crypto, header), txs: [], receipts: [] })
    const journal = new Journal(chain.state)
    for (const [k] of [...chain.entries()]) journal.set(k, null)
    const n = r.uvar()
    for (let i = 0; i < n; i++) journal.set(r.blob().slice(), r.blob().slice())
    chain.state.apply(journal.changes())
    chain.smt.update(journal.changes())
    return chain
  }

  private blockContext() {
    return { height: this.height, time: this.time, producer: this.producer }
  }

  private commit(journal: Journal, txs: Tx[], receipts: Receipt[], hashes?: Uint8Array[]): Block {
    const changes = [...journal.changes()]
    this.state.apply(changes)
    // Usually nothing is waiting for the root: then the block's changes go to it directly.
    if (this.unrooted.size > 0) this.defer(changes)
    else this.smt.update(changes)
    const stateRoot = this.root()
    const header: BlockHeader = {
      height: this.height,
      time: this.time,
      parent: this.blocks.length === 0 ? new Uint8Array(32) : this.blocks[this.blocks.length - 1].hash,
      producer: this.producer,
      stateRoot,
      txRoot: listRoot(this.crypto, hashes ?? txs.map((t) => txHash(this.crypto, t))),
      receiptRoot: listRoot(this.crypto, receipts.map(encodeReceipt)),
    }
    const block: Block = { header, hash: blockHash(this.crypto, header), txs, receipts }
    this.blocks.push(block)
    // Genesis too: block 1 comes a block time after it, so block times strictly increase.
    this.height++
    this.time += this.blockTime
    return block
  }

  private remember(hash: Uint8Array, block: Block, applied: Applied): TxResult {
    const result: TxResult = { hash, block, receipt: applied.receipt, debug: applied.debug, contract: applied.contract }
    this.receipts.set(keyString(hash), result)
    return result
  }

  private receiptsOf(b: Block): string[] {
    return b.txs.map((t) => keyString(txHash(this.crypto, t)))
  }
}

/** The chain's Crypto.sha256 is SHA-256: the tree may hash its nodes with its own code. */
const SHA256_NODES = { hashKind: 'sha256' } as const

