// System: output through the host, plus the script-only clock. Contracts get no clock;
// the host decides (vm/vm.ts Host.clock), so a contract VM simply lacks the method.

import type { Value } from '../value.js'
import { Refusal, fatal } from '../errors.js'
import type { VM } from '../vm.js'
import type { Native, NativeTable } from './native.js'

export function systemTable(vm: VM): NativeTable {
  const statics: Record<string, Native> = {
    'writeString_(_)': (vm, a, b) => {
      const s = a[b + 1] as string
      const r = vm.host.write(s)
      if (r instanceof Refusal) fatal('R0205', r.reason)
      return s as Value
    },
    'gc()': () => null,
  }
  const clock = vm.host.clock
  if (clock) statics.clock = () => clock()
  return { statics }
}
