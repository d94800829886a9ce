// The JS tier (vm/jit.ts) must be invisible: every language case, run with it and without
// it, prints the same bytes, ends the same way (error code, message, Nest stack) and uses
// exactly the same gas. Cases run with tight thresholds so that compiled code, not the
// interpreter, runs nearly everything.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { basename, dirname, relative } from 'node:path'
import { compile } from '../../compiler/compile.js'
import { FileHost } from '../../cli/host.js'
import { VM, type RunOutcome } from '../../vm/vm.js'
import { ModuleCache } from '../../vm/loader.js'
import { CASES_ROOT as root, languageCases as cases, readLimits } from '../language/harness.js'

interface Run {
  readonly out: string
  readonly outcome: RunOutcome
  readonly jitted: number
}

// Shared, as a node shares it: compiled code is made once per module, not once per run.
const cache = new ModuleCache()

function run(file: string, jit: boolean): Run | null {
  const text = readFileSync(file, 'utf8')
  const compiled = compile({ name: './' + basename(file, '.nest'), path: basename(file), text }, new FileHost(dirname(file)))
  if (!compiled.bytes) return null
  let out = ''
  const vm = new VM({ host: { write: (s) => (out += s), clock: () => 0 }, ...readLimits(text), jit, cache })
  const mod = vm.load(compiled.bytes)
  if (!('units' in mod)) return null
  // Compile on first entry, so even code that runs once is checked in the JS tier.
  for (const f of mod.fns) f.heat = jit ? 1 : 0
  const outcome = vm.runModule(mod)
  return { out, outcome, jitted: mod.fns.filter((f) => f.jit !== null).length }
}

function summary(o: RunOutcome): unknown {
  return o.kind === 'ok'
    ? { kind: 'ok', gasUsed: o.gasUsed }
    : { kind: 'error', fatal: o.fatal, code: o.code, message: o.message, trace: o.trace, gasUsed: o.gasUsed }
}

t.test('every language case behaves the same in both tiers', async (t) => {
  let compared = 0
  let jitted = 0
  for (const file of cases()) {
    const on = run(file, true)
    const off = run(file, false)
    if (on === null || off === null) {
      if (on !== off) t.fail(`${relative(root, file)}: compiles in one tier only`)
      continue
    }
    compared++
    jitted += on.jitted
    if (on.out !== off.out || JSON.stringify(summary(on.outcome)) !== JSON.stringify(summary(off.outcome))) {
      t.same({ out: on.out, outcome: summary(on.outcome) }, { out: off.out, outcome: summary(off.outcome) }, relative(root, file))
    }
  }
  t.ok(compared > 500, `compared ${compared} cases`)
  t.ok(jitted > compared, `${jitted} functions ran compiled`)
})
