// Compiling is a pure function of the sources: the same program in two different folders
// gives the same module bytes (no absolute paths, no timestamps), imports included.

import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadProgram, type Program } from '../../cli/commands/run.js'
import { latin1FromBytes } from '../../vm/bytes-io.js'

const FILES: Record<string, string> = {
  'main.nest': 'import "./lib/util" for Util\nSystem.print(Util.twice(21))\nFiber.abort("where am I?")\n',
  'lib/util.nest': 'import "./helper" for Helper\nclass Util {\n  static twice(x) { Helper.add(x, x) }\n}\n',
  'lib/helper.nest': 'class Helper {\n  static add(a, b) { a + b }\n}\n',
}

function project(root: string): string {
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), text)
  }
  return root
}

function build(root: string, file: string): Uint8Array {
  const errors: string[] = []
  const p: Program | number = loadProgram(root, file, (s) => errors.push(s))
  if (typeof p === 'number') throw new Error(`does not compile: ${errors.join('\n')}`)
  return p.bytes
}

t.test('the same sources in two folders compile to the same bytes', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'nest-repro-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const one = project(join(base, 'one'))
  const two = project(join(base, 'somewhere', 'else', 'two'))
  const a = build(one, 'main.nest')
  const b = build(two, 'main.nest')
  t.same(b, a, 'identical modules')
  t.same(build(two, './main.nest'), a, 'however the entry file is named')
  t.same(build(one, join(one, 'main.nest')), a, 'even by its absolute path')
  t.same(build(one, 'main.nest'), a, 'and compiling again changes nothing')
  const text = latin1FromBytes(a)
  t.notOk(text.includes(base), 'the module holds no absolute path')
  t.ok(text.includes('./lib/helper'), 'imported modules are named relative to the entry file')
})
