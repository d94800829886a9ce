// Fiber: coroutines with Wren's call/try/yield/transfer semantics. The switching methods
// are control natives: they rewire vm.fiber and the fibers' stacks, and the interpreter
// reloads its state from the new current fiber (vm/interpreter.ts).

import { SIZE } from '../sizes.js'
import { abort } from '../errors.js'
import { Closure, Fiber, FiberState, type Value } from '../value.js'
import { Control } from '../interpreter.js'
import type { VM } from '../vm.js'
import type { ControlNative, NativeTable } from './native.js'
import { fn } from './validate.js'

/** Hands control to `target`, passing a value if there is one (Wren's runFiber). */
function runFiber(vm: VM, target: Fiber, args: Value[], base: number, isCall: boolean, hasValue: boolean, verb: string): void {
  const current = vm.fiber as Fiber
  if (target.error !== undefined) abort('R0011', verb)
  if (isCall) {
    // A called fiber can't be called again, but it can be transferred to.
    if (target.caller !== null) abort('R0012')
    if (target.state === FiberState.Root) abort('R0013')
    // Wren remembers the caller before checking that the fiber can still run.
    target.caller = current
  }
  if (target.depth === 0) abort('R0014', verb)
  const value = hasValue ? args[base + 1] : null
  // The caller's result lands in the receiver slot; drop the argument slot.
  if (hasValue) current.sp--
  if (target.isFresh) {
    // First run: bind the argument to the function's parameter, if it takes one.
    const entry = target.frames[0].cl.fn
    vm.charge(entry.entryCost)
    vm.ensureStack(target, entry.maxSlots + 1)
    if (entry.arity === 1) target.stack[target.sp++] = value
  } else {
    // Resuming: the yield() or transfer() that suspended it returns the value.
    target.stack[target.sp - 1] = value
  }
  vm.fiber = target
}

const self = (a: Value[], b: number) => a[b] as Fiber

function call(isCall: boolean, hasValue: boolean, verb: string, isTry = false): ControlNative {
  return (vm, a, b) => {
    // In a contract, control must come back to whoever passed it, so that Fiber.try's
    // savepoints nest: transferring control elsewhere is refused.
    if (!isCall && vm.contract !== null) abort('R0315', 'Fiber.transfer')
    runFiber(vm, self(a, b), a, b, isCall, hasValue, verb)
    if (isTry) {
      const target = vm.fiber as Fiber
      target.state = FiberState.Try
      if (vm.contract !== null) target.savepoint = vm.contract.host.checkpoint()
    }
    return Control.Continue
  }
}


function yieldTo(hasValue: boolean): ControlNative {
  return (vm, a, b) => {
    const current = vm.fiber as Fiber
    const caller = current.caller
    // A contract call ends when its method returns; yielding out of its root fiber cannot.
    if (caller === null && vm.contract !== null) abort('R0315', 'Fiber.yield out of the call')
    vm.keepSavepoint(current)
    current.caller = null
    current.state = FiberState.Other
    vm.fiber = caller
    if (caller !== null) {
      // The caller's call()/try() returns the yielded value.
      caller.stack[caller.sp - 1] = hasValue ? a[b + 1] : null
      if (hasValue) current.sp--
    }
    return Control.Continue
  }
}

export const fiberTable: NativeTable = {
  statics: {
    'new(_)': (vm, a, b) => {
      const c = fn(a[b + 1], 'Argument')
      if (c.fn.arity > 1) abort('R0015')
      if (!vm.isPlainFn(c)) abort('R0006', 'Argument')
      vm.alloc(SIZE.fiber)
      return new Fiber(vm.fiberClass, c as Closure)
    },
    'abort(_)': (vm, a, b) => {
      const err = a[b + 1]
      // Wren: an explicit null is not an error; the call just returns. A contract that
      // says abort aborts: a null message must not let a failed check pass.
      if (err === null) {
        if (vm.contract === null) return a[b]
        return vm.throwValue('Fiber.abort(null)')
      }
      return vm.throwValue(err)
    },
    current: (vm) => vm.fiber,
  },
  staticControl: {
    'suspend()': (vm) => {
      if (vm.contract !== null) abort('R0315', 'Fiber.suspend')
      vm.fiber = null
      return Control.Continue
    },
    'yield()': yieldTo(false),
    'yield(_)': yieldTo(true),
  },
  methods: {
    error: (_vm, a, b) => self(a, b).error ?? null,
    isDone: (_vm, a, b) => self(a, b).isDone,
  },
  control: {
    'call()': call(true, false, 'call'),
    'call(_)': call(true, true, 'call'),
    'transfer()': call(false, false, 'transfer to'),
    'transfer(_)': call(false, true, 'transfer to'),
    'transferError(_)': (vm, a, b) => {
      if (vm.contract !== null) abort('R0315', 'Fiber.transferError')
      const err = a[b + 1]
      runFiber(vm, self(a, b), a, b, false, true, 'transfer to')
      vm.pendingError = err
      return Control.Raise
    },
    'try()': call(true, false, 'try', true),
    'try(_)': call(true, true, 'try', true),
  },
}
