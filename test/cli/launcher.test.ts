// The shipped bin's launcher (cli/launcher.ts): it loads the bundle with the V8 code cache
// the build wrote, and still runs, the same, when that cache is missing, corrupt or from
// another build. Checks what the launcher reports, never how long anything takes.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { BIN, ROOT, ensureBuilt, plainEnv } from './bin.js'

ensureBuilt()
const dist = join(ROOT, 'dist')
const dir = mkdtempSync(join(tmpdir(), 'unest-launcher-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'one.nest'), 'System.print("one")\n')

function runBin(bin: string) {
  const r = spawnSync(process.execPath, [bin, 'run', 'one.nest'], { cwd: dir, encoding: 'utf8', env: plainEnv({ UNEST_REPORT_CODE_CACHE: '1' }) })
  return { status: r.status, stdout: r.stdout, cache: /^code cache: (\w+)$/m.exec(r.stderr)?.[1] ?? r.stderr }
}

/** A copy of dist/ to tamper with. */
function copyDist(name: string): string {
  const to = join(dir, name)
  mkdirSync(to, { recursive: true })
  for (const f of ['unest.js', 'unest.cjs', 'unest.cjs.cache', 'package.json']) copyFileSync(join(dist, f), join(to, f))
  return to
}

t.test('the built bin uses its code cache', async (t) => {
  t.same(runBin(BIN), { status: 0, stdout: 'one\n', cache: 'accepted' })
  const tag = /\n\/\/# unest-build ([0-9a-f]{64})\n$/.exec(readFileSync(join(dist, 'unest.cjs'), 'latin1'))
  t.ok(tag, 'the bundle ends in its build tag')
  t.equal(readFileSync(join(dist, 'unest.cjs.cache')).toString('latin1', 0, 64), tag?.[1], 'the cache starts with the same tag')
})

t.test('without a cache the bin runs the same', async (t) => {
  const d = copyDist('no-cache')
  unlinkSync(join(d, 'unest.cjs.cache'))
  t.same(runBin(join(d, 'unest.js')), { status: 0, stdout: 'one\n', cache: 'none' })
})

t.test('a corrupt cache is rejected by V8 and the bin runs the same', async (t) => {
  const d = copyDist('corrupt-cache')
  const cache = readFileSync(join(d, 'unest.cjs.cache'))
  cache.fill(0x5a, 64 + 16)
  writeFileSync(join(d, 'unest.cjs.cache'), cache)
  t.same(runBin(join(d, 'unest.js')), { status: 0, stdout: 'one\n', cache: 'rejected' })
})

t.test('a cache from another build is not used', async (t) => {
  // Same length, different bundle: V8 alone would accept it (it checks the length only).
  const d = copyDist('other-build')
  const bundle = readFileSync(join(d, 'unest.cjs'), 'latin1')
  const tagAt = bundle.lastIndexOf('//# unest-build ') + '//# unest-build '.length
  const flipped = bundle[tagAt] === '0' ? '1' : '0'
  writeFileSync(join(d, 'unest.cjs'), bundle.slice(0, tagAt) + flipped + bundle.slice(tagAt + 1), 'latin1')
  t.same(runBin(join(d, 'unest.js')), { status: 0, stdout: 'one\n', cache: 'none' })
})

t.test('the bin runs through a symlink, as npm links it', async (t) => {
  const link = join(dir, 'unest-link')
  symlinkSync(BIN, link)
  t.same(runBin(link), { status: 0, stdout: 'one\n', cache: 'accepted' })
  // Executed itself, as a shell runs it: its #! line starts Node with the bin's options.
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`
  const r = spawnSync(link, ['run', 'one.nest'], { cwd: dir, encoding: 'utf8', env: plainEnv({ UNEST_REPORT_CODE_CACHE: '1', PATH: path }) })
  t.same({ status: r.status, stdout: r.stdout, stderr: r.stderr }, { status: 0, stdout: 'one\n', stderr: 'code cache: accepted\n' })
})
