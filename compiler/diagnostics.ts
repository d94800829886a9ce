// Compile diagnostics as values: a stable code, a message, a span, optional help and
// related spans; plus the one renderer the CLI uses (file:line:col, excerpt, caret).
// The LSP turns the same values into its own shape.

import type { Source, Span } from './source.js'

export const DIAGNOSTICS = {
  // Lexical
  E0001: "Invalid character '{0}'.",
  E0002: 'Unterminated string.',
  E0003: 'Unterminated block comment.',
  E0004: "Invalid escape character '{0}'.",
  E0005: 'Incomplete {0} escape sequence.',
  E0006: 'Invalid {0} escape sequence.',
  E0007: "Expect '(' after '%'.",
  E0008: 'Interpolation may only nest 8 levels deep.',
  E0009: 'Unterminated raw string.',
  E0010: 'Unterminated scientific notation.',
  E0011: 'Number literal is too large.',
  E0012: 'Int literal is above 2^256-1.',
  E0013: 'A Bytes literal must hold pairs of hex digits.',
  // Syntax
  E0020: '{0}',
  E0021: 'Expected expression.',
  E0022: 'Expect newline after statement.',
  E0023: 'Expect method definition.',
  E0024: 'Invalid assignment target.',
  E0025: 'Expect a Bool, Num, String or Identifier literal for an attribute value.',
  E0026: 'Expected attributes in group, group cannot be empty.',
  E0027: 'Foreign classes and methods are not supported.',
  E0028: 'Expect end of string interpolation.',
  E0029: "'{0}' is a variable, not a method; call a function stored in it with {0}.call(...).",
  // Names and scopes
  E0030: 'Variable is used but not defined.',
  E0031: "Variable '{0}' referenced before this definition (first use at line {1}).",
  E0032: 'Variable is already declared in this scope.',
  E0033: 'Module variable is already defined.',
  E0034: "Cannot use 'this' outside of a method.",
  E0035: "Cannot use 'super' outside of a method.",
  E0036: 'Cannot reference a field outside of a class definition.',
  E0037: 'Cannot use a static field outside of a class definition.',
  E0038: 'Cannot use an instance field in a static method.',
  E0039: "Cannot use 'break' outside of a loop.",
  E0040: "Cannot use 'continue' outside of a loop.",
  // Classes and methods
  E0041: 'A constructor cannot return a value.',
  E0042: "Class {0} already defines a {1}method '{2}'.",
  E0043: 'A constructor cannot be static.',
  E0044: 'A constructor cannot be a getter.',
  E0045: 'A constructor cannot be a setter.',
  E0046: 'A superclass constructor must have an argument list.',
  E0047: 'Attributes can only specified before a class or a method',
  // Limits
  E0050: 'Methods cannot have more than {0} parameters.',
  E0051: 'Cannot declare more than {0} variables in one scope.',
  E0052: 'A class can only have {0} fields.',
  E0053: 'Variable name cannot be longer than {0} characters.',
  E0054: 'Method names cannot be longer than {0} characters.',
  E0055: 'Too many module variables defined.',
  E0056: 'A function may only capture {0} variables.',
  E0057: 'Too many constants in one module.',
  E0058: 'Too many method names: a program and the modules it imports may use at most {0}.',
  E0059: 'Too many functions: a program and the modules it imports may define at most {0}, counting methods and closures.',
  E0060: 'Too many classes: a program and the modules it imports may declare at most {0}.',
  E0061: "Too much code in one function: at most {0} code words (a module's top-level code counts as one function).",
  E0062: 'Too many modules: one program is at most {0} modules, itself and its imports included.',
  E0063: 'Too many values at once: a function holds at most {0} on its stack, counting its locals and the elements of literals being built.',
  E0064: 'A {0} literal may have at most {1} {2}.',
  E0065: 'The compiled module is {0} bytes, above the limit of {1}: a program and the modules it imports compile into one module.',
  E0066: 'Source file is {0} bytes, above the limit of {1}.',
  E0067: "Contracts have no static fields ('{0}'): state lives in persistent fields such as '_total'.",
  E0068: 'A module variable of a contract must be a constant: a literal, never assigned again.',
  E0069: '{0}',
  E0070: 'A contract program declares a contract class.',
  E0071: "Module '{0}' was not found: every module a contract imports must compile.",
  E0072: 'The top level of a contract declares classes, imports and constants only.',
  E0073: 'Runtime attributes (#!) are not available in contracts; compile-time attributes (#) are.',
} as const

export type DiagnosticCode = keyof typeof DIAGNOSTICS

export interface Related {
  readonly span: Span
  readonly source: Source
  readonly message: string
}

export interface Diagnostic {
  readonly code: DiagnosticCode
  readonly severity: 'error' | 'warning'
  readonly message: string
  readonly source: Source
  readonly span: Span
  /** Short text printed under the caret. */
  readonly label?: string
  readonly help?: string
  readonly related?: readonly Related[]
}

export function diagnostic(
  code: DiagnosticCode,
  source: Source,
  span: Span,
  args: readonly (string | number)[] = [],
  extra: { label?: string; help?: string; related?: Related[] } = {},
): Diagnostic {
  const message = DIAGNOSTICS[code].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]))
  return { code, severity: 'error', message, source, span, ...extra }
}

/** Where a diagnostic points, 1-based. */
export function diagnosticPosition(d: Diagnostic): { line: number; col: number } {
  return d.source.position(d.span.start)
}

/**
 * Renders like Rust and Elm:
 *   error[E0030]: Variable is used but not defined.
 *     --> token.nest:12:13
 *      |
 *   12 |     var x = balanse + 1
 *      |             ^^^^^^^ not found in this scope
 *      = help: did you mean `balance`?
 */
export function renderDiagnostic(d: Diagnostic, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
  const { line, col } = diagnosticPosition(d)
  const text = d.source.lineText(line)
  const gutter = String(line).length
  const pad = ' '.repeat(gutter)
  const end = d.source.position(Math.max(d.span.start, d.span.end - 1))
  const width = end.line === line ? Math.max(1, end.col - col + 1) : Math.max(1, text.length - col + 1)
  const caretPad = text.slice(0, col - 1).replace(/[^\t]/g, ' ')
  const out = [
    `${paint('1;31', `${d.severity}[${d.code}]`)}${paint('1', `: ${d.message}`)}`,
    `${pad}${paint('34', '-->')} ${d.source.name}:${line}:${col}`,
    `${pad} ${paint('34', '|')}`,
    `${paint('34', `${line} |`)} ${text}`,
    `${pad} ${paint('34', '|')} ${caretPad}${paint('1;31', '^'.repeat(width))}${d.label ? ' ' + paint('1;31', d.label) : ''}`,
  ]
  for (const r of d.related ?? []) {
    const p = r.source.position(r.span.start)
    out.push(`${pad} ${paint('34', '=')} note: ${r.message} (${r.source.name}:${p.line}:${p.col})`)
  }
  if (d.help) out.push(`${pad} ${paint('34', '=')} help: ${d.help}`)
  return out.join('\n')
}

/** Levenshtein distance, for "did you mean" help. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return dp[b.length]
}

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    if (c === name) continue
    const d = editDistance(name.toLowerCase(), c.toLowerCase())
    if (d < bestD && d <= Math.max(1, Math.floor(name.length / 3))) {
      best = c
      bestD = d
    }
  }
  return best
}
