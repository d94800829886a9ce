// Which brackets pair up in a token stream, worked out before parsing so that error
// recovery (compiler/parser.ts) can tell where a construct broken inside was meant to end.
// Balanced brackets pair as written. When some don't balance, indentation decides which
// '{' lacks its '}': it is how people read blocks, and what they get wrong least.

import type { IToken, TokenType } from 'chevrotain'
import { T } from './lexer.js'

export const OPENERS: ReadonlySet<TokenType> = new Set([T.LParen, T.LBracket, T.LCurly, T.InterpStart])
export const CLOSERS: ReadonlySet<TokenType> = new Set([T.RParen, T.RBracket, T.RCurly, T.InterpEnd])
const OPENER_OF = new Map<TokenType, TokenType>([
  [T.RParen, T.LParen],
  [T.RBracket, T.LBracket],
  [T.RCurly, T.LCurly],
  [T.InterpEnd, T.InterpStart],
])

export class Brackets {
  /** For each token index, the index of the bracket it pairs with, or -1. */
  private readonly pairs: Int32Array
  /** For each token index, the innermost opening bracket before it not yet closed, or -1. */
  private readonly enclosing: Int32Array
  /** For each token index, the column of the first token on its line. */
  private readonly indents: Int32Array
  /** Whether some block's lines are indented deeper than the line that opens it. */
  private readonly indented: boolean

  constructor(private readonly tokens: readonly IToken[]) {
    this.pairs = new Int32Array(tokens.length)
    this.enclosing = new Int32Array(tokens.length)
    this.indents = new Int32Array(tokens.length)
    let indent = 0
    for (let i = 0; i < tokens.length; i++) {
      if (this.startsLine(i)) indent = tokens[i].startColumn ?? 0
      this.indents[i] = indent
    }
    if (!this.match(false)) this.match(true)
    this.indented = this.someBlockIndented()
  }

  /**
   * Pairs the brackets; whether they all paired. `byIndent`: a '}' that starts a line
   * closes the open block whose line is indented as much, if there is one; if there is
   * none, but such a block was closed by a '}' in the middle of a later line, that '}' is
   * the stray and this one closes the block.
   */
  private match(byIndent: boolean): boolean {
    const { tokens, pairs, indents } = this
    pairs.fill(-1)
    let balanced = true
    const open: number[] = []
    /** '{'s closed by a '}' in the middle of a line after theirs. */
    const closedMidLine: number[] = []
    const takeBack = (i: number): boolean => {
      let m = closedMidLine.length - 1
      while (m >= 0 && indents[closedMidLine[m]] !== indents[i]) m--
      if (m < 0) return false
      const o = closedMidLine[m]
      pairs[pairs[o]] = -1
      pairs[o] = i
      pairs[i] = o
      closedMidLine.length = m
      return true
    }
    for (let i = 0; i < tokens.length; i++) {
      const type = tokens[i].tokenType
      if (OPENERS.has(type)) {
        open.push(i)
        continue
      }
      const want = OPENER_OF.get(type)
      if (want === undefined) continue
      const startsLine = this.startsLine(i)
      // A closing bracket closes the nearest opening one of its kind, leaving those opened
      // after it unclosed; but only a '}' gets past a '{': a ')' or ']' there is a stray.
      let k = open.length - 1
      while (k >= 0 && tokens[open[k]].tokenType !== want && (tokens[open[k]].tokenType !== T.LCurly || want === T.LCurly)) k--
      if (k < 0 || tokens[open[k]].tokenType !== want) {
        balanced = false
        if (byIndent && type === T.RCurly && startsLine) takeBack(i)
        continue
      }
      if (byIndent && type === T.RCurly && startsLine && indents[open[k]] !== indents[i]) {
        let j = k - 1
        while (j >= 0 && !(tokens[open[j]].tokenType === T.LCurly && indents[open[j]] === indents[i])) j--
        if (j >= 0) k = j
        else if (takeBack(i)) continue
      }
      if (k !== open.length - 1) balanced = false
      if (byIndent && type === T.RCurly && !startsLine && !this.sameLine(open[k], i)) closedMidLine.push(open[k])
      pairs[open[k]] = i
      pairs[i] = open[k]
      open.length = k
    }
    this.findEnclosing()
    return balanced && open.length === 0
  }

  private findEnclosing(): void {
    const open: number[] = []
    for (let i = 0; i < this.tokens.length; i++) {
      this.enclosing[i] = open.length > 0 ? open[open.length - 1] : -1
      const type = this.tokens[i].tokenType
      if (OPENERS.has(type)) open.push(i)
      else if (CLOSERS.has(type) && this.pairs[i] >= 0) {
        const at = open.lastIndexOf(this.pairs[i])
        if (at >= 0) open.length = at
      }
    }
  }

  private startsLine(i: number): boolean {
    return i === 0 || this.tokens[i - 1].tokenType === T.Newline
  }

  /** The first token of the first line after the one token `i` is on, or past the end. */
  private nextLine(i: number): number {
    while (i < this.tokens.length && !this.startsLine(i + 1)) i++
    i++
    while (i < this.tokens.length && this.tokens[i].tokenType === T.Newline) i++
    return i
  }

  private someBlockIndented(): boolean {
    for (let i = 0; i < this.tokens.length; i++) {
      if (this.tokens[i].tokenType !== T.LCurly || this.pairs[i] < 0) continue
      const first = this.nextLine(i)
      if (first < this.pairs[i] && this.indents[first] > this.indents[i]) return true
    }
    return false
  }

  pair(i: number): number {
    return i >= 0 && i < this.pairs.length ? this.pairs[i] : -1
  }

  /** The index after token `i`, or after the bracket it opens when that pairs. */
  after(i: number): number {
    const p = this.pair(i)
    return p > i && OPENERS.has(this.tokens[i].tokenType) ? p + 1 : i + 1
  }

  /** The innermost bracket open at token `i`, or -1. */
  enclosingAt(i: number): number {
    return i >= 0 && i < this.enclosing.length ? this.enclosing[i] : -1
  }

  /**
   * Whether token `i`, which starts a line, is past the end of the block opened by token
   * `open`: the '{' pairs with nothing, and the line is indented no deeper than the line
   * of the '{' while the file indents blocks (the block's first line, or another block's),
   * or starts with the '}' of a block opened before.
   * Code written without indentation never ends a block here.
   */
  endsBlock(open: number, i: number): boolean {
    if (!this.outdentedInUnclosed(open, i)) return false
    // A '}' that closes a block opened before this one.
    if (this.tokens[i].tokenType === T.RCurly && this.pairs[i] >= 0 && this.pairs[i] < open) return true
    const first = this.nextLine(open)
    return first <= i && (this.indented || (first < i && this.indents[first] > this.indents[open]))
  }

  /** Whether token `i` starts a line indented no deeper than the line of token `open`, a
   *  '{' that pairs with nothing. */
  outdentedInUnclosed(open: number, i: number): boolean {
    if (open < 0 || this.tokens[open].tokenType !== T.LCurly || this.pairs[open] >= 0) return false
    return i < this.tokens.length && this.startsLine(i) && this.indents[i] <= this.indents[open]
  }

  /** The column of the first token on token `i`'s line. */
  indent(i: number): number {
    return i >= 0 && i < this.indents.length ? this.indents[i] : 0
  }

  type(i: number): TokenType | undefined {
    return this.tokens[i]?.tokenType
  }

  /** Whether tokens `a` and `b` are on the same line. */
  sameLine(a: number, b: number): boolean {
    const [from, to] = a < b ? [a, b] : [b, a]
    for (let i = from + 1; i <= to; i++) if (this.startsLine(i)) return false
    return true
  }
}

export const NO_BRACKETS = new Brackets([])
