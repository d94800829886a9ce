// The parser's precomputed lookahead table must match what Chevrotain computes for
// compiler/parser.ts today; a stale table would mis-parse silently.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { generateLookahead, LOOKAHEAD_OUTPUT } from '../../scripts/gen-lookahead.js'

t.test('lookahead.generated.ts is up to date (run `npm run gen`)', async (t) => {
  t.equal(readFileSync(LOOKAHEAD_OUTPUT, 'utf8'), generateLookahead())
})
