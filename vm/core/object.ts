// Object and Class: the root of every class, and the class of classes.

import { abort } from '../errors.js'
import { NBytes, NClass, NHandle, NRange, type Value } from '../value.js'
import { native, type Native, type NativeTable } from './native.js'

/** Wren's wrenValuesEqual: identity, except Range and Bytes compare by value. Numbers
 *  compare by bits as in Wren (so NaN is the same as NaN and 0 is not -0). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (typeof a === 'number') return Object.is(a, b)
  if (a === b) return true
  if (a instanceof NHandle && b instanceof NHandle) return a.cls === b.cls && a.id === b.id
  if (a instanceof NRange && b instanceof NRange) return a.from === b.from && a.to === b.to && a.inclusive === b.inclusive
  if (a instanceof NBytes && b instanceof NBytes && a.cls === b.cls) {
    const x = a.bytes
    const y = b.bytes
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
    return true
  }
  return false
}

export const objectTable: NativeTable = {
  methods: {
    '!': () => false,
    '==(_)': (_vm, a, b) => valuesEqual(a[b], a[b + 1]),
    '!=(_)': (_vm, a, b) => !valuesEqual(a[b], a[b + 1]),
    'is(_)': (vm, a, b) => {
      const target = a[b + 1]
      if (!(target instanceof NClass)) abort('R0022')
      for (let c: NClass | null = vm.classOf(a[b]); c !== null; c = c.superclass) if (c === target) return true
      return false
    },
    toString: native((vm, a, b) => 'instance of ' + vm.classOf(a[b]).name),
    type: (vm, a, b) => vm.classOf(a[b]),
  },
}

export const objectMetaTable: NativeTable = {
  methods: {
    'same(_,_)': (_vm, a, b) => valuesEqual(a[b + 1], a[b + 2]),
  },
}

export const classTable: NativeTable = {
  methods: {
    name: (_vm, a, b) => (a[b] as NClass).name,
    supertype: (_vm, a, b) => (a[b] as NClass).superclass,
    toString: native((_vm, a, b) => (a[b] as NClass).name),
    attributes: (_vm, a, b) => (a[b] as NClass).attributes,
  },
}

export const boolTable: NativeTable = {
  methods: {
    toString: native((_vm, a, b) => (a[b] ? 'true' : 'false')),
    '!': (_vm, a, b) => !a[b],
  },
}

export const nullTable: NativeTable = {
  methods: {
    '!': () => true,
    toString: native(() => 'null'),
  },
}
