// The state of one Nest test on a local chain in test mode: Foundry-style cheats the test
// contract set (prank, expectRevert, expectEvent), its assertion count, and gas per method
// for `unest test --gas`. The executor consults it around the test contract's calls; block
// time and height and `deal` it applies itself.

import type { Address } from './address.js'

export interface ExpectedEvent {
  readonly topic: string
  /** Encoded data the event must carry, or null for any. */
  readonly data: Uint8Array | null
}

export class TestSession {
  private prankAs: Address | null = null
  private prankKeeps = false
  private revertExpected: { message: string | null } | null = null
  readonly expectedEvents: ExpectedEvent[] = []
  assertions = 0
  /** Gas of every contract call made during the test, by "Class.method". */
  readonly gas = new Map<string, number[]>()

  constructor(readonly accounts: readonly Address[]) {}

  account(i: number): Address {
    const a = this.accounts[i]
    if (a === undefined) throw new RangeError(`there are ${this.accounts.length} development accounts`)
    return a
  }

  prank(who: Address | null, persistent: boolean): void {
    this.prankAs = who
    this.prankKeeps = who !== null && persistent
  }

  /** The caller the test contract's next call appears to come from, if pranked. */
  takePrank(): Address | null {
    const who = this.prankAs
    if (!this.prankKeeps) this.prankAs = null
    return who
  }

  expectRevert(message: string | null): void {
    this.revertExpected = { message }
  }

  /** The expectation for the test contract's next call, consumed. */
  takeExpectRevert(): { message: string | null } | null {
    const e = this.revertExpected
    this.revertExpected = null
    return e
  }

  /** An expectRevert no call consumed: the test fails. */
  get pendingRevert(): boolean {
    return this.revertExpected !== null
  }

  expectEvent(topic: string, data: Uint8Array | null): void {
    this.expectedEvents.push({ topic, data })
  }

  assertion(): void {
    this.assertions++
  }

  recordGas(name: string, gas: number): void {
    const list = this.gas.get(name)
    if (list) list.push(gas)
    else this.gas.set(name, [gas])
  }
}
