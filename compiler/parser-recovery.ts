// Error recovery for the Nest parser (compiler/parser.ts), the base its grammar is built
// on: every syntax error of a file is reported in one run, one per broken line, and the
// lines after an error parse as if it were not there. Chevrotain recovers by inserting or
// deleting one token and by resynchronizing a failed rule on what may follow it
// (recoverable.js); this refines those steps with what Nest's grammar alone can't tell:
// newlines end definitions, brackets pair (compiler/brackets.ts, by indentation where they
// don't), and one mistake is reported once (inError).

import { CstParser, EOF, MismatchedTokenException, createToken, isRecognitionException, type CstNode, type IParserConfig, type IRecognitionException, type IToken, type ParserMethod, type TokenType } from 'chevrotain'
import { Brackets, CLOSERS, NO_BRACKETS, OPENERS } from './brackets.js'
import { ALL_TOKENS, INFIX_OPERATORS, T } from './lexer.js'
import { describe } from './parse-messages.js'

/**
 * How deep grammar rules may nest while parsing. The parser recurses once per rule, so an
 * unbounded depth would end in a JS stack overflow at a depth that depends on the engine
 * and the caller; a fixed limit makes the same source compile, or fail, everywhere. Far
 * above what programs write: it allows about 40 nested parentheses or list literals (15
 * rules each), 150 nested blocks, 300 `else if`s in a chain, 600 prefix operators.
 */
export const MAX_NESTING = 600

/**
 * How deep error recovery may happen. To recover inside a rule, Chevrotain walks the grammar
 * along the whole rule stack, which takes about as much JS stack again as the parse itself;
 * below this depth an error unwinds to a shallower rule and recovers there.
 */
const MAX_RECOVERY_DEPTH = 150

/** Thrown out of the rules when MAX_NESTING is passed; parseTokens turns it into an error. */
export class NestingTooDeep {
  constructor(readonly token: IToken) {}
}

/** Chevrotain's parser state and recovery steps that its typings leave out. */
interface ParserInternals {
  SAVE_ERROR(e: IRecognitionException): IRecognitionException
  /** The index of the last token consumed (LA(0)). */
  exportLexerState(): number
  importLexerState(position: number): void
  flattenFollowSet(): TokenType[]
  readonly _errors: IRecognitionException[]
  readonly CST_STACK: CstNode[]
}

export interface LineMark {
  readonly pos: number
  readonly errors: number
}
export const NO_MARK: LineMark = { pos: -1, errors: 0 }
const NOT_LINES = -2

/** Recovery steps the parser refines, as Chevrotain defines them. */
const RECOVERABLE = CstParser.prototype as unknown as {
  tryInRuleRecovery(this: CstParser, expected: TokenType, follows: TokenType[]): IToken
  SAVE_ERROR(this: CstParser, error: IRecognitionException): IRecognitionException
}

/** Keywords that start a statement and can't appear inside an expression outside a block. */
const STATEMENT_KEYWORDS = new Set<TokenType>([T.Class, T.Foreign, T.Import, T.Var, T.If, T.Else, T.While, T.For, T.Return, T.Break, T.Continue, T.Construct, T.Static])

/** What findReSyncTokenType answers to make every rule pass an error on to the one that
 *  opened the bracket ahead: it follows no rule. */
const NO_RESYNC = createToken({ name: 'NoResync' })

export abstract class RecoveringParser extends CstParser {
  constructor(config: IParserConfig) {
    super(ALL_TOKENS, { ...config, recoveryEnabled: true })
    // Chevrotain's recovery inside a repetition skips ahead to where the repetition could
    // go on (recoverable.js): for the many repetitions of newlines, to the end of a line,
    // joining the lines after an error to the broken construct. tryInRuleRecovery and
    // rule resynchronization do better.
    Object.assign(this, { attemptInRepetitionRecovery: () => {} })
  }

  /** How many rules are active: every rule counts itself in and out (see MAX_NESTING). */
  private depth = 0
  /** Per active rule (by depth), the index of the last token consumed before it started. */
  private readonly entries: number[] = []
  /** Per active rule (by depth), the '{' it opened a body of statements or members with. */
  private readonly bodies: number[] = []
  /** Per active rule (by depth) that parses lines, where its current line's definition
   *  starts: the index of the token before it (-1 at the start of the file); NOT_LINES for
   *  other rules. */
  private readonly lineStarts: number[] = []
  /** The brackets of the tokens being parsed. */
  private brackets: Brackets = NO_BRACKETS
  /** Set when markLine ended a block that has no '}', until the block's end reads it. */
  protected blockCut = false
  /** Whether the definition being parsed has an error: the errors that follow until the
   *  next definition are the first one's consequences, not reported (SAVE_ERROR). */
  private inError = false

  /** Makes `tokens` the input of the next parse. */
  begin(tokens: IToken[]): void {
    this.input = tokens
    this.brackets = new Brackets(tokens)
    this.blockCut = false
    this.inError = false
    this.depth = 0
  }

  protected override RULE<F extends () => void>(name: string, implementation: F): ParserMethod<Parameters<F>, CstNode> {
    // Chevrotain reads `recoveryEnabled` (set from the config) whenever it could recover.
    const self = this as unknown as { recoveryEnabled: boolean }
    const counted = (() => {
      if (++this.depth > MAX_NESTING) {
        this.depth--
        throw new NestingTooDeep(this.LA(1))
      }
      const recovery = self.recoveryEnabled
      if (this.depth > MAX_RECOVERY_DEPTH) self.recoveryEnabled = false
      this.entries[this.depth] = this.internals.exportLexerState()
      this.bodies[this.depth] = -1
      this.lineStarts[this.depth] = NOT_LINES
      try {
        implementation()
      } catch (e) {
        // Not the first rule (depth 1): what it skipped would be the rest of the file.
        if (!(self.recoveryEnabled && this.depth > 1 && e instanceof Error && isRecognitionException(e) && this.closeOwnBracket())) throw e
      } finally {
        this.depth--
        self.recoveryEnabled = recovery
      }
    }) as F
    return super.RULE(name, counted)
  }

  // ---- Recovery --------------------------------------------------------------------

  private get internals(): ParserInternals {
    return this as unknown as ParserInternals
  }

  /** Keeps the first error of a definition (see inError); Chevrotain saves every error. */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    if (this.inError) return error
    this.inError = true
    return RECOVERABLE.SAVE_ERROR.call(this, error)
  }

  /** A new definition starts (outside any line of definitions): its errors are reported. */
  protected newDefinition(): void {
    this.inError = false
  }

  protected report(token: IToken, message: string): void {
    this.internals.SAVE_ERROR(new MismatchedTokenException(message, token, this.LA(0)))
  }

  /**
   * Where a line's definition starts, to tell afterwards what it left on the line. When
   * the block around has no '}' and the line is indented no deeper than the line that
   * opened it, the block ends before the line (reported with `unclosed`): back before its
   * newlines, so the repetition of lines stops, and its missing '}' taken as read.
   */
  protected markLine(unclosed: string, inClass = false): LineMark {
    this.inError = false
    const next = this.internals.exportLexerState() + 1
    const open = this.bodyOpener()
    const ends = this.brackets.endsBlock(open, next) || (inClass && this.brackets.outdentedInUnclosed(open, next) && !this.startsMember(next))
    if (ends) {
      this.report(this.LA(1), `${unclosed}, found ${describe(this.LA(1))}.`)
      let end = next - 1
      while (this.brackets.type(end) === T.Newline) end--
      this.internals.importLexerState(end)
      this.blockCut = true
    }
    const pos = this.internals.exportLexerState()
    this.lineStarts[this.depth] = pos
    return { pos, errors: this.internals._errors.length }
  }

  /** Whether token `i` may start a member: what a line after an unclosed class can't. */
  private startsMember(i: number): boolean {
    const type = this.brackets.type(i)
    const next = this.brackets.type(i + 1)
    if (type === T.Hash || type === T.Foreign || type === T.Static || type === T.Construct || type === T.LBracket) return true
    if (type === T.Identifier) return next === T.LParen || next === T.Eq || next === T.LCurly || next === T.Newline || next === undefined
    return (INFIX_OPERATORS.includes(type!) || type === T.Bang || type === T.Tilde) && (next === T.LParen || next === T.LCurly)
  }

  protected openBody(): void {
    this.bodies[this.depth] = this.internals.exportLexerState()
  }

  /** The '{' of the innermost body being parsed (a block's, function's or class's), or -1. */
  private bodyOpener(): number {
    for (let d = this.depth; d > 0; d--) if (this.bodies[d] >= 0) return this.bodies[d]
    return -1
  }

  /**
   * A body whose '{' is missing: skipped, with one error, instead of read line by line as
   * what surrounds it (and its '}' taken for the surrounding block's). A method's, when
   * no body follows it: a '}' ending its line, or the lines after it indented deeper (and
   * a '}' indented as much as the method). A statement's, when the statement had an error
   * at its end (`while (x)` and a newline): the lines after it indented deeper, if a '}'
   * indented as much as the statement follows them.
   */
  protected skipUnopenedBlock(mark: LineMark, member: boolean): void {
    const first = mark.pos + 1
    const end = this.internals.exportLexerState()
    if (end < first || this.LA(0).tokenType === T.RCurly) return
    const failed = this.internals._errors.length > mark.errors
    const noBody = (found: IToken) => {
      if (!failed) this.report(found, `Expect '{' to begin method body, found ${describe(found)}.`)
    }
    if (member && this.LA(1).tokenType !== T.Newline) {
      const close = this.restOfLineCloser()
      if (close < 0 || this.brackets.sameLine(close, this.bodyOpener())) return
      noBody(this.LA(1))
      this.skipThrough(close)
      return
    }
    if (this.LA(1).tokenType !== T.Newline || (!member && !failed)) return
    const indent = this.brackets.indent(first)
    let next = end + 1
    while (this.brackets.type(next) === T.Newline) next++
    if (this.brackets.type(next) === undefined || this.brackets.indent(next) <= indent) return
    // The line that ends the indented lines.
    let last = next
    while (this.brackets.type(last) !== undefined && (this.brackets.type(last) === T.Newline || this.brackets.indent(last) > indent)) last++
    const closes = this.brackets.type(last) === T.RCurly && this.brackets.indent(last) === indent
    if (!member && !closes) return
    noBody(this.LA(1))
    this.skipThrough(closes ? last : last - 1)
  }

  /** The index of a '}' that ends the current line outside brackets opened on it, or -1. */
  private restOfLineCloser(): number {
    for (let i = this.internals.exportLexerState() + 1; ; i = this.brackets.after(i)) {
      const type = this.brackets.type(i)
      if (type === undefined || type === T.Newline) return -1
      if (CLOSERS.has(type)) {
        const after = this.brackets.type(i + 1)
        return type === T.RCurly && (after === undefined || after === T.Newline) ? i : -1
      }
    }
  }

  /**
   * Ends a line of definitions or members: what is left before its newline is reported
   * (`nothing` when the line started no definition, `after` when one ended early) and
   * skipped, unless the definition already had an error, which said all there is to say.
   */
  protected endLine(mark: LineMark, nothing: string, after: string): void {
    const t = this.LA(1)
    if (t.tokenType === T.RCurly && this.isStrayCloser()) {
      if (this.internals._errors.length === mark.errors) this.report(t, `${this.internals.exportLexerState() === mark.pos ? nothing : after}, found '}'.`)
      this.SKIP_TOKEN()
      this.skipTo(this.endOfLine)
      return
    }
    if (t.tokenType === T.Newline || t.tokenType === T.RCurly || t.tokenType === EOF) return
    if (this.internals._errors.length === mark.errors) {
      this.report(t, `${this.internals.exportLexerState() === mark.pos ? nothing : after}, found ${describe(t)}.`)
    }
    this.skipTo(this.endOfLine)
  }

  /** Where a line of definitions ends: at its newline, or the '}' of the body it is in. */
  private readonly endOfLine = (type: TokenType, index: number): boolean => type === T.Newline || (type === T.RCurly && !this.isStrayCloser(index))

  /** Whether the '}' next pairs with no '{' while the body being parsed ends later: the
   *  '}' is a stray (the '{' of a block inside is missing), not the body's end. */
  private isStrayCloser(index = this.internals.exportLexerState() + 1): boolean {
    return this.brackets.pair(index) < 0 && this.brackets.pair(this.bodyOpener()) > index
  }

  /** Skips to the first token that `stop` accepts, or to the end of the file, never
   *  stopping between brackets that pair: skipping one skips through the other. */
  private skipTo(stop: (type: TokenType, index: number) => boolean): void {
    for (let type = this.LA(1).tokenType; type !== EOF; type = this.LA(1).tokenType) {
      const next = this.internals.exportLexerState() + 1
      if (stop(type, next)) return
      const after = this.brackets.after(next)
      while (this.internals.exportLexerState() + 1 < after && this.LA(1).tokenType !== EOF) this.SKIP_TOKEN()
    }
  }

  /**
   * Whether the '{' next, after a call in the parenthesized header of an `if`, `while` or
   * `for`, may be a block argument: not when the header would end at a newline after it.
   * Then the ')' is missing and the '{' opens the body: `if (a > b {`, where `b` is a
   * variable (which the parser can't tell from a method), is one mistake on one line.
   */
  protected blockArgumentFits(): boolean {
    const next = this.internals.exportLexerState() + 1
    const paren = this.brackets.enclosingAt(next)
    const keyword = this.brackets.type(paren - 1)
    if (this.brackets.type(paren) !== T.LParen || (keyword !== T.If && keyword !== T.While && keyword !== T.For)) return true
    const close = this.brackets.pair(next)
    const after = this.brackets.type(close + 1)
    return close > next && after !== undefined && after !== T.Newline
  }

  /** Whether skipping from the next token to token `to` (a closing bracket) skips no
   *  statement: a '(' or '[' never encloses one outside a block, so one that seems to
   *  is unclosed, and what pairs with it belongs to an enclosing construct. */
  private canSkipTo(to: number): boolean {
    const opener = this.brackets.type(this.brackets.pair(to))
    if (opener === T.LCurly) return true
    let i = this.internals.exportLexerState() + 1
    for (; i < to; i = this.brackets.after(i)) if (STATEMENT_KEYWORDS.has(this.brackets.type(i)!)) return false
    return i === to
  }

  /** Skips up to and including token `to`; returns it. */
  private skipThrough(to: number): IToken {
    while (this.internals.exportLexerState() < to) this.SKIP_TOKEN()
    return this.LA(0)
  }

  /**
   * A closing bracket missing where expected: when the bracket open here pairs with one of
   * that kind further on (what lies between is a mistake), that one is taken, skipping what
   * comes before it; the construct then ends where it was meant to, instead of its closing
   * bracket being taken for an enclosing one's. Otherwise Chevrotain's single-token
   * insertion or deletion (recoverable.js).
   */
  tryInRuleRecovery(expected: TokenType, follows: TokenType[]): IToken {
    if (expected === T.RCurly && this.blockCut) {
      // markLine ended the block and reported why (and the statement being in error, the
      // missing '}' was not reported again).
      this.blockCut = false
      return this.getTokenToInsert(T.RCurly)
    }
    if (CLOSERS.has(expected)) {
      const next = this.internals.exportLexerState() + 1
      const closer = this.brackets.pair(this.brackets.enclosingAt(next))
      if (closer >= next && this.brackets.type(closer) === expected && this.canSkipTo(closer)) return this.skipThrough(closer)
    }
    // Deleting one token is preferred to inserting one (`class B A {` has an extra 'A').
    // Inserting anything but a bracket before a newline would carry the construct on to
    // the next line, which then reads as its continuation.
    const atLineEnd = this.LA(1).tokenType === T.Newline
    const deletes = !atLineEnd && this.LA(2).tokenType === expected
    const inserts = !deletes && (!atLineEnd || CLOSERS.has(expected) || OPENERS.has(expected))
    return RECOVERABLE.tryInRuleRecovery.call(this, expected, inserts ? follows : [])
  }

  /** A newline is never deleted: what the next line starts with is its own. */
  protected override canTokenTypeBeDeletedInRecovery(): boolean {
    return this.LA(1).tokenType !== T.Newline
  }

  /**
   * A rule failed after opening a bracket that pairs with one further on: it ends there,
   * skipping the rest of what the brackets enclose (the error is reported). Run before
   * Chevrotain's own recovery of the rule (resynchronizing on what may follow it), which
   * would otherwise leave the closing bracket to be taken for an enclosing construct's.
   */
  private closeOwnBracket(): boolean {
    const now = this.internals.exportLexerState()
    for (let i = this.entries[this.depth] + 1; i <= now; i++) {
      const closer = this.brackets.pair(i)
      if (closer <= now || !OPENERS.has(this.brackets.type(i)!)) continue
      if (!this.canSkipTo(closer)) return false
      this.skipThrough(closer)
      const cst = this.internals.CST_STACK[this.internals.CST_STACK.length - 1]
      if (cst) (cst as { recoveredNode?: boolean }).recoveredNode = true
      return true
    }
    return false
  }

  /**
   * Chevrotain resynchronizes a failed rule on the first token ahead that may follow a rule
   * on the stack (recoverable.js). This finds that token outside brackets opened on the
   * way, as skipTo does: resynchronizing inside them would parse a skipped block's lines
   * as the enclosing block's, and its '}' would close the enclosing block. Nor does it go
   * past the closing bracket of one opened before the error: the rule that opened it
   * recovers (closeOwnBracket) when no rule inside may be followed by that bracket.
   */
  findReSyncTokenType(): TokenType {
    if (this.endsStatementBefore()) return T.Newline
    const follows = new Set(this.internals.flattenFollowSet())
    const start = this.internals.exportLexerState() + 1
    for (let i = start; ; i = this.brackets.after(i)) {
      const type = this.brackets.type(i) ?? EOF
      if (type === EOF || follows.has(type)) return type
      // The first rule recovers at depth 0 (this.depth counts a rule out before
      // Chevrotain recovers it): it has no rule outside to wait for.
      const opener = this.brackets.pair(i)
      if (CLOSERS.has(type) && opener >= 0 && opener < start && this.depth > 0) return NO_RESYNC
    }
  }

  /**
   * Whether the error is at a keyword that starts a statement, first on a line inside the
   * statement being parsed: the statement was left unfinished on the lines before, and
   * this line is the next one. The newline before it is where to resynchronize.
   */
  private endsStatementBefore(): boolean {
    const type = this.LA(1).tokenType
    if (this.LA(0).tokenType !== T.Newline || !STATEMENT_KEYWORDS.has(type) || type === T.Else) return false
    for (let d = this.depth; d > 0; d--) if (this.lineStarts[d] !== NOT_LINES) return this.internals.exportLexerState() > this.lineStarts[d]
    return false
  }

  /** Skips to the token findReSyncTokenType found; the skipped tokens, less the first. */
  reSyncTo(type: TokenType): IToken[] {
    // Back before the newline (endsStatementBefore), which ends the broken statement.
    if (type === T.Newline && this.endsStatementBefore()) {
      this.internals.importLexerState(this.internals.exportLexerState() - 1)
      return []
    }
    const from = this.internals.exportLexerState() + 1
    this.skipTo((t) => t === type)
    return this.input.slice(from + 1, this.internals.exportLexerState() + 1)
  }
}
