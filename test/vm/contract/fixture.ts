// A contract's state for VM-level tests: one contract's keys in a Map, with every storage
// operation counted. The chain's real host (journal, accounts, fees) is tested in
// test/chain/; here only what the nVM does with the keys is under test.

import { compile } from '../../../compiler/compile.js'
import { encodeArgs, decodeAbiValue, type AbiValue } from '../../../vm/contract/abi-values.js'
import type { CallResult, ContractHost } from '../../../vm/contract/host.js'
import { nobleCrypto } from '../../../chain/crypto-noble.js'
import { runContract, type ContractOutcome } from '../../../vm/contract/runtime.js'
import { ModuleCache } from '../../../vm/loader.js'

export class TestState implements ContractHost {
  readonly self = new Uint8Array(20).fill(0xcc)
  caller = new Uint8Array(20).fill(0xaa)
  value = 0n
  height = 7
  time = 1_700_000_000
  readonly keys = new Map<string, Uint8Array>()
  readonly events: { topic: string; data: Uint8Array }[] = []
  reads = 0
  writes = 0
  get(key: Uint8Array): Uint8Array | undefined {
    this.reads++
    return this.keys.get(hex(key))
  }
  set(key: Uint8Array, value: Uint8Array | null): void {
    this.writes++
    const k = hex(key)
    this.undo.push(() => {
      const old = this.keys.get(k)
      return () => (old === undefined ? this.keys.delete(k) : this.keys.set(k, old))
    })
    if (value === null) this.keys.delete(k)
    else this.keys.set(k, value)
  }
  next(prefix: Uint8Array, after: Uint8Array | null): { key: Uint8Array | null; skipped: number } {
    const p = hex(prefix)
    const a = after === null ? null : hex(after)
    const keys = [...this.keys.keys()].filter((k) => k.startsWith(p) && (a === null || k > a)).sort()
    return { key: keys.length === 0 ? null : Uint8Array.from(keys[0].match(/../g)!.map((x) => parseInt(x, 16))), skipped: 0 }
  }
  emit(topic: string, data: Uint8Array): void {
    this.events.push({ topic, data })
    this.undo.push(() => () => this.events.pop())
  }
  // Savepoints: an undo log, each entry captured before its effect.
  private readonly log: (() => void)[] = []
  private readonly undo = { push: (capture: () => () => void) => this.log.push(capture()) }
  readonly checkpoints: number[] = []
  checkpoint(): number {
    this.checkpoints.push(this.log.length)
    return this.checkpoints.length - 1
  }
  revertTo(cp: number): void {
    const mark = this.checkpoints[cp]
    while (this.log.length > mark) this.log.pop()!()
    this.checkpoints.length = cp
  }
  release(cp: number): void {
    this.checkpoints.length = cp
  }
  // Money and calls belong to the chain (test/chain/): this state holds one contract.
  readonly balances = new Map<string, bigint>()
  balance(address: Uint8Array, token: string): bigint {
    return this.balances.get(hex(address) + token) ?? 0n
  }
  transfer(to: Uint8Array, token: string, amount: bigint): boolean {
    const from = hex(this.self) + token
    const have = this.balances.get(from) ?? 0n
    if (have < amount) return false
    this.balances.set(from, have - amount)
    this.balances.set(hex(to) + token, this.balance(to, token) + amount)
    return true
  }
  verify(scheme: 'ed25519' | 'p256', key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    return scheme === 'ed25519' ? nobleCrypto.ed25519Verify(key, message, signature) : nobleCrypto.p256Verify(key, message, signature)
  }
  call(): CallResult {
    return { ok: false, message: 'this test state holds one contract', gasUsed: 0 }
  }
  deploy(): CallResult {
    return this.call()
  }
}

export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

export function compileContract(text: string): Uint8Array {
  const r = compile({ name: 'main', path: 'c.nest', text }, null, { contract: true })
  if (!r.bytes) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'))
  return r.bytes
}

/** ABI arguments as the chain passes them: a stored List. */
export const args = (...values: AbiValue[]): Uint8Array => encodeArgs(values)

/** A deployed contract on a TestState, called by method name. */
export class Deployed {
  cache = new ModuleCache()
  readonly prints: string[] = []
  constructor(
    readonly module: Uint8Array,
    readonly className: string,
    readonly state = new TestState(),
  ) {}
  deploy(a: Uint8Array = args()): ContractOutcome {
    return this.run({ deploy: true }, a)
  }
  call(name: string, a: Uint8Array = args()): ContractOutcome {
    return this.run({ deploy: false, name }, a)
  }
  /** Calls and returns the decoded result; throws with the error otherwise. */
  value(name: string, ...values: AbiValue[]): AbiValue {
    const out = this.call(name, args(...values))
    if (!out.ok) throw new Error(`${name}: ${out.code} ${out.message}`)
    return decodeAbiValue(out.value)
  }
  private run(method: { deploy: true } | { deploy: false; name: string }, a: Uint8Array): ContractOutcome {
    // As the chain does: a failed call's effects are undone.
    const cp = this.state.checkpoint()
    const out = runContract({ module: this.module, cache: this.cache, className: this.className, method, args: a, host: this.state, gasLimit: 10_000_000, print: (s) => this.prints.push(s) })
    if (out.ok) this.state.release(cp)
    else this.state.revertTo(cp)
    return out
  }
}
