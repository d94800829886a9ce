// Storable values as plain JS, for everything outside a VM that passes arguments to a
// contract or reads what it returned, stored or emitted: the chain, the local chain's typed
// API, the CLI, tests. The same bytes as vm/contract/storable.ts, without the value model.
//
//   Null → null, Bool → boolean, Num → number, Int → bigint, String → string (UTF-8),
//   Bytes → Uint8Array, Address → AddressValue, List → array, Map → Map,
//   persistent collections → HandleValue, instances → InstanceValue.

import { ByteReader, ByteWriter } from '../bytes-io.js'
import { bigintToBytes, bytesToBigint, canonicalNum } from '../module.js'
import { ADDRESS_BYTES, MAX_STORE_DEPTH, Tag } from './storable.js'
import { bytesFromHex, toHex } from '../core/bytes.js'

export class AddressValue {
  constructor(readonly bytes: Uint8Array) {
    if (bytes.length !== ADDRESS_BYTES) throw new RangeError(`an address is ${ADDRESS_BYTES} bytes, not ${bytes.length}`)
  }
  toString(): string {
    return '0x' + toHex(this.bytes)
  }
  static fromHex(s: string): AddressValue {
    if (!/^0x[0-9a-fA-F]{40}$/.test(s)) throw new RangeError(`"${s}" is not an address: 0x and 40 hex digits`)
    return new AddressValue(bytesFromHex(s)!)
  }
}

export class HandleValue {
  constructor(
    readonly kind: 'map' | 'list',
    readonly id: number,
  ) {}
}

export class InstanceValue {
  constructor(
    readonly className: string,
    readonly fields: readonly AbiValue[],
  ) {}
}

export type AbiValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | AddressValue
  | HandleValue
  | InstanceValue
  | readonly AbiValue[]
  | ReadonlyMap<AbiValue, AbiValue>

export class AbiValueError extends Error {}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder('utf-8', { fatal: false })

export function encodeAbiValue(v: AbiValue): Uint8Array {
  const w = new ByteWriter()
  write(w, v, 0)
  return w.finish()
}

/** Arguments of a call: a List of values. */
export function encodeArgs(args: readonly AbiValue[]): Uint8Array {
  return encodeAbiValue(args)
}

function write(w: ByteWriter, v: AbiValue, depth: number): void {
  if (depth > MAX_STORE_DEPTH) throw new AbiValueError(`a value nested more than ${MAX_STORE_DEPTH} levels deep`)
  if (v === null) w.u8(Tag.Null)
  else if (typeof v === 'boolean') w.u8(v ? Tag.True : Tag.False)
  else if (typeof v === 'number') {
    w.u8(Tag.Num)
    w.f64(canonicalNum(v))
  } else if (typeof v === 'bigint') {
    if (v < 0n || v >= 1n << 256n) throw new AbiValueError(`Int out of range: ${v}`)
    w.u8(Tag.Int)
    w.blob(bigintToBytes(v))
  } else if (typeof v === 'string') {
    w.u8(Tag.String)
    w.blob(utf8.encode(v))
  } else if (v instanceof Uint8Array) {
    w.u8(Tag.Bytes)
    w.blob(v)
  } else if (v instanceof AddressValue) {
    w.u8(Tag.Address)
    w.bytes(v.bytes)
  } else if (v instanceof HandleValue) {
    w.u8(v.kind === 'map' ? Tag.PersistentMap : Tag.PersistentList)
    w.uvar(v.id)
  } else if (v instanceof InstanceValue) {
    w.u8(Tag.Instance)
    w.str(v.className)
    w.uvar(v.fields.length)
    for (const x of v.fields) write(w, x, depth + 1)
  } else if (Array.isArray(v)) {
    w.u8(Tag.List)
    w.uvar(v.length)
    for (const x of v) write(w, x, depth + 1)
  } else if (v instanceof Map) {
    w.u8(Tag.Map)
    w.uvar(v.size)
    for (const [k, x] of v) {
      write(w, k, depth + 1)
      write(w, x, depth + 1)
    }
  } else {
    throw new AbiValueError(`not a storable value: ${String(v)}`)
  }
}

export function decodeAbiValue(bytes: Uint8Array): AbiValue {
  const r = new ByteReader(bytes, (m) => {
    throw new AbiValueError(m)
  })
  const v = read(r, 0)
  if (!r.atEnd()) throw new AbiValueError('trailing bytes after the value')
  return v
}

function read(r: ByteReader, depth: number): AbiValue {
  if (depth > MAX_STORE_DEPTH) throw new AbiValueError('nested too deeply')
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
      if (b.length > 32 || (b.length > 0 && b[0] === 0)) throw new AbiValueError('an Int that is not minimally encoded')
      return bytesToBigint(b)
    }
    case Tag.String:
      return fromUtf8.decode(r.blob())
    case Tag.Bytes:
      return r.blob().slice()
    case Tag.Address: {
      const b = new Uint8Array(ADDRESS_BYTES)
      for (let i = 0; i < ADDRESS_BYTES; i++) b[i] = r.u8()
      return new AddressValue(b)
    }
    case Tag.List: {
      const n = r.count(1 << 24, 'list elements')
      const out: AbiValue[] = []
      for (let i = 0; i < n; i++) out.push(read(r, depth + 1))
      return out
    }
    case Tag.Map: {
      const n = r.count(1 << 24, 'map entries')
      const out = new Map<AbiValue, AbiValue>()
      for (let i = 0; i < n; i++) out.set(read(r, depth + 1), read(r, depth + 1))
      return out
    }
    case Tag.PersistentMap:
      return new HandleValue('map', r.uvar())
    case Tag.PersistentList:
      return new HandleValue('list', r.uvar())
    case Tag.Instance: {
      const name = r.str()
      const n = r.count(1 << 16, 'fields')
      const fields: AbiValue[] = []
      for (let i = 0; i < n; i++) fields.push(read(r, depth + 1))
      return new InstanceValue(name, fields)
    }
    default:
      throw new AbiValueError(`unknown value tag ${tag}`)
  }
}
