// `Chain`: what a contract may ask of the chain besides its own state: who called, with what
// value, in which block; hashing; events. Static natives over the ContractHost.

import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { abort } from '../errors.js'
import { NBytes, type Value } from '../value.js'
import type { VM } from '../vm.js'
import type { NativeTable } from '../core/native.js'
import { encodeValue } from './storable.js'
import { contextOf, writableHost } from './natives.js'

/** Gas of hashing: a fixed part and a part per 32 bytes hashed. */
export const HASH_GAS = { base: 30, per32: 6 } as const
/** Gas of an event: a fixed part; its data pays per byte as a stored value does. */
export const EMIT_GAS = 100

function hashOf(f: (d: Uint8Array) => Uint8Array) {
  return (vm: VM, a: Value[], b: number): Value => {
    const d = a[b + 1]
    if (!(d instanceof NBytes)) abort('R0108', 'Argument')
    vm.charge(HASH_GAS.base + Math.ceil(d.bytes.length / 32) * HASH_GAS.per32)
    return vm.newBytes(f(d.bytes))
  }
}

export const chainTable: NativeTable = {
  statics: {
    self: (vm) => vm.newAddress(contextOf(vm).host.self.slice()),
    caller: (vm) => vm.newAddress(contextOf(vm).host.caller.slice()),
    value: (vm) => contextOf(vm).host.value,
    height: (vm) => contextOf(vm).host.height,
    time: (vm) => contextOf(vm).host.time,
    'sha256(_)': hashOf(sha256),
    'keccak256(_)': hashOf(keccak_256),
    'blake3(_)': hashOf((d) => blake3(d)),
    'emit(_,_)': (vm, a, b) => {
      const c = contextOf(vm)
      const host = writableHost(c)
      const topic = a[b + 1]
      if (typeof topic !== 'string') abort('R0005', 'Topic')
      vm.charge(EMIT_GAS)
      host.emit(topic, encodeValue(vm, c.classes, a[b + 2]))
      return null
    },
  },
}
