// LocalChain.submit with a clock on each phase (verify, execute, commit), through its timing
// option: the benchmark's one-core split, and the loop whose signatures a worker checked
// (`verified`). The real local chain, so nothing here can drift from it.

import { nodeCrypto } from '../../chain/crypto-node.js'
import type { Crypto } from '../../chain/crypto.js'
import { LocalChain } from '../../chain/local-chain.js'
import type { Receipt } from '../../chain/receipt.js'
import type { Tx } from '../../chain/tx.js'

export interface PhaseTimes {
  verifyMs: number
  executeMs: number
  commitMs: number
}

export class PhasedChain {
  private readonly chain: LocalChain
  private readonly clock = { now: () => Number(process.hrtime.bigint()) / 1e6, verify: 0, execute: 0, commit: 0 }

  /** LocalChain's genesis with `accounts` development accounts. */
  constructor(crypto: Crypto = nodeCrypto, accounts = 10) {
    this.chain = new LocalChain({ crypto, accounts })
  }

  get times(): PhaseTimes {
    return { verifyMs: this.clock.verify, executeMs: this.clock.execute, commitMs: this.clock.commit }
  }

  resetTimes(): void {
    this.clock.verify = this.clock.execute = this.clock.commit = 0
  }

  /** Adds time spent elsewhere (a worker's signature checks the main thread waited for). */
  addVerify(ms: number): void {
    this.clock.verify += ms
  }

  get stateRoot(): Uint8Array {
    return this.chain.stateRoot
  }

  get lastBlockHash(): Uint8Array {
    return this.chain.blocks[this.chain.blocks.length - 1].hash.slice()
  }

  /** One transaction in a block of its own, each phase timed; throws InvalidTx as submit does. */
  submit(tx: Tx, verified = false): Receipt {
    return this.chain.submit(tx, { verified, timing: this.clock }).receipt
  }
}
