// The contract classes' natives: Contract (persistent fields), Address, PersistentMap and
// PersistentList. Every state access goes through the ContractHost of the VM's contract
// runtime, one storage operation each, charged from STATE_GAS before it happens.

import { ByteWriter } from '../bytes-io.js'
import { abort } from '../errors.js'
import { Instance, NAddress, NBytes, NHandle, type Value } from '../value.js'
import type { VM } from '../vm.js'
import { native, type NativeTable } from '../core/native.js'
import { bytesFromHex, toHex } from '../core/bytes.js'
import { index } from '../core/validate.js'
import { StateKey, type ContractHost } from './host.js'
import { ADDRESS_BYTES, decodeValue, encodeValue, type StoreClasses } from './storable.js'

/** Gas of one storage operation, besides the per-byte cost of what it stores or reads. */
export const STATE_GAS = {
  read: 40,
  write: 200,
  remove: 40,
  /** Per key deleted in this transaction that an iteration step passes over. */
  skip: 10,
} as const

/** What natives need from the contract runtime a VM runs under (vm/contract/runtime.ts). */
export interface ContractContext {
  readonly host: ContractHost
  readonly classes: StoreClasses
  /** False while a view runs: writing, transferring and emitting abort. */
  readonly writable: boolean
}

export function contextOf(vm: VM): ContractContext {
  const c = vm.contract
  if (c === null) abort('R0300')
  return c
}

export function writableHost(c: ContractContext): ContractHost {
  if (!c.writable) abort('R0306')
  return c.host
}

// State keys are built often (every field access and collection step), so each is one
// exact-size array: kind, then LEB128 numbers, then bytes, as ByteWriter would write them.

function uvarLength(v: number): number {
  let n = 1
  for (; v >= 0x80; n++) v = Math.floor(v / 0x80)
  return n
}

function putUvar(out: Uint8Array, at: number, v: number): number {
  for (; v >= 0x80; v = Math.floor(v / 0x80)) out[at++] = (v % 0x80) | 0x80
  out[at++] = v
  return at
}

/** kind ‖ uvar(id) [‖ uvar(index) | ‖ tail]. */
function handleKey(kind: StateKey, id: number, tail: Uint8Array | null, index = -1): Uint8Array {
  const n = 1 + uvarLength(id) + (tail === null ? 0 : tail.length) + (index < 0 ? 0 : uvarLength(index))
  const out = new Uint8Array(n)
  out[0] = kind
  let at = putUvar(out, 1, id)
  if (index >= 0) at = putUvar(out, at, index)
  if (tail !== null) out.set(tail, at)
  return out
}

/** Field ‖ str(name): the name as UTF-8 with its length, as ByteWriter.str writes it. */
function fieldKey(name: string): Uint8Array {
  let ascii = true
  for (let i = 0; i < name.length && ascii; i++) ascii = name.charCodeAt(i) < 0x80
  if (!ascii) {
    const w = new ByteWriter(48)
    w.u8(StateKey.Field)
    w.str(name)
    return w.finish()
  }
  const out = new Uint8Array(1 + uvarLength(name.length) + name.length)
  out[0] = StateKey.Field
  let at = putUvar(out, 1, name.length)
  for (let i = 0; i < name.length; i++) out[at++] = name.charCodeAt(i)
  return out
}

function load(vm: VM, c: ContractContext, k: Uint8Array): Value {
  vm.charge(STATE_GAS.read)
  const bytes = c.host.get(k)
  return bytes === undefined ? null : decodeValue(vm, c.classes, bytes)
}

/** Stores a value; null removes the key, so state holds no nulls. */
function store(vm: VM, c: ContractContext, k: Uint8Array, v: Value): void {
  const host = writableHost(c)
  if (v === null) {
    vm.charge(STATE_GAS.remove)
    host.set(k, null)
    return
  }
  const bytes = encodeValue(vm, c.classes, v)
  vm.charge(STATE_GAS.write)
  host.set(k, bytes)
}

function loadCount(vm: VM, c: ContractContext, h: NHandle): number {
  const n = load(vm, c, countKey(h))
  return typeof n === 'number' ? n : 0
}

export const contractTable: NativeTable = {
  methods: {
    '$field(_)': (vm, a, b) => {
      const c = contextOf(vm)
      return load(vm, c, fieldKey(a[b + 1] as string))
    },
    '$field(_,_)': (vm, a, b) => {
      const c = contextOf(vm)
      store(vm, c, fieldKey(a[b + 1] as string), a[b + 2])
      return a[b + 2]
    },
    address: (vm) => vm.newAddress(contextOf(vm).host.self.slice()),
    toString: native((_vm, a, b) => `instance of ${(a[b] as Instance).cls.name}`),
  },
}

export function addressFrom(v: Value, what: string): NAddress {
  if (!(v instanceof NAddress)) abort('R0304', `${what} must be an Address`)
  return v
}

export const addressTable: NativeTable = {
  statics: {
    'fromHex(_)': (vm, a, b) => {
      const s = a[b + 1]
      if (typeof s !== 'string') abort('R0005', 'Argument')
      const bytes = bytesFromHex(s)
      if (bytes === null || bytes.length !== ADDRESS_BYTES) abort('R0304', `"${s}" is not 0x and 40 hex digits`)
      return vm.newAddress(bytes)
    },
    'fromBytes(_)': (vm, a, b) => {
      const v = a[b + 1]
      if (!(v instanceof NBytes) || v instanceof NAddress) abort('R0108', 'Argument')
      if (v.bytes.length !== ADDRESS_BYTES) abort('R0304', `${v.bytes.length} bytes, not ${ADDRESS_BYTES}`)
      return vm.newAddress(v.bytes.slice())
    },
  },
  methods: {
    toString: native((_vm, a, b) => '0x' + toHex((a[b] as NAddress).bytes)),
    bytes: (vm, a, b) => vm.newBytes((a[b] as NAddress).bytes.slice()),
    hashCode: (_vm, a, b) => {
      const x = (a[b] as NAddress).bytes
      return ((x[0] << 24) | (x[1] << 16) | (x[2] << 8) | x[3]) >>> 0
    },
  },
}

/** A new persistent collection: the next id of the contract's handle counter. */
function newHandle(vm: VM, cls: 'persistentMap' | 'persistentList'): NHandle {
  const c = contextOf(vm)
  const k = Uint8Array.of(StateKey.NextHandle)
  const next = load(vm, c, k)
  const id = typeof next === 'number' ? next : 1
  store(vm, c, k, id + 1)
  return new NHandle(c.classes[cls], id)
}

const handle = (a: Value[], b: number) => a[b] as NHandle

// Map entries sit at Entry‖id‖key, the count at Count‖id: an insert is 2 reads and 2
// writes, an update 1 and 1, whatever the map's size. Iteration steps through the entries'
// keys in the order of their bytes (the chain keeps state sorted): deterministic, one step
// per key, but not insertion order.
const entryPrefix = (h: NHandle) => handleKey(StateKey.Entry, h.id, null)
const entryKey = (h: NHandle, k: Uint8Array) => handleKey(StateKey.Entry, h.id, k)
function countKey(h: NHandle): Uint8Array {
  return handleKey(StateKey.Count, h.id, null)
}

function mapKeyBytes(vm: VM, c: ContractContext, k: Value): Uint8Array {
  if (k instanceof Instance || k instanceof NHandle) abort('R0008')
  return encodeValue(vm, c.classes, k)
}

/** Whether a key is present, for one storage read (its value is not decoded). */
function present(vm: VM, c: ContractContext, k: Uint8Array): boolean {
  vm.charge(STATE_GAS.read)
  return c.host.get(k) !== undefined
}

function setCount(vm: VM, c: ContractContext, h: NHandle, n: number): void {
  store(vm, c, countKey(h), n === 0 ? null : n)
}

export const persistentMapTable: NativeTable = {
  statics: {
    'new()': (vm) => newHandle(vm, 'persistentMap'),
  },
  methods: {
    '[_]': (vm, a, b) => {
      const c = contextOf(vm)
      return load(vm, c, entryKey(handle(a, b), mapKeyBytes(vm, c, a[b + 1])))
    },
    '[_]=(_)': (vm, a, b) => {
      const c = contextOf(vm)
      const h = handle(a, b)
      const k = entryKey(h, mapKeyBytes(vm, c, a[b + 1]))
      const v = a[b + 2]
      const had = present(vm, c, k)
      if (v === null) {
        if (had) {
          store(vm, c, k, null)
          setCount(vm, c, h, loadCount(vm, c, h) - 1)
        }
        return null
      }
      if (!had) setCount(vm, c, h, loadCount(vm, c, h) + 1)
      store(vm, c, k, v)
      return v
    },
    'containsKey(_)': (vm, a, b) => {
      const c = contextOf(vm)
      return present(vm, c, entryKey(handle(a, b), mapKeyBytes(vm, c, a[b + 1])))
    },
    'remove(_)': (vm, a, b) => {
      const c = contextOf(vm)
      const h = handle(a, b)
      const k = entryKey(h, mapKeyBytes(vm, c, a[b + 1]))
      const old = load(vm, c, k)
      if (old !== null) {
        store(vm, c, k, null)
        setCount(vm, c, h, loadCount(vm, c, h) - 1)
      }
      return old
    },
    count: (vm, a, b) => loadCount(vm, contextOf(vm), handle(a, b)),
    /** The Sequence protocol over keys. The iterator is the key's encoding (Bytes), never the
     *  key itself, which could be false or null and end the loop. Each step reads the next key
     *  from the chain, and pays for deleted keys it steps over. */
    'iterate(_)': (vm, a, b) => {
      const c = contextOf(vm)
      const prefix = entryPrefix(handle(a, b))
      const it = a[b + 1]
      if (it !== null && !(it instanceof NBytes)) abort('R0108', 'Iterator')
      vm.charge(STATE_GAS.read)
      const step = c.host.next(prefix, it === null ? null : concat(prefix, it.bytes))
      vm.charge(step.skipped * STATE_GAS.skip)
      if (step.key === null) return false
      return vm.newBytes(step.key.slice(prefix.length))
    },
    'iteratorValue(_)': (vm, a, b) => {
      const it = a[b + 1]
      if (!(it instanceof NBytes)) abort('R0108', 'Iterator')
      return decodeValue(vm, contextOf(vm).classes, it.bytes)
    },
    toString: native((_vm, a, b) => `PersistentMap #${handle(a, b).id}`),
  },
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

const listKey = (h: NHandle, i: number) => handleKey(StateKey.Entry, h.id, null, i)

export const persistentListTable: NativeTable = {
  statics: {
    'new()': (vm) => newHandle(vm, 'persistentList'),
  },
  methods: {
    'add(_)': (vm, a, b) => {
      const c = contextOf(vm)
      const h = handle(a, b)
      const n = loadCount(vm, c, h)
      store(vm, c, listKey(h, n), a[b + 1])
      store(vm, c, countKey(h), n + 1)
      return a[b + 1]
    },
    '[_]': (vm, a, b) => {
      const c = contextOf(vm)
      const h = handle(a, b)
      return load(vm, c, listKey(h, index(a[b + 1], loadCount(vm, c, h), 'Subscript')))
    },
    '[_]=(_)': (vm, a, b) => {
      const c = contextOf(vm)
      const h = handle(a, b)
      store(vm, c, listKey(h, index(a[b + 1], loadCount(vm, c, h), 'Subscript')), a[b + 2])
      return a[b + 2]
    },
    /** Removes and returns the last element: the O(1) removal a persistent list offers. */
    'removeLast()': (vm, a, b) => {
      const c = contextOf(vm)
      const h = handle(a, b)
      const n = loadCount(vm, c, h)
      if (n === 0) abort('R0004', 'Subscript')
      const v = load(vm, c, listKey(h, n - 1))
      store(vm, c, listKey(h, n - 1), null)
      store(vm, c, countKey(h), n === 1 ? null : n - 1)
      return v
    },
    count: (vm, a, b) => loadCount(vm, contextOf(vm), handle(a, b)),
    toString: native((_vm, a, b) => `PersistentList #${handle(a, b).id}`),
  },
}
