// What the parser's error recovery (compiler/parser-recovery.ts) leaves behind, and which
// diagnostics to keep because of it. A syntax error is reported once; the partial tree
// recovery built around it is still analysed, and whatever the later passes say about that
// tree is about the recovery's guesses, not the program: those diagnostics are dropped.

import type { CstElement, CstNode, IRecognitionException, IToken } from 'chevrotain'
import { diagnosticPosition, type Diagnostic } from './diagnostics.js'
import type { Source, Span } from './source.js'

/** Where syntax errors left the tree unreliable: their lines, and the statements they broke. */
export class Damage {
  private readonly lines = new Set<number>()
  private readonly regions: Span[] = []

  constructor(source: Source, cst: CstNode, errors: readonly IRecognitionException[], syntax: readonly Diagnostic[]) {
    for (const d of syntax) this.lines.add(diagnosticPosition(d).line)
    if (errors.length === 0) return
    const statements = statementSpans(cst)
    for (const e of errors) {
      const at = e.token.startOffset
      // A closing bracket missing at the end of the file leaves nothing to guess.
      if (e.token.tokenType?.name === 'EOF' || Number.isNaN(at)) continue
      const line = source.position(at).line
      const lineStart = at - source.position(at).col + 1
      const lineEnd = lineStart + source.lineText(line).length
      // The innermost statement or member the error is in, or that ends on its line, from
      // its start: a broken initializer makes its variable look used before it is defined.
      const inner = statements.filter((s) => s.start <= at && s.end >= lineStart).reduce((a, s) => (a === null || s.start > a.start ? s : a), null as Span | null)
      this.regions.push({ start: inner ? Math.min(inner.start, lineStart) : lineStart, end: lineEnd })
    }
  }

  /** Counts the lines of these diagnostics as damaged too: one message a line. */
  addLines(diags: readonly Diagnostic[]): void {
    for (const d of diags) this.lines.add(diagnosticPosition(d).line)
  }

  /** Whether a diagnostic of the later passes falls where a syntax error was reported. */
  covers(d: Diagnostic): boolean {
    if (this.lines.has(diagnosticPosition(d).line)) return true
    return this.regions.some((r) => d.span.start >= r.start && d.span.start <= r.end)
  }
}

/** Spans of every definition and class member in the tree, innermost ones included. */
function statementSpans(cst: CstNode): Span[] {
  const out: Span[] = []
  const work: CstNode[] = [cst]
  while (work.length > 0) {
    const n = work.pop()!
    const l = n.location
    if ((n.name === 'definition' || n.name === 'member') && l && !Number.isNaN(l.startOffset)) {
      out.push({ start: l.startOffset, end: l.endOffset !== undefined && !Number.isNaN(l.endOffset) ? l.endOffset + 1 : l.startOffset + 1 })
    }
    for (const kids of Object.values(n.children) as CstElement[][]) {
      for (const k of kids) if ((k as IToken).image === undefined) work.push(k as CstNode)
    }
  }
  return out
}

/** Keeps the first diagnostic of each line: one mistake, one message, no cascade. */
export function onePerLine(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<number>()
  const out: Diagnostic[] = []
  for (const d of [...diags].sort((a, b) => a.span.start - b.span.start)) {
    const line = diagnosticPosition(d).line
    if (seen.has(line)) continue
    seen.add(line)
    out.push(d)
  }
  return out
}
