// `unest run`, `--help` and `--version` end to end: the built bin in a child process,
// checked on exit codes, stdout and the shape of what it prints to stderr.

import t from 'tap'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { JS_STACK, ROOT, gasReported, unest } from './bin.js'

const dir = mkdtempSync(join(tmpdir(), 'unest-cli-run-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  return path
}

/** The source line an error shows for `line`, and the column its caret points at. */
function pointed(stderr: string, line: number): { text: string; col: number } | null {
  const lines = stderr.split('\n')
  const at = lines.findIndex((l) => l.startsWith(`${line} | `))
  const caret = /^ +\| (.*)$/.exec(lines[at + 1] ?? '')
  if (at < 0 || !caret) return null
  return { text: lines[at].slice(`${line} | `.length), col: caret[1].indexOf('^') + 1 }
}

t.test('--help and --version', async (t) => {
  const help = unest(['--help'])
  t.equal(help.status, 0)
  for (const cmd of ['run', 'compile', 'disasm', 'examples']) t.match(help.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'), `--help lists ${cmd}`)
  const runHelp = unest(['run', '--help'])
  t.equal(runHelp.status, 0)
  t.match(runHelp.stdout, /--gas-limit <n>/)
  t.match(runHelp.stdout, /--gas\b/)
  const version = unest(['--version'])
  t.equal(version.status, 0)
  t.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
  t.equal(unest(['-v']).stdout, version.stdout, '-v is --version')
})

t.test('run prints what the program prints and exits 0', async (t) => {
  const f = file('hello.nest', 'System.print("hello")\nSystem.write("no newline")\nSystem.print([1, 2n, x"0a", null, 1 / 0])\n')
  const r = unest(['run', f])
  t.equal(r.status, 0)
  t.equal(r.stdout, 'hello\nno newline[1, 2, 0x0a, null, infinity]\n')
  t.equal(r.stderr, '')
})

t.test('output is the bytes the program wrote, UTF-8 included', async (t) => {
  const f = file('utf8.nest', 'System.print("µ→😀")\nSystem.print("\\xff".bytes.toList)\n')
  const r = unest(['run', f])
  t.equal(r.status, 0)
  t.equal(r.stdout, 'µ→😀\n[255]\n')
})

t.test('a compile error exits 65 and points at the code', async (t) => {
  file('bad.nest', 'var x = 1\nSystem.print(x +)\nvar y = [1, 2\n')
  const r = unest(['run', 'bad.nest'], { cwd: dir })
  t.equal(r.status, 65)
  t.equal(r.stdout, '')
  t.match(r.stderr, /^error\[E\d{4}\]: .+\n --> bad\.nest:2:17\n/m, 'code, message, file:line:col')
  t.same(pointed(r.stderr, 2), { text: 'System.print(x +)', col: 17 }, 'the line and a caret under the column')
  t.match(r.stderr, /bad\.nest:3:\d+/, 'every error of the file is reported, not just the first')
  t.match(r.stderr, /could not compile bad\.nest \(2 errors\)/)
  t.notMatch(r.stderr, JS_STACK)
})

t.test('a rejected .nvm module exits 65', async (t) => {
  const garbage = unest(['run', file('garbage.nvm', 'not a module at all')])
  t.equal(garbage.status, 65)
  t.match(garbage.stderr, /invalid module/)
  t.notMatch(garbage.stderr, JS_STACK)

  // A real module with one payload byte flipped: the content hash no longer matches.
  const src = file('ok.nest', 'System.print("fine")\n')
  const nvm = join(dir, 'ok.nvm')
  t.equal(unest(['compile', src, '-o', nvm]).status, 0)
  const bytes = readFileSync(nvm)
  bytes[bytes.length - 3] ^= 0xff
  writeFileSync(join(dir, 'flipped.nvm'), bytes)
  const flipped = unest(['run', join(dir, 'flipped.nvm')])
  t.equal(flipped.status, 65)
  t.equal(flipped.stdout, '', 'nothing runs')
  t.match(flipped.stderr, /invalid module \(format\): .*hash/)
})

t.test('a missing file exits 66 with a clear message', async (t) => {
  for (const name of ['nowhere.nest', 'nowhere.nvm']) {
    const r = unest(['run', name], { cwd: dir })
    t.equal(r.status, 66, name)
    t.equal(r.stderr.trim(), `Could not find file "${name}".`)
  }
})

t.test('a runtime error exits 70: the message, then the Nest stack', async (t) => {
  file(
    'oops.nest',
    ['class A {', '  static f(x) { g(x) }', '  static g(x) { x.foo() }', '}', 'System.print("before")', 'A.f(null)', 'System.print("after")', ''].join('\n'),
  )
  const r = unest(['run', 'oops.nest'], { cwd: dir })
  t.equal(r.status, 70)
  t.equal(r.stdout, 'before\n', 'output before the error is kept, nothing after it runs')
  const lines = r.stderr.split('\n')
  t.equal(lines[0], "Null does not implement 'foo()'.", "Wren's message alone on the first line")
  t.match(r.stderr, /error\[R0001\] at oops\.nest:3:19/)
  t.same(pointed(r.stderr, 3), { text: '  static g(x) { x.foo() }', col: 19 }, 'the line and a caret')
  const stack = lines.slice(lines.indexOf('stack:') + 1).filter((l) => l.length > 0)
  t.same(stack, ['  at static A.g(_) (oops.nest:3:19)', '  at static A.f(_) (oops.nest:2:17)', '  at (script) (oops.nest:6:3)'], 'file:line per frame, innermost first')
  t.notMatch(r.stderr, JS_STACK)
})

t.test('Fiber.abort with a value the program chose', async (t) => {
  const r = unest(['run', file('abort.nest', 'Fiber.abort("custom failure")\n')])
  t.equal(r.status, 70)
  t.equal(r.stderr.split('\n')[0], 'custom failure')
})

t.test('out of gas exits 70 and reports gas used equal to the limit', async (t) => {
  const f = file('spin.nest', 'System.print("start")\nvar i = 0\nwhile (true) i = i + 1\n')
  for (const limit of [20000, 123457]) {
    const r = unest(['run', '--gas', '--gas-limit', String(limit), f])
    t.equal(r.status, 70, `limit ${limit}`)
    t.equal(r.stdout, 'start\n')
    t.match(r.stderr, `Out of gas: used ${limit} of ${limit}.`)
    t.match(r.stderr, /fatal error\[R0200\] at .*spin\.nest:3:\d+/)
    t.equal(gasReported(r.stderr), limit, '--gas prints the limit as the gas used')
    t.notMatch(r.stderr, JS_STACK)
  }
})

t.test('--gas-limit bad values are usage errors', async (t) => {
  const f = file('one.nest', 'System.print(1)\n')
  for (const bad of ['-1', '1.5', 'lots']) {
    const r = unest(['run', '--gas-limit', bad, f])
    t.not(r.status, 0, bad)
    t.match(r.stderr, /--gas-limit/)
    t.equal(r.stdout, '')
  }
})

t.test('the smallest gas limit is still a clean out of gas (VM set-up is not charged)', async (t) => {
  const r = unest(['run', '--gas', '--gas-limit', '1', file('tiny.nest', 'System.print(1)\n')])
  t.equal(r.status, 70)
  t.match(r.stderr, 'Out of gas: used 1 of 1.')
  t.equal(gasReported(r.stderr), 1)
  t.notMatch(r.stderr, JS_STACK)
})

t.test('System.clock works in scripts', async (t) => {
  const f = file('clock.nest', 'var a = System.clock\nvar b = System.clock\nSystem.print(a is Num && a >= 0 && b >= a)\n')
  const r = unest(['run', f])
  t.equal(r.status, 0, r.stderr)
  t.equal(r.stdout, 'true\n')
})

t.test('imports by relative path work from another working directory', async (t) => {
  file('app/main.nest', 'import "./lib/util" for Util\nSystem.print(Util.twice(21))\n')
  file('app/lib/util.nest', 'import "./helper" for Helper\nclass Util {\n  static twice(x) { Helper.add(x, x) }\n}\n')
  file('app/lib/helper.nest', 'class Helper {\n  static add(a, b) { a + b }\n}\n')
  for (const [cwd, path] of [
    [join(dir, 'app'), 'main.nest'],
    [dir, 'app/main.nest'],
    [join(dir, 'app', 'lib'), '../main.nest'],
    [ROOT, join(dir, 'app', 'main.nest')],
  ]) {
    const r = unest(['run', path], { cwd })
    t.equal(r.status, 0, `${path} from ${cwd}: ${r.stderr}`)
    t.equal(r.stdout, '42\n')
  }
})

t.test('a runtime error in an imported module names that module', async (t) => {
  file('imp/main.nest', 'import "./lib" for Lib\nLib.boom()\n')
  file('imp/lib.nest', 'class Lib {\n  static boom() { null.boom }\n}\n')
  const r = unest(['run', 'main.nest'], { cwd: join(dir, 'imp') })
  t.equal(r.status, 70)
  t.equal(r.stderr.split('\n')[0], "Null does not implement 'boom'.")
  t.match(r.stderr, /at static Lib\.boom\(\) \(lib\.nest:2:\d+\)\n {2}at \(script\) \(main\.nest:2:\d+\)/)
})

t.test('a compile error in an imported module: its diagnostic, then the import aborts (exit 70, as Wren)', async (t) => {
  file('impbad/main.nest', 'import "./lib" for Lib\nSystem.print(1)\n')
  file('impbad/lib.nest', 'class Lib {\n  static f( { 1 }\n}\n')
  const r = unest(['run', 'main.nest'], { cwd: join(dir, 'impbad') })
  t.equal(r.status, 70)
  t.equal(r.stdout, '')
  t.match(r.stderr, /^error\[E\d{4}\]: .+\n --> lib\.nest:2:13\n/m)
  t.match(r.stderr, /^Could not compile module '\.\/lib'\.\n.*at main\.nest:1:8/m)
})

t.test('deeply nested source never shows a JS stack', async (t) => {
  const depth = 2000
  const r = unest(['run', file('nested.nest', `System.print(${'('.repeat(depth)}1${')'.repeat(depth)})\n`)])
  t.ok(r.status === 0 || r.status === 65 || r.status === 70, `exit ${r.status}`)
  t.notMatch(r.stderr, JS_STACK)
  t.notMatch(r.stderr, /^\s*at .*unest\.cjs/m)
})
