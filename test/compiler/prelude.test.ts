// The compiled prelude checked into vm/core/ must match vm/core/core.nest.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { generatePrelude, PRELUDE_OUTPUT } from '../../scripts/gen-prelude.js'

t.test('prelude.generated.ts is up to date (run `npm run gen`)', async (t) => {
  t.equal(readFileSync(PRELUDE_OUTPUT, 'utf8'), generatePrelude())
})
