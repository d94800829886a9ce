// The binary module format (vm/module.ts): compiled modules round-trip exactly, and the
// decoder refuses a bad header, a wrong content hash and every malformed section with an
// error that names what is wrong.

import t from 'tap'
import { compile } from '../../compiler/compile.js'
import { ByteWriter } from '../../vm/bytes-io.js'
import { loadModule, LoadError } from '../../vm/loader.js'
import { MAX_CLASSES, MAX_CODE_WORDS, MAX_CONSTANTS, MAX_FUNCTIONS, MAX_MODULE_BYTES, MAX_SYMBOLS, MAX_UNITS } from '../../vm/limits.js'
import { decodeModule, encodeModule, FORMAT_VERSION, moduleHash, ModuleFormatError, restampModule, type Module } from '../../vm/module.js'
import { compileCorpusFile, corpus } from '../fuzz/corpus.js'

function compiled(text: string): Uint8Array {
  const r = compile({ name: './main', path: 'main.nest', text }, null)
  if (!r.bytes) throw new Error(`does not compile: ${r.diagnostics.map((d) => d.message).join('; ')}`)
  return r.bytes
}

const SAMPLE = compiled(`
class Point {
  construct new(x, y) {
    _x = x
    _y = y
  }
  +(o) { Point.new(_x + o.x, _y + o.y) }
  x { _x }
  y { _y }
  toString { "(%(_x), %(_y))" }
}
var total = 0n
for (i in 1..3) total = total + Int.fromNum(i)
var f = Fn.new { |p| p + Point.new(1, -0.5) }
System.print(f.call(Point.new(2, 3)))
System.print([total, x"00ff", "é", 1e300, -0, 0xffn])
`)

function decoded(bytes: Uint8Array): Module {
  const m = decodeModule(bytes)
  if (m instanceof ModuleFormatError) throw new Error(m.message)
  return m
}

/** The decoder's complaint about `bytes`, or null when it accepts them. */
function formatError(bytes: Uint8Array): string | null {
  const m = decodeModule(bytes)
  return m instanceof ModuleFormatError ? m.message : null
}

/** A module file around a hand-written payload, with a valid header and hash. */
function framed(write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter()
  write(w)
  const payload = w.finish()
  const out = new Uint8Array(40 + payload.length)
  out.set(SAMPLE.subarray(0, 8))
  out.set(payload, 40)
  return restampModule(out)
}

/** The payload of a module with no constants, names or classes, one unit, one function. */
function minimal(w: ByteWriter, fn: (w: ByteWriter) => void = script): void {
  w.uvar(0) // constants
  w.uvar(0) // method names
  w.uvar(0) // classes
  w.uvar(1) // units
  w.str('main')
  w.uvar(0 + 2) // entry: function 0
  w.uvar(0) // variables
  w.uvar(1) // functions
  fn(w)
}

/** A script function: NULL, RETURN. */
function script(w: ByteWriter): void {
  w.str('(script)')
  w.u8(0) // kind
  w.uvar(0) // unit
  w.uvar(0) // arity
  w.uvar(0) // captures
  w.uvar(2) // code words
  w.uvar(1) // NULL
  w.uvar(51) // RETURN
  w.uvar(2) // line entries
  w.svar(1)
  w.uvar(1)
  w.svar(0)
  w.uvar(1)
}

t.test('compiled modules round-trip byte for byte', async (t) => {
  const m = decoded(SAMPLE)
  t.same(encodeModule(m), SAMPLE, 'encode(decode(bytes)) is the same bytes')
  const direct = compile({ name: './main', path: 'main.nest', text: 'System.print(1)' }, null)
  t.same(decoded(direct.bytes!), direct.module, 'decode(bytes) is the module the compiler built')
  t.equal(moduleHash(SAMPLE).length, 64, 'the hash is SHA-256 in hex')
  t.not(moduleHash(SAMPLE), moduleHash(compiled('System.print(2)')), 'different modules hash differently')
})

t.test('every language case that compiles round-trips', async (t) => {
  let n = 0
  for (const f of corpus()) {
    const bytes = compileCorpusFile(f)
    if (!bytes) continue
    n++
    const again = encodeModule(decoded(bytes))
    if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) t.fail(`${f.path} does not round-trip`)
  }
  t.ok(n > 500, `${n} modules checked`)
})

t.test('constants keep their exact values', async (t) => {
  const m = decoded(SAMPLE)
  t.ok(m.constants.includes(0.5), 'a fraction')
  t.ok(m.constants.some((c) => c === 1e300), 'a large Num')
  t.ok(m.constants.includes(0xffn), 'an Int')
  t.ok(m.constants.some((c) => c instanceof Uint8Array && c.length === 2 && c[0] === 0 && c[1] === 0xff), 'Bytes')
  t.ok(m.constants.includes('\xc3\xa9'), 'a string, as its UTF-8 bytes')
  // A NaN's payload bits must not leak into a run: every NaN decodes as the one NaN.
  const nan = framed((w) => {
    w.uvar(1)
    w.u8(0)
    w.bytes(Uint8Array.of(1, 0, 0, 0, 0, 0, 0xf8, 0x7f))
    w.uvar(0)
    w.uvar(0)
    w.uvar(1)
    w.str('main')
    w.uvar(2)
    w.uvar(0)
    w.uvar(1)
    script(w)
  })
  const c = decoded(nan).constants[0]
  t.ok(typeof c === 'number' && Number.isNaN(c), 'a NaN with a payload decodes as NaN')
  const big = { ...decoded(SAMPLE), constants: [2n ** 256n - 1n, 0n, 1n] }
  t.same(decoded(encodeModule(big)).constants, [2n ** 256n - 1n, 0n, 1n], 'Int constants from 0 to 2^256-1')
})

t.test('the header is checked before anything else', async (t) => {
  const flip = (at: number, bit = 1) => {
    const b = SAMPLE.slice()
    b[at] ^= bit
    return b
  }
  t.match(formatError(flip(0)), /not an nVM module: bad magic number/, 'magic')
  t.match(formatError(flip(3)), /bad magic number/, 'the magic number ends with a zero byte')
  t.match(formatError(flip(4, 2)), new RegExp(`unsupported module format version 3 \\(this nVM reads version ${FORMAT_VERSION}\\)`), 'format version')
  t.match(formatError(flip(7)), /unknown header flags/, 'flags')
  t.match(formatError(flip(8)), /content hash does not match: the module is corrupt/, 'a flipped bit in the hash')
  t.match(formatError(flip(39, 0x80)), /content hash does not match/, 'the last byte of the hash')
  t.match(formatError(flip(SAMPLE.length - 1)), /content hash does not match/, 'a flipped bit in the payload, hash not re-stamped')
  t.match(formatError(SAMPLE.subarray(0, 39)), /too short for a header/, 'a file shorter than the header')
  t.match(formatError(new Uint8Array(0)), /too short for a header/, 'an empty file')
  t.match(formatError(new Uint8Array(MAX_MODULE_BYTES + 1)), new RegExp(`${MAX_MODULE_BYTES + 1} bytes, above the limit of ${MAX_MODULE_BYTES}`), 'a file above the size limit')
  t.equal(formatError(restampModule(SAMPLE)), null, 're-stamping an intact module changes nothing')
  t.same(restampModule(SAMPLE), SAMPLE, 're-stamping writes the same hash')
  const loaded = loadModule(flip(8))
  t.ok(loaded instanceof LoadError && loaded.stage === 'format', 'the loader reports a format error')
  t.match(String(loaded), /^invalid module \(format\): content hash does not match/, 'and says so')
})

t.test('every section is checked as it is decoded', async (t) => {
  t.equal(formatError(framed((w) => minimal(w))), null, 'the minimal module decodes')
  const cases: [string, RegExp, (w: ByteWriter) => void][] = [
    ['a payload cut short', /unexpected end of data/, (w) => w.uvar(1)],
    ['bytes after the last section', /1 trailing bytes after the last section/, (w) => (minimal(w), w.u8(0))],
    ['an unknown constant tag', /unknown constant tag 9/, (w) => (w.uvar(1), w.u8(9))],
    ['an Int constant above 256 bits', /Int constant wider than 256 bits/, (w) => (w.uvar(1), w.u8(2), w.blob(new Uint8Array(33).fill(1)))],
    ['an Int constant with a leading zero byte', /Int constant is not minimally encoded/, (w) => (w.uvar(1), w.u8(2), w.blob(Uint8Array.of(0, 1)))],
    ['a varint longer than 8 bytes', /varint too long/, (w) => w.bytes(new Uint8Array(9).fill(0x81))],
    ['a varint with a redundant zero byte', /varint is not minimally encoded/, (w) => w.bytes(Uint8Array.of(0x81, 0x00))],
    ['a varint above 2^53', /varint too large/, (w) => w.bytes(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))],
    ['a name that is not UTF-8', /name is not valid UTF-8/, (w) => (w.uvar(0), w.uvar(1), w.blob(Uint8Array.of(0xff, 0xfe)))],
    ['a module without units', /a module needs at least one unit/, (w) => (w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(0))],
    ['an unknown function kind', /function 0: unknown kind 3/, (w) => minimal(w, (w) => (w.str('f'), w.u8(3)))],
    ['a line number below 1', /function 0: negative line number/, (w) => minimal(w, (w) => (w.str('f'), w.u8(0), w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(1), w.uvar(1), w.uvar(1), w.svar(-1), w.uvar(0)))],
    ['more constants than the limit', new RegExp(`${MAX_CONSTANTS + 1} constants, above the limit of ${MAX_CONSTANTS}`), (w) => w.uvar(MAX_CONSTANTS + 1)],
    ['more method names than the limit', new RegExp(`${MAX_SYMBOLS + 1} method names, above the limit`), (w) => (w.uvar(0), w.uvar(MAX_SYMBOLS + 1))],
    ['more classes than the limit', new RegExp(`${MAX_CLASSES + 1} classes, above the limit`), (w) => (w.uvar(0), w.uvar(0), w.uvar(MAX_CLASSES + 1))],
    ['more units than the limit', new RegExp(`${MAX_UNITS + 1} units, above the limit`), (w) => (w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(MAX_UNITS + 1))],
    ['more functions than the limit', new RegExp(`${MAX_FUNCTIONS + 1} functions, above the limit`), (w) => (w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(1), w.str('main'), w.uvar(2), w.uvar(0), w.uvar(MAX_FUNCTIONS + 1))],
    ['more code words than the limit', new RegExp(`${MAX_CODE_WORDS + 1} code words, above the limit`), (w) => minimal(w, (w) => (w.str('f'), w.u8(0), w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(MAX_CODE_WORDS + 1)))],
    ['more line entries than the limit', new RegExp(`${MAX_CODE_WORDS + 1} line entries, above the limit`), (w) => minimal(w, (w) => (w.str('f'), w.u8(0), w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(0), w.uvar(MAX_CODE_WORDS + 1)))],
    ['a count larger than the data left', /1000 constants cannot fit in the remaining data/, (w) => w.uvar(1000)],
  ]
  for (const [what, message, write] of cases) t.match(formatError(framed(write)), message, what)
})
