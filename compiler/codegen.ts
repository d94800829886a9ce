// Resolves names and emits nVM code for one module unit, reporting what Wren reports at
// compile time. Scoping follows Wren's compiler: module variables at top level, locals in
// blocks and functions, methods that see only static fields of enclosing scopes, bare
// lowercase names inside classes as calls on `this`.
//
// A captured variable that is assigned after capture lives in a Box so every closure
// shares it; that needs to be known when the variable is declared. So a unit is walked
// twice by the same code: an analysis pass (errors, capture facts) and an emitting pass.

import type * as A from './ast.js'
import { diagnostic, suggest, type Diagnostic, type DiagnosticCode } from './diagnostics.js'
import type { ModuleBuilder } from './module-builder.js'
import type { Source, Span } from './source.js'
import { Op, OPCODES, popCount } from '../vm/opcodes.js'
import { FnKind, type Capture, type Constant } from '../vm/module.js'
import { MAX_FIELDS, MAX_LOCALS, MAX_MODULE_VARS, MAX_NAME_LENGTH, MAX_UPVALUES } from '../vm/limits.js'
import { CONTRACT_NAMES, CORE_NAMES, TEST_NAMES } from '../vm/core/names.js'
import type { AbiClass, AbiMethod } from '../vm/contract/abi.js'
import { abiMethod, type AbiProblem } from './contract-abi.js'

interface Local {
  readonly name: string
  readonly depth: number
  readonly slot: number
  readonly key: string
  boxed: boolean
  captured: boolean
  assigned: boolean
}

interface Upvalue {
  readonly local: boolean
  readonly index: number
  /** The variable as declared, wherever the chain of captures starts. */
  readonly binding: Local
}

interface Loop {
  readonly start: number
  readonly scopeDepth: number
  readonly breaks: number[]
}

interface ClassInfo {
  readonly name: string
  /** A contract class: its fields are persistent (chain state), read and written through
   *  Contract's `$field` natives keyed by "Class._name" rather than instance slots. */
  readonly contract: boolean
  readonly fields: Map<string, number>
  readonly methods: Set<string>
  readonly staticMethods: Set<string>
}

interface MethodCtx {
  readonly cls: ClassInfo
  readonly isStatic: boolean
  readonly isInitializer: boolean
  readonly name: string
}

type Variable = { kind: 'local'; local: Local } | { kind: 'upvalue'; index: number; up: Upvalue } | { kind: 'module'; index: number }

class Fn {
  readonly code: number[] = []
  readonly lines: number[] = []
  readonly cols: number[] = []
  count = 0
  /** Whether E0061 was reported for this function: once is enough. */
  tooLong = false
  /** Stack height after the code emitted so far, as the verifier computes it; code after a
   *  jump or break that only a jump reaches gets the height that jump brings. */
  height = 1
  /** Whether E0063 or E0064 was reported for this function: the first overflow names the
   *  construct to change, and an over-long literal also overflows the stack. */
  tooHigh = false
  readonly locals: Local[] = []
  readonly captures: Upvalue[] = []
  loop: Loop | null = null
  constructor(
    readonly parent: Fn | null,
    readonly kind: FnKind,
    readonly method: MethodCtx | null,
    public depth: number,
    readonly name: string,
  ) {
    // Slot 0: the receiver in methods ("this"), the closure itself in functions.
    this.locals.push({ name: method ? 'this' : '', depth: -1, slot: 0, key: '', boxed: false, captured: false, assigned: false })
  }
}

interface ModuleVar {
  readonly name: string
  defined: boolean
  /** Where an implicitly declared (used before defined) variable was first used. */
  firstUse: Span | null
}

/** Capture facts from the analysis pass, by declaration key. */
export type CaptureFacts = Map<string, { captured: boolean; assigned: boolean }>

export interface UnitContext {
  readonly builder: ModuleBuilder
  readonly source: Source
  readonly unitIndex: number
  readonly unitName: string
  /** Registers an imported module (by name relative to this unit) and returns its unit
   *  index, or -1 when the module already holds the maximum number of units. */
  readonly importUnit: (name: string) => number
  /** True when compiling the core prelude: only Object and Class exist beforehand. */
  readonly isCore: boolean
  /** Compiling a contract program: contract names are implicit, contract rules apply, and
   *  the ABI of contract classes is collected here (null for scripts). */
  readonly contract: AbiClass[] | null
  /** A test program: Test and Assert are implicit; `setUp` and `test*` methods are callable. */
  readonly test: boolean
}

const BINARY_OPS: Partial<Record<A.BinaryOp, Op>> = {
  '+': Op.ADD,
  '-': Op.SUB,
  '*': Op.MUL,
  '/': Op.DIV,
  '%': Op.MOD,
  '<': Op.LT,
  '>': Op.GT,
  '<=': Op.LTE,
  '>=': Op.GTE,
  '==': Op.EQ,
  '!=': Op.NEQ,
  '&': Op.BAND,
  '|': Op.BOR,
  '^': Op.BXOR,
  '<<': Op.SHL,
  '>>': Op.SHR,
  '..': Op.RANGE_IN,
  '...': Op.RANGE_EX,
}

const UNARY_OPS: Record<A.Unary['op'], Op> = { '-': Op.NEG, '!': Op.NOT, '~': Op.BNOT }

export function signature(name: string, arity: number | null): string {
  return arity === null ? name : `${name}(${Array(arity).fill('_').join(',')})`
}

const isLocalName = (name: string) => name.charCodeAt(0) >= 97 && name.charCodeAt(0) <= 122

export class UnitCompiler {
  private fn!: Fn
  private readonly vars: ModuleVar[] = []
  private readonly varIndex = new Map<string, number>()
  private readonly allLocals: Local[] = []
  /** Contract classes declared so far in this unit: their subclasses are contracts too. */
  private readonly contractClasses = new Set<string>()
  /** Module limits reported (E0057 to E0060, E0062): every construct after the first that
   *  does not fit would repeat the diagnostic. */
  private readonly limitsReported = new Set<DiagnosticCode>()
  private pos: Span = { start: 0, end: 0 }
  private posLine = 1
  private posCol = 1
  private posAt = -1

  constructor(
    private readonly ctx: UnitContext,
    private readonly diags: Diagnostic[],
    /** null in the analysis pass; the analysis pass's facts in the emitting pass. */
    private readonly facts: CaptureFacts | null,
  ) {}

  /** Compiles the unit's top-level code; returns its function index and variable names. */
  compile(program: A.Program): { main: number; vars: string[]; facts: CaptureFacts } {
    const core = this.ctx.isCore ? ['Object', 'Class'] : this.ctx.contract ? [...CORE_NAMES, ...CONTRACT_NAMES, ...(this.ctx.test ? TEST_NAMES : [])] : CORE_NAMES
    for (const n of core) this.defineModuleVar(n)
    this.startFunction({ start: program.span.start, end: program.span.start })
    this.fn = new Fn(null, FnKind.Script, null, -1, '(script)')
    this.pos = program.span
    for (const s of program.stmts) {
      // A contract's top level only declares: it runs the same at every call, so a chain
      // may run it once per module (vm/contract/runtime.ts), and it has no caller to act for.
      if (this.ctx.contract && s.kind !== 'class' && s.kind !== 'import' && s.kind !== 'var' && s.kind !== 'errorStmt') this.error('E0072', s.span)
      this.statement(s)
    }
    this.emit(Op.NULL)
    this.emit(Op.RETURN)
    for (const v of this.vars) {
      if (!v.defined && v.firstUse) {
        const help = suggest(v.name, this.vars.filter((x) => x.defined).map((x) => x.name))
        this.error('E0030', v.firstUse, [], { label: 'not defined in this module', help: help ? `did you mean \`${help}\`?` : undefined })
      }
    }
    const main = this.finishFunction(this.fn, 0)
    const facts: CaptureFacts = new Map()
    for (const l of this.allLocals) if (l.key) facts.set(l.key, { captured: l.captured, assigned: l.assigned })
    return { main, vars: this.vars.map((v) => v.name), facts }
  }

  // ---- diagnostics and emission ----------------------------------------------------

  private error(code: DiagnosticCode, span: Span, args: (string | number)[] = [], extra: { label?: string; help?: string } = {}): void {
    if (this.facts !== null) return // the analysis pass already reported it
    this.diags.push(diagnostic(code, this.ctx.source, span, args, extra))
  }

  private at(span: Span): void {
    this.pos = span
  }

  /**
   * A module limit passed, reported once per unit. Both passes report it (unlike `error`):
   * the analysis pass counts this unit alone against scratch tables, and only the emitting
   * pass's tables also hold the units compiled before it.
   */
  private limit(code: DiagnosticCode, span: Span, max: number): void {
    if (this.limitsReported.has(code)) return
    this.limitsReported.add(code)
    this.diags.push(diagnostic(code, this.ctx.source, span, [max]))
  }

  private emit(op: Op, ...operands: number[]): number {
    const f = this.fn
    const at = f.code.length
    f.code.push(op, ...operands)
    if (this.posAt !== this.pos.start) {
      const p = this.ctx.source.position(this.pos.start)
      this.posLine = p.line
      this.posCol = p.col
      this.posAt = this.pos.start
    }
    f.lines.push(this.posLine)
    f.cols.push(this.posCol)
    f.count++
    f.height += OPCODES[op].push - popCount(OPCODES[op], operands)
    // AND and OR keep the tested value only where they jump; the code after them drops it.
    if (op === Op.AND || op === Op.OR) f.height--
    if (f.height > this.ctx.builder.maxFrameSlots && !f.tooHigh) {
      f.tooHigh = true
      this.error('E0063', this.pos, [this.ctx.builder.maxFrameSlots], { help: 'build large lists and maps with add() or [key]= in a loop, or split the function' })
    }
    if (f.code.length > this.ctx.builder.maxCodeWords && !f.tooLong) {
      f.tooLong = true
      // Not `limit`: each function that is too long gets its own diagnostic, in both passes
      // (the emitting pass's code can be longer: it boxes captured variables).
      this.diags.push(diagnostic('E0061', this.ctx.source, this.pos, [this.ctx.builder.maxCodeWords], { help: 'split it into smaller functions or methods' }))
    }
    return at
  }

  /** Emits a jump with a placeholder target; returns where to patch it. */
  private emitJump(op: Op): number {
    return this.emit(op, 0) + 1
  }

  private patch(operandAt: number): void {
    this.fn.code[operandAt] = this.fn.count
  }

  /** Reports a literal of more elements than LIST or MAP takes (E0064); `past` is where the
   *  first element past the limit starts. Both passes see the same literals: only the
   *  analysis pass reports. */
  private literalSize(what: 'list' | 'map' | 'string', count: number, past: (max: number) => Span): void {
    const max = this.ctx.builder.maxLiteralElements
    // An interpolated string is one list of its parts: n interpolations take 2n + 1.
    const most = what === 'string' ? Math.floor((max - 1) / 2) : max
    if (count <= most || this.fn.tooHigh) return
    this.fn.tooHigh = true
    const unit = what === 'list' ? 'elements' : what === 'map' ? 'entries' : 'interpolations'
    this.error('E0064', past(most), [what, most, unit], { help: what === 'string' ? 'join the parts in a loop' : 'build it with add() or [key]= in a loop' })
  }

  private constant(c: Constant): number {
    const i = this.ctx.builder.constant(c)
    if (i >= 0) return i
    this.limit('E0057', this.pos, this.ctx.builder.maxConstants)
    return 0
  }

  private symbol(sig: string): number {
    // Call sites name methods too (`a.name`, or a bare `name` on this): Wren checks the
    // length there as it does in definitions. Callers point `at` the name first.
    const name = /^(?:init )?([^(=[]*)/.exec(sig)![1]
    if (name.length > MAX_NAME_LENGTH) this.error('E0054', this.pos, [MAX_NAME_LENGTH])
    const i = this.ctx.builder.symbol(sig)
    if (i >= 0) return i
    this.limit('E0058', this.pos, this.ctx.builder.maxSymbols)
    return 0
  }

  /** Counts a function as it starts, before the functions nested in it; `span` is where a
   *  diagnostic points if it does not fit. */
  private startFunction(span: Span): void {
    if (!this.ctx.builder.startFunction()) this.limit('E0059', span, this.ctx.builder.maxFunctions)
  }

  private finishFunction(f: Fn, arity: number): number {
    if (f.captures.length > MAX_UPVALUES) this.error('E0056', this.pos, [MAX_UPVALUES])
    const captures: Capture[] = f.captures.map((c) => ({ local: c.local, index: c.index }))
    return this.ctx.builder.addFunction({
      name: f.name,
      kind: f.kind,
      unit: this.ctx.unitIndex,
      arity,
      captures,
      code: f.code,
      lines: f.lines,
      cols: f.cols,
    })
  }

  // ---- variables -------------------------------------------------------------------

  private findModuleVar(name: string): number {
    return this.varIndex.get(name) ?? -1
  }

  private defineModuleVar(name: string): number {
    const i = this.vars.length
    this.vars.push({ name, defined: true, firstUse: null })
    this.varIndex.set(name, i)
    return i
  }

  /** A module variable used before any definition: declared now, checked at the end. */
  private implicitModuleVar(name: string, use: Span): number {
    if (this.vars.length >= MAX_MODULE_VARS) {
      this.error('E0055', use)
      return 0
    }
    const i = this.vars.length
    this.vars.push({ name, defined: false, firstUse: use })
    this.varIndex.set(name, i)
    return i
  }

  private pushScope(): void {
    this.fn.depth++
  }

  /** Emits pops for locals deeper than `depth`, without forgetting them (break/continue). */
  private discardLocals(depth: number): number {
    const locals = this.fn.locals
    let n = 0
    for (let i = locals.length - 1; i >= 0 && locals[i].depth >= depth; i--) {
      this.emit(Op.POP)
      n++
    }
    return n
  }

  private popScope(): void {
    const n = this.discardLocals(this.fn.depth)
    this.fn.locals.length -= n
    this.fn.depth--
  }

  private declareLocal(name: string, span: Span, key: string): Local {
    const f = this.fn
    if (name.length > MAX_NAME_LENGTH) this.error('E0053', span, [MAX_NAME_LENGTH])
    for (let i = f.locals.length - 1; i >= 0; i--) {
      const l = f.locals[i]
      if (l.depth < f.depth) break
      if (l.name === name) {
        this.error('E0032', span)
        break
      }
    }
    if (f.locals.length >= MAX_LOCALS) this.error('E0051', span, [MAX_LOCALS])
    const fact = key && this.facts ? this.facts.get(key) : undefined
    const local: Local = {
      name,
      depth: f.depth,
      slot: f.locals.length,
      key,
      boxed: fact ? fact.captured && fact.assigned : false,
      captured: false,
      assigned: false,
    }
    f.locals.push(local)
    this.allLocals.push(local)
    return local
  }

  /** Declares a variable in the current scope: a module variable at top level. */
  /** Whether a declaration here makes a module variable. */
  private atModuleLevel(): boolean {
    return this.fn.depth === -1
  }

  private declareVariable(name: string, span: Span, key: string): Variable {
    if (this.fn.depth === -1) {
      if (name.length > MAX_NAME_LENGTH) this.error('E0053', span, [MAX_NAME_LENGTH])
      const existing = this.findModuleVar(name)
      if (existing >= 0) {
        const v = this.vars[existing]
        if (v.defined) {
          this.error('E0033', span)
        } else {
          // Used before this definition: fine for classes (Uppercase), an error for
          // lowercase names, which must not be read before they are defined.
          if (isLocalName(name) && v.firstUse) {
            this.error('E0031', span, [name, this.ctx.source.position(v.firstUse.start).line])
          }
          v.defined = true
        }
        return { kind: 'module', index: existing }
      }
      if (this.vars.length >= MAX_MODULE_VARS) this.error('E0055', span)
      return { kind: 'module', index: this.defineModuleVar(name) }
    }
    return { kind: 'local', local: this.declareLocal(name, span, key) }
  }

  /** Stores the value on top of the stack into a just-declared variable. */
  private defineVariable(v: Variable): void {
    if (v.kind === 'module') {
      this.emit(Op.STORE_MODULE_VAR, v.index)
      this.emit(Op.POP)
    } else if (v.kind === 'local' && v.local.boxed) {
      this.emit(Op.BOX_LOCAL, v.local.slot)
    }
  }

  private resolveLocal(f: Fn, name: string): Local | null {
    for (let i = f.locals.length - 1; i >= 0; i--) if (f.locals[i].name === name) return f.locals[i]
    return null
  }

  /** Looks through enclosing functions, adding captures on the way down. Methods see no
   *  locals of the scopes around their class, except static fields (names with "_"). */
  private findUpvalue(f: Fn, name: string): number {
    if (f.parent === null) return -1
    if (f.method !== null && !name.startsWith('_')) return -1
    const local = this.resolveLocal(f.parent, name)
    if (local) {
      local.captured = true
      return this.addCapture(f, true, local.slot, local)
    }
    const up = this.findUpvalue(f.parent, name)
    if (up >= 0) return this.addCapture(f, false, up, f.parent.captures[up].binding)
    return -1
  }

  private addCapture(f: Fn, local: boolean, index: number, binding: Local): number {
    const found = f.captures.findIndex((c) => c.local === local && c.index === index)
    if (found >= 0) return found
    f.captures.push({ local, index, binding })
    return f.captures.length - 1
  }

  private resolveNonModule(name: string): Variable | null {
    const local = this.resolveLocal(this.fn, name)
    if (local) return { kind: 'local', local }
    const up = this.findUpvalue(this.fn, name)
    if (up >= 0) return { kind: 'upvalue', index: up, up: this.fn.captures[up] }
    return null
  }

  private load(v: Variable): void {
    switch (v.kind) {
      case 'local':
        this.emit(v.local.boxed ? Op.LOAD_LOCAL_BOX : Op.LOAD_LOCAL, v.local.slot)
        return
      case 'upvalue':
        this.emit(v.up.binding.boxed ? Op.LOAD_UPVALUE_BOX : Op.LOAD_UPVALUE, v.index)
        return
      case 'module':
        this.emit(Op.LOAD_MODULE_VAR, v.index)
    }
  }

  private store(v: Variable): void {
    switch (v.kind) {
      case 'local':
        v.local.assigned = true
        this.emit(v.local.boxed ? Op.STORE_LOCAL_BOX : Op.STORE_LOCAL, v.local.slot)
        return
      case 'upvalue':
        v.up.binding.assigned = true
        this.emit(Op.STORE_UPVALUE_BOX, v.index)
        return
      case 'module':
        this.emit(Op.STORE_MODULE_VAR, v.index)
    }
  }

  private enclosingMethod(): { ctx: MethodCtx; direct: boolean } | null {
    for (let f: Fn | null = this.fn; f !== null; f = f.parent) {
      if (f.method) return { ctx: f.method, direct: f === this.fn }
    }
    return null
  }

  private loadThis(): void {
    const v = this.resolveNonModule('this')
    if (v) this.load(v)
    else this.emit(Op.NULL)
  }

  private coreVar(name: string): number {
    const i = this.findModuleVar(name)
    return i >= 0 ? i : this.implicitModuleVar(name, this.pos)
  }

  // ---- statements ------------------------------------------------------------------

  private statement(s: A.Stmt): void {
    this.at(s.span)
    switch (s.kind) {
      case 'exprStmt':
        this.expression(s.expr)
        this.emit(Op.POP)
        return
      case 'var': {
        if (this.ctx.contract && this.atModuleLevel() && !isConstant(s.init)) this.error('E0068', s.init?.span ?? s.nameSpan)
        if (s.init) this.expression(s.init)
        else this.emit(Op.NULL)
        this.at(s.nameSpan)
        this.defineVariable(this.declareVariable(s.name, s.nameSpan, `${s.nameSpan.start}:${s.name}`))
        return
      }
      case 'block':
        this.pushScope()
        if (s.body.kind === 'expr') {
          this.expression(s.body.expr)
          this.emit(Op.POP)
        } else {
          for (const t of s.body.stmts) this.statement(t)
        }
        this.popScope()
        return
      case 'if': {
        this.expression(s.condition)
        const skip = this.emitJump(Op.JUMP_IF_FALSE)
        this.statement(s.then)
        if (s.else) {
          this.at(s.span)
          const over = this.emitJump(Op.JUMP)
          this.patch(skip)
          this.statement(s.else)
          this.patch(over)
        } else {
          this.patch(skip)
        }
        return
      }
      case 'while': {
        const start = this.fn.count
        this.expression(s.condition)
        const exit = this.emitJump(Op.JUMP_IF_FALSE)
        const loop: Loop = { start, scopeDepth: this.fn.depth, breaks: [] }
        this.loopBody(loop, s.body)
        this.at(s.span)
        this.emit(Op.JUMP, start)
        this.patch(exit)
        for (const b of loop.breaks) this.patch(b)
        return
      }
      case 'for':
        this.forStatement(s)
        return
      case 'break':
      case 'continue': {
        const loop = this.fn.loop
        if (!loop) {
          this.error(s.kind === 'break' ? 'E0039' : 'E0040', s.span)
          return
        }
        const height = this.fn.height
        this.discardLocals(loop.scopeDepth + 1)
        if (s.kind === 'break') loop.breaks.push(this.emitJump(Op.JUMP))
        else this.emit(Op.JUMP, loop.start)
        // The locals stay declared for the code after it, which the scope's end pops.
        this.fn.height = height
        return
      }
      case 'return': {
        const method = this.fn.method
        if (method?.isInitializer) {
          if (s.value) {
            this.error('E0041', s.value.span)
            this.expression(s.value)
            this.emit(Op.POP)
          }
          this.emit(Op.LOAD_LOCAL, 0)
        } else if (s.value) {
          this.expression(s.value)
        } else {
          this.emit(Op.NULL)
        }
        this.at(s.span)
        this.emit(Op.RETURN)
        return
      }
      case 'import':
        this.importStatement(s)
        return
      case 'class':
        this.classDeclaration(s)
        return
      case 'errorStmt':
        return
    }
  }

  private loopBody(loop: Loop, body: A.Stmt): void {
    const outer = this.fn.loop
    this.fn.loop = loop
    this.statement(body)
    this.fn.loop = outer
  }

  private forStatement(s: A.For): void {
    // for (x in seq) body  ==>  { var seq_ = seq; var iter_ = null
    //   while (iter_ = seq_.iterate(iter_)) { var x = seq_.iteratorValue(iter_); body } }
    this.pushScope()
    this.expression(s.sequence)
    this.at(s.span)
    const seq = this.declareLocal('seq ', s.span, '')
    this.emit(Op.NULL)
    const iter = this.declareLocal('iter ', s.span, '')
    const start = this.fn.count
    this.emit(Op.LOAD_LOCAL, seq.slot)
    this.emit(Op.LOAD_LOCAL, iter.slot)
    this.emit(Op.ITERATE)
    this.emit(Op.STORE_LOCAL, iter.slot)
    const exit = this.emitJump(Op.JUMP_IF_FALSE)
    this.emit(Op.LOAD_LOCAL, seq.slot)
    this.emit(Op.LOAD_LOCAL, iter.slot)
    this.emit(Op.ITER_VALUE)
    const loop: Loop = { start, scopeDepth: this.fn.depth, breaks: [] }
    this.pushScope()
    this.at(s.nameSpan)
    const v = this.declareLocal(s.name, s.nameSpan, `${s.nameSpan.start}:${s.name}`)
    if (v.boxed) this.emit(Op.BOX_LOCAL, v.slot)
    this.loopBody(loop, s.body)
    this.popScope()
    this.at(s.span)
    this.emit(Op.JUMP, start)
    this.patch(exit)
    for (const b of loop.breaks) this.patch(b)
    this.popScope()
  }

  private importStatement(s: A.Import): void {
    this.at(s.pathSpan)
    let unit = this.ctx.importUnit(s.path)
    if (unit < 0) {
      this.limit('E0062', s.pathSpan, this.ctx.builder.maxUnits)
      unit = 0
    }
    this.emit(Op.IMPORT_MODULE, unit)
    this.emit(Op.POP)
    for (const n of s.names) {
      this.at(n.span)
      const name = n.alias ?? n.name
      const v = this.declareVariable(name, n.span, `${n.span.start}:${name}`)
      this.emit(Op.IMPORT_VARIABLE, unit, this.constant(n.name))
      this.defineVariable(v)
    }
  }

  // ---- classes ---------------------------------------------------------------------

  private classDeclaration(s: A.ClassDecl): void {
    const b = this.ctx.builder
    const classIndex = b.addClass(s.name)
    if (classIndex < 0) this.limit('E0060', s.nameSpan, b.maxClasses)
    if (s.superclass) this.expression(s.superclass)
    else this.emit(Op.LOAD_MODULE_VAR, this.coreVar('Object'))
    this.at(s.nameSpan)
    this.emit(Op.CLASS, Math.max(classIndex, 0))
    const classVar = this.declareVariable(s.name, s.nameSpan, `${s.nameSpan.start}:${s.name}`)
    this.defineVariable(classVar)
    const superName = s.superclass?.kind === 'name' ? s.superclass.name : null
    const base = superName === 'Contract' || (this.ctx.test && superName === 'Test')
    const contract = this.ctx.contract !== null && superName !== null && (base || this.contractClasses.has(superName))
    if (contract) this.contractClasses.add(s.name)

    // Static fields are variables of a scope around the class body, shared by its methods.
    this.pushScope()
    const statics = staticFieldsOf(s)
    if (this.ctx.contract && statics.length > 0) this.error('E0067', s.nameSpan, [statics[0]])
    for (const name of statics) {
      this.emit(Op.NULL)
      const l = this.declareLocal(name, s.nameSpan, `${s.span.start}:static:${name}`)
      if (l.boxed) this.emit(Op.BOX_LOCAL, l.slot)
    }
    const info: ClassInfo = { name: s.name, contract, fields: new Map(), methods: new Set(), staticMethods: new Set() }
    const methodAttrs: { key: string; attrs: A.AttributeEntry[] }[] = []
    const abi: AbiMethod[] = []
    const problems: AbiProblem[] = []
    for (const m of s.methods) {
      const key = this.method(m, info, classVar)
      if (contract && key) {
        const entry = abiMethod(m, key.startsWith('init ') ? key.slice(5) : key, problems, this.ctx.test)
        if (entry) abi.push(entry)
      }
      const runtime = m.attributes.filter((a) => a.runtime)
      if (runtime.length > 0 && key) methodAttrs.push({ key, attrs: runtime })
    }
    const classAttrs = s.attributes.filter((a) => a.runtime)
    if (this.ctx.contract) {
      // Class.attributes would be one mutable object shared by every call of the module.
      const first = [...classAttrs, ...methodAttrs.flatMap((m) => m.attrs)][0]
      if (first) this.error('E0073', first.span)
    }
    if (classAttrs.length > 0 || methodAttrs.length > 0) {
      this.at(s.nameSpan)
      this.emit(Op.LOAD_MODULE_VAR, this.coreVar('ClassAttributes'))
      if (classAttrs.length > 0) this.attributeMap(classAttrs)
      else this.emit(Op.NULL)
      if (methodAttrs.length > 0) {
        this.literalSize('map', methodAttrs.length, () => s.nameSpan)
        for (const m of methodAttrs) {
          this.emit(Op.CONST, this.constant(m.key))
          this.attributeMap(m.attrs)
        }
        this.emit(Op.MAP, methodAttrs.length)
      } else {
        this.emit(Op.NULL)
      }
      this.emit(Op.CALL, 2, this.symbol('new(_,_)'))
      this.load(classVar)
      this.emit(Op.END_CLASS)
    }
    for (const p of problems) this.error('E0069', p.span, [p.message])
    if (contract) this.ctx.contract!.push({ name: s.name, superclass: base ? null : superName, methods: abi })
    if (classIndex >= 0) b.setFields(classIndex, contract ? 0 : Math.min(info.fields.size, MAX_FIELDS))
    this.popScope()
  }

  /** { group: { key: [values] } } as Wren's ClassAttributes holds them. */
  private attributeMap(attrs: readonly A.AttributeEntry[]): void {
    const groups = new Map<string | null, Map<string, A.AttributeEntry['value'][]>>()
    for (const a of attrs) {
      let g = groups.get(a.group)
      if (!g) groups.set(a.group, (g = new Map()))
      let values = g.get(a.key)
      if (!values) g.set(a.key, (values = []))
      values.push(a.value)
    }
    this.literalSize('map', groups.size, () => this.pos)
    for (const [group, entries] of groups) {
      this.literalSize('map', entries.size, () => this.pos)
      if (group === null) this.emit(Op.NULL)
      else this.emit(Op.CONST, this.constant(group))
      for (const [key, values] of entries) {
        this.emit(Op.CONST, this.constant(key))
        this.literalSize('list', values.length, () => this.pos)
        for (const v of values) {
          if (v === null) this.emit(Op.NULL)
          else if (v === true) this.emit(Op.TRUE)
          else if (v === false) this.emit(Op.FALSE)
          else this.emit(Op.CONST, this.constant(v))
        }
        this.emit(Op.LIST, values.length)
      }
      this.emit(Op.MAP, entries.size)
    }
    this.emit(Op.MAP, groups.size)
  }

  /** Compiles and binds one method; returns its attribute key (signature with prefixes). */
  private method(m: A.Method, info: ClassInfo, classVar: Variable): string | null {
    this.at(m.nameSpan)
    const isCtor = m.methodKind === 'constructor'
    let sig: string
    switch (m.methodKind) {
      case 'getter':
      case 'prefix':
        sig = m.name
        break
      case 'setter':
        sig = `${m.name}=(_)`
        break
      case 'subscript':
        sig = `[${m.params.map(() => '_').join(',')}]`
        break
      case 'subscriptSetter':
        sig = `[${m.params.slice(0, -1).map(() => '_').join(',')}]=(_)`
        break
      case 'constructor':
        sig = 'init ' + signature(m.name, m.params.length)
        break
      default:
        sig = signature(m.name, m.params.length)
    }
    if (isCtor && m.isStatic) this.error('E0043', m.nameSpan)
    const set = m.isStatic ? info.staticMethods : info.methods
    if (set.has(sig)) this.error('E0042', m.nameSpan, [info.name, m.isStatic ? 'static ' : '', sig])
    set.add(sig)
    const key = (m.isForeign ? 'foreign ' : '') + (m.isStatic ? 'static ' : '') + sig
    if (m.isForeign || !m.body) return key

    const display = isCtor ? signature(m.name, m.params.length) : sig
    const ctx: MethodCtx = { cls: info, isStatic: m.isStatic, isInitializer: isCtor, name: m.name }
    const outer = this.fn
    this.startFunction(m.nameSpan)
    const f = new Fn(outer, FnKind.Method, ctx, 0, `${m.isStatic ? 'static ' : ''}${info.name}.${display}`)
    this.fn = f
    for (const p of m.params) this.declareLocal(p.name, p.span, `${p.span.start}:${p.name}`)
    f.height = f.locals.length
    for (const l of f.locals) if (l.boxed) this.emit(Op.BOX_LOCAL, l.slot)
    this.body(m.body, isCtor)
    const index = this.finishFunction(f, m.params.length)
    this.fn = outer

    this.at(m.nameSpan)
    this.emit(Op.CLOSURE, index)
    this.load(classVar)
    this.emit(m.isStatic ? Op.METHOD_STATIC : Op.METHOD_INSTANCE, this.symbol(sig))
    if (isCtor) {
      this.load(classVar)
      this.emit(Op.CONSTRUCTOR, this.symbol(signature(m.name, m.params.length)), this.symbol(sig))
    }
    return key
  }

  /** A function or method body, ending with the right return. */
  private body(b: A.Body, isInitializer: boolean): void {
    if (b.kind === 'expr') {
      this.expression(b.expr)
      if (isInitializer) {
        this.emit(Op.POP)
        this.emit(Op.LOAD_LOCAL, 0)
      }
    } else {
      for (const s of b.stmts) this.statement(s)
      this.at({ start: Math.max(b.span.end - 1, b.span.start), end: b.span.end })
      if (isInitializer) this.emit(Op.LOAD_LOCAL, 0)
      else this.emit(Op.NULL)
    }
    this.emit(Op.RETURN)
  }

  // ---- expressions -----------------------------------------------------------------

  private expression(e: A.Expr): void {
    this.at(e.span)
    switch (e.kind) {
      case 'num':
        this.emit(Op.CONST, this.constant(e.value))
        return
      case 'int':
        this.emit(Op.CONST, this.constant(e.value))
        return
      case 'bytes':
        this.emit(Op.CONST, this.constant(e.value))
        return
      case 'str':
        this.emit(Op.CONST, this.constant(e.value))
        return
      case 'true':
        this.emit(Op.TRUE)
        return
      case 'false':
        this.emit(Op.FALSE)
        return
      case 'null':
        this.emit(Op.NULL)
        return
      case 'interp': {
        // "a %(b) c" is ["a ", b, " c"].join(), as in Wren.
        this.literalSize('string', e.exprs.length, (most) => e.exprs[most].span)
        for (let i = 0; i < e.exprs.length; i++) {
          this.at(e.span)
          this.emit(Op.CONST, this.constant(e.strings[i]))
          this.expression(e.exprs[i])
        }
        this.at(e.span)
        this.emit(Op.CONST, this.constant(e.strings[e.strings.length - 1]))
        this.emit(Op.LIST, e.strings.length + e.exprs.length)
        this.emit(Op.CALL, 0, this.symbol('join()'))
        return
      }
      case 'this':
        if (!this.enclosingMethod()) {
          this.error('E0034', e.span)
          this.emit(Op.NULL)
          return
        }
        this.loadThis()
        return
      case 'field':
        this.field(e, null)
        return
      case 'staticField':
        this.staticField(e, null)
        return
      case 'name':
        this.name(e)
        return
      case 'call':
        this.call(e, null)
        return
      case 'super':
        this.superCall(e, null)
        return
      case 'subscript': {
        this.expression(e.receiver)
        for (const a of e.args) this.expression(a)
        this.at(e.span)
        if (e.args.length === 1) this.emit(Op.SUBSCRIPT)
        else this.emit(Op.CALL, e.args.length, this.symbol(`[${e.args.map(() => '_').join(',')}]`))
        return
      }
      case 'assign':
        this.assign(e)
        return
      case 'unary':
        this.expression(e.operand)
        this.at(e.span)
        this.emit(UNARY_OPS[e.op])
        return
      case 'binary': {
        this.expression(e.left)
        this.expression(e.right)
        this.at(e.opSpan)
        const op = BINARY_OPS[e.op]
        if (op !== undefined) this.emit(op)
        else this.emit(Op.CALL, 1, this.symbol(signature(e.op, 1)))
        return
      }
      case 'and':
      case 'or': {
        this.expression(e.left)
        const skip = this.emitJump(e.kind === 'and' ? Op.AND : Op.OR)
        this.expression(e.right)
        this.patch(skip)
        return
      }
      case 'cond': {
        this.expression(e.condition)
        const otherwise = this.emitJump(Op.JUMP_IF_FALSE)
        const height = this.fn.height
        this.expression(e.then)
        const end = this.emitJump(Op.JUMP)
        this.fn.height = height
        this.patch(otherwise)
        this.expression(e.else)
        this.patch(end)
        return
      }
      case 'list':
        this.literalSize('list', e.items.length, (most) => e.items[most].span)
        for (const i of e.items) this.expression(i)
        this.at(e.span)
        this.emit(Op.LIST, e.items.length)
        return
      case 'map':
        this.literalSize('map', e.entries.length, (most) => e.entries[most].key.span)
        for (const en of e.entries) {
          this.expression(en.key)
          this.expression(en.value)
        }
        this.at(e.span)
        this.emit(Op.MAP, e.entries.length)
        return
      case 'fn':
        this.function(e, 'Fn')
        return
      case 'error':
        this.emit(Op.NULL)
        return
    }
  }

  private function(e: A.FnExpr, context: string): void {
    const outer = this.fn
    this.startFunction(e.span)
    const f = new Fn(outer, FnKind.Fn, null, 0, `${context} block`)
    this.fn = f
    for (const p of e.params) this.declareLocal(p.name, p.span, `${p.span.start}:${p.name}`)
    f.height = f.locals.length
    for (const l of f.locals) if (l.boxed) this.emit(Op.BOX_LOCAL, l.slot)
    this.body(e.body, false)
    const index = this.finishFunction(f, e.params.length)
    this.fn = outer
    this.at(e.span)
    this.emit(Op.CLOSURE, index)
  }

  /** A bare name: a variable, or inside a class a lowercase name is a call on `this`. */
  private name(e: A.Name): void {
    const v = this.resolveNonModule(e.name)
    if (v) {
      this.load(v)
      return
    }
    if (isLocalName(e.name) && this.enclosingMethod()) {
      this.loadThis()
      this.at(e.span)
      this.emit(Op.CALL, 0, this.symbol(e.name))
      return
    }
    let i = this.findModuleVar(e.name)
    if (i < 0) i = this.implicitModuleVar(e.name, e.nameSpan)
    this.emit(Op.LOAD_MODULE_VAR, i)
  }

  private args(args: readonly A.Expr[] | null, block: A.FnExpr | null, context: string): number {
    for (const a of args ?? []) this.expression(a)
    if (block) this.function(block, context)
    return (args?.length ?? 0) + (block ? 1 : 0)
  }

  private callSignature(name: string, args: readonly A.Expr[] | null, block: A.FnExpr | null): string {
    return args === null && block === null ? name : signature(name, (args?.length ?? 0) + (block ? 1 : 0))
  }

  /** A method call; `value` set means a setter call (`a.b = value`). */
  private call(e: A.Call, value: A.Expr | null): void {
    if (e.receiver === null) {
      const v = this.resolveNonModule(e.name)
      if (v || !isLocalName(e.name) || !this.enclosingMethod()) {
        this.error('E0029', e.nameSpan, [e.name])
        this.emit(Op.NULL)
        return
      }
      this.loadThis()
    } else {
      this.expression(e.receiver)
    }
    if (value) {
      this.expression(value)
      this.at(e.nameSpan)
      this.emit(Op.CALL, 1, this.symbol(`${e.name}=(_)`))
      return
    }
    const sig = this.callSignature(e.name, e.args, e.block)
    const argc = this.args(e.args, e.block, sig)
    this.at(e.nameSpan)
    this.emit(Op.CALL, argc, this.symbol(sig))
  }

  private superCall(e: A.SuperCall, value: A.Expr | null): void {
    const m = this.enclosingMethod()
    if (!m) this.error('E0035', e.span)
    this.loadThis()
    if (value) {
      this.expression(value)
      this.at(e.span)
      this.emit(Op.SUPER, 1, this.symbol(`${e.name ?? m?.ctx.name ?? ''}=(_)`))
      return
    }
    let sig: string
    if (e.name !== null) {
      sig = this.callSignature(e.name, e.args, e.block)
    } else if (m?.ctx.isInitializer) {
      if (e.args === null && e.block === null) this.error('E0046', e.span)
      sig = 'init ' + signature(m.ctx.name, (e.args?.length ?? 0) + (e.block ? 1 : 0))
    } else {
      sig = this.callSignature(m?.ctx.name ?? '', e.args, e.block)
    }
    const argc = this.args(e.args, e.block, sig)
    this.at(e.span)
    this.emit(Op.SUPER, argc, this.symbol(sig))
  }

  private fieldIndex(e: A.FieldRef): number | null {
    const m = this.enclosingMethod()
    if (!m) {
      this.error('E0036', e.span)
      return null
    }
    if (m.ctx.isStatic) {
      this.error('E0038', e.span)
      return null
    }
    const fields = m.ctx.cls.fields
    let i = fields.get(e.name)
    if (i === undefined) {
      i = fields.size
      fields.set(e.name, i)
      if (i >= MAX_FIELDS) this.error('E0052', e.span, [MAX_FIELDS])
    }
    return Math.min(i, MAX_FIELDS - 1)
  }

  private field(e: A.FieldRef, value: A.Expr | null): void {
    const i = this.fieldIndex(e)
    const m = this.enclosingMethod()
    if (i !== null && m?.ctx.cls.contract) {
      // Persistent: Contract.$field(key) / $field(key, value) read and write chain state.
      this.at(e.span)
      this.loadThis()
      this.emit(Op.CONST, this.constant(`${m.ctx.cls.name}.${e.name}`))
      if (value) this.expression(value)
      this.at(e.span)
      this.emit(Op.CALL, value ? 2 : 1, this.symbol(value ? '$field(_,_)' : '$field(_)'))
      return
    }
    if (value) this.expression(value)
    this.at(e.span)
    if (i === null) {
      if (!value) this.emit(Op.NULL)
      return
    }
    const direct = this.enclosingMethod()!.direct
    if (direct) {
      this.emit(value ? Op.STORE_FIELD_THIS : Op.LOAD_FIELD_THIS, i)
    } else {
      this.loadThis()
      this.at(e.span)
      this.emit(value ? Op.STORE_FIELD : Op.LOAD_FIELD, i)
    }
  }

  private staticField(e: A.StaticFieldRef, value: A.Expr | null): void {
    const v = this.resolveNonModule(e.name)
    if (!v) {
      this.error('E0037', e.span)
      if (value) this.expression(value)
      else this.emit(Op.NULL)
      return
    }
    if (value) {
      this.expression(value)
      this.at(e.span)
      this.store(v)
    } else {
      this.load(v)
    }
  }

  private assign(e: A.Assign): void {
    const t = e.target
    switch (t.kind) {
      case 'name': {
        const v = this.resolveNonModule(t.name)
        if (v) {
          this.expression(e.value)
          this.at(t.span)
          this.store(v)
          return
        }
        if (isLocalName(t.name) && this.enclosingMethod()) {
          this.loadThis()
          this.expression(e.value)
          this.at(t.span)
          this.emit(Op.CALL, 1, this.symbol(`${t.name}=(_)`))
          return
        }
        let i = this.findModuleVar(t.name)
        if (i < 0) i = this.implicitModuleVar(t.name, t.nameSpan)
        if (this.ctx.contract) this.error('E0068', t.span)
        this.expression(e.value)
        this.at(t.span)
        this.emit(Op.STORE_MODULE_VAR, i)
        return
      }
      case 'field':
        this.field(t, e.value)
        return
      case 'staticField':
        this.staticField(t, e.value)
        return
      case 'call':
        this.call(t, e.value)
        return
      case 'super':
        this.superCall(t, e.value)
        return
      case 'subscript':
        this.expression(t.receiver)
        for (const a of t.args) this.expression(a)
        this.expression(e.value)
        this.at(t.span)
        if (t.args.length === 1) this.emit(Op.SUBSCRIPT_SET)
        else this.emit(Op.CALL, t.args.length + 1, this.symbol(`[${t.args.map(() => '_').join(',')}]=(_)`))
        return
    }
  }
}

/** Static field names a class body uses, in order of first use (not nested classes'). */
function staticFieldsOf(c: A.ClassDecl): string[] {
  const names: string[] = []
  const seen = new Set<string>()
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return
    if (Array.isArray(n)) {
      for (const x of n) visit(x)
      return
    }
    const node = n as { kind?: string; name?: string }
    if (node.kind === 'class') return
    if (node.kind === 'staticField' && node.name && !seen.has(node.name)) {
      seen.add(node.name)
      names.push(node.name)
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'span' || k === 'nameSpan' || k === 'opSpan') continue
      if (typeof v === 'object') visit(v)
    }
  }
  for (const m of c.methods) visit(m.body)
  return names
}

/** What a contract's module variable may hold: a literal, fixed when the module loads. */
function isConstant(e: A.Expr | null): boolean {
  if (e === null) return true
  switch (e.kind) {
    case 'num':
    case 'int':
    case 'bytes':
    case 'str':
    case 'true':
    case 'false':
    case 'null':
      return true
    case 'unary':
      return e.op === '-' && e.operand.kind === 'num'
    default:
      return false
  }
}
