// The compiler's entry point: source text in, an nVM module and diagnostics out.
// Imports are linked in at compile time: every module a program imports becomes a unit
// of the one module file. The host supplies module sources by name; no IO happens here.

import type { IRecognitionException } from 'chevrotain'
import { AstBuilder } from './ast-builder.js'
import { UnitCompiler } from './codegen.js'
import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js'
import { tokenize } from './lexer.js'
import { ModuleBuilder, type ModuleLimits } from './module-builder.js'
import { resolveImport } from './module-names.js'
import { parseTokens } from './parser.js'
import { Damage, onePerLine } from './damage.js'
import { Source } from './source.js'
import type * as A from './ast.js'
import { BROKEN_UNIT, encodeModule, type Module } from '../vm/module.js'
import { MAX_SOURCE_BYTES } from '../vm/limits.js'
import type { AbiClass } from '../vm/contract/abi.js'

export interface CompileHost {
  /** The source of a module by name (see compiler/module-names.ts), or null if none. */
  read(name: string): { readonly path: string; readonly text: string } | null
}

export interface CompileInput {
  /** The entry module's name, e.g. "./main". */
  readonly name: string
  /** The path shown in diagnostics. */
  readonly path: string
  readonly text: string
}

export interface CompileResult {
  /** Null when the entry module has errors or the module passes a limit of its own (one of
   *  MODULE_LIMIT_CODES, in whichever unit). Other errors in imported modules leave a module
   *  whose import of them aborts at run time (Wren's behaviour); they are still listed. */
  readonly module: Module | null
  readonly bytes: Uint8Array | null
  readonly diagnostics: readonly Diagnostic[]
  /** Sources by module name, for rendering diagnostics and runtime traces. */
  readonly sources: ReadonlyMap<string, Source>
}

export interface CompileOptions extends ModuleLimits {
  /** Compiling the core prelude itself (vm/core/core.nest). */
  readonly core?: boolean
  /** Constants the module may hold, if fewer than MAX_CONSTANTS (the loader's limit): a
   *  host that wants smaller modules, or a test that reaches the limit without a
   *  million literals. */
  readonly maxConstants?: number
  /** Bytes of one source file, if fewer than MAX_SOURCE_BYTES. */
  readonly maxSourceBytes?: number
  /** Compile a contract program (docs/contracts.md): contract names are implicit, contract
   *  rules apply, the module carries its ABI, and any error anywhere means no module. */
  readonly contract?: boolean
  /** Compile a Nest test program (`unest test`): a contract program that also sees Test and
   *  Assert, whose `setUp` and `test*` methods the runner calls. Implies `contract`. */
  readonly test?: boolean
}

/** The module's own limits (vm/limits.ts, and the verifier's stack limits) and the size of
 *  a source. Passing one in any unit means no module: the program needs more than a module
 *  holds, even where an import that does not compile for another reason would be left out
 *  (and fail where it is imported). */
const MODULE_LIMIT_CODES: ReadonlySet<DiagnosticCode> = new Set(['E0057', 'E0058', 'E0059', 'E0060', 'E0061', 'E0062', 'E0063', 'E0064', 'E0065', 'E0066'])

export interface ParsedUnit {
  readonly source: Source
  readonly program: A.Program
  /** Syntax and lexical diagnostics, at most one per line. */
  readonly diagnostics: Diagnostic[]
  /** Where those left the tree unreliable: later passes' diagnostics there are dropped. */
  readonly damage: Damage
}

/** Lexes, parses and builds the AST of one source; never throws on bad input. A source
 *  above `maxBytes` (at most MAX_SOURCE_BYTES) is not lexed: it gets one diagnostic. */
export function parseSource(source: Source, maxBytes = MAX_SOURCE_BYTES): ParsedUnit {
  const limit = Math.min(maxBytes, MAX_SOURCE_BYTES)
  const bytes = utf8Length(source.text)
  if (bytes > limit) {
    const program: A.Program = { stmts: [], span: { start: 0, end: 0 } }
    const diagnostics = [diagnostic('E0066', source, { start: 0, end: 0 }, [bytes, limit], { help: 'split it into modules that import each other' })]
    return { source, program, diagnostics, damage: new Damage(source, { name: 'program', children: {} }, [], diagnostics) }
  }
  const syntax: Diagnostic[] = []
  const text = source.text.charCodeAt(0) === 0xfeff ? ' ' + source.text.slice(1) : source.text
  const lexed = tokenize(text)
  for (const p of lexed.problems) syntax.push(diagnostic(p.code, source, { start: p.start, end: p.end }, p.args))
  const parsed = parseTokens(lexed.tokens)
  for (const e of parsed.errors) syntax.push(syntaxDiagnostic(e, source))
  const built: Diagnostic[] = []
  let program = new AstBuilder(source, built).program(parsed.cst)
  const deep = deepestNode(program)
  if (deep) {
    syntax.push(diagnostic('E0020', source, { start: deep.span.start, end: deep.span.start + 1 }, ['Expression is nested too deeply.']))
    // The later passes recurse over the tree: give them none.
    program = { stmts: [], span: program.span }
  }
  const damage = new Damage(source, parsed.cst, parsed.errors, syntax)
  const diagnostics = onePerLine([...syntax, ...built.filter((d) => !damage.covers(d))])
  damage.addLines(diagnostics)
  return { source, program, diagnostics, damage }
}

/** Bytes of `text` in UTF-8, what its file holds; counted without encoding it. */
function utf8Length(text: string): number {
  let n = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // Two bytes up to U+07FF, three up to U+FFFF; a surrogate pair's two units make four.
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1
  }
  return n
}

/**
 * How deep the syntax tree may be. The parser bounds nesting (MAX_NESTING in parser.ts) but
 * not the length of operator and call chains, which build left-deep trees; the compiler's
 * passes recurse over the tree, so its depth is bounded here, far inside a JS stack.
 */
export const MAX_TREE_DEPTH = 1000

/** The first node found deeper than MAX_TREE_DEPTH, or null; walks without recursing. */
function deepestNode(program: A.Program): A.Node | null {
  const work: [unknown, number][] = [[program, 0]]
  while (work.length > 0) {
    const [v, depth] = work.pop()!
    if (Array.isArray(v)) {
      for (const x of v) work.push([x, depth])
      continue
    }
    if (typeof v !== 'object' || v === null || !('span' in v)) continue
    if (depth > MAX_TREE_DEPTH) return v as A.Node
    for (const [key, child] of Object.entries(v)) {
      if (key !== 'span' && typeof child === 'object' && child !== null) work.push([child, depth + 1])
    }
  }
  return null
}

function syntaxDiagnostic(e: IRecognitionException, source: Source): Diagnostic {
  const t = e.token
  const eof = t.tokenType?.name === 'EOF' || Number.isNaN(t.startOffset)
  const start = eof ? Math.max(0, source.text.length - 1) : t.startOffset
  const end = eof ? source.text.length : (t.endOffset ?? t.startOffset) + 1
  const message = e.message
  const code = SYNTAX_CODES.find(([prefix]) => message.startsWith(prefix))?.[1] ?? 'E0020'
  return diagnostic(code, source, { start, end }, [message])
}

/** Parser messages (compiler/parser.ts) that have a code of their own; the rest are E0020,
 *  which shows the message itself. */
const SYNTAX_CODES: readonly (readonly [string, DiagnosticCode])[] = [
  ['Expected expression', 'E0021'],
  ['Expect newline after statement', 'E0022'],
  ['Expect method definition', 'E0023'],
  ['Expect a Bool, Num, String or Identifier literal for an attribute value', 'E0025'],
  ['Expect end of string interpolation', 'E0028'],
]

export function compile(entry: CompileInput, host: CompileHost | null, opts: CompileOptions = {}): CompileResult {
  const builder = new ModuleBuilder(opts.maxConstants, opts)
  const sources = new Map<string, Source>()
  const diagnostics: Diagnostic[] = []
  const unitIndex = new Map<string, number>()
  const queue: string[] = []

  /** The unit's index, or -1 when the module holds the maximum number of units. */
  const registerUnit = (name: string): number => {
    let i = unitIndex.get(name)
    if (i === undefined) {
      i = builder.addUnit(name)
      if (i < 0) return i
      unitIndex.set(name, i)
      queue.push(name)
    }
    return i
  }
  registerUnit(entry.name)
  /** No module comes out: the entry unit has errors, or the module passed a limit. */
  let failed = false
  if (opts.test && !opts.contract) opts = { ...opts, contract: true }
  const contractClasses: AbiClass[] = []
  const entryClasses: AbiClass[] = []

  for (let q = 0; q < queue.length; q++) {
    const name = queue[q]
    const index = unitIndex.get(name)!
    const found = q === 0 ? entry : host?.read(name) ?? null
    // A missing import is a runtime error where the import runs, as in Wren.
    if (!found) {
      if (opts.contract) {
        diagnostics.push(diagnostic('E0071', sources.get(entry.name)!, { start: 0, end: 0 }, [name]))
        failed = true
      }
      continue
    }
    const source = new Source(found.path, found.text)
    sources.set(name, source)
    const parsed = parseSource(source, opts.maxSourceBytes)
    const ctx = {
      builder,
      source,
      unitIndex: index,
      unitName: name,
      importUnit: (path: string) => registerUnit(resolveImport(name, path)),
      isCore: opts.core === true,
      test: opts.test === true,
    }
    const abi: AbiClass[] | null = opts.contract ? [] : null
    // Pass 1 analyses (errors, capture facts) against scratch tables; pass 2 emits.
    const semantic: Diagnostic[] = []
    const analysis = new UnitCompiler({ ...ctx, builder: new ModuleBuilder(opts.maxConstants, opts), contract: opts.contract ? [] : null }, semantic, null).compile(parsed.program)
    const unitDiags = [...parsed.diagnostics, ...semantic.filter((d) => !parsed.damage.covers(d))]
    diagnostics.push(...unitDiags)
    if (unitDiags.length > 0) {
      // As in Wren, an imported module that does not compile fails where it is imported.
      builder.units[index].main = BROKEN_UNIT
      if (q === 0 || opts.contract || unitDiags.some((d) => MODULE_LIMIT_CODES.has(d.code))) failed = true
      continue
    }
    if (failed) continue
    // Only what depends on the units before this one can fail here: the module's limits.
    const emitted: Diagnostic[] = []
    const unit = new UnitCompiler({ ...ctx, contract: abi }, emitted, analysis.facts).compile(parsed.program)
    if (emitted.length > 0) {
      diagnostics.push(...emitted)
      failed = true
      continue
    }
    builder.units[index].main = unit.main
    builder.units[index].vars = unit.vars
    if (abi) {
      if (q === 0 && abi.length === 0) {
        diagnostics.push(diagnostic('E0070', source, { start: 0, end: 0 }, [], { help: 'declare `class Name is Contract { ... }`' }))
        failed = true
      }
      // Imported contracts first: the section's last class is the entry unit's last, the
      // one a deploy of this module creates.
      if (q === 0) entryClasses.push(...abi)
      else contractClasses.push(...abi)
    }
  }

  if (failed) return { module: null, bytes: null, diagnostics, sources }
  const built = builder.build()
  const module: Module = opts.contract ? { ...built, contract: { classes: [...contractClasses, ...entryClasses], ...(opts.test ? { test: true } : {}) } } : built
  const bytes = encodeModule(module)
  if (bytes.length > builder.maxModuleBytes) {
    // A sum over every unit: no one construct passes it, so it points at the program's start.
    const help = 'move large string or Bytes literals out of the program, or split it into programs'
    diagnostics.push(diagnostic('E0065', sources.get(entry.name)!, { start: 0, end: 0 }, [bytes.length, builder.maxModuleBytes], { help }))
    return { module: null, bytes: null, diagnostics, sources }
  }
  return { module, bytes, diagnostics, sources }
}
