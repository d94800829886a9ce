// Nest's abstract syntax tree: what the parser saw, with spans, before names are
// resolved. compiler/resolver.ts annotates it; compiler/emitter.ts turns it into code.

import type { Span } from './source.js'

export interface Node {
  readonly span: Span
}

// ---- Expressions --------------------------------------------------------------------

export interface NumLit extends Node {
  readonly kind: 'num'
  readonly value: number
}
export interface IntLit extends Node {
  readonly kind: 'int'
  readonly value: bigint
}
export interface BytesLit extends Node {
  readonly kind: 'bytes'
  readonly value: Uint8Array
}
export interface StrLit extends Node {
  readonly kind: 'str'
  /** Byte string: each char is one byte of the UTF-8 literal. */
  readonly value: string
}
export interface Interpolation extends Node {
  readonly kind: 'interp'
  /** Alternating string pieces and expressions, starting and ending with a string. */
  readonly strings: readonly string[]
  readonly exprs: readonly Expr[]
}
export interface Literal extends Node {
  readonly kind: 'true' | 'false' | 'null'
}
export interface This extends Node {
  readonly kind: 'this'
}
export interface FieldRef extends Node {
  readonly kind: 'field'
  readonly name: string
}
export interface StaticFieldRef extends Node {
  readonly kind: 'staticField'
  readonly name: string
}
/** A bare name: a variable, or (inside a class) a call on `this` with no arguments. */
export interface Name extends Node {
  readonly kind: 'name'
  readonly name: string
  readonly nameSpan: Span
}
/** A method call. `receiver` null means a bare name with arguments (`foo(1)`). */
export interface Call extends Node {
  readonly kind: 'call'
  readonly receiver: Expr | null
  readonly name: string
  readonly nameSpan: Span
  /** null for a getter (no parentheses); a block argument is appended to `args`. */
  readonly args: readonly Expr[] | null
  readonly block: FnExpr | null
}
export interface SuperCall extends Node {
  readonly kind: 'super'
  /** null: the enclosing method's own name. */
  readonly name: string | null
  readonly args: readonly Expr[] | null
  readonly block: FnExpr | null
}
export interface Subscript extends Node {
  readonly kind: 'subscript'
  readonly receiver: Expr
  readonly args: readonly Expr[]
}
export interface Assign extends Node {
  readonly kind: 'assign'
  readonly target: Name | FieldRef | StaticFieldRef | Call | SuperCall | Subscript
  readonly value: Expr
}
export interface Unary extends Node {
  readonly kind: 'unary'
  readonly op: '-' | '!' | '~'
  readonly operand: Expr
}
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '<' | '>' | '<=' | '>=' | '==' | '!='
  | '&' | '|' | '^' | '<<' | '>>' | '..' | '...' | 'is'
export interface Binary extends Node {
  readonly kind: 'binary'
  readonly op: BinaryOp
  readonly opSpan: Span
  readonly left: Expr
  readonly right: Expr
}
export interface Logical extends Node {
  readonly kind: 'and' | 'or'
  readonly left: Expr
  readonly right: Expr
}
export interface Conditional extends Node {
  readonly kind: 'cond'
  readonly condition: Expr
  readonly then: Expr
  readonly else: Expr
}
export interface ListLit extends Node {
  readonly kind: 'list'
  readonly items: readonly Expr[]
}
export interface MapLit extends Node {
  readonly kind: 'map'
  readonly entries: readonly { readonly key: Expr; readonly value: Expr }[]
}
export interface FnExpr extends Node {
  readonly kind: 'fn'
  readonly params: readonly Param[]
  readonly body: Body
}
/** Stands in for an expression the parser could not read; never reaches the emitter. */
export interface ErrorExpr extends Node {
  readonly kind: 'error'
}

export type Expr =
  | NumLit | IntLit | BytesLit | StrLit | Interpolation | Literal | This | FieldRef | StaticFieldRef
  | Name | Call | SuperCall | Subscript | Assign | Unary | Binary | Logical | Conditional
  | ListLit | MapLit | FnExpr | ErrorExpr

export interface Param extends Node {
  readonly name: string
}

/** A block: either one expression (`{ x + 1 }`) or statements on their own lines. */
export type Body =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly span: Span }
  | { readonly kind: 'stmts'; readonly stmts: readonly Stmt[]; readonly span: Span }

// ---- Statements ---------------------------------------------------------------------

export interface ExprStmt extends Node {
  readonly kind: 'exprStmt'
  readonly expr: Expr
}
export interface VarDecl extends Node {
  readonly kind: 'var'
  readonly name: string
  readonly nameSpan: Span
  readonly init: Expr | null
}
export interface Block extends Node {
  readonly kind: 'block'
  readonly body: Body
}
export interface If extends Node {
  readonly kind: 'if'
  readonly condition: Expr
  readonly then: Stmt
  readonly else: Stmt | null
}
export interface While extends Node {
  readonly kind: 'while'
  readonly condition: Expr
  readonly body: Stmt
}
export interface For extends Node {
  readonly kind: 'for'
  readonly name: string
  readonly nameSpan: Span
  readonly sequence: Expr
  readonly body: Stmt
}
export interface Jump extends Node {
  readonly kind: 'break' | 'continue'
}
export interface Return extends Node {
  readonly kind: 'return'
  readonly value: Expr | null
}
export interface ImportName {
  readonly name: string
  readonly alias: string | null
  readonly span: Span
}
export interface Import extends Node {
  readonly kind: 'import'
  readonly path: string
  readonly pathSpan: Span
  readonly names: readonly ImportName[]
}

export interface AttributeEntry {
  readonly group: string | null
  readonly key: string
  readonly value: string | number | boolean | null
  /** `#!` attributes are kept at run time (Class.attributes); plain ones only at compile time. */
  readonly runtime: boolean
  readonly span: Span
}

export type MethodKind = 'method' | 'getter' | 'setter' | 'subscript' | 'subscriptSetter' | 'constructor' | 'operator' | 'prefix'

export interface Method extends Node {
  readonly isStatic: boolean
  readonly isForeign: boolean
  readonly methodKind: MethodKind
  readonly name: string
  readonly nameSpan: Span
  readonly params: readonly Param[]
  readonly body: Body | null
  readonly attributes: readonly AttributeEntry[]
}

export interface ClassDecl extends Node {
  readonly kind: 'class'
  readonly name: string
  readonly nameSpan: Span
  readonly superclass: Expr | null
  readonly isForeign: boolean
  readonly methods: readonly Method[]
  readonly attributes: readonly AttributeEntry[]
}

/** Stands in for a statement the parser could not read. */
export interface ErrorStmt extends Node {
  readonly kind: 'errorStmt'
}

export type Stmt = ExprStmt | VarDecl | Block | If | While | For | Jump | Return | Import | ClassDecl | ErrorStmt

export interface Program {
  readonly stmts: readonly Stmt[]
  readonly span: Span
}
