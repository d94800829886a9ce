// Language cases too large to keep as files: the text is built here, with the usual
// expectation comments, and runs as if it were the file named (test/language.test.ts).

import { join } from 'node:path'
import { MAX_MODULE_VARS } from '../../vm/limits.js'
import { CORE_NAMES } from '../../vm/core/names.js'
import { CASES_ROOT } from './harness.js'

export interface GeneratedCase {
  readonly file: string
  readonly text: string
}

export function generatedCases(): GeneratedCase[] {
  return [tooManyModuleVariables()]
}

/** Every unit starts with the core variables, so the limit leaves room for fewer of its own. */
function tooManyModuleVariables(): GeneratedCase {
  const lines = ['// nest-only: the core module has different variables than Wren\'s, so the limit is hit at another line.']
  const room = MAX_MODULE_VARS - CORE_NAMES.length
  for (let i = 0; i < room; i++) lines.push(`var v${i}`)
  lines.push(`var v${room} // expect error E0055`)
  return { file: join(CASES_ROOT, 'limits', 'too_many_module_variables.nest'), text: lines.join('\n') + '\n' }
}
