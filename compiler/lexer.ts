// Nest's tokens and the Chevrotain lexer that produces them (built once, on first use).
// String literals are lexed by hand-written matchers: interpolation ("a %(b) c") makes
// the token stream depend on how many "(" are open, which a regular lexer cannot track.
// Literal values (numbers, string bytes) are computed here and carried as token payloads.

import { createToken, Lexer, type IToken, type TokenType, type CustomPatternMatcherReturn } from 'chevrotain'
import { MAX_INTERPOLATION_NESTING } from '../vm/limits.js'

export interface LexProblem {
  readonly code: 'E0001' | 'E0002' | 'E0003' | 'E0004' | 'E0005' | 'E0006' | 'E0007' | 'E0008' | 'E0009' | 'E0010'
  readonly args: readonly string[]
  readonly start: number
  readonly end: number
}

/** Per-tokenize state shared by the matchers. Tokenizing is synchronous, so one slot
 *  that `tokenize` fills and clears is enough; nothing survives a call. */
interface LexState {
  /** One entry per open interpolation: the "(" still waiting for their ")". */
  readonly parens: number[]
  readonly problems: LexProblem[]
  /** The last string scan, reused when several matchers look at the same offset. */
  scanAt: number
  scan: StringScan | null
}
let state: LexState | null = null

interface StringScan {
  /** Offset just past what the token covers. */
  readonly end: number
  readonly kind: 'closed' | 'interpolation' | 'unterminated'
  /** The literal's bytes as a byte string. */
  readonly value: string
  readonly problems: LexProblem[]
}

const encoder = new TextEncoder()

function pushUtf8(out: number[], cp: number): void {
  if (cp <= 0x7f) out.push(cp)
  else if (cp <= 0x7ff) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f))
  else if (cp <= 0xffff) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  else if (cp <= 0x10ffff) out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
}

function bytesToString(bytes: number[]): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.slice(i, i + 8192))
  return s
}

function hexValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 87
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 55
  return -1
}

const ESCAPES: Record<string, number> = { '"': 34, '\\': 92, '%': 37, '0': 0, a: 7, b: 8, e: 27, f: 12, n: 10, r: 13, t: 9, v: 11 }

/** Scans string content starting at `from` (just after the opening quote or the ")"
 *  that closes an interpolation) up to the closing quote or the next "%(". */
function scanString(text: string, from: number, openedAt: number): StringScan {
  const out: number[] = []
  const problems: LexProblem[] = []
  const nesting = state ? state.parens.length : 0
  let i = from
  for (;;) {
    if (i >= text.length) {
      problems.push({ code: 'E0002', args: [], start: openedAt, end: openedAt + 1 })
      return { end: i, kind: 'unterminated', value: bytesToString(out), problems }
    }
    const c = text[i]
    if (c === '"') return { end: i + 1, kind: 'closed', value: bytesToString(out), problems }
    if (c === '\r') {
      i++
      continue
    }
    if (c === '%') {
      if (nesting < MAX_INTERPOLATION_NESTING) {
        if (text[i + 1] === '(') return { end: i + 2, kind: 'interpolation', value: bytesToString(out), problems }
        problems.push({ code: 'E0007', args: [], start: i, end: i + 1 })
      } else {
        problems.push({ code: 'E0008', args: [], start: i, end: i + 1 })
      }
      out.push(37)
      i++
      continue
    }
    if (c === '\\') {
      const e = text[i + 1]
      if (e !== undefined && e in ESCAPES) {
        out.push(ESCAPES[e])
        i += 2
        continue
      }
      if (e === 'u' || e === 'U' || e === 'x') {
        const digits = e === 'u' ? 4 : e === 'U' ? 8 : 2
        const what = e === 'x' ? 'byte' : 'Unicode'
        let value = 0
        let j = i + 2
        let ok = true
        for (let k = 0; k < digits; k++) {
          const d = text[j]
          if (d === undefined || d === '"') {
            problems.push({ code: 'E0005', args: [what], start: i, end: j })
            ok = false
            break
          }
          const h = hexValue(d)
          if (h < 0) {
            problems.push({ code: 'E0006', args: [what], start: i, end: j + 1 })
            ok = false
            break
          }
          value = value * 16 + h
          j++
        }
        if (ok) {
          if (e === 'x') out.push(value)
          else pushUtf8(out, value)
        }
        i = j
        continue
      }
      // Wren consumes the bad character and goes on.
      problems.push({ code: 'E0004', args: [e ?? ''], start: i, end: i + 2 })
      i += e === undefined ? 1 : 2
      continue
    }
    const cp = text.codePointAt(i)!
    pushUtf8(out, cp)
    i += cp > 0xffff ? 2 : 1
  }
}

/** Wren's raw string rules: """...""", no escapes, and a first or last line holding
 *  only whitespace is dropped. */
function scanRawString(text: string, offset: number): StringScan {
  const bytes: number[] = []
  const problems: LexProblem[] = []
  let i = offset + 3
  let skipStart = 0
  let firstNewline = -1
  let skipEnd = -1
  let lastNewline = -1
  for (;;) {
    const c = text[i] ?? '\0'
    const c1 = text[i + 1] ?? '\0'
    const c2 = text[i + 2] ?? '\0'
    i += i < text.length ? 1 : 0
    if (c === '\r') continue
    if (c === '\n') {
      lastNewline = bytes.length
      skipEnd = lastNewline
      if (firstNewline === -1) firstNewline = bytes.length
    }
    if (c === '"' && c1 === '"' && c2 === '"') {
      i += 2
      break
    }
    const isWhitespace = c === ' ' || c === '\t'
    if (!(c === '\n' || isWhitespace)) skipEnd = -1
    if (skipStart !== -1 && isWhitespace && firstNewline === -1) skipStart = bytes.length + 1
    if (firstNewline === -1 && !isWhitespace && c !== '\n') skipStart = -1
    if (c === '\0' || c1 === '\0' || c2 === '\0') {
      problems.push({ code: 'E0009', args: [], start: offset, end: offset + 3 })
      i = text.length
      break
    }
    const cp = text.codePointAt(i - 1)!
    if (cp > 0xffff) i++
    pushUtf8(bytes, cp)
  }
  let start = 0
  let count = bytes.length
  if (firstNewline !== -1 && skipStart === firstNewline) start = firstNewline + 1
  if (lastNewline !== -1 && skipEnd === lastNewline) count = lastNewline
  count -= start > count ? count : start
  return { end: i, kind: problems.length > 0 ? 'unterminated' : 'closed', value: bytesToString(bytes.slice(start, start + count)), problems }
}

function cachedScan(text: string, offset: number, from: number, openedAt: number): StringScan {
  const s = state!
  if (s.scanAt !== offset || s.scan === null) {
    s.scan = scanString(text, from, openedAt)
    s.scanAt = offset
  }
  return s.scan
}

function result(text: string, offset: number, scan: StringScan): CustomPatternMatcherReturn {
  const r = [text.slice(offset, scan.end)] as unknown as CustomPatternMatcherReturn
  r.payload = scan.value
  state!.problems.push(...scan.problems)
  state!.scan = null
  return r
}

function matchRaw(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!text.startsWith('"""', offset)) return null
  return result(text, offset, scanRawString(text, offset))
}

function matchString(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text[offset] !== '"') return null
  const scan = cachedScan(text, offset, offset + 1, offset)
  if (scan.kind === 'interpolation') return null
  return result(text, offset, scan)
}

function matchInterpStart(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text[offset] !== '"') return null
  const scan = cachedScan(text, offset, offset + 1, offset)
  if (scan.kind !== 'interpolation') return null
  state!.parens.push(1)
  return result(text, offset, scan)
}

/** A ")" that closes an interpolation continues the string around it. */
function closesInterpolation(text: string, offset: number): boolean {
  const p = state!.parens
  return text[offset] === ')' && p.length > 0 && p[p.length - 1] === 1
}

function matchInterpMid(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!closesInterpolation(text, offset)) return null
  const p = state!.parens
  p.pop()
  const scan = cachedScan(text, offset, offset + 1, offset)
  if (scan.kind !== 'interpolation') {
    p.push(1)
    return null
  }
  p.push(1)
  return result(text, offset, scan)
}

function matchInterpEnd(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!closesInterpolation(text, offset)) return null
  const p = state!.parens
  p.pop()
  const scan = cachedScan(text, offset, offset + 1, offset)
  if (scan.kind === 'interpolation') {
    p.push(1)
    return null
  }
  return result(text, offset, scan)
}

function matchLParen(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text[offset] !== '(') return null
  const p = state!.parens
  if (p.length > 0) p[p.length - 1]++
  return ['('] as unknown as CustomPatternMatcherReturn
}

function matchRParen(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text[offset] !== ')') return null
  const p = state!.parens
  if (p.length > 0) p[p.length - 1]--
  return [')'] as unknown as CustomPatternMatcherReturn
}

function matchBlockComment(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!text.startsWith('/*', offset)) return null
  let depth = 1
  let i = offset + 2
  while (depth > 0) {
    if (i >= text.length) {
      state!.problems.push({ code: 'E0003', args: [], start: offset, end: offset + 2 })
      break
    }
    if (text.startsWith('/*', i)) {
      depth++
      i += 2
    } else if (text.startsWith('*/', i)) {
      depth--
      i += 2
    } else {
      i++
    }
  }
  return [text.slice(offset, i)] as unknown as CustomPatternMatcherReturn
}

function matchShebang(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!text.startsWith('#!/', offset) || text.lastIndexOf('\n', offset) !== -1) return null
  const end = text.indexOf('\n', offset)
  return [text.slice(offset, end < 0 ? text.length : end)] as unknown as CustomPatternMatcherReturn
}

// ---- Token types -------------------------------------------------------------------

export const Identifier = createToken({ name: 'Identifier', pattern: /[a-zA-Z][a-zA-Z0-9_]*/ })

const keyword = (name: string, word: string) => createToken({ name, pattern: new RegExp(word), longer_alt: Identifier })

export const T = {
  WhiteSpace: createToken({ name: 'WhiteSpace', pattern: /[ \t\r]+/, group: Lexer.SKIPPED }),
  Shebang: createToken({ name: 'Shebang', pattern: matchShebang, start_chars_hint: ['#'], group: Lexer.SKIPPED }),
  LineComment: createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED }),
  BlockComment: createToken({ name: 'BlockComment', pattern: matchBlockComment, start_chars_hint: ['/'], line_breaks: true, group: Lexer.SKIPPED }),
  Newline: createToken({ name: 'Newline', pattern: /\n/, line_breaks: true }),
  RawString: createToken({ name: 'RawString', pattern: matchRaw, start_chars_hint: ['"'], line_breaks: true }),
  InterpStart: createToken({ name: 'InterpStart', pattern: matchInterpStart, start_chars_hint: ['"'], line_breaks: true }),
  StringLiteral: createToken({ name: 'StringLiteral', pattern: matchString, start_chars_hint: ['"'], line_breaks: true }),
  InterpMid: createToken({ name: 'InterpMid', pattern: matchInterpMid, start_chars_hint: [')'], line_breaks: true }),
  InterpEnd: createToken({ name: 'InterpEnd', pattern: matchInterpEnd, start_chars_hint: [')'], line_breaks: true }),
  BytesLiteral: createToken({ name: 'BytesLiteral', pattern: /x"[^"\n]*"/ }),
  IntLiteral: createToken({ name: 'IntLiteral', pattern: /(?:0x[0-9a-fA-F]+|[0-9]+)n(?![a-zA-Z0-9_])/ }),
  NumberLiteral: createToken({ name: 'NumberLiteral', pattern: /0x[0-9a-fA-F]*|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]*)?/ }),
  StaticField: createToken({ name: 'StaticField', pattern: /__[a-zA-Z0-9_]*/ }),
  Field: createToken({ name: 'Field', pattern: /_[a-zA-Z0-9_]*/ }),
  Break: keyword('Break', 'break'),
  Continue: keyword('Continue', 'continue'),
  Class: keyword('Class', 'class'),
  Construct: keyword('Construct', 'construct'),
  Else: keyword('Else', 'else'),
  False: keyword('False', 'false'),
  // Before `for`: Chevrotain takes the first pattern that matches and then prefers only
  // its longer_alt (Identifier), so `for` first would lex `foreign` as a name.
  Foreign: keyword('Foreign', 'foreign'),
  For: keyword('For', 'for'),
  If: keyword('If', 'if'),
  Import: keyword('Import', 'import'),
  As: keyword('As', 'as'),
  In: keyword('In', 'in'),
  Is: keyword('Is', 'is'),
  Null: keyword('Null', 'null'),
  Return: keyword('Return', 'return'),
  Static: keyword('Static', 'static'),
  Super: keyword('Super', 'super'),
  This: keyword('This', 'this'),
  True: keyword('True', 'true'),
  Var: keyword('Var', 'var'),
  While: keyword('While', 'while'),
  Identifier,
  DotDotDot: createToken({ name: 'DotDotDot', pattern: /\.\.\./ }),
  DotDot: createToken({ name: 'DotDot', pattern: /\.\./ }),
  Dot: createToken({ name: 'Dot', pattern: /\./ }),
  LParen: createToken({ name: 'LParen', pattern: matchLParen, start_chars_hint: ['('] }),
  RParen: createToken({ name: 'RParen', pattern: matchRParen, start_chars_hint: [')'] }),
  LBracket: createToken({ name: 'LBracket', pattern: /\[/ }),
  RBracket: createToken({ name: 'RBracket', pattern: /\]/ }),
  LCurly: createToken({ name: 'LCurly', pattern: /\{/ }),
  RCurly: createToken({ name: 'RCurly', pattern: /\}/ }),
  Colon: createToken({ name: 'Colon', pattern: /:/ }),
  Comma: createToken({ name: 'Comma', pattern: /,/ }),
  Star: createToken({ name: 'Star', pattern: /\*/ }),
  Slash: createToken({ name: 'Slash', pattern: /\// }),
  Percent: createToken({ name: 'Percent', pattern: /%/ }),
  Hash: createToken({ name: 'Hash', pattern: /#/ }),
  Plus: createToken({ name: 'Plus', pattern: /\+/ }),
  Minus: createToken({ name: 'Minus', pattern: /-/ }),
  LtLt: createToken({ name: 'LtLt', pattern: /<</ }),
  GtGt: createToken({ name: 'GtGt', pattern: />>/ }),
  LtEq: createToken({ name: 'LtEq', pattern: /<=/ }),
  GtEq: createToken({ name: 'GtEq', pattern: />=/ }),
  Lt: createToken({ name: 'Lt', pattern: /</ }),
  Gt: createToken({ name: 'Gt', pattern: />/ }),
  PipePipe: createToken({ name: 'PipePipe', pattern: /\|\|/ }),
  Pipe: createToken({ name: 'Pipe', pattern: /\|/ }),
  Caret: createToken({ name: 'Caret', pattern: /\^/ }),
  AmpAmp: createToken({ name: 'AmpAmp', pattern: /&&/ }),
  Amp: createToken({ name: 'Amp', pattern: /&/ }),
  EqEq: createToken({ name: 'EqEq', pattern: /==/ }),
  BangEq: createToken({ name: 'BangEq', pattern: /!=/ }),
  Bang: createToken({ name: 'Bang', pattern: /!/ }),
  Eq: createToken({ name: 'Eq', pattern: /=/ }),
  Tilde: createToken({ name: 'Tilde', pattern: /~/ }),
  Question: createToken({ name: 'Question', pattern: /\?/ }),
}

export const ALL_TOKENS: TokenType[] = Object.values(T)

/** The binary operators, which a method may also be named by. */
export const INFIX_OPERATORS: TokenType[] = [
  T.Plus, T.Minus, T.Star, T.Slash, T.Percent, T.Lt, T.Gt, T.LtEq, T.GtEq, T.EqEq, T.BangEq,
  T.Amp, T.Pipe, T.Caret, T.LtLt, T.GtGt, T.DotDot, T.DotDotDot, T.Is,
]

let lexer: Lexer | null = null

function getLexer(): Lexer {
  lexer ??= new Lexer(ALL_TOKENS, {
    positionTracking: 'full',
    ensureOptimizations: true,
    skipValidations: true,
  })
  return lexer
}

export interface LexResult {
  readonly tokens: IToken[]
  readonly problems: LexProblem[]
}

export function tokenize(text: string): LexResult {
  state = { parens: [], problems: [], scanAt: -1, scan: null }
  try {
    const r = getLexer().tokenize(text)
    const problems = state.problems
    for (const e of r.errors) {
      const bad = text.slice(e.offset, e.offset + e.length)
      // One problem per run of bad characters, as Wren reports the first of them.
      problems.push({ code: 'E0001', args: [bad[0] === '\n' ? '\\n' : String.fromCodePoint(bad.codePointAt(0)!)], start: e.offset, end: e.offset + e.length })
    }
    problems.sort((a, b) => a.start - b.start)
    return { tokens: r.tokens, problems }
  } finally {
    state = null
  }
}

export { encoder as utf8Encoder }
