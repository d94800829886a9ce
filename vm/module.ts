// The nVM module: its in-memory shape and its versioned binary form (encode / decode).
// Decoding checks the header, the content hash and the syntax of every section; the
// semantic checks (operand ranges, stack heights, limits) are in vm/verify.ts.
//
// Layout: "NVM\0" | u16 format version | u16 flags | 32-byte SHA-256 of the payload | payload.
// Flag bit 0: the payload ends with a contract section (vm/contract/abi.ts); other bits are 0.
// The payload holds no timestamps and no absolute paths, so equal sources give equal bytes.

import { sha256 } from '@noble/hashes/sha2.js'
import { MAX_CLASSES, MAX_CODE_WORDS, MAX_CONSTANTS, MAX_FUNCTIONS, MAX_MODULE_BYTES, MAX_SYMBOLS, MAX_UNITS } from './limits.js'
import { ByteReader, ByteWriter, latin1FromBytes, bytesFromLatin1 } from './bytes-io.js'
import { readContractSection, writeContractSection, type ContractSection } from './contract/abi.js'

export const MAGIC = [0x4e, 0x56, 0x4d, 0x00] as const
export const FORMAT_VERSION = 1
const HEADER_SIZE = 4 + 2 + 2 + 32
const FLAG_CONTRACT = 1

export const enum FnKind {
  /** A module unit's top-level code. */
  Script = 0,
  /** A closure: block argument or Fn.new body. */
  Fn = 1,
  /** A method bound to a class; may touch fields and call super. */
  Method = 2,
}

/** Constants: Num, String (a byte string), Int (bigint) or Bytes. */
export type Constant = number | string | bigint | Uint8Array

export interface Capture {
  /** true: a slot of the creating frame; false: one of its own captures. */
  readonly local: boolean
  readonly index: number
}

export interface ModuleFunction {
  readonly name: string
  readonly kind: FnKind
  readonly unit: number
  readonly arity: number
  readonly captures: readonly Capture[]
  /** Binary form: opcode then its operands, one word each. Jump targets are instruction indexes. */
  readonly code: readonly number[]
  /** Per instruction: 1-based source line and column (0 when unknown). */
  readonly lines: readonly number[]
  readonly cols: readonly number[]
}

export interface ModuleUnit {
  /** Module name as imported, relative to the entry file ("main" for the entry). */
  readonly name: string
  /** Entry function; MISSING_UNIT or BROKEN_UNIT when there is none (importing it aborts). */
  readonly main: number
  readonly vars: readonly string[]
}

/** A unit whose source was not found: importing it aborts with "Could not load module". */
export const MISSING_UNIT = -1
/** A unit whose source did not compile: importing it aborts with "Could not compile module". */
export const BROKEN_UNIT = -2

export interface ModuleClass {
  readonly name: string
  /** Fields the class itself declares (inherited ones are added at run time). */
  readonly numFields: number
}

export interface Module {
  readonly constants: readonly Constant[]
  readonly symbols: readonly string[]
  readonly classes: readonly ModuleClass[]
  /** units[0] is the entry unit. */
  readonly units: readonly ModuleUnit[]
  readonly functions: readonly ModuleFunction[]
  /** Present when the program was compiled as a contract: its classes' ABI. */
  readonly contract?: ContractSection
}

export class ModuleFormatError {
  constructor(readonly message: string) {}
}

const enum ConstTag {
  Num = 0,
  Str = 1,
  Int = 2,
  Bytes = 3,
}

function writePayload(m: Module, w: ByteWriter): void {
  w.uvar(m.constants.length)
  for (const c of m.constants) {
    if (typeof c === 'number') {
      w.u8(ConstTag.Num)
      w.f64(c)
    } else if (typeof c === 'string') {
      w.u8(ConstTag.Str)
      w.blob(bytesFromLatin1(c))
    } else if (typeof c === 'bigint') {
      w.u8(ConstTag.Int)
      w.blob(bigintToBytes(c))
    } else {
      w.u8(ConstTag.Bytes)
      w.blob(c)
    }
  }
  w.uvar(m.symbols.length)
  for (const s of m.symbols) w.str(s)
  w.uvar(m.classes.length)
  for (const c of m.classes) {
    w.str(c.name)
    w.uvar(c.numFields)
  }
  w.uvar(m.units.length)
  for (const u of m.units) {
    w.str(u.name)
    w.uvar(u.main + 2)
    w.uvar(u.vars.length)
    for (const v of u.vars) w.str(v)
  }
  w.uvar(m.functions.length)
  for (const f of m.functions) {
    w.str(f.name)
    w.u8(f.kind)
    w.uvar(f.unit)
    w.uvar(f.arity)
    w.uvar(f.captures.length)
    for (const c of f.captures) w.uvar(c.index * 2 + (c.local ? 1 : 0))
    w.uvar(f.code.length)
    for (const word of f.code) w.uvar(word)
    w.uvar(f.lines.length)
    let line = 0
    for (let i = 0; i < f.lines.length; i++) {
      w.svar(f.lines[i] - line)
      line = f.lines[i]
      w.uvar(f.cols[i])
    }
  }
  if (m.contract) writeContractSection(m.contract, w)
}

export function encodeModule(m: Module): Uint8Array {
  const w = new ByteWriter()
  writePayload(m, w)
  const payload = w.finish()
  const out = new Uint8Array(HEADER_SIZE + payload.length)
  out.set(MAGIC, 0)
  out[4] = FORMAT_VERSION & 0xff
  out[5] = FORMAT_VERSION >> 8
  out[6] = m.contract ? FLAG_CONTRACT : 0
  out.set(sha256(payload), 8)
  out.set(payload, HEADER_SIZE)
  return out
}

/** Re-stamps the content hash after the payload was edited (tests and fuzzing). */
export function restampModule(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  if (out.length >= HEADER_SIZE) out.set(sha256(out.subarray(HEADER_SIZE)), 8)
  return out
}

export function moduleHash(bytes: Uint8Array): string {
  return hex(bytes.subarray(8, 8 + 32))
}

export function decodeModule(bytes: Uint8Array): Module | ModuleFormatError {
  try {
    return decodeOrThrow(bytes)
  } catch (e) {
    if (e instanceof ModuleFormatError) return e
    throw e
  }
}

function fail(message: string): never {
  throw new ModuleFormatError(message)
}

function decodeOrThrow(bytes: Uint8Array): Module {
  if (bytes.length > MAX_MODULE_BYTES) fail(`module is ${bytes.length} bytes, above the limit of ${MAX_MODULE_BYTES}`)
  if (bytes.length < HEADER_SIZE) fail('not an nVM module: too short for a header')
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) fail('not an nVM module: bad magic number')
  const version = bytes[4] | (bytes[5] << 8)
  if (version !== FORMAT_VERSION) fail(`unsupported module format version ${version} (this nVM reads version ${FORMAT_VERSION})`)
  if ((bytes[6] & ~FLAG_CONTRACT) !== 0 || bytes[7] !== 0) fail('unknown header flags')
  const payload = bytes.subarray(HEADER_SIZE)
  const hash = sha256(payload)
  for (let i = 0; i < 32; i++) if (hash[i] !== bytes[8 + i]) fail('content hash does not match: the module is corrupt')

  const r = new ByteReader(payload, (m) => fail(m))
  const constants: Constant[] = []
  const nConst = r.count(MAX_CONSTANTS, 'constants')
  for (let i = 0; i < nConst; i++) {
    const tag = r.u8()
    switch (tag) {
      case ConstTag.Num:
        constants.push(canonicalNum(r.f64()))
        break
      case ConstTag.Str:
        constants.push(latin1FromBytes(r.blob()))
        break
      case ConstTag.Int: {
        const b = r.blob()
        if (b.length > 32) fail('Int constant wider than 256 bits')
        if (b.length > 0 && b[0] === 0) fail('Int constant is not minimally encoded')
        constants.push(bytesToBigint(b))
        break
      }
      case ConstTag.Bytes:
        constants.push(r.blob().slice())
        break
      default:
        fail(`unknown constant tag ${tag}`)
    }
  }
  const symbols: string[] = []
  const nSym = r.count(MAX_SYMBOLS, 'method names')
  for (let i = 0; i < nSym; i++) symbols.push(r.str())
  const classes: ModuleClass[] = []
  const nClass = r.count(MAX_CLASSES, 'classes')
  for (let i = 0; i < nClass; i++) classes.push({ name: r.str(), numFields: r.uvar() })
  const units: ModuleUnit[] = []
  const nUnit = r.count(MAX_UNITS, 'units')
  if (nUnit === 0) fail('a module needs at least one unit')
  for (let i = 0; i < nUnit; i++) {
    const name = r.str()
    const main = r.uvar() - 2
    const nVars = r.count(1 << 16, 'unit variables')
    const vars: string[] = []
    for (let j = 0; j < nVars; j++) vars.push(r.str())
    units.push({ name, main, vars })
  }
  const functions: ModuleFunction[] = []
  const nFn = r.count(MAX_FUNCTIONS, 'functions')
  for (let i = 0; i < nFn; i++) {
    const name = r.str()
    const kind = r.u8()
    if (kind > FnKind.Method) fail(`function ${i}: unknown kind ${kind}`)
    const unit = r.uvar()
    const arity = r.uvar()
    const nCap = r.count(1 << 16, 'captures')
    const captures: Capture[] = []
    for (let j = 0; j < nCap; j++) {
      const c = r.uvar()
      captures.push({ local: (c & 1) === 1, index: Math.floor(c / 2) })
    }
    const nCode = r.count(MAX_CODE_WORDS, 'code words')
    const code: number[] = new Array(nCode)
    for (let j = 0; j < nCode; j++) code[j] = r.uvar()
    const nLines = r.count(MAX_CODE_WORDS, 'line entries')
    const lines: number[] = new Array(nLines)
    const cols: number[] = new Array(nLines)
    let line = 0
    for (let j = 0; j < nLines; j++) {
      line += r.svar()
      if (line < 0) fail(`function ${i}: negative line number`)
      lines[j] = line
      cols[j] = r.uvar()
    }
    functions.push({ name, kind, unit, arity, captures, code, lines, cols })
  }
  const contract = (bytes[6] & FLAG_CONTRACT) !== 0 ? readContractSection(r, fail) : undefined
  if (!r.atEnd()) fail(`${r.remaining()} trailing bytes after the last section`)
  return contract ? { constants, symbols, classes, units, functions, contract } : { constants, symbols, classes, units, functions }
}

/** One NaN for all: module bytes and state must not depend on a NaN's payload. */
export function canonicalNum(n: number): number {
  return Number.isNaN(n) ? NaN : n
}

/** Minimal big-endian bytes (none for 0). Stored balances go through here: small values
 *  take the Number path. */
export function bigintToBytes(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0)
  if (v <= 0x1fffffffffffffn) {
    let x = Number(v)
    let n = 0
    for (let y = x; y > 0; y = Math.floor(y / 256)) n++
    const out = new Uint8Array(n)
    for (let i = n - 1; i >= 0; i--, x = Math.floor(x / 256)) out[i] = x % 256
    return out
  }
  let n = 0
  for (let x = v; x > 0n; x >>= 8n) n++
  const out = new Uint8Array(n)
  for (let i = n - 1, x = v; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn)
  return out
}

export function bytesToBigint(b: Uint8Array): bigint {
  if (b.length === 0) return 0n
  if (b.length <= 6) {
    let x = 0
    for (let i = 0; i < b.length; i++) x = x * 256 + b[i]
    return BigInt(x)
  }
  return BigInt('0x' + hex(b))
}

export function hex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16)
  return s
}
