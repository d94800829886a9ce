// Fn: closures. Fn.call(...) is not a native: the interpreter runs the receiver in a new
// frame (MethodKind.FnCall), so calling a function never recurses on the JS stack.

import { MAX_ARGS } from '../limits.js'
import { Closure, Method, MethodKind, type NClass, type Value } from '../value.js'
import type { VM } from '../vm.js'
import { native, type Native, type NativeTable } from './native.js'
import { fn } from './validate.js'

export const fnTable: NativeTable = {
  statics: {
    // A block argument is already a function.
    'new(_)': (_vm, a, b) => fn(a[b + 1], 'Argument'),
  },
  methods: {
    arity: (_vm, a, b) => (a[b] as Closure).fn.arity,
    toString: native(() => '<fn>'),
  },
}

export function installFnCalls(vm: VM, fnClass: NClass): void {
  for (let n = 0; n <= MAX_ARGS; n++) {
    const sig = 'call(' + Array(n).fill('_').join(',') + ')'
    vm.bindMethod(fnClass, sig, new Method(MethodKind.FnCall, sig, null, null))
  }
}

export type { Value }
