// The `unest` bin as shipped (dist/unest.js): loads the bundled CLI (dist/unest.cjs) with
// the V8 code cache that scripts/build.mjs wrote beside it, so start-up skips parsing and
// compiling most of the bundle. Not the CLI itself (cli/main.ts). Without a usable cache
// (missing, from another Node version, or from another build) it loads the bundle plainly.

import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { Script } from 'node:vm'

/** The build tag ends the bundle (`//# unest-build <hex>`) and starts the cache file, so a
 *  cache is only used with the bundle it was made from: V8 itself checks just the length. */
const TAG_PREFIX = '\n//# unest-build '
const TAG_BYTES = 64

// Built as CommonJS (dist/package.json says so), for the few ms Node's ESM loader costs.
const dir = __dirname
const file = join(dir, 'unest.cjs')
const cacheFile = file + '.cache'
const source = readFileSync(file, 'utf8')
const tagAt = source.lastIndexOf(TAG_PREFIX)
const tag = tagAt < 0 ? '' : source.slice(tagAt + TAG_PREFIX.length, tagAt + TAG_PREFIX.length + TAG_BYTES)

let cachedData: Buffer | undefined
try {
  const cache = readFileSync(cacheFile)
  if (tag.length === TAG_BYTES && cache.toString('latin1', 0, TAG_BYTES) === tag) cachedData = cache.subarray(TAG_BYTES)
} catch {
  // No cache: a plain load, as slow as any bundle.
}

// The same wrapper Node gives a CommonJS module, so the bundle runs as it would if required.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: file,
  cachedData,
})

if (process.env.UNEST_REPORT_CODE_CACHE) {
  process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`)
}

// The build's warm run: after the CLI did its work, save the code V8 compiled for it.
const train = process.env.UNEST_WRITE_CODE_CACHE
if (train && tag.length === TAG_BYTES) {
  process.once('exit', () => {
    const part = `${train}.${process.pid}`
    writeFileSync(part, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]))
    renameSync(part, train)
  })
}

// A smaller inlining budget than V8's default lets V8 optimize compiled Nest code sooner
// (vm/jit.ts): delta_blue 3.2× → 3.0× of Wren. Set once the cache is read, since V8 checks a
// cache against the flags; not in the warm run, whose cache must match a plain start.
if (!train) setFlagsFromString('--max-inlined-bytecode-size-cumulative=460')

const mod = { exports: {} }
script.runInThisContext()(mod.exports, createRequire(file), mod, file, dir)
