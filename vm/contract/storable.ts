// Storable values to bytes and back: what a persistent field, a persistent collection's
// element, an ABI argument or an event's data holds. One canonical encoding (so equal
// values give equal bytes, and so equal state roots), charged per byte both ways.
//
// Storing copies: a List, Map or instance is encoded whole, and reading decodes a new one,
// so mutating what a read returned never writes through. Persistent collections are stored
// as their handle (an id), which is how they share. Fn and Fiber values are not storable.

import { ByteReader, ByteWriter, bytesFromLatin1, latin1FromBytes } from '../bytes-io.js'
import { abort } from '../errors.js'
import { isValidKey, NMap } from '../map-table.js'
import { bigintToBytes, bytesToBigint, canonicalNum } from '../module.js'
import { Instance, NAddress, NBytes, NClass, NHandle, NList, type Value } from '../value.js'
import type { VM } from '../vm.js'

/** How deep lists, maps and instances may nest in one stored value; also what stops a list
 *  that contains itself. */
export const MAX_STORE_DEPTH = 32

/** Gas per byte of encoded value, both when storing and when reading back. */
export const STORE_GAS = { perBytes: 8, per: 1 } as const

export const ADDRESS_BYTES = 20

export const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  Num = 3,
  Int = 4,
  String = 5,
  Bytes = 6,
  Address = 7,
  List = 8,
  Map = 9,
  PersistentMap = 10,
  PersistentList = 11,
  Instance = 12,
}

/** Where decoding finds the classes a stored value names: the contract's module. */
export interface StoreClasses {
  readonly persistentMap: NClass
  readonly persistentList: NClass
  /** A plain class of the contract module by name (for stored instances). */
  named(name: string): NClass | undefined
}

/** `crossing`: the value leaves or enters a contract (arguments, results, events). A persistent
 *  collection's handle names a collection of its own contract's state only, so it may not
 *  cross (R0321): it would name another contract's collection of the same id. */
export function encodeValue(vm: VM, classes: StoreClasses, v: Value, crossing = false): Uint8Array {
  const out = typeof v === 'bigint' ? encodeInt(v) : typeof v === 'number' ? encodeNum(v) : encodeAny(classes, v, crossing)
  vm.charge(storeGas(out.length))
  return out
}

function encodeAny(classes: StoreClasses, v: Value, crossing: boolean): Uint8Array {
  const w = new ByteWriter(32)
  write(w, classes, v, 0, crossing)
  return w.finish()
}

/** A Num (counts, amounts in scripts-style code): tag and the canonical f64, little-endian. */
function encodeNum(v: number): Uint8Array {
  const out = new Uint8Array(9)
  out[0] = Tag.Num
  new DataView(out.buffer).setFloat64(1, canonicalNum(v), true)
  return out
}

/** An Int, the commonest stored value (balances), in one exact-size array: tag, length,
 *  minimal big-endian bytes, as `write` writes it. */
function encodeInt(v: bigint): Uint8Array {
  let n = 0
  for (let x = v; x > 0n; x >>= 8n) n++
  const out = new Uint8Array(2 + n)
  out[0] = Tag.Int
  out[1] = n
  for (let i = n + 1, x = v; i >= 2; i--, x >>= 8n) out[i] = Number(x & 0xffn)
  return out
}

export function storeGas(bytes: number): number {
  return Math.ceil(bytes / STORE_GAS.perBytes) * STORE_GAS.per
}

function write(w: ByteWriter, classes: StoreClasses, v: Value, depth: number, crossing: boolean): void {
  if (depth > MAX_STORE_DEPTH) abort('R0302', MAX_STORE_DEPTH)
  switch (typeof v) {
    case 'number':
      w.u8(Tag.Num)
      w.f64(canonicalNum(v))
      return
    case 'boolean':
      w.u8(v ? Tag.True : Tag.False)
      return
    case 'bigint':
      w.u8(Tag.Int)
      w.blob(bigintToBytes(v))
      return
    case 'string':
      w.u8(Tag.String)
      w.blob(bytesFromLatin1(v))
      return
  }
  if (v === null) {
    w.u8(Tag.Null)
    return
  }
  if (v instanceof NAddress) {
    w.u8(Tag.Address)
    w.bytes(v.bytes)
  } else if (v instanceof NBytes) {
    w.u8(Tag.Bytes)
    w.blob(v.bytes)
  } else if (v instanceof NList) {
    w.u8(Tag.List)
    w.uvar(v.items.length)
    for (const x of v.items) write(w, classes, x, depth + 1, crossing)
  } else if (v instanceof NMap) {
    w.u8(Tag.Map)
    w.uvar(v.count)
    for (let i = v.nextLive(0); i >= 0; i = v.nextLive(i + 1)) {
      write(w, classes, v.keyAt(i), depth + 1, crossing)
      write(w, classes, v.vals[i], depth + 1, crossing)
    }
  } else if (v instanceof NHandle) {
    if (crossing) abort('R0321')
    w.u8(v.cls === classes.persistentMap ? Tag.PersistentMap : Tag.PersistentList)
    w.uvar(v.id)
  } else if (v instanceof Instance && classes.named(v.cls.name) === v.cls) {
    w.u8(Tag.Instance)
    w.str(v.cls.name)
    w.uvar(v.fields.length)
    for (const x of v.fields) write(w, classes, x, depth + 1, crossing)
  } else {
    abort('R0301', `a ${(v as { cls: NClass }).cls.name}`)
  }
}

export function decodeValue(vm: VM, classes: StoreClasses, bytes: Uint8Array, crossing = false): Value {
  vm.charge(storeGas(bytes.length))
  const r = new ByteReader(bytes, (m) => abort('R0303', m))
  const v = read(vm, r, classes, 0, crossing)
  if (!r.atEnd()) abort('R0303', 'trailing bytes')
  return v
}

function read(vm: VM, r: ByteReader, classes: StoreClasses, depth: number, crossing: boolean): Value {
  if (depth > MAX_STORE_DEPTH) abort('R0303', 'nested too deeply')
  const tag = r.u8()
  switch (tag) {
    case Tag.Null:
      return null
    case Tag.False:
      return false
    case Tag.True:
      return true
    case Tag.Num:
      return canonicalNum(r.f64())
    case Tag.Int: {
      const b = r.blob()
      if (b.length > 32 || (b.length > 0 && b[0] === 0)) abort('R0303', 'bad Int')
      return bytesToBigint(b)
    }
    case Tag.String:
      return latin1FromBytes(r.blob())
    case Tag.Bytes:
      return vm.newBytes(r.blob().slice())
    case Tag.Address: {
      const b = new Uint8Array(ADDRESS_BYTES)
      for (let i = 0; i < ADDRESS_BYTES; i++) b[i] = r.u8()
      return vm.newAddress(b)
    }
    case Tag.List: {
      const n = r.count(1 << 24, 'list elements')
      const items: Value[] = []
      for (let i = 0; i < n; i++) items.push(read(vm, r, classes, depth + 1, crossing))
      return vm.newList(items)
    }
    case Tag.Map: {
      const n = r.count(1 << 24, 'map entries')
      const m = vm.newMap()
      for (let i = 0; i < n; i++) {
        const k = read(vm, r, classes, depth + 1, crossing)
        if (!isValidKey(k)) abort('R0303', 'a map key that is not a value type')
        m.set(k, read(vm, r, classes, depth + 1, crossing))
      }
      return m
    }
    case Tag.PersistentMap:
      if (crossing) abort('R0321')
      return new NHandle(classes.persistentMap, r.uvar())
    case Tag.PersistentList:
      if (crossing) abort('R0321')
      return new NHandle(classes.persistentList, r.uvar())
    case Tag.Instance: {
      const name = r.str()
      const cls = classes.named(name)
      if (cls === undefined) abort('R0305', name)
      const n = r.uvar()
      if (n !== cls.numFields) abort('R0303', `${name} has ${cls.numFields} fields, not ${n}`)
      const inst = vm.newInstance(cls)
      for (let i = 0; i < n; i++) inst.fields[i] = read(vm, r, classes, depth + 1, crossing)
      return inst
    }
    default:
      abort('R0303', `unknown tag ${tag}`)
  }
}
