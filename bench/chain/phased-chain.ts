// LocalChain.submit's loop written out with a clock on each phase, because LocalChain has no
// hooks to time them: verify (the signature), execute (Executor.applyTx on a fresh Journal,
// with the transaction's size) and commit (state, state root, block header with its roots,
// the receipt kept by hash). Same genesis, same calls in the same order as chain/local-chain.ts;
// transfers.ts checks that both end on the same state root and block hash.
// A transaction whose signature was checked elsewhere (a worker) may skip the verify phase.

import { addressOf, type Address } from '../../chain/address.js'
import { blockHash, listRoot, type BlockHeader } from '../../chain/block.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import type { Crypto } from '../../chain/crypto.js'
import { Executor, InvalidTx } from '../../chain/execute.js'
import { DEFAULT_PARAMS, type ChainParams } from '../../chain/params.js'
import { encodeReceipt, type Receipt } from '../../chain/receipt.js'
import { devKey } from '../../chain/signer.js'
import { Journal, SnapshotKv } from '../../chain/state/journal.js'
import { MemoryKv } from '../../chain/state/kv.js'
import { MemoryNodeStore, Smt } from '../../chain/state/smt.js'
import { World } from '../../chain/state/world.js'
import { encodeTx, txHash, verifyTxSignature, type Tx } from '../../chain/tx.js'
import { ModuleCache } from '../../vm/loader.js'

/** LocalChain's defaults, which the genesis must repeat to reach the same state. */
const DEV_BALANCE = 10n ** 30n
const GENESIS_TIME = 1_700_000_000
const PRODUCER_KEY_INDEX = 1000

export interface PhaseTimes {
  verifyMs: number
  executeMs: number
  commitMs: number
}

export class PhasedChain {
  readonly params: ChainParams = DEFAULT_PARAMS
  readonly producer: Address
  readonly times: PhaseTimes = { verifyMs: 0, executeMs: 0, commitMs: 0 }
  private readonly state = new SnapshotKv(new MemoryKv())
  private readonly smt: Smt
  private readonly modules = new ModuleCache()
  private readonly receipts = new Map<string, Receipt>()
  private lastHash: Uint8Array = new Uint8Array(32)
  /** The next block's height and time (genesis is block 0). */
  private height = 0
  private time = GENESIS_TIME

  /** Genesis as LocalChain's: `accounts` development accounts holding NEST, block 0. */
  constructor(
    readonly crypto: Crypto,
    accounts: number,
  ) {
    this.smt = new Smt(new MemoryNodeStore(), (d) => this.crypto.sha256(d), undefined, { hashKind: 'sha256' })
    this.producer = addressOf(crypto, 'ed25519', devKey('ed25519', PRODUCER_KEY_INDEX).publicKey)
    const journal = new Journal(this.state)
    const world = new World(journal)
    for (let i = 0; i < accounts; i++) world.mint(addressOf(crypto, 'ed25519', devKey('ed25519', i).publicKey), NATIVE_TOKEN, DEV_BALANCE)
    this.commit(journal, [], [])
  }

  get stateRoot(): Uint8Array {
    return this.smt.root
  }

  get lastBlockHash(): Uint8Array {
    return this.lastHash.slice()
  }

  /** One transaction in a block of its own, each phase timed; throws InvalidTx as submit does. */
  submit(tx: Tx, verified = false): Receipt {
    let t = process.hrtime.bigint()
    if (!verified) {
      const ok = verifyTxSignature(this.crypto, this.params.chainId, tx)
      t = this.lap(t, 'verifyMs')
      if (!ok) throw new InvalidTx('signature', 'the signature does not verify')
    }
    const size = encodeTx(tx).length
    const journal = new Journal(this.state)
    const ex = new Executor(journal, this.crypto, this.params, { height: this.height, time: this.time, producer: this.producer }, this.modules)
    const applied = ex.applyTx(tx, size)
    t = this.lap(t, 'executeMs')
    this.commit(journal, [tx], [applied.receipt])
    this.receipts.set(hex(txHash(this.crypto, tx)), applied.receipt)
    this.lap(t, 'commitMs')
    return applied.receipt
  }

  private lap(t0: bigint, phase: keyof PhaseTimes): bigint {
    const t = process.hrtime.bigint()
    this.times[phase] += Number(t - t0) / 1e6
    return t
  }

  private commit(journal: Journal, txs: Tx[], receipts: Receipt[]): void {
    const changes = [...journal.changes()]
    this.state.apply(changes)
    const stateRoot = this.smt.update(changes)
    const header: BlockHeader = {
      height: this.height,
      time: this.time,
      parent: this.lastHash,
      producer: this.producer,
      stateRoot,
      txRoot: listRoot(this.crypto, txs.map((t) => txHash(this.crypto, t))),
      receiptRoot: listRoot(this.crypto, receipts.map(encodeReceipt)),
    }
    this.lastHash = blockHash(this.crypto, header)
    this.height++
    this.time++
  }
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
