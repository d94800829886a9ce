// The fuzzers in CI: a fixed seed, 10,000 source cases (generated programs and mutants of
// the language cases) and 10,000 mutated modules. Nothing may throw a JS exception out of
// the compiler, verifier, disassembler or VM; a quarter of the sources must compile and run
// and half of the modules must reach the verifier, or the fuzzers test too little.
// `npm run fuzz` runs longer with a random seed (test/fuzz/run.ts).

import t from 'tap'
import { formatCounts, formatFailure, moduleCase, ModulePool, sourceCase } from './campaign.js'
import { decodeModule, ModuleFormatError } from '../../vm/module.js'
import { runCampaignParallel } from './parallel.js'

const SEED = 20240601
const CASES = 10_000

// A failure is reported as (seed, case number); replaying it must rebuild the same input.
t.test('a case is a function of its seed and number', async (t) => {
  for (const k of [0, 1, 977, 9_999]) {
    t.equal(sourceCase(SEED, k).text, sourceCase(SEED, k).text, `source case ${k}`)
    t.same(moduleCase(SEED, k, new ModulePool(SEED)).bytes, moduleCase(SEED, k, new ModulePool(SEED)).bytes, `module case ${k}`)
  }
  t.not(sourceCase(SEED, 1).text, sourceCase(SEED + 1, 1).text, 'another seed, another case')
  // Most mutants carry a valid hash, so the decoder looks at their payload.
  let decoded = 0
  const pool = new ModulePool(SEED)
  for (let k = 0; k < 200; k++) if (!(decodeModule(moduleCase(SEED, k, pool).bytes) instanceof ModuleFormatError)) decoded++
  t.ok(decoded > 100, `${decoded} of 200 module mutants decode`)
})

t.test(`fuzz seed ${SEED}: ${CASES} sources, ${CASES} modules`, async (t) => {
  const r = await runCampaignParallel({ seed: SEED, sources: CASES, modules: CASES }, 2)
  t.comment(formatCounts(r))
  for (const f of r.failures.slice(0, 20)) t.fail(formatFailure(f))
  t.equal(r.failures.length, 0, 'no case made the toolchain throw or break an invariant')

  const s = r.sources
  t.equal(s.total, CASES, 'every source case was built')
  t.ok(s.compiled >= CASES / 4, `at least a quarter of the sources compile and run (${s.compiled})`)
  t.ok(s.diagnostics > 0 && s.ok > 0 && s.runtimeError > 0 && s.fatal > 0, 'sources reach diagnostics, clean ends, runtime errors and fatal errors')

  const m = r.modules
  t.equal(m.total, CASES, 'every module case was built')
  t.ok(m.reachedVerifier >= CASES / 2, `at least half of the modules reach the verifier (${m.reachedVerifier})`)
  t.ok(m.rejectedFormat > 0 && m.rejectedVerify > 0 && m.ran > 0, 'modules are refused by the decoder, refused by the verifier, and run')
})
