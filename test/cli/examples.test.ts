// `unest examples`: every program in examples/ runs cleanly and prints what `unest run`
// prints for it; a failing example makes the command fail; contracts are left out (they
// are deployed by `unest chain`, which is what `npm start` runs).

import t from 'tap'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN, ROOT, unest } from './bin.js'

const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start

t.test('npm start is the chain command of the bin', async (t) => {
  t.equal(start, `node ${join('dist', 'unest.js')} chain`)
  t.equal(join(ROOT, 'dist', 'unest.js'), BIN)
})

t.test('every example runs cleanly, printing what `unest run` prints', async (t) => {
  const r = unest(['examples'])
  t.equal(r.status, 0, r.stderr)
  t.equal(r.stderr, '')
  const programs = readdirSync(join(ROOT, 'examples')).filter((n) => n.endsWith('.nest')).sort()
  t.ok(programs.length >= 3, 'there are examples')
  t.match(r.stdout, new RegExp(`\\n${programs.length} of ${programs.length} examples ran cleanly\\.\\n$`))
  const sections = r.stdout.split(/^== /m).slice(1)
  t.same(
    sections.map((s) => s.slice(0, s.indexOf('\n'))),
    programs.map((p) => `examples/${p}`),
    'one section per example, in name order',
  )
  for (const [i, name] of programs.entries()) {
    const alone = unest(['run', `examples/${name}`])
    t.equal(alone.status, 0, `${name}: ${alone.stderr}`)
    const section = sections[i].slice(sections[i].indexOf('\n') + 1).replace(/\d+ of \d+ examples ran cleanly\.\n$/, '')
    t.equal(section, alone.stdout + '\n', name)
  }
})

t.test('a failing example fails the command and the others still run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'unest-cli-examples-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'ex'))
  writeFileSync(join(dir, 'ex', 'a_fails.nest'), 'System.print("a")\nnull.nope\n')
  writeFileSync(join(dir, 'ex', 'b_works.nest'), 'System.print("b")\n')
  writeFileSync(join(dir, 'ex', 'c_bad.nest'), 'System.print(\n')
  writeFileSync(join(dir, 'ex', 'd_contract.nest'), 'class D is Contract {}\n')
  const r = unest(['examples', '--dir', 'ex'], { cwd: dir })
  t.equal(r.status, 1)
  t.notMatch(r.stdout, /d_contract/, 'a contract is not run as a program')
  t.match(r.stdout, /== ex\/a_fails\.nest\na\n/)
  t.match(r.stdout, /== ex\/b_works\.nest\nb\n/)
  t.match(r.stdout, /\n1 of 3 examples ran cleanly\.\n$/)
  t.match(r.stderr, "Null does not implement 'nope'.")
  t.match(r.stderr, / --> ex\/c_bad\.nest:1:\d+/)
})
