// Determinism is a consensus rule: every node must compute the same result. IEEE 754 fixes
// + - * / and sqrt exactly, but JS engines (and libm versions) compute sin, exp, log, pow and
// the like to within an ulp or so, each its own way. In a contract those methods abort.

import { abort } from '../errors.js'
import { Method, MethodKind } from '../value.js'
import type { VM } from '../vm.js'
import type { Module } from '../module.js'
import { OPCODES, Op } from '../opcodes.js'

/** Num methods a contract may not call: results not fixed by IEEE 754. */
export const NON_DETERMINISTIC_NUM = ['acos', 'asin', 'atan', 'atan(_)', 'cbrt', 'cos', 'sin', 'tan', 'exp', 'log', 'log2', 'pow(_)'] as const

export function restrictForContracts(vm: VM): void {
  for (const sig of NON_DETERMINISTIC_NUM) {
    const refuse = () => abort('R0314', sig)
    vm.bindMethod(vm.numClass, sig, new Method(MethodKind.Native, sig, refuse as never, null))
  }
}

/** Whether a module asks for `System.clock`, the script-only host function: a chain refuses
 *  to deploy it. Read from the code, so a contract's own method named `clock` is fine; a
 *  clock reached some other way (`var s = System` then `s.clock`) finds no such method in a
 *  contract VM, whose host has no clock, and aborts there. */
export function usesClock(m: Module): boolean {
  const clock = m.symbols.indexOf('clock')
  if (clock < 0) return false
  for (const f of m.functions) {
    const vars = m.units[f.unit]?.vars ?? []
    let systemLoaded = false
    for (let ip = 0; ip < f.code.length; ) {
      const op = f.code[ip]
      const info = OPCODES[op]
      if (info === undefined) return true
      if (op === Op.CALL && systemLoaded && f.code[ip + 1] === 0 && f.code[ip + 2] === clock) return true
      systemLoaded = op === Op.LOAD_MODULE_VAR && vars[f.code[ip + 1]] === 'System'
      ip += 1 + info.operands.length
    }
  }
  return false
}
