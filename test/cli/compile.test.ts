// `unest compile` and `unest disasm` end to end: a compiled module runs exactly as its
// source does (output and gas), and the disassembly of a small program matches its golden
// file. Regenerate goldens with `UNEST_UPDATE_GOLDEN=1 npx tap test/cli/compile.test.ts`
// and review the diff.

import t from 'tap'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JS_STACK, gasReported, unest } from './bin.js'

const dir = mkdtempSync(join(tmpdir(), 'unest-cli-compile-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const golden = join(import.meta.dirname, 'golden')

const PROGRAM = `class Account {
  construct new(balance) { _balance = balance }
  balance { _balance }
  withdraw(n) { _balance = _balance - n }
}
var a = Account.new(100n)
a.withdraw(30n)
var words = "the quick brown fox".split(" ").map { |w| w.count }.toList
System.print([a.balance, words, Fiber.new { a.withdraw(500n) }.try()])
`

t.test('a compiled module runs with the same output and gas as its source', async (t) => {
  writeFileSync(join(dir, 'prog.nest'), PROGRAM)
  const compiled = unest(['compile', 'prog.nest', '-o', 'prog.nvm'], { cwd: dir })
  t.equal(compiled.status, 0, compiled.stderr)
  t.equal(compiled.stdout, '', 'compile prints nothing on success')
  const fromSource = unest(['run', '--gas', 'prog.nest'], { cwd: dir })
  const fromModule = unest(['run', '--gas', 'prog.nvm'], { cwd: dir })
  t.equal(fromSource.status, 0, fromSource.stderr)
  t.equal(fromSource.stdout, '[70, [3, 5, 5, 3], Int underflow: the result is below 0.]\n')
  t.equal(fromModule.status, 0, fromModule.stderr)
  t.equal(fromModule.stdout, fromSource.stdout)
  const gas = gasReported(fromSource.stderr)
  t.ok(gas !== null && gas > 0, 'gas is reported')
  t.equal(gasReported(fromModule.stderr), gas, 'same gas from source and from .nvm')
})

t.test('a compiled module reports runtime errors with lines (no sources: module names)', async (t) => {
  writeFileSync(join(dir, 'boom.nest'), 'System.print("a")\nnull.boom\n')
  t.equal(unest(['compile', 'boom.nest'], { cwd: dir }).status, 0)
  t.ok(existsSync(join(dir, 'boom.nvm')), 'the default output sits beside the source')
  const r = unest(['run', 'boom.nvm'], { cwd: dir })
  t.equal(r.status, 70)
  t.equal(r.stdout, 'a\n')
  t.equal(r.stderr.split('\n')[0], "Null does not implement 'boom'.")
  t.match(r.stderr, /:2:\d+\)/, 'the frame still has its line')
  t.notMatch(r.stderr, JS_STACK)
})

t.test('compiling in two folders gives the same bytes', async (t) => {
  for (const sub of ['one', 'two/deeper']) {
    mkdirSync(join(dir, sub), { recursive: true })
    writeFileSync(join(dir, sub, 'same.nest'), PROGRAM)
    t.equal(unest(['compile', 'same.nest'], { cwd: join(dir, sub) }).status, 0)
  }
  t.same(readFileSync(join(dir, 'one', 'same.nvm')), readFileSync(join(dir, 'two/deeper', 'same.nvm')))
})

t.test('compile errors exit 65 and write no module', async (t) => {
  writeFileSync(join(dir, 'broken.nest'), 'var = 1\n')
  const r = unest(['compile', 'broken.nest'], { cwd: dir })
  t.equal(r.status, 65)
  t.match(r.stderr, / --> broken\.nest:1:\d+/)
  t.notOk(existsSync(join(dir, 'broken.nvm')))
  t.equal(unest(['compile', 'absent.nest'], { cwd: dir }).status, 66)
})

t.test('disasm of each golden program matches its .disasm file', async (t) => {
  const update = process.env.UNEST_UPDATE_GOLDEN === '1'
  const cases = readdirSync(golden).filter((n) => n.endsWith('.nest'))
  t.ok(cases.length > 0)
  for (const name of cases) {
    const want = join(golden, name.replace(/\.nest$/, '.disasm'))
    const r = unest(['disasm', name], { cwd: golden })
    t.equal(r.status, 0, r.stderr)
    if (update) writeFileSync(want, r.stdout)
    t.equal(r.stdout, readFileSync(want, 'utf8'), `${name} (UNEST_UPDATE_GOLDEN=1 to regenerate)`)

    // The same listing from the compiled module.
    const nvm = join(dir, name.replace(/\.nest$/, '.nvm'))
    t.equal(unest(['compile', name, '-o', nvm], { cwd: golden }).status, 0)
    t.equal(unest(['disasm', nvm]).stdout, r.stdout, `${name} from its .nvm`)
  }
})

t.test('disasm of a rejected module exits 65', async (t) => {
  writeFileSync(join(dir, 'junk.nvm'), 'junk')
  const r = unest(['disasm', join(dir, 'junk.nvm')])
  t.equal(r.status, 65)
  t.match(r.stderr, /invalid module/)
  t.notMatch(r.stderr, JS_STACK)
})
