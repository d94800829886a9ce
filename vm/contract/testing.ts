// The natives of Test (the test host's cheat codes) and Assert's deep comparison. Only a
// local chain running `unest test` offers the TestHost; anywhere else these abort.

import { abort } from '../errors.js'
import { NList, type Value } from '../value.js'
import { NMap } from '../map-table.js'
import type { VM } from '../vm.js'
import type { NativeTable } from '../core/native.js'
import { valuesEqual } from '../core/object.js'
import { addressFrom, contextOf } from './natives.js'
import { tokenFrom } from './chain.js'
import type { TestHost } from './host.js'
import { encodeValue } from './storable.js'

function host(vm: VM): TestHost {
  const t = contextOf(vm).host.test
  if (t === undefined) abort('R0320')
  return t
}

const addressArg = (v: Value): Uint8Array => addressFrom(v, 'Argument').bytes

function whole(v: Value, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) abort('R0316', `${what} must be a whole Num`)
  return v
}

function amount(v: Value): bigint {
  if (typeof v !== 'bigint') abort('R0107', 'Amount')
  return v
}

/** Equality as tests mean it: lists and maps by content, everything else as `==`. */
export function deepEqual(a: Value, b: Value, depth = 0): boolean {
  if (depth > 64) return false
  if (a instanceof NList && b instanceof NList) {
    if (a.items.length !== b.items.length) return false
    return a.items.every((x, i) => deepEqual(x, b.items[i], depth + 1))
  }
  if (a instanceof NMap && b instanceof NMap) {
    if (a.count !== b.count) return false
    for (let i = a.nextLive(0); i >= 0; i = a.nextLive(i + 1)) {
      const k = a.keyAt(i)
      const other = b.get(k)
      if (other === undefined || !deepEqual(a.vals[i], other, depth + 1)) return false
    }
    return true
  }
  return valuesEqual(a, b)
}

export const testTable: NativeTable = {
  statics: {
    'account(_)': (vm, a, b) => vm.newAddress(host(vm).account(whole(a[b + 1], 'Index')).slice()),
    'prank(_)': (vm, a, b) => (host(vm).prank(addressArg(a[b + 1]), false), null),
    'startPrank(_)': (vm, a, b) => (host(vm).prank(addressArg(a[b + 1]), true), null),
    'stopPrank()': (vm) => (host(vm).prank(null, false), null),
    'warp(_)': (vm, a, b) => (host(vm).warp(whole(a[b + 1], 'Time')), null),
    'roll(_)': (vm, a, b) => (host(vm).roll(whole(a[b + 1], 'Height')), null),
    'deal(_,_)': (vm, a, b) => (host(vm).deal(addressArg(a[b + 1]), 'NEST', amount(a[b + 2])), null),
    'deal(_,_,_)': (vm, a, b) => {
      host(vm).deal(addressArg(a[b + 1]), tokenFrom(a[b + 2]), amount(a[b + 3]))
      return null
    },
    'expectRevert()': (vm) => (host(vm).expectRevert(null), null),
    'expectRevert(_)': (vm, a, b) => {
      const m = a[b + 1]
      if (typeof m !== 'string') abort('R0005', 'Message')
      host(vm).expectRevert(m)
      return null
    },
    'expectEvent(_)': (vm, a, b) => {
      const t = a[b + 1]
      if (typeof t !== 'string') abort('R0005', 'Topic')
      host(vm).expectEvent(t, null)
      return null
    },
    'expectEvent(_,_)': (vm, a, b) => {
      const t = a[b + 1]
      if (typeof t !== 'string') abort('R0005', 'Topic')
      const c = contextOf(vm)
      host(vm).expectEvent(t, encodeValue(vm, c.classes, a[b + 2], true))
      return null
    },
    'count_()': (vm) => (host(vm).assertion(), null),
  },
}

export const assertTable: NativeTable = {
  statics: {
    'same_(_,_)': (_vm, a, b) => deepEqual(a[b + 1], a[b + 2]),
  },
}
