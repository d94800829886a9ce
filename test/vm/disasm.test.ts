// The disassembler (vm/disasm.ts): a small program's listing against its golden file,
// every compiled language case listed without a throw and with every instruction, and
// refused modules listed too (the CLI shows them). UNEST_UPDATE_GOLDEN=1 rewrites the
// golden file; review the diff.

import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileHost } from '../../cli/host.js'
import { compile } from '../../compiler/compile.js'
import { disassemble } from '../../vm/disasm.js'
import { BROKEN_UNIT, decodeModule, FnKind, MISSING_UNIT, ModuleFormatError, type Module } from '../../vm/module.js'
import { Op, OPCODES } from '../../vm/opcodes.js'
import { verifyModule, VerifyError } from '../../vm/verify.js'
import { compileCorpusFile, corpus } from '../fuzz/corpus.js'

const dir = join(import.meta.dirname, 'disasm')

function decoded(bytes: Uint8Array): Module {
  const m = decodeModule(bytes)
  if (m instanceof ModuleFormatError) throw new Error(m.message)
  return m
}

t.test('the listing of a small program matches its golden file', async (t) => {
  const r = compile({ name: './sample', path: 'sample.nest', text: readFileSync(join(dir, 'sample.nest'), 'utf8') }, new FileHost(dir))
  t.same(r.diagnostics, [], 'the program compiles')
  const listing = disassemble(decoded(r.bytes!))
  const golden = join(dir, 'sample.disasm')
  if (process.env.UNEST_UPDATE_GOLDEN === '1') writeFileSync(golden, listing)
  t.equal(listing, readFileSync(golden, 'utf8'), 'sample.disasm (UNEST_UPDATE_GOLDEN=1 to regenerate)')
})

t.test('every verified language case is listed in full', async (t) => {
  const seen = new Set<string>()
  let modules = 0
  for (const f of corpus()) {
    const bytes = compileCorpusFile(f)
    if (!bytes) continue
    const m = decoded(bytes)
    const v = verifyModule(m)
    if (v instanceof VerifyError) {
      t.fail(`${f.path} does not verify: ${v}`)
      continue
    }
    modules++
    let listing: string
    try {
      listing = disassemble(m)
    } catch (e) {
      t.fail(`${f.path}: the disassembler threw ${e}`)
      continue
    }
    const lines = listing.split('\n')
    const headers = lines.filter((l) => /^fn \d+ /.test(l)).length
    const instructions = lines.filter((l) => /^ +\d+ +(\d+|\|) +[A-Z_]+/.test(l)).length
    const expected = v.reduce((n, fv) => n + fv.starts.length, 0)
    if (headers !== m.functions.length || instructions !== expected) {
      t.fail(`${f.path}: ${headers} functions and ${instructions} instructions listed, expected ${m.functions.length} and ${expected}`)
    }
    for (const l of lines) {
      const op = /^ +\d+ +(?:\d+|\|) +([A-Z_]+)/.exec(l)
      if (op) seen.add(op[1])
    }
  }
  t.ok(modules > 500, `${modules} modules listed`)
  // GAS exists only in linked code; DUP is in the table but the compiler never emits it.
  const missing = OPCODES.filter((o) => o.op !== Op.GAS && o.op !== Op.DUP && !seen.has(o.name)).map((o) => o.name)
  t.same(missing, [], 'every opcode the compiler emits appears in some listing')
})

t.test('modules the verifier refuses are listed without a throw', async (t) => {
  const m: Module = {
    constants: [1],
    symbols: ['f'],
    classes: [],
    units: [
      { name: 'main', main: 0, vars: [] },
      { name: 'gone', main: MISSING_UNIT, vars: [] },
      { name: 'bad', main: BROKEN_UNIT, vars: [] },
    ],
    functions: [
      { name: 'f', kind: FnKind.Script, unit: 0, arity: 0, captures: [], code: [Op.CONST, 7, Op.CALL, 0, 9, Op.LOAD_MODULE_VAR, 3, Op.IMPORT_MODULE, 8, Op.CONST], lines: [1], cols: [1] },
      { name: 'g', kind: 7 as FnKind, unit: 5, arity: 0, captures: [], code: [200, 1, 2], lines: [], cols: [] },
    ],
  }
  t.ok(verifyModule(m) instanceof VerifyError, 'the module is refused')
  const listing = disassemble(m)
  t.match(listing, /CONST +7 \(\?\)/, 'a constant out of range shows as ?')
  t.match(listing, /CALL +0, 9 '\?'/, 'so does a method name')
  t.match(listing, /LOAD_MODULE_VAR +3 \?/, 'and a variable')
  t.match(listing, /IMPORT_MODULE +8 \?/, 'and a unit')
  t.match(listing, /CONST +<cut off>/, 'an instruction cut off by the end of the code says so')
  t.match(listing, /^ +1 +\? +CALL/m, 'an instruction without a line entry has line ?')
  t.match(listing, /<bad opcode 200>/, 'an unknown opcode stops the listing of its function')
  t.match(listing, /gone +entry missing/, 'a unit whose source was missing')
  t.match(listing, /bad +entry broken/, 'a unit whose source did not compile')
  t.match(listing, /fn 1 g +\(\?, unit 5/, 'an unknown function kind')
})
