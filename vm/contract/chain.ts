// `Chain`: what a contract may ask of the chain besides its own state: who called, with what
// value, in which block; hashing; events. Static natives over the ContractHost.

import { sha256 } from '@noble/hashes/sha2.js'
import { keccak256 } from './keccak.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { abort } from '../errors.js'
import { NBytes, NList, type Value } from '../value.js'
import { NMap } from '../map-table.js'
import { toHex } from '../core/bytes.js'
import type { VM } from '../vm.js'
import type { ControlNative, NativeTable } from '../core/native.js'
import { Control } from '../interpreter.js'
import { decodeValue, encodeValue, storeGas } from './storable.js'
import { addressFrom, contextOf, writableHost, type ContractContext } from './natives.js'

/** Gas of hashing: a fixed part and a part per 32 bytes hashed. */
export const HASH_GAS = { base: 30, per32: 6 } as const
/** What hashing `n` bytes costs beyond its fixed part. */
const perBlocks = (n: number) => Math.ceil(n / 32) * HASH_GAS.per32

/** Gas of checking a signature, besides hashing the message (HASH_GAS per 32 bytes). */
export const VERIFY_GAS = 3000

function verifyOf(scheme: 'ed25519' | 'p256') {
  return (vm: VM, a: Value[], b: number): Value => {
    const [key, message, signature] = [a[b + 1], a[b + 2], a[b + 3]]
    if (!(key instanceof NBytes) || !(message instanceof NBytes) || !(signature instanceof NBytes)) abort('R0108', 'Key, message and signature')
    vm.charge(VERIFY_GAS + perBlocks(message.bytes.length))
    return contextOf(vm).host.verify(scheme, key.bytes, message.bytes, signature.bytes)
  }
}

/** Gas of an event: a fixed part; its data pays per byte as a stored value does. */
export const EMIT_GAS = 100
/** An event's topic names it ("Transfer"); its data carries the rest. */
export const MAX_TOPIC_BYTES = 64
/** Gas of reading a balance and of moving tokens, besides the storage they touch. */
export const BALANCE_GAS = 40
export const TRANSFER_GAS = 300
/** Gas of a call or deploy itself; the callee's own gas is charged as it is used. */
export const CALL_GAS = 500

/** The part of the remaining gas a call may forward: all but 1/64 (so a chain of calls
 *  cannot leave its caller without gas to finish). */
export function forwardable(remaining: number): number {
  return remaining - Math.floor(remaining / 64)
}

const NEST = 'NEST'

/** A token id as the chain spells them: 1-8 of A-Z and 0-9. */
export function tokenFrom(v: Value): string {
  if (typeof v !== 'string' || !/^[A-Z0-9]{1,8}$/.test(v)) abort('R0316', 'a token is 1 to 8 of A-Z and 0-9')
  return v
}

function amount(v: Value): bigint {
  if (typeof v !== 'bigint') abort('R0107', 'Amount')
  if (v === 0n) abort('R0316', 'amounts must be above 0')
  return v
}

function balance(vm: VM, who: Value, tok: string): Value {
  vm.charge(BALANCE_GAS)
  return contextOf(vm).host.balance(addressFrom(who, 'Account').bytes, tok)
}

function transfer(vm: VM, to: Value, tok: string, amt: Value): Value {
  const c = contextOf(vm)
  const host = writableHost(c)
  const a = amount(amt)
  const dest = addressFrom(to, 'Recipient')
  vm.charge(TRANSFER_GAS)
  if (!host.transfer(dest.bytes, tok, a)) abort('R0316', `insufficient ${tok}: ${host.balance(host.self, tok)} held, ${a} needed`)
  return null
}

interface CallOptions {
  readonly value: bigint
  readonly gas: number | null
}

function options(vm: VM, v: Value): CallOptions {
  if (v === null) return { value: 0n, gas: null }
  if (!(v instanceof NMap)) abort('R0316', 'call options are a Map such as {"value": 1n, "gas": 5000}')
  const value = v.get('value') ?? 0n
  const gas = v.get('gas') ?? null
  if (typeof value !== 'bigint') abort('R0107', 'Option value')
  if (gas !== null && (typeof gas !== 'number' || !Number.isInteger(gas) || gas < 0)) abort('R0316', 'option gas must be a whole Num')
  return { value, gas: gas as number | null }
}

/** Gas for a callee, after charging the call itself. */
function calleeGas(vm: VM, named: number | null): number {
  vm.charge(CALL_GAS)
  const most = forwardable(vm.gasLimit - vm.gasUsed)
  return named === null ? most : Math.min(named, most)
}

function argsOf(vm: VM, c: ContractContext, v: Value): Uint8Array {
  if (!(v instanceof NList)) abort('R0111', 'Arguments')
  return encodeValue(vm, c.classes, v, true)
}

/** Makes a call through the host; its gas is the caller's. Returns the result or the error. */
function callThrough(vm: VM, to: Value, method: Value, args: Value, opts: Value): { ok: true; value: Value } | { ok: false; message: string } {
  const c = contextOf(vm)
  const dest = addressFrom(to, 'Callee')
  if (typeof method !== 'string') abort('R0005', 'Method')
  const o = options(vm, opts)
  if (o.value > 0n) writableHost(c)
  const encoded = argsOf(vm, c, args)
  const gas = calleeGas(vm, o.gas)
  const r = c.host.call({ to: dest.bytes, method, args: encoded, value: o.value, gas, viewOnly: !c.writable })
  vm.charge(r.gasUsed)
  if (!r.ok) return { ok: false, message: `${method} on ${'0x' + toHex(dest.bytes)} failed: ${r.message}` }
  return { ok: true, value: decodeValue(vm, c.classes, r.value, true) }
}

function call(vm: VM, a: Value[], b: number, opts: Value): Value {
  const r = callThrough(vm, a[b + 1], a[b + 2], a[b + 3], opts)
  if (!r.ok) abort('R0317', r.message)
  return r.value
}

function tryCall(vm: VM, a: Value[], b: number, opts: Value): Value {
  const r = callThrough(vm, a[b + 1], a[b + 2], a[b + 3], opts)
  const result = vm.newInstance(vm.callResultClass)
  result.fields[0] = r.ok
  result.fields[1] = r.ok ? r.value : null
  result.fields[2] = r.ok ? null : r.message
  return result
}

/** `X.new(args)` on a contract class: deploys X (of this module) and returns its Address. */
export function deployNative(className: string, arity: number) {
  return (vm: VM, a: Value[], b: number): Value => {
    const c = contextOf(vm)
    writableHost(c)
    const args = vm.newList(a.slice(b + 1, b + 1 + arity))
    const encoded = encodeValue(vm, c.classes, args, true)
    const gas = calleeGas(vm, null)
    const r = c.host.deploy({ className, args: encoded, value: 0n, gas })
    vm.charge(r.gasUsed)
    if (!r.ok) abort('R0317', `deploying ${className} failed: ${r.message}`)
    return decodeValue(vm, c.classes, r.value)
  }
}

function hashOf(f: (d: Uint8Array) => Uint8Array) {
  return (vm: VM, a: Value[], b: number): Value => {
    const d = a[b + 1]
    if (!(d instanceof NBytes)) abort('R0108', 'Argument')
    vm.charge(HASH_GAS.base + perBlocks(d.bytes.length))
    return vm.newBytes(f(d.bytes))
  }
}

/**
 * A native that runs another contract: it runs from the interpreter's loop, never from
 * compiled code, so each nested call starts on a short JS stack whatever the caller's
 * compiled frames held. Then the depth limit, not the JS engine, decides how deep calls go.
 */
export function fromLoop(f: (vm: VM, a: Value[], b: number) => Value): ControlNative {
  return (vm, a, b) => {
    const fiber = vm.fiber!
    a[b] = f(vm, a, b)
    fiber.sp = b + 1
    return Control.Continue
  }
}

export const chainTable: NativeTable = {
  staticControl: {
    'call(_,_,_)': fromLoop((vm, a, b) => call(vm, a, b, null)),
    'call(_,_,_,_)': fromLoop((vm, a, b) => call(vm, a, b, a[b + 4])),
    'tryCall(_,_,_)': fromLoop((vm, a, b) => tryCall(vm, a, b, null)),
    'tryCall(_,_,_,_)': fromLoop((vm, a, b) => tryCall(vm, a, b, a[b + 4])),
  },
  statics: {
    self: (vm) => vm.newAddress(contextOf(vm).host.self.slice()),
    caller: (vm) => vm.newAddress(contextOf(vm).host.caller.slice()),
    value: (vm) => contextOf(vm).host.value,
    height: (vm) => contextOf(vm).host.height,
    time: (vm) => contextOf(vm).host.time,
    'sha256(_)': hashOf(sha256),
    'keccak256(_)': hashOf(keccak256),
    'blake3(_)': hashOf((d) => blake3(d)),
    'verifyEd25519(_,_,_)': verifyOf('ed25519'),
    'verifyP256(_,_,_)': verifyOf('p256'),
    'balance(_)': (vm, a, b) => balance(vm, a[b + 1], NEST),
    'balance(_,_)': (vm, a, b) => balance(vm, a[b + 1], tokenFrom(a[b + 2])),
    'transfer(_,_)': (vm, a, b) => transfer(vm, a[b + 1], NEST, a[b + 2]),
    'transfer(_,_,_)': (vm, a, b) => transfer(vm, a[b + 1], tokenFrom(a[b + 2]), a[b + 3]),
    'emit(_,_)': (vm, a, b) => {
      const c = contextOf(vm)
      const host = writableHost(c)
      const topic = a[b + 1]
      if (typeof topic !== 'string') abort('R0005', 'Topic')
      if (topic.length > MAX_TOPIC_BYTES) abort('R0322', MAX_TOPIC_BYTES)
      vm.charge(EMIT_GAS + storeGas(topic.length))
      host.emit(topic, encodeValue(vm, c.classes, a[b + 2], true))
      return null
    },
  },
}
