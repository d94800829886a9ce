// What a contract's VM asks of the chain: the only way out of the nVM while a contract runs.
// Synchronous, byte-level and free of VM values, so chain/ implements it without knowing the
// value model; vm/contract/ turns values into bytes (storable.ts) and charges the gas.

export interface ContractHost {
  /** The running contract's address (20 bytes). */
  readonly self: Uint8Array
  /** A key of the running contract's own state (the host adds the account prefix). */
  get(key: Uint8Array): Uint8Array | undefined
  /** Writes (null deletes) a key of the running contract's state, in the call's journal. */
  set(key: Uint8Array, value: Uint8Array | null): void
  /** The smallest key of the contract's state under `prefix` greater than `after` (any
   *  under it when null), as the call's journal sees state; null when there is none. */
  next(prefix: Uint8Array, after: Uint8Array | null): NextKey
  /** Who called: an account, or the contract that made this call (20 bytes). */
  readonly caller: Uint8Array
  /** Value attached to the call, in NEST (0 when none). */
  readonly value: bigint
  /** The block being built: its height and its time (seconds since the epoch). */
  readonly height: number
  readonly time: number
  /** Appends an event to the call's journal (reverted with the call). */
  emit(topic: string, data: Uint8Array): void
  /** Fiber.try's savepoints: nested, last in first out. */
  checkpoint(): number
  /** Undoes every effect since the checkpoint, and drops it. */
  revertTo(checkpoint: number): void
  /** Keeps the effects since the checkpoint, and drops it. */
  release(checkpoint: number): void
  /** An account's balance of a token ("NEST" or a sub-token). */
  balance(address: Uint8Array, token: string): bigint
  /** Moves tokens from the running contract; false (and nothing moved) when it has too few. */
  transfer(to: Uint8Array, token: string, amount: bigint): boolean
  /** Another contract's method, run to completion in its own VM under this call's journal:
   *  its effects are undone when it fails. */
  call(request: CallRequest): CallResult
  /** Deploys a contract class of the running contract's own module. */
  deploy(request: DeployRequest): CallResult
  /** Signature checks by the chain's one written rule (chain/crypto.ts): Ed25519 per RFC 8032,
   *  strict; ECDSA P-256 over SHA-256 of the message, low S, compressed key. */
  verify(scheme: 'ed25519' | 'p256', publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
  /** The test host: present only on a local chain running `unest test`. */
  readonly test?: TestHost
}

/** What Nest tests may do to the chain around them (Foundry's cheat codes). Effects apply to
 *  the test's next contract calls; they are the local chain's, never a real chain's. */
export interface TestHost {
  /** A development account's address. */
  account(index: number): Uint8Array
  /** Calls made from now on come from `who` (once: the next call only; or until stopPrank). */
  prank(who: Uint8Array | null, persistent: boolean): void
  /** The block's time (seconds) and height as contracts see them from now on. */
  warp(time: number): void
  roll(height: number): void
  /** Credits tokens out of nothing (supply grows). */
  deal(who: Uint8Array, token: string, amount: bigint): void
  /** The next call must fail, with a message containing `message` when given. */
  expectRevert(message: string | null): void
  /** The test must emit (itself or through its calls) an event with this topic and, when
   *  given, this encoded data, before it ends. */
  expectEvent(topic: string, data: Uint8Array | null): void
  /** Counts an assertion: a test that makes none fails. */
  assertion(): void
}

/** A step of iteration: the key found, and how many keys deleted in this transaction it
 *  stepped over to find it (each charged, so a step costs what it does). */
export interface NextKey {
  readonly key: Uint8Array | null
  readonly skipped: number
}

export interface CallRequest {
  readonly to: Uint8Array
  readonly method: string
  /** ABI-encoded arguments (a stored List). */
  readonly args: Uint8Array
  readonly value: bigint
  /** Gas the callee may use: all but 1/64 of what remains, unless the caller named less. */
  readonly gas: number
  /** The caller is a view: the callee must be one too. */
  readonly viewOnly: boolean
}

export interface DeployRequest {
  readonly className: string
  readonly args: Uint8Array
  readonly value: bigint
  readonly gas: number
}

/** What came back: the encoded result (a deploy returns the new Address), or the error. */
export type CallResult =
  | { readonly ok: true; readonly value: Uint8Array; readonly gasUsed: number }
  | { readonly ok: false; readonly message: string; readonly gasUsed: number }

/** Keys inside a contract's state. Fields by "Class._name" so that a subclass's `_x` and its
 *  superclass's `_x` stay apart, as in Wren; collections by handle id. */
export const enum StateKey {
  Field = 1,
  /** Counter: the next persistent collection id. */
  NextHandle = 2,
  /** Per handle: the entry count. */
  Count = 3,
  /** Per handle and key (Map) or index (List): the element. */
  Entry = 4,
}
