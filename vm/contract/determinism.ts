// Determinism is a consensus rule: every node must compute the same result. IEEE 754 fixes
// + - * / and sqrt exactly, but JS engines (and libm versions) compute sin, exp, log, pow and
// the like to within an ulp or so, each its own way. In a contract those methods abort.

import { abort } from '../errors.js'
import { Method, MethodKind } from '../value.js'
import type { VM } from '../vm.js'

/** Num methods a contract may not call: results not fixed by IEEE 754. */
export const NON_DETERMINISTIC_NUM = ['acos', 'asin', 'atan', 'atan(_)', 'cbrt', 'cos', 'sin', 'tan', 'exp', 'log', 'log2', 'pow(_)'] as const

export function restrictForContracts(vm: VM): void {
  for (const sig of NON_DETERMINISTIC_NUM) {
    const refuse = () => abort('R0314', sig)
    vm.bindMethod(vm.numClass, sig, new Method(MethodKind.Native, sig, refuse as never, null))
  }
}
