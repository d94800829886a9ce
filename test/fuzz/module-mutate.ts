// Mutates compiled .nvm modules: byte-level edits of the payload (bit flips, byte sets,
// inserts, deletes, chunk copies) and word-level edits of a decoded module (one code word,
// operand, capture, arity, entry or table entry) re-encoded, then the content hash is
// re-stamped so the mutant gets past the hash check to the decoder and the verifier.
// A few mutants keep a stale hash or a broken header, to exercise those checks too.

import { decodeModule, encodeModule, ModuleFormatError, restampModule, type Module, type ModuleFunction } from '../../vm/module.js'
import { isBinaryOp, OPCODES } from '../../vm/opcodes.js'
import type { Prng } from './prng.js'

const HEADER_SIZE = 40
const INTERESTING = [0, 1, 2, 0x3f, 0x40, 0x7f, 0x80, 0xff]

export interface ModuleMutant {
  readonly bytes: Uint8Array
  /** What was done, for the failure report. */
  readonly log: string[]
}

export function mutateModule(rng: Prng, original: Uint8Array): ModuleMutant {
  const log: string[] = []
  const r = rng.weighted([50, 45, 5])
  if (r === 1) {
    const m = decodeModule(original)
    if (!(m instanceof ModuleFormatError)) {
      const edited = mutateWords(rng, m, log)
      return { bytes: encodeModule(edited), log }
    }
  }
  let bytes: Uint8Array = original.slice()
  const rounds = rng.chance(0.8) ? 1 : rng.between(2, 4)
  for (let i = 0; i < rounds; i++) bytes = mutateBytes(rng, bytes, log)
  if (r === 2) {
    // Header damage or a stale hash: must be refused before anything is decoded.
    const at = rng.int(Math.min(bytes.length, HEADER_SIZE))
    bytes[at] ^= 1 << rng.int(8)
    log.push(`header byte ${at} flipped, hash not re-stamped`)
    return { bytes, log }
  }
  return { bytes: restampModule(bytes), log }
}

function mutateBytes(rng: Prng, bytes: Uint8Array, log: string[]): Uint8Array {
  const n = bytes.length - HEADER_SIZE
  if (n <= 0) return bytes
  const at = HEADER_SIZE + rng.int(n)
  switch (rng.weighted([6, 3, 2, 1, 1, 1, 1])) {
    case 0: {
      // Low bits keep a one-byte varint one byte long, so the layout mostly survives.
      const bit = rng.chance(0.8) ? rng.int(7) : 7
      bytes[at] ^= 1 << bit
      log.push(`flip bit ${bit} of byte ${at}`)
      return bytes
    }
    case 1: {
      const v = rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(256)
      log.push(`set byte ${at} from ${bytes[at]} to ${v}`)
      bytes[at] = v
      return bytes
    }
    case 2: {
      const d = rng.chance(0.5) ? 1 : -1
      log.push(`add ${d} to byte ${at}`)
      bytes[at] = (bytes[at] + d) & 0xff
      return bytes
    }
    case 3: {
      const len = rng.between(1, 8)
      log.push(`delete ${len} bytes at ${at}`)
      return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + len)))
    }
    case 4: {
      const v = rng.int(256)
      log.push(`insert byte ${v} at ${at}`)
      return concat(bytes.subarray(0, at), Uint8Array.of(v), bytes.subarray(at))
    }
    case 5: {
      const from = HEADER_SIZE + rng.int(n)
      const len = rng.between(1, 16)
      log.push(`copy ${len} bytes from ${from} over ${at}`)
      const chunk = bytes.slice(from, from + len)
      bytes.set(chunk.subarray(0, Math.max(0, bytes.length - at)), at)
      return bytes
    }
    default: {
      const len = rng.between(1, 32)
      log.push(`duplicate ${len} bytes at ${at}`)
      return concat(bytes.subarray(0, at + len), bytes.subarray(at, at + len), bytes.subarray(at + len))
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Edits one field of a decoded module; the encoder then stamps a valid hash. */
function mutateWords(rng: Prng, m: Module, log: string[]): Module {
  const fns = m.functions.map((f) => ({ ...f, code: f.code.slice(), lines: f.lines.slice(), cols: f.cols.slice(), captures: f.captures.slice() }))
  const units = m.units.map((u) => ({ ...u, vars: u.vars.slice() }))
  const classes = m.classes.slice()
  const small = () => (rng.chance(0.7) ? rng.int(8) : rng.chance(0.5) ? rng.int(300) : rng.int(70000))
  const fi = rng.int(fns.length)
  const f: { -readonly [K in keyof ModuleFunction]: ModuleFunction[K] } = fns[fi]
  switch (rng.weighted([10, 1, 1, 1, 1, 1, 1, 1])) {
    case 0: {
      if (f.code.length === 0) break
      const w = rng.int(f.code.length)
      const code = f.code as number[]
      const old = code[w]
      code[w] = rng.chance(0.5) ? Math.max(0, old + (rng.chance(0.5) ? 1 : -1)) : small()
      log.push(`fn ${fi} code word ${w}: ${old} -> ${code[w]}`)
      break
    }
    case 1: {
      // Swap two instructions' words wholesale (moves a value across a branch, etc.).
      const code = f.code as number[]
      const a = rng.int(code.length)
      const b = rng.int(code.length)
      ;[code[a], code[b]] = [code[b], code[a]]
      log.push(`fn ${fi} swap code words ${a} and ${b}`)
      break
    }
    case 2:
      f.arity = small()
      log.push(`fn ${fi} arity -> ${f.arity}`)
      break
    case 3:
      f.kind = rng.int(3)
      log.push(`fn ${fi} kind -> ${f.kind}`)
      break
    case 4: {
      if (f.captures.length === 0) {
        ;(f.captures as { local: boolean; index: number }[]).push({ local: rng.chance(0.5), index: small() })
        log.push(`fn ${fi} gains a capture`)
      } else {
        const k = rng.int(f.captures.length)
        ;(f.captures as { local: boolean; index: number }[])[k] = { local: rng.chance(0.5), index: small() }
        log.push(`fn ${fi} capture ${k} -> ${JSON.stringify(f.captures[k])}`)
      }
      break
    }
    case 5: {
      const u = rng.int(units.length)
      units[u].main = rng.between(-2, fns.length)
      log.push(`unit ${u} entry -> ${units[u].main}`)
      break
    }
    case 6: {
      if (classes.length === 0) break
      const c = rng.int(classes.length)
      classes[c] = { ...classes[c], numFields: small() }
      log.push(`class ${c} fields -> ${classes[c].numFields}`)
      break
    }
    default:
      f.unit = rng.int(units.length + 1)
      log.push(`fn ${fi} unit -> ${f.unit}`)
  }
  // Keep the line table in step with the instructions, or most code edits would only
  // ever meet the line-table check.
  if (rng.chance(0.9)) fitLineTable(f)
  return { ...m, functions: fns, units, classes }
}

function fitLineTable(f: { code: readonly number[]; lines: readonly number[]; cols: readonly number[] }): void {
  let n = 0
  for (let pc = 0; pc < f.code.length; n++) {
    const op = f.code[pc]
    if (!isBinaryOp(op)) return
    pc += 1 + OPCODES[op].operands.length
  }
  const lines = f.lines as number[]
  const cols = f.cols as number[]
  while (lines.length < n) {
    lines.push(lines[lines.length - 1] ?? 1)
    cols.push(0)
  }
  lines.length = n
  cols.length = n
}
