// Language conformance: every test/language/<feature>/<case>.nest runs and must produce
// exactly what its expectation comments say (see test/language/harness.ts).

import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { compareCase, readExpectations, runCase } from './language/harness.js'

const root = join(import.meta.dirname, 'language')

export function languageCases(dir = root): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n)
      if (statSync(p).isDirectory()) return n === '_modules' ? [] : languageCases(p)
      return n.endsWith('.nest') ? [p] : []
    })
}

const byFeature = new Map<string, string[]>()
for (const file of languageCases()) {
  const feature = relative(root, file).split('/')[0]
  byFeature.set(feature, [...(byFeature.get(feature) ?? []), file])
}

for (const [feature, files] of byFeature) {
  t.test(feature, async (t) => {
    for (const file of files) {
      const problems = compareCase(readExpectations(readFileSync(file, 'utf8')), runCase(file))
      t.same(problems, [], relative(root, file))
    }
  })
}
