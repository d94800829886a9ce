// CST -> AST: reads Chevrotain's concrete tree (compiler/parser.ts) into compiler/ast.ts
// nodes, parses literal values, and reports what the grammar accepts but Nest does not
// (bad assignment targets, constructor getters, foreign methods...). Tolerates the
// partial trees error recovery leaves behind.

import type { CstElement, CstNode, IToken } from 'chevrotain'
import type * as A from './ast.js'
import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js'
import { T } from './lexer.js'
import type { Source, Span } from './source.js'
import { MAX_ARGS, MAX_NAME_LENGTH } from '../vm/limits.js'

const INT_MAX = (1n << 256n) - 1n

type Kids = Record<string, CstElement[] | undefined>

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined
}

/** Whether an expression holds a piece error recovery could not read. */
function containsError(e: A.Expr): boolean {
  switch (e.kind) {
    case 'error':
      return true
    case 'binary':
    case 'and':
    case 'or':
      return containsError(e.left) || containsError(e.right)
    case 'unary':
      return containsError(e.operand)
    case 'call':
      return (e.receiver !== null && containsError(e.receiver)) || (e.args ?? []).some(containsError)
    case 'subscript':
      return containsError(e.receiver) || e.args.some(containsError)
    default:
      return false
  }
}

function continuesOnNewLine(e: A.Expr): boolean {
  return e.kind === 'name' || e.kind === 'call' || e.kind === 'field' || e.kind === 'staticField' || e.kind === 'subscript' || (e.kind === 'super' && e.name !== null)
}

export class AstBuilder {
  /** Parenthesized expressions: "(a) = 1" is not an assignment to a. */
  private readonly grouped = new WeakSet<A.Expr>()
  constructor(
    private readonly source: Source,
    private readonly diags: Diagnostic[],
  ) {}

  private error(code: DiagnosticCode, span: Span, args: (string | number)[] = [], extra: { help?: string; label?: string } = {}): void {
    this.diags.push(diagnostic(code, this.source, span, args, extra))
  }

  // ---- CST access helpers ----------------------------------------------------------

  private kids(n: CstNode): Kids {
    return n.children as Kids
  }
  private node(n: CstNode, key: string, i = 0): CstNode | undefined {
    const e = this.kids(n)[key]?.[i]
    return e && !isToken(e) ? (e as CstNode) : undefined
  }
  private nodes(n: CstNode, key: string): CstNode[] {
    return (this.kids(n)[key] ?? []).filter((e) => !isToken(e)) as CstNode[]
  }
  private token(n: CstNode, key: string, i = 0): IToken | undefined {
    const e = this.kids(n)[key]?.[i]
    return isToken(e) && !e.isInsertedInRecovery ? e : undefined
  }
  private tokens(n: CstNode, key: string): IToken[] {
    return (this.kids(n)[key] ?? []).filter(isToken) as IToken[]
  }
  private span(n: CstNode | undefined): Span {
    const l = n?.location
    if (!l || Number.isNaN(l.startOffset)) return { start: 0, end: 0 }
    const end = l.endOffset !== undefined && !Number.isNaN(l.endOffset) ? l.endOffset + 1 : l.startOffset + 1
    return { start: l.startOffset, end }
  }
  private tspan(t: IToken): Span {
    return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 }
  }
  private join(a: Span, b: Span): Span {
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) }
  }

  // ---- Program and statements ----------------------------------------------------

  program(cst: CstNode): A.Program {
    // More than one list when a stray '}' split the file (the parser reported it).
    const stmts = this.nodes(cst, 'definitions').flatMap((d) => this.definitions(d))
    return { stmts, span: { start: 0, end: this.source.text.length } }
  }

  private definitions(n: CstNode): A.Stmt[] {
    return this.nodes(n, 'defs').map((d) => this.definition(d))
  }

  private definition(n: CstNode): A.Stmt {
    const attrNodes = this.nodes(n, 'attrs')
    const attrs = attrNodes.flatMap((a) => this.attribute(a))
    const cls = this.node(n, 'classDef')
    if (cls) return this.classDef(cls, attrs)
    // After a broken attribute, recovery parses the rest of its line as a statement: the
    // parser has reported the attribute, and what follows is no placement mistake.
    if (attrs.length > 0 && !attrNodes.some((a) => a.recoveredNode)) this.error('E0047', this.join(attrs[0].span, attrs[attrs.length - 1].span))
    const imp = this.node(n, 'importStmt')
    if (imp) return this.importStmt(imp)
    const v = this.node(n, 'varDecl')
    if (v) return this.varDecl(v)
    const s = this.node(n, 'statement')
    if (s) return this.statement(s)
    return { kind: 'errorStmt', span: this.span(n) }
  }

  private attribute(n: CstNode): A.AttributeEntry[] {
    const runtime = this.token(n, 'Bang') !== undefined
    const group = this.token(n, 'group')
    if (!group) return []
    const span = this.span(n)
    if (this.token(n, 'LParen')) {
      const entries = this.nodes(n, 'entries')
      if (entries.length === 0) this.error('E0026', span)
      return entries.map((e) => {
        const key = this.token(e, 'key')
        const value = this.node(e, 'value')
        return { group: group.image, key: key?.image ?? '', value: value ? this.attributeValue(value) : null, runtime, span: this.span(e) }
      })
    }
    const value = this.node(n, 'value')
    return [{ group: null, key: group.image, value: value ? this.attributeValue(value) : null, runtime, span }]
  }

  private attributeValue(n: CstNode): string | number | boolean | null {
    const other = this.node(n, 'other')
    if (other) {
      this.error('E0025', this.span(other))
      return null
    }
    const t = this.token(n, 'True') ?? this.token(n, 'False') ?? this.token(n, 'NumberLiteral') ?? this.token(n, 'StringLiteral') ?? this.token(n, 'Identifier')
    if (!t) return null
    switch (t.tokenType) {
      case T.True:
        return true
      case T.False:
        return false
      case T.NumberLiteral:
        return this.number(t)
      case T.StringLiteral:
        return t.payload as string
      default:
        return t.image
    }
  }

  private classDef(n: CstNode, attributes: A.AttributeEntry[]): A.ClassDecl {
    const name = this.token(n, 'name')
    const foreign = this.token(n, 'Foreign')
    if (foreign) this.error('E0027', this.tspan(foreign))
    const sup = this.node(n, 'superclass')
    let superclass: A.Expr | null = null
    if (sup) {
      const group = this.node(sup, 'expression')
      if (group) {
        superclass = this.expression(group)
      } else {
        const names = this.tokens(sup, 'names')
        if (names.length > 0) {
          let e: A.Expr = { kind: 'name', name: names[0].image, span: this.tspan(names[0]), nameSpan: this.tspan(names[0]) }
          for (const t of names.slice(1)) {
            e = { kind: 'call', receiver: e, name: t.image, nameSpan: this.tspan(t), args: null, block: null, span: this.join(e.span, this.tspan(t)) }
          }
          superclass = e
        }
      }
    }
    const methods = this.nodes(n, 'members')
      .map((m) => this.member(m))
      .filter((m): m is A.Method => m !== null)
    return {
      kind: 'class',
      name: name?.image ?? '',
      nameSpan: name ? this.tspan(name) : this.span(n),
      superclass,
      isForeign: foreign !== undefined,
      methods,
      attributes,
      span: this.span(n),
    }
  }

  private member(n: CstNode): A.Method | null {
    const attributes = this.nodes(n, 'attrs').flatMap((a) => this.attribute(a))
    const foreign = this.token(n, 'Foreign')
    if (foreign) this.error('E0027', this.tspan(foreign))
    const isStatic = this.token(n, 'Static') !== undefined
    const sig = this.node(n, 'signature')
    // A signature recovery left empty has no place in the source: the parser reported it.
    if (!sig || Object.keys(sig.children).length === 0) return null
    const bodyNode = this.node(n, 'body')
    const body = bodyNode ? this.blockBody(bodyNode) : null
    let methodKind: A.MethodKind
    let name: string
    let nameSpan: Span
    let params: A.Param[] = []
    const setterMark = this.token(sig, 'setterMark')
    const setterList = this.node(sig, 'setterParams')
    const setterParams = setterList ? this.params(this.node(setterList, 'params')) : []
    // A setter takes exactly one value; report extra or missing ones once, here.
    if (setterMark && setterList && setterParams.length !== 1) {
      this.syntax(setterParams[1]?.span ?? this.span(setterList), setterParams.length === 0 ? 'Expect variable name.' : "Expect ')' after parameter name.")
    }
    const setterParam = setterParams[0]
    const paramList = this.node(sig, 'paramList')
    const listParams = () => (paramList ? this.params(this.node(paramList, 'params')) : [])
    const op = this.token(sig, 'operator')
    const nameTok = this.token(sig, 'name')
    if (this.token(sig, 'Construct')) {
      methodKind = 'constructor'
      name = nameTok?.image ?? 'new'
      nameSpan = nameTok ? this.tspan(nameTok) : this.span(sig)
      if (setterMark) this.error('E0045', this.tspan(setterMark))
      else if (!paramList) this.error('E0044', nameSpan)
      params = listParams()
    } else if (this.token(sig, 'subscript')) {
      name = ''
      nameSpan = this.span(sig)
      params = this.params(this.node(sig, 'params'))
      methodKind = setterMark ? 'subscriptSetter' : 'subscript'
      if (setterMark && setterParam) params.push(setterParam)
    } else if (op) {
      name = op.image
      nameSpan = this.tspan(op)
      const operandList = this.node(sig, 'operands')
      if (operandList) {
        const operands = this.params(this.node(operandList, 'params'))
        methodKind = 'operator'
        params = operands.slice(0, 1)
        if (op.tokenType === T.Bang || op.tokenType === T.Tilde) this.syntax(this.span(operandList), "Expect '{' to begin method body.")
        else if (operands.length !== 1) this.syntax(operands[1]?.span ?? this.span(operandList), operands.length === 0 ? 'Expect variable name.' : "Expect ')' after parameter name.")
      } else {
        methodKind = 'prefix'
        if (op.tokenType !== T.Minus && op.tokenType !== T.Bang && op.tokenType !== T.Tilde) this.syntax(nameSpan, "Expect '(' after operator name.")
      }
    } else {
      name = nameTok?.image ?? ''
      nameSpan = nameTok ? this.tspan(nameTok) : this.span(sig)
      if (setterMark) {
        methodKind = 'setter'
        if (setterParam) params = [setterParam]
      } else if (paramList) {
        methodKind = 'method'
        params = listParams()
      } else {
        methodKind = 'getter'
      }
    }
    if (name.length > MAX_NAME_LENGTH) this.error('E0054', nameSpan, [MAX_NAME_LENGTH])
    if (params.length > MAX_ARGS) this.error('E0050', params[MAX_ARGS].span, [MAX_ARGS])
    // A member recovery cut short lacks its body because of an error already reported.
    if (!body && !foreign && !n.recoveredNode) this.syntax(this.span(sig), "Expect '{' to begin method body.")
    return { isStatic, isForeign: foreign !== undefined, methodKind, name, nameSpan, params, body, attributes, span: this.span(n) }
  }

  private syntax(span: Span, message: string): void {
    this.error('E0020', span, [message])
  }

  private params(n: CstNode | undefined): A.Param[] {
    if (!n) return []
    return this.tokens(n, 'names').map((t) => ({ name: t.image, span: this.tspan(t) }))
  }

  private importStmt(n: CstNode): A.Import {
    const path = this.token(n, 'path')
    const names = this.nodes(n, 'names').map((m) => {
      const name = this.token(m, 'name')
      const alias = this.token(m, 'alias')
      return { name: name?.image ?? '', alias: alias?.image ?? null, span: this.span(m) }
    })
    return {
      kind: 'import',
      path: (path?.payload as string | undefined) ?? '',
      pathSpan: path ? this.tspan(path) : this.span(n),
      names,
      span: this.span(n),
    }
  }

  private varDecl(n: CstNode): A.VarDecl {
    const name = this.token(n, 'name')
    const init = this.node(n, 'init')
    return {
      kind: 'var',
      name: name?.image ?? '',
      nameSpan: name ? this.tspan(name) : this.span(n),
      init: init ? this.expression(init) : null,
      span: this.span(n),
    }
  }

  private statement(n: CstNode): A.Stmt {
    const span = this.span(n)
    if (this.token(n, 'Break')) return { kind: 'break', span }
    if (this.token(n, 'Continue')) return { kind: 'continue', span }
    const f = this.node(n, 'forStmt')
    if (f) {
      const name = this.token(f, 'name')
      const seq = this.node(f, 'sequence')
      const body = this.node(f, 'body')
      return {
        kind: 'for',
        name: name?.image ?? '',
        nameSpan: name ? this.tspan(name) : span,
        sequence: seq ? this.expression(seq) : this.errorExpr(span),
        body: body ? this.statement(body) : { kind: 'errorStmt', span },
        span,
      }
    }
    const i = this.node(n, 'ifStmt')
    if (i) {
      const c = this.node(i, 'condition')
      const t = this.node(i, 'then')
      const e = this.node(i, 'else')
      return {
        kind: 'if',
        condition: c ? this.expression(c) : this.errorExpr(span),
        then: t ? this.statement(t) : { kind: 'errorStmt', span },
        else: e ? this.statement(e) : null,
        span,
      }
    }
    const r = this.node(n, 'returnStmt')
    if (r) {
      const v = this.node(r, 'value')
      return { kind: 'return', value: v ? this.expression(v) : null, span }
    }
    const w = this.node(n, 'whileStmt')
    if (w) {
      const c = this.node(w, 'condition')
      const b = this.node(w, 'body')
      return {
        kind: 'while',
        condition: c ? this.expression(c) : this.errorExpr(span),
        body: b ? this.statement(b) : { kind: 'errorStmt', span },
        span,
      }
    }
    const b = this.node(n, 'block')
    if (b) return { kind: 'block', body: this.blockBody(b), span }
    const e = this.node(n, 'expression')
    if (e) return { kind: 'exprStmt', expr: this.expression(e), span }
    return { kind: 'errorStmt', span }
  }

  /** A `block` or `fnBody` node's content. */
  private blockBody(n: CstNode): A.Body {
    const span = this.span(n)
    const value = this.node(n, 'value')
    if (value) return { kind: 'expr', expr: this.expression(value), span }
    const defs = this.node(n, 'definitions')
    return { kind: 'stmts', stmts: defs ? this.definitions(defs) : [], span }
  }

  // ---- Expressions ---------------------------------------------------------------

  private errorExpr(span: Span): A.ErrorExpr {
    return { kind: 'error', span }
  }

  expression(n: CstNode): A.Expr {
    const targetNode = this.node(n, 'target')
    const target = targetNode ? this.conditional(targetNode) : this.errorExpr(this.span(n))
    const valueNode = this.node(n, 'value')
    if (!valueNode) return target
    return this.assign(target, this.expression(valueNode), this.span(n))
  }

  private assign(target: A.Expr, value: A.Expr, span: Span): A.Expr {
    // Error recovery already reported a broken target; don't add a second message.
    if (containsError(target)) return this.errorExpr(span)
    if (this.grouped.has(target)) {
      this.error('E0024', target.span)
      return this.errorExpr(span)
    }
    switch (target.kind) {
      case 'name':
      case 'field':
      case 'staticField':
      case 'subscript':
        return { kind: 'assign', target, value, span }
      case 'call':
      case 'super':
        if (target.args === null && target.block === null) return { kind: 'assign', target, value, span }
        break
      case 'error':
        return target
    }
    this.error('E0024', target.span)
    return this.errorExpr(span)
  }

  private conditional(n: CstNode): A.Expr {
    const cond = this.node(n, 'condition')
    const c = cond ? this.binary(cond) : this.errorExpr(this.span(n))
    if (!this.token(n, 'Question')) return c
    const thenNode = this.node(n, 'then')
    let then = thenNode ? this.binary(thenNode) : this.errorExpr(this.span(n))
    const thenValue = this.node(n, 'thenValue')
    if (thenValue) then = this.assign(then, this.expression(thenValue), this.join(then.span, this.span(thenValue)))
    const elseNode = this.node(n, 'else')
    const otherwise = elseNode ? this.expression(elseNode) : this.errorExpr(this.span(n))
    return { kind: 'cond', condition: c, then, else: otherwise, span: this.span(n) }
  }

  /** Any of the left-associative binary levels (rules built by NestParser.binaryRule). */
  private binary(n: CstNode): A.Expr {
    if (n.name === 'unary') return this.unary(n)
    const operands = this.nodes(n, 'operands').map((o) => this.binary(o))
    const ops = this.tokens(n, 'ops')
    if (operands.length === 0) return this.errorExpr(this.span(n))
    let left = operands[0]
    for (let i = 0; i < ops.length && i + 1 < operands.length; i++) {
      const right = operands[i + 1]
      const op = ops[i]
      const span = this.join(left.span, right.span)
      if (op.tokenType === T.AmpAmp) left = { kind: 'and', left, right, span }
      else if (op.tokenType === T.PipePipe) left = { kind: 'or', left, right, span }
      else left = { kind: 'binary', op: op.image as A.BinaryOp, opSpan: this.tspan(op), left, right, span }
    }
    return left
  }

  private unary(n: CstNode): A.Expr {
    const op = this.token(n, 'op')
    const operand = this.node(n, 'operand')
    if (op) {
      return {
        kind: 'unary',
        op: op.image as '-' | '!' | '~',
        operand: operand ? this.unary(operand) : this.errorExpr(this.span(n)),
        span: this.span(n),
      }
    }
    const postfix = this.node(n, 'postfix')
    return postfix ? this.postfix(postfix) : this.errorExpr(this.span(n))
  }

  private postfix(n: CstNode): A.Expr {
    const primary = this.node(n, 'primary')
    let e: A.Expr = primary ? this.primary(primary) : this.errorExpr(this.span(n))
    const ops = this.tokens(n, 'ops')
    const names = this.tokens(n, 'names')
    const args = this.nodes(n, 'args')
    const subs = this.nodes(n, 'subscripts')
    const breaks = this.tokens(n, 'lineBreaks').map((t) => t.startOffset)
    let ni = 0
    let si = 0
    for (const op of ops) {
      // Wren continues a chain on a new line only after a name, call, field or subscript.
      if (op.tokenType === T.Dot && breaks.some((b) => b < op.startOffset && b >= e.span.end - 1) && !continuesOnNewLine(e)) {
        this.error('E0022', this.tspan(op))
      }
      if (op.tokenType === T.Dot) {
        const name = names[ni]
        const a = args[ni]
        ni++
        if (!name) break
        const { list, block, end } = this.callArgs(a)
        const nameSpan = this.tspan(name)
        e = { kind: 'call', receiver: e, name: name.image, nameSpan, args: list, block, span: { start: e.span.start, end: Math.max(end, nameSpan.end) } }
      } else {
        const s = subs[si++]
        const items = s ? this.arguments(s) : []
        const end = (op.endOffset ?? op.startOffset) + 1
        const close = s ? this.span(s).end + 1 : end
        e = { kind: 'subscript', receiver: e, args: items, span: { start: e.span.start, end: close } }
      }
    }
    return e
  }

  private callArgs(n: CstNode | undefined): { list: A.Expr[] | null; block: A.FnExpr | null; end: number } {
    if (!n) return { list: null, block: null, end: 0 }
    const paren = this.token(n, 'paren')
    const listNode = this.node(n, 'list')
    const blockNode = this.node(n, 'block')
    let list: A.Expr[] | null = paren ? (listNode ? this.arguments(listNode) : []) : null
    const block = blockNode ? this.fnLiteral(blockNode) : null
    if (block && list === null) list = []
    const count = (list?.length ?? 0) + (block ? 1 : 0)
    if (count > MAX_ARGS) this.error('E0050', (list && list[MAX_ARGS]?.span) ?? block!.span, [MAX_ARGS])
    return { list, block, end: this.span(n).end }
  }

  private arguments(n: CstNode): A.Expr[] {
    return this.nodes(n, 'items').map((i) => this.expression(i))
  }

  private fnLiteral(n: CstNode): A.FnExpr {
    const body = this.node(n, 'fnBody')
    const params = this.params(this.node(n, 'params'))
    if (params.length > MAX_ARGS) this.error('E0050', params[MAX_ARGS].span, [MAX_ARGS])
    return {
      kind: 'fn',
      params,
      body: body ? this.blockBody(body) : { kind: 'stmts', stmts: [], span: this.span(n) },
      span: this.span(n),
    }
  }

  private primary(n: CstNode): A.Expr {
    const span = this.span(n)
    const k = this.kids(n)
    const first = Object.keys(k)[0]
    const t = first ? k[first]?.[0] : undefined
    if (isToken(t)) {
      switch (t.tokenType) {
        case T.NumberLiteral:
          return { kind: 'num', value: this.number(t), span }
        case T.IntLiteral:
          return { kind: 'int', value: this.int(t), span }
        case T.BytesLiteral:
          return { kind: 'bytes', value: this.bytes(t), span }
        case T.StringLiteral:
        case T.RawString:
          return { kind: 'str', value: (t.payload as string) ?? '', span }
        case T.True:
          return { kind: 'true', span }
        case T.False:
          return { kind: 'false', span }
        case T.Null:
          return { kind: 'null', span }
        case T.This:
          return { kind: 'this', span }
        case T.Field:
          return { kind: 'field', name: t.image, span }
        case T.StaticField:
          return { kind: 'staticField', name: t.image, span }
      }
    }
    const name = this.token(n, 'name')
    if (name) {
      const { list, block, end } = this.callArgs(this.node(n, 'args'))
      const nameSpan = this.tspan(name)
      if (list === null && block === null) return { kind: 'name', name: name.image, nameSpan, span: nameSpan }
      return { kind: 'call', receiver: null, name: name.image, nameSpan, args: list, block, span: { start: nameSpan.start, end: Math.max(end, nameSpan.end) } }
    }
    if (this.token(n, 'Super')) {
      const superName = this.token(n, 'superName')
      const { list, block } = this.callArgs(this.node(n, 'superArgs'))
      return { kind: 'super', name: superName?.image ?? null, args: list, block, span }
    }
    const group = this.node(n, 'group')
    if (group) {
      const inner = this.expression(group)
      this.grouped.add(inner)
      return inner
    }
    const list = this.node(n, 'listLiteral')
    if (list) return { kind: 'list', items: this.nodes(list, 'items').map((i) => this.expression(i)), span }
    const map = this.node(n, 'mapLiteral')
    if (map) {
      const entries = this.nodes(map, 'entries').map((e) => {
        const key = this.node(e, 'key')
        const value = this.node(e, 'value')
        return { key: key ? this.unary(key) : this.errorExpr(span), value: value ? this.expression(value) : this.errorExpr(span) }
      })
      return { kind: 'map', entries, span }
    }
    const interp = this.node(n, 'interpolation')
    if (interp) {
      const strings = this.tokens(interp, 'parts').map((p) => (p.payload as string) ?? '')
      const exprs = this.nodes(interp, 'exprs').map((e) => this.expression(e))
      if (strings.length !== exprs.length + 1) return this.errorExpr(span)
      return { kind: 'interp', strings, exprs, span }
    }
    return this.errorExpr(span)
  }

  // ---- Literal values --------------------------------------------------------------

  private number(t: IToken): number {
    const text = t.image
    if (/^0x/i.test(text)) {
      const digits = text.slice(2)
      if (digits.length === 0) return 0
      const v = parseInt(digits, 16)
      // Wren parses hex with strtoll: above 2^63-1 is out of range.
      if (BigInt('0x' + digits) > 0x7fffffffffffffffn) {
        this.error('E0011', this.tspan(t))
        return 0
      }
      return v
    }
    if (/[eE][+-]?$/.test(text)) {
      this.error('E0010', this.tspan(t))
      return 0
    }
    const v = Number(text)
    // strtod reports out-of-range results, above the largest double or below the
    // smallest normal one; Wren rejects such literals.
    if (!Number.isFinite(v) || (v !== 0 && v < 2.2250738585072014e-308) || (v === 0 && /[1-9]/.test(text.replace(/[eE].*$/, '')))) {
      this.error('E0011', this.tspan(t))
      return 0
    }
    return v
  }

  private int(t: IToken): bigint {
    const v = BigInt(t.image.slice(0, -1))
    if (v > INT_MAX) {
      this.error('E0012', this.tspan(t))
      return 0n
    }
    return v
  }

  private bytes(t: IToken): Uint8Array {
    const hex = t.image.slice(2, -1)
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      this.error('E0013', this.tspan(t))
      return new Uint8Array(0)
    }
    const out = new Uint8Array(hex.length / 2)
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
    return out
  }
}
