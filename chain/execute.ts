// The state transition: one transaction applied to the block's journal. The local chain and
// the node run this same code (there is no second implementation): validity (key, nonce,
// fee), the effects that stay even on revert (nonce, fee), then the payload under a
// checkpoint that a failure reverts. Contracts run through vm/contract/runtime.ts with a
// ChainHost per call frame; nested calls are frames on the same journal.

import { runContract, type ContractOutcome } from '../vm/contract/runtime.js'
import { usesClock } from '../vm/contract/determinism.js'
import { encodeAbiValue, AddressValue } from '../vm/contract/abi-values.js'
import type { CallRequest, CallResult, ContractHost, DeployRequest, NextKey, TestHost } from '../vm/contract/host.js'
import type { TestSession } from './test-session.js'
import { ModuleCache, LoadError } from '../vm/loader.js'
import { ByteWriter } from '../vm/bytes-io.js'
import type { TraceFrame } from '../vm/vm.js'
import { addressOf, sameAddress, type Address } from './address.js'
import { NATIVE_TOKEN } from './codec.js'
import type { Crypto } from './crypto.js'
import type { ChainParams } from './params.js'
import type { Receipt, ReceiptDebug } from './receipt.js'
import type { Checkpoint, Journal } from './state/journal.js'
import { storageKey, storagePrefix } from './state/layout.js'
import { sameKey, World } from './state/world.js'
import { encodeTx, type Payload, type Tx, type TxKey } from './tx.js'

/** The block a transaction runs in. */
export interface BlockContext {
  readonly height: number
  /** Seconds since the epoch. */
  readonly time: number
  readonly producer: Address
}

/** A transaction that cannot be included: nothing it asks for happens, not even its fee. */
export class InvalidTx extends Error {
  constructor(
    readonly reason: 'signature' | 'key' | 'nonce' | 'fee' | 'gas' | 'balance',
    message: string,
  ) {
    super(message)
    this.name = 'InvalidTx'
  }
}

export interface Applied {
  readonly receipt: Receipt
  readonly debug: ReceiptDebug
  /** The contract a deploy created. */
  readonly contract: Address | null
}

/** A payload's outcome before it becomes a receipt. */
interface Outcome {
  readonly ok: boolean
  readonly gasUsed: number
  readonly value: Uint8Array
  readonly error: string | null
  readonly code: string | null
  readonly trace: readonly TraceFrame[]
  readonly contract: Address | null
}

const NULL_VALUE = encodeAbiValue(null)

export class Executor {
  readonly world: World
  /** What System.print and System.write wrote during the current transaction. */
  private output = ''
  /** Contracts on the call stack (reentrancy is refused unless the method opts in). */
  private readonly stack: Address[] = []

  constructor(
    readonly journal: Journal,
    readonly crypto: Crypto,
    readonly params: ChainParams,
    public block: BlockContext,
    readonly modules: ModuleCache,
    /** A local chain in test mode (`unest test`): the test's cheats and records. */
    readonly test: TestSession | null = null,
  ) {
    this.world = new World(journal)
  }

  /** Intrinsic gas: what a transaction pays before its payload runs. */
  intrinsicGas(size: number): number {
    return this.params.txBaseGas + this.params.txGasPerByte * size
  }

  /** Applies a signed transaction whose signature the caller has verified. */
  applyTx(tx: Tx, size = encodeTx(tx).length): Applied {
    const w = this.world
    const intrinsic = this.intrinsicGas(size)
    this.checkValid(tx, intrinsic)
    // Effects that stay whatever the payload does: the key (on a first transaction), the
    // nonce and the fee.
    if (w.keys(tx.sender).length === 0) w.setKeys(tx.sender, [tx.key])
    w.setNonce(tx.sender, tx.key, tx.nonce)
    w.move(tx.sender, this.block.producer, NATIVE_TOKEN, tx.fee.amount)
    const out = this.runPayload(tx.sender, tx.payload, tx.gasLimit - intrinsic)
    return this.applied(out, intrinsic, tx.fee.amount)
  }

  /** The analogue of an EVM runCall: the payload alone, as `sender`, with no signature,
   *  nonce, fee or block of its own (tests and benchmarks). */
  execute(sender: Address, payload: Payload, gasLimit: number): Applied {
    return this.applied(this.runPayload(sender, payload, gasLimit), 0, 0n)
  }

  private checkValid(tx: Tx, intrinsic: number): void {
    const w = this.world
    const keys = w.keys(tx.sender)
    if (keys.length === 0) {
      if (!sameAddress(addressOf(this.crypto, tx.key.scheme, tx.key.publicKey), tx.sender)) {
        throw new InvalidTx('key', "the signing key is not the account's: a new account's first key must be the one its address comes from")
      }
    } else if (!keys.some((k) => sameKey(k, tx.key))) {
      throw new InvalidTx('key', "the signing key is not in the account's key list")
    }
    const last = w.nonce(tx.sender, tx.key)
    if (tx.nonce !== last + 1) throw new InvalidTx('nonce', `nonce ${tx.nonce} is not the next one for this key (${last + 1})`)
    if (tx.fee.token !== NATIVE_TOKEN) throw new InvalidTx('fee', `fees are paid in ${NATIVE_TOKEN}, not ${tx.fee.token}`)
    if (tx.gasLimit > this.params.maxTxGas) throw new InvalidTx('gas', `gas limit ${tx.gasLimit} is above the chain's ${this.params.maxTxGas}`)
    if (tx.gasLimit < intrinsic) throw new InvalidTx('gas', `gas limit ${tx.gasLimit} is below the ${intrinsic} this transaction needs before it runs`)
    const least = BigInt(tx.gasLimit) * this.params.minGasPrice
    if (tx.fee.amount < least) throw new InvalidTx('fee', `fee ${tx.fee.amount} is below ${least} (gas limit × minimum gas price)`)
    if (w.balance(tx.sender, NATIVE_TOKEN) < tx.fee.amount) throw new InvalidTx('balance', `the sender cannot pay the fee of ${tx.fee.amount} ${NATIVE_TOKEN}`)
  }

  private applied(out: Outcome, intrinsic: number, fee: bigint): Applied {
    const prints = lines(this.output)
    this.output = ''
    const receipt: Receipt = {
      status: out.ok ? 'ok' : 'reverted',
      gasUsed: intrinsic + out.gasUsed,
      fee,
      events: out.ok ? this.journal.events(this.eventsBefore) : [],
      returnValue: out.value,
      error: out.error,
      code: out.code,
    }
    this.eventsBefore = this.journal.eventCount
    return { receipt, debug: { trace: out.trace, prints }, contract: out.contract }
  }
  /** Events already in the journal before the current transaction (earlier ones of the block). */
  private eventsBefore = 0

  /** Runs a payload under a checkpoint: on failure its effects are undone. */
  private runPayload(sender: Address, p: Payload, gas: number): Outcome {
    const cp = this.journal.checkpoint()
    const out = this.payload(sender, p, gas)
    if (out.ok) this.journal.release(cp)
    else this.journal.revertTo(cp)
    return out
  }

  private payload(sender: Address, p: Payload, gas: number): Outcome {
    const w = this.world
    switch (p.kind) {
      case 'transfer': {
        if (gas < this.params.transferGas) return refused('R0200', 'out of gas', gas)
        if (p.amount === 0n) return refused('amount', 'amounts must be above 0', this.params.transferGas)
        if (!w.move(sender, p.to, p.token, p.amount)) return refused('balance', `insufficient ${p.token}: ${w.balance(sender, p.token)} held, ${p.amount} needed`, this.params.transferGas)
        return done(NULL_VALUE, this.params.transferGas)
      }
      case 'keys': {
        if (gas < this.params.keysGas) return refused('R0200', 'out of gas', gas)
        let keys = w.keys(sender)
        for (const k of p.remove) {
          if (!keys.some((x) => sameKey(x, k))) return refused('keys', 'a key to remove is not in the list', this.params.keysGas)
          keys = keys.filter((x) => !sameKey(x, k))
        }
        for (const k of p.add) {
          if (keys.some((x) => sameKey(x, k))) return refused('keys', 'a key to add is already in the list', this.params.keysGas)
          keys.push(k)
        }
        if (keys.length === 0) return refused('keys', 'an account keeps at least one key', this.params.keysGas)
        w.setKeys(sender, keys)
        return done(NULL_VALUE, this.params.keysGas)
      }
      case 'deploy':
        return this.deploy(sender, p.module, p.contract ?? null, p.args, p.value, gas, 1)
      case 'call':
        return this.call(sender, p.to, p.method, p.args, p.value, gas, 1, false)
    }
  }

  /** Deploys `module` (its last contract class unless one is named) as a new contract. */
  deploy(creator: Address, module: Uint8Array, className: string | null, args: Uint8Array, value: bigint, gas: number, depth: number): Outcome {
    const cp = this.journal.checkpoint()
    const out = this.deployIn(creator, module, className, args, value, gas, depth)
    if (out.ok) this.journal.release(cp)
    else this.journal.revertTo(cp)
    return out
  }

  private deployIn(creator: Address, module: Uint8Array, className: string | null, args: Uint8Array, value: bigint, gas: number, depth: number): Outcome {
    const w = this.world
    const storeGas = this.params.deployGasPerByte * module.length
    if (gas < storeGas) return refused('R0200', 'out of gas storing the module', gas)
    const loaded = this.modules.load(module)
    if (loaded instanceof LoadError) return refused('module', `the module does not load: ${loaded.message}`, storeGas)
    const section = loaded.module.contract
    if (!section || section.classes.length === 0) return refused('module', 'the module was not compiled as a contract', storeGas)
    if (section.test && this.test === null) return refused('module', 'a test program deploys only on a local chain running `unest test`', storeGas)
    if (usesClock(loaded.module)) return refused('module', 'the module uses System.clock, which only scripts have', storeGas)
    const name = className ?? section.classes[section.classes.length - 1].name
    const n = w.created(creator)
    w.setCreated(creator, n + 1)
    const address = contractAddress(this.crypto, creator, n)
    if (w.code(address) !== null || w.keys(address).length > 0) return refused('address', 'the new contract address is taken', storeGas)
    const hash = module.subarray(8, 40).slice()
    w.putModule(hash, module)
    w.setCode(address, { moduleHash: hash, className: name })
    const out = this.enter(creator, address, w.module(hash)!, name, { deploy: true }, args, value, gas - storeGas, depth, false)
    if (!out.ok) return { ...out, gasUsed: out.gasUsed + storeGas }
    return { ok: true, gasUsed: out.gasUsed + storeGas, value: encodeAbiValue(new AddressValue(address)), error: null, code: null, trace: [], contract: address }
  }

  call(caller: Address, to: Address, method: string, args: Uint8Array, value: bigint, gas: number, depth: number, viewOnly: boolean): Outcome {
    const code = this.world.code(to)
    if (code === null) {
      // Calling an account that holds no contract is refused, so a typo cannot swallow value.
      return refused('call', `no contract at ${new AddressValue(to)}`, 0)
    }
    const module = this.world.module(code.moduleHash)
    if (module === undefined) return refused('module', 'the contract module is missing from state', 0)
    return this.enter(caller, to, module, code.className, { deploy: false, name: method }, args, value, gas, depth, viewOnly)
  }

  /** One contract frame: value moved in, the method run in a fresh VM, undone on failure. */
  private enter(
    caller: Address,
    self: Address,
    module: Uint8Array,
    className: string,
    method: { deploy: true } | { deploy: false; name: string },
    args: Uint8Array,
    value: bigint,
    gas: number,
    depth: number,
    viewOnly: boolean,
  ): Outcome {
    if (depth > this.params.maxCallDepth) return refused('depth', `more than ${this.params.maxCallDepth} nested contract calls`, 0)
    const cp = this.journal.checkpoint()
    if (value > 0n && !this.world.move(caller, self, NATIVE_TOKEN, value)) {
      this.journal.revertTo(cp)
      return refused('balance', `insufficient ${NATIVE_TOKEN} to attach ${value}`, 0)
    }
    const reentered = this.stack.some((a) => sameAddress(a, self))
    this.stack.push(self)
    const host = new ChainHost(this, self, caller, value, depth)
    const gasBefore = gas
    let out: ContractOutcome
    try {
      out = runContract({
        module,
        cache: this.modules,
        className,
        method,
        args,
        host,
        gasLimit: gas,
        print: (s) => (this.output += s),
        requireView: viewOnly,
        reentered,
      })
    } finally {
      this.stack.pop()
    }
    this.test?.recordGas(`${className}.${method.deploy ? 'new' : method.name}`, Math.min(out.gasUsed, gasBefore))
    if (out.ok) {
      this.journal.release(cp)
      return { ok: true, gasUsed: out.gasUsed, value: out.value, error: null, code: null, trace: [], contract: null }
    }
    this.journal.revertTo(cp)
    return { ok: false, gasUsed: out.gasUsed, value: NULL_VALUE, error: out.message, code: out.code, trace: out.trace, contract: null }
  }
}

/** The chain as one contract frame sees it. */
class ChainHost implements ContractHost {
  readonly test: TestHost | undefined
  constructor(
    private readonly ex: Executor,
    readonly self: Address,
    readonly caller: Address,
    readonly value: bigint,
    private readonly depth: number,
  ) {
    this.test = ex.test === null ? undefined : testHost(ex, ex.test)
  }
  // Read at each use: a test's warp or roll changes them for the rest of its call.
  get height(): number {
    return this.ex.block.height
  }
  get time(): number {
    return this.ex.block.time
  }
  get(key: Uint8Array): Uint8Array | undefined {
    return this.ex.journal.get(storageKey(this.self, key))
  }
  set(key: Uint8Array, value: Uint8Array | null): void {
    this.ex.journal.set(storageKey(this.self, key), value)
  }
  next(prefix: Uint8Array, after: Uint8Array | null): NextKey {
    const base = storagePrefix(this.self).length
    const journal = this.ex.journal
    const k = journal.next(storageKey(this.self, prefix), after === null ? null : storageKey(this.self, after))
    return { key: k === null ? null : k.subarray(base), skipped: journal.skipped }
  }
  emit(topic: string, data: Uint8Array): void {
    this.ex.journal.emit({ address: this.self, topic, data })
  }
  checkpoint(): number {
    return this.ex.journal.checkpoint()
  }
  revertTo(cp: number): void {
    this.ex.journal.revertTo(cp as Checkpoint)
  }
  release(cp: number): void {
    this.ex.journal.release(cp as Checkpoint)
  }
  balance(address: Uint8Array, token: string): bigint {
    return this.ex.world.balance(address, token)
  }
  verify(scheme: 'ed25519' | 'p256', publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const c = this.ex.crypto
    return scheme === 'ed25519' ? c.ed25519Verify(publicKey, message, signature) : c.p256Verify(publicKey, message, signature)
  }
  transfer(to: Uint8Array, token: string, amount: bigint): boolean {
    return this.ex.world.move(this.self, to, token, amount)
  }
  call(r: CallRequest): CallResult {
    const t = this.depth === 1 ? this.ex.test : null
    if (t === null) return result(this.ex.call(this.self, r.to, r.method, r.args, r.value, r.gas, this.depth + 1, r.viewOnly))
    // The test contract's own calls: a prank changes who calls, an expected revert is what
    // the call must do (and then the test goes on).
    const caller = t.takePrank() ?? this.self
    const expected = t.takeExpectRevert()
    const out = result(this.ex.call(caller, r.to, r.method, r.args, r.value, r.gas, this.depth + 1, r.viewOnly))
    if (expected === null) return out
    if (out.ok) return { ok: false, message: `expected ${r.method} to revert${expected.message === null ? '' : ` with "${expected.message}"`}, but it succeeded`, gasUsed: out.gasUsed }
    if (expected.message !== null && !out.message.includes(expected.message)) return { ok: false, message: `expected ${r.method} to revert with "${expected.message}", but it reverted with "${out.message}"`, gasUsed: out.gasUsed }
    t.assertion()
    return { ok: true, value: NULL_VALUE, gasUsed: out.gasUsed }
  }
  deploy(r: DeployRequest): CallResult {
    const code = this.ex.world.code(this.self)!
    const module = this.ex.world.module(code.moduleHash)!
    return result(this.ex.deploy(this.self, module, r.className, r.args, r.value, r.gas, this.depth + 1))
  }
}

/** The cheats a test contract's VM sees: the session's, plus what touches block and state. */
function testHost(ex: Executor, t: TestSession): TestHost {
  return {
    account: (i) => t.account(i),
    prank: (who, persistent) => t.prank(who, persistent),
    warp: (time) => (ex.block = { ...ex.block, time }),
    roll: (height) => (ex.block = { ...ex.block, height }),
    deal: (who, token, amount) => ex.world.mint(who, token, amount),
    expectRevert: (message) => t.expectRevert(message),
    expectEvent: (topic, data) => t.expectEvent(topic, data),
    assertion: () => t.assertion(),
  }
}

function result(o: Outcome): CallResult {
  return o.ok ? { ok: true, value: o.value, gasUsed: o.gasUsed } : { ok: false, message: o.error ?? 'failed', gasUsed: o.gasUsed }
}

function done(value: Uint8Array, gasUsed: number): Outcome {
  return { ok: true, gasUsed, value, error: null, code: null, trace: [], contract: null }
}

function refused(code: string, message: string, gasUsed: number): Outcome {
  return { ok: false, gasUsed, value: NULL_VALUE, error: message, code, trace: [], contract: null }
}

/** Output as lines: the VM writes a print's text and its newline separately, and a tool
 *  shows lines. Text after the last newline is a line too. */
function lines(output: string): string[] {
  if (output === '') return []
  const out = output.split('\n')
  if (out[out.length - 1] === '') out.pop()
  return out
}

/** A contract's address: from its creator and how many contracts the creator made before. */
export function contractAddress(crypto: Pick<Crypto, 'sha256'>, creator: Address, n: number): Address {
  const w = new ByteWriter()
  w.str('unest/contract')
  w.bytes(creator)
  w.uvar(n)
  return crypto.sha256(w.finish()).slice(0, 20)
}


export type { TxKey }
