// Builds the `unest` bin into dist/ (run by `npm ci` through `prepare`, and by `npm run
// build`), so it starts without a TypeScript loader and without compiling its own code:
//   dist/unest.cjs        the CLI (cli/main.ts) bundled and minified, ending in a build tag
//   dist/unest.cjs.cache  V8's code cache for it, made by a warm run of the bin below
//   dist/unest.js         the bin: a small launcher (cli/launcher.ts) using that cache
//   dist/package.json     marks dist/ as CommonJS, which Node loads faster than ESM
//   dist/testing.cjs      `unest/testing` (testing/index.ts): the local chain for TS tests
// Not a general build system. No network; every file is written whole, then renamed, so
// a concurrent build (two test files) or an interrupted one never leaves a torn file. If
// the warm run fails the build still succeeds, without a cache (test/cli/ will fail).
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** A program touching what most runs touch (lexer, parser, codegen, loader, core classes),
 *  so the functions it compiles are the ones the cache holds. */
const WARM_PROGRAM = `class Point {
  construct new(x, y) {
    _x = x
    _y = y
  }
  +(o) { Point.new(_x + o.x, _y + o.y) }
  x { _x }
  y { _y }
  toString { "(%(_x), %(_y))" }
}
var total = 0
for (i in 1..10) if (i % 2 == 0) total = total + i else continue
var words = {"a": 1, "b": 2}
var f = Fiber.new { Fiber.abort("no") }
System.print([Point.new(1, 2) + Point.new(3, 4), total, words["b"], f.try(), 7n * 6n, x"00ff".count])
System.print("done".map { |c| c }.join("-"))
`
const WARM_OUTPUT = '[(4, 6), 30, 2, no, 42, 2]\nd-o-n-e\n'

async function bundle(entry, extra) {
  const out = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    ...extra,
  })
  return out.outputFiles[0].text
}

function writeWhole(name, data, mode) {
  const path = join(dist, name)
  const part = `${path}.${process.pid}.part`
  writeFileSync(part, data)
  if (mode) chmodSync(part, mode)
  renameSync(part, path)
}

/** The bin's `#!` line. `--v8-pool-size=0` sizes V8's worker pool to the machine (cores - 1)
 *  instead of Node's fixed 4: on 2 cores, four background threads optimizing hot Nest
 *  functions took the main thread's core (delta_blue went from 3.6× to 3.2× of Wren). A Node
 *  option, not a V8 flag, so the code cache below still applies. */
const SHEBANG = '#!/usr/bin/env -S node --v8-pool-size=0'

const cli = await bundle('cli/main.ts', { minify: true, define: { __UNEST_VERSION__: JSON.stringify(pkg.version) } })
const tag = createHash('sha256').update(cli).digest('hex')
const launcher = await bundle('cli/launcher.ts', { minifySyntax: true, banner: { js: SHEBANG } })

mkdirSync(dist, { recursive: true })
writeWhole('package.json', JSON.stringify({ type: 'commonjs' }) + '\n')
writeWhole('unest.cjs', `${cli}\n//# unest-build ${tag}\n`)
writeWhole('unest.js', launcher, 0o755)
writeWhole('testing.cjs', await bundle('testing/index.ts', {}))

// The warm run, in a folder of its own and with the user's Node options left out: V8
// rejects a cache made under other V8 flags.
const bin = join(dist, 'unest.js')
const cacheFile = join(dist, 'unest.cjs.cache')
const env = { ...process.env }
delete env.NODE_OPTIONS
const work = mkdtempSync(join(tmpdir(), 'unest-build-'))
try {
  writeFileSync(join(work, 'warm.nest'), WARM_PROGRAM)
  const warm = spawnSync(process.execPath, [bin, 'run', 'warm.nest'], { cwd: work, encoding: 'utf8', env: { ...env, UNEST_WRITE_CODE_CACHE: cacheFile } })
  if (warm.status !== 0 || warm.stdout !== WARM_OUTPUT) {
    // The bin works without a cache, only slower; the tests will say what broke.
    rmSync(cacheFile, { force: true })
    console.warn(`build: warning: the warm run of the bin failed (exit ${warm.status}), so no code cache:\n${warm.stdout}${warm.stderr}`)
  } else {
    const check = spawnSync(process.execPath, [bin, '--version'], { cwd: work, encoding: 'utf8', env: { ...env, UNEST_REPORT_CODE_CACHE: '1' } })
    if (!check.stderr.includes('code cache: accepted')) console.warn(`build: warning: the code cache is not used, start-up will be slower (${check.stderr.trim()})`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
