// Generates random Nest programs from a grammar of the Wren subset Nest runs: classes with
// constructors, fields, methods, getters, setters, operators and subscripts, inheritance
// and super, closures, fibers, loops, lists, maps, ranges, strings with interpolation,
// Int and Bytes literals, imports. Expressions are typed loosely (each variable remembers
// what kind of value it holds) so most programs compile and run for a while before they
// end or fail at run time; the rest still exercise the compiler's error paths.

import type { Prng } from './prng.js'

type Kind = 'num' | 'str' | 'int' | 'bool' | 'list' | 'map' | 'range' | 'fn' | 'fiber' | 'bytes' | 'obj' | 'any'
const VALUE_KINDS: readonly Kind[] = ['num', 'str', 'int', 'bool', 'list', 'map', 'range', 'fn', 'fiber', 'bytes', 'obj']

interface Var {
  readonly name: string
  readonly kind: Kind
  readonly cls?: ClassInfo
  readonly arity?: number
}

interface Sig {
  readonly name: string
  readonly arity: number
}

interface ClassInfo {
  readonly name: string
  readonly superclass: ClassInfo | null
  /** Fields are private to the class that names them (Wren): a subclass sees only its own. */
  readonly fields: string[]
  readonly staticFields: string[]
  readonly ctorArity: number
  readonly methods: Sig[]
  readonly getters: string[]
  readonly setters: string[]
  readonly statics: Sig[]
  readonly binary: string[]
  hasSubscript: boolean
}

/** A lexical scope; a method body is a barrier only uppercase (module) names cross. */
interface Scope {
  readonly vars: Var[]
  readonly parent: Scope | null
  readonly barrier: boolean
}

interface Ctx {
  readonly scope: Scope
  readonly inLoop: boolean
  readonly canReturn: boolean
  readonly cls: ClassInfo | null
  readonly isStatic: boolean
  readonly topLevel: boolean
}

export interface GeneratedProgram {
  readonly main: string
  /** Imported module sources by module name ("./lib0"). */
  readonly modules: ReadonlyMap<string, string>
}

const ESCAPES = ['\\n', '\\t', '\\"', '\\\\', '\\x41', '\\u00e9', '\\U0001F600', '\\0', '\\%', '\\a', '\\b', '\\e', '\\f', '\\r', '\\v']

class Generator {
  private n = 0
  private budget: number
  readonly classes: ClassInfo[] = []
  readonly modules = new Map<string, string>()

  constructor(
    private readonly rng: Prng,
    budget: number,
  ) {
    this.budget = budget
  }

  /** Sub-generators (imported modules) tag their names so they never clash with main's. */
  tag = ''

  private fresh(prefix: string): string {
    return `${prefix}${this.tag}${this.n++}`
  }

  private spend(): boolean {
    this.budget--
    return this.budget > 0
  }

  // ---- scopes ------------------------------------------------------------------

  private visible(ctx: Ctx, kind?: Kind): Var[] {
    const out: Var[] = []
    let crossed = false
    for (let s: Scope | null = ctx.scope; s; s = s.parent) {
      for (const v of s.vars) {
        if (crossed && !/^[A-Z]/.test(v.name)) continue
        if (kind === undefined || kind === 'any' || v.kind === kind) out.push(v)
      }
      if (s.barrier) crossed = true
    }
    return out
  }

  private child(ctx: Ctx, extra: Partial<Ctx> = {}, barrier = false): Ctx {
    return { ...ctx, ...extra, scope: { vars: [], parent: ctx.scope, barrier } }
  }

  // ---- programs ----------------------------------------------------------------

  program(): string {
    const scope: Scope = { vars: [], parent: null, barrier: false }
    const ctx: Ctx = { scope, inLoop: false, canReturn: false, cls: null, isStatic: false, topLevel: true }
    const lines: string[] = []
    if (this.rng.chance(0.15)) lines.push(...this.importLib(ctx))
    const nClasses = this.rng.weighted([4, 4, 2])
    for (let i = 0; i < nClasses; i++) lines.push(...this.classDef(ctx), '')
    const nStmts = this.rng.between(3, 10)
    for (let i = 0; i < nStmts && this.spend(); i++) lines.push(...this.statement(ctx, 0))
    if (this.rng.chance(0.1)) lines.unshift(this.comment())
    return lines.join('\n') + (this.rng.chance(0.9) ? '\n' : '')
  }

  private importLib(ctx: Ctx): string[] {
    const name = `./lib${this.modules.size}`
    if (this.rng.chance(0.1)) return [`import "./missing${this.n++}"`]
    const sub = new Generator(this.rng, 40)
    sub.tag = `L${this.modules.size}x`
    const libScope: Scope = { vars: [], parent: null, barrier: false }
    const libCtx: Ctx = { scope: libScope, inLoop: false, canReturn: false, cls: null, isStatic: false, topLevel: true }
    const lines: string[] = []
    const nClasses = this.rng.between(1, 2)
    for (let i = 0; i < nClasses; i++) lines.push(...sub.classDef(libCtx))
    const exported = `Lib${this.n++}`
    const kind = this.rng.pick(VALUE_KINDS.filter((k) => k !== 'obj'))
    lines.push(`var ${exported} = ${sub.expr(libCtx, kind, 2)}`)
    if (this.rng.chance(0.3)) lines.push(...sub.statement(libCtx, 1))
    this.modules.set(name, lines.join('\n') + '\n')
    const names = [...sub.classes.map((c) => c.name), exported]
    const chosen = names.filter(() => this.rng.chance(0.7))
    if (chosen.length === 0) return [`import "${name}"`]
    for (const c of sub.classes) if (chosen.includes(c.name)) this.classes.push(c)
    if (chosen.includes(exported)) ctx.scope.vars.push({ name: exported, kind })
    if (this.rng.chance(0.05)) chosen.push('Nope' + this.n++) // a name the module lacks: runtime error
    return [`import "${name}" for ${chosen.join(', ')}`]
  }

  private comment(): string {
    return this.rng.chance(0.5) ? '// generated' : '/* a /* nested */ comment */'
  }

  // ---- classes -----------------------------------------------------------------

  private classDef(ctx: Ctx): string[] {
    const superclass = this.classes.length > 0 && this.rng.chance(0.35) ? this.rng.pick(this.classes) : null
    const name = this.fresh('C')
    const info: ClassInfo = {
      name,
      superclass,
      fields: Array.from({ length: this.rng.between(0, 3) }, () => this.fresh('_f')),
      staticFields: this.rng.chance(0.3) ? [this.fresh('__s')] : [],
      ctorArity: superclass && this.rng.chance(0.5) ? superclass.ctorArity : this.rng.between(0, 3),
      methods: Array.from({ length: this.rng.between(0, 2) }, () => ({ name: this.fresh('m'), arity: this.rng.between(0, 3) })),
      getters: Array.from({ length: this.rng.between(0, 2) }, () => this.fresh('g')),
      setters: this.rng.chance(0.4) ? [this.fresh('s')] : [],
      statics: this.rng.chance(0.4) ? [{ name: this.fresh('st'), arity: this.rng.between(0, 2) }] : [],
      binary: this.rng.chance(0.3) ? [this.rng.pick(['+', '-', '*', '<', '==', '..'])] : [],
      hasSubscript: this.rng.chance(0.25),
    }
    // Methods may call each other in any order: declare the class before the bodies.
    this.classes.push(info)
    ctx.scope.vars.push({ name, kind: 'any' })
    const lines: string[] = []
    if (this.rng.chance(0.1)) lines.push(this.rng.chance(0.5) ? '#doc = "a class"' : '#!runtime(level = 1, name = "x")')
    lines.push(`class ${name}${superclass ? ' is ' + superclass.name : ''} {`)
    const member = (head: string, params: string[], isStatic: boolean, body: (c: Ctx) => string[]) => {
      const mctx = this.child(ctx, { cls: info, isStatic, canReturn: true, inLoop: false, topLevel: false }, true)
      for (const p of params) mctx.scope.vars.push({ name: p, kind: 'any' })
      lines.push(`  ${head} {`, ...body(mctx).map((l) => '    ' + l), '  }')
    }
    const params = (k: number) => Array.from({ length: k }, () => this.fresh('p'))
    const ctorParams = params(info.ctorArity)
    member(`construct new(${ctorParams.join(', ')})`, ctorParams, false, (c0) => {
      const c = { ...c0, canReturn: false } // a constructor returns no value
      const out: string[] = []
      if (superclass) out.push(`super(${Array.from({ length: superclass.ctorArity }, () => this.expr(c, 'any', 1)).join(', ')})`)
      info.fields.forEach((f, i) => out.push(`${f} = ${i < ctorParams.length && this.rng.chance(0.7) ? ctorParams[i] : this.expr(c, this.pickKind(), 1)}`))
      if (this.rng.chance(0.3)) out.push(...this.statement(c, 2))
      return out
    })
    for (const m of info.methods) {
      const ps = params(m.arity)
      member(`${m.name}(${ps.join(', ')})`, ps, false, (c) => this.body(c, 2))
    }
    for (const g of info.getters) {
      const f = info.fields
      lines.push(`  ${g} { ${f.length > 0 && this.rng.chance(0.7) ? this.rng.pick(f) : this.expr(this.child(ctx, { cls: info, canReturn: true, topLevel: false }, true), 'any', 2)} }`)
    }
    for (const s of info.setters) {
      const p = this.fresh('p')
      const f = info.fields
      lines.push(`  ${s}=(${p}) { ${f.length > 0 ? this.rng.pick(f) : '__set'} = ${p} }`)
    }
    for (const s of info.statics) {
      const ps = params(s.arity)
      member(`static ${s.name}(${ps.join(', ')})`, ps, true, (c) => this.body(c, 2))
    }
    for (const op of info.binary) {
      const p = this.fresh('p')
      member(`${op}(${p})`, [p], false, (c) => this.body(c, 1))
    }
    if (info.hasSubscript) {
      const [i, v] = [this.fresh('p'), this.fresh('p')]
      member(`[${i}]`, [i], false, (c) => [`return ${this.rng.chance(0.5) ? i : this.expr(c, 'any', 1)}`])
      member(`[${i}]=(${v})`, [i, v], false, (c) => [`${info.fields[0] ?? '__sub'} = ${v}`])
    }
    if (this.rng.chance(0.3)) lines.push(`  toString { "${name}(%(${info.fields[0] ?? '"-"'}))" }`)
    lines.push('}')
    return lines
  }

  private allMethods(c: ClassInfo): Sig[] {
    return c.superclass ? [...c.methods, ...this.allMethods(c.superclass)] : c.methods
  }

  private allGetters(c: ClassInfo): string[] {
    return c.superclass ? [...c.getters, ...this.allGetters(c.superclass)] : c.getters
  }

  private body(ctx: Ctx, depth: number): string[] {
    const out: string[] = []
    const n = this.rng.between(0, 2)
    for (let i = 0; i < n && this.spend(); i++) out.push(...this.statement(ctx, depth))
    if (this.rng.chance(0.8)) out.push(`return ${this.expr(ctx, this.pickKind(), 2)}`)
    return out
  }

  // ---- statements ---------------------------------------------------------------

  private pickKind(): Kind {
    return this.rng.pick(['num', 'num', 'num', 'str', 'str', 'int', 'bool', 'list', 'list', 'map', 'range', 'fn', 'fiber', 'bytes', 'obj', 'any'] as Kind[])
  }

  private block(ctx: Ctx, depth: number, extra: Partial<Ctx> = {}): string[] {
    const c = this.child(ctx, extra)
    const out: string[] = []
    const n = this.rng.between(1, 3)
    for (let i = 0; i < n && this.spend(); i++) out.push(...this.statement(c, depth + 1))
    return out.map((l) => '  ' + l)
  }

  statement(ctx: Ctx, depth: number): string[] {
    const deep = depth >= 3 || this.budget <= 0
    const w = [
      6, // var
      3, // assign
      6, // print
      deep ? 0 : 2, // if
      deep ? 0 : 2, // while
      deep ? 0 : 3, // for
      ctx.inLoop ? 1 : 0, // break / continue
      ctx.canReturn && !ctx.topLevel ? 1 : 0, // return
      4, // call statement
      deep ? 0 : 1, // block
      deep ? 0 : 1, // fiber
      0.3, // abort inside try
      ctx.cls && !ctx.isStatic && ctx.cls.fields.length > 0 ? 2 : 0, // field store
    ]
    switch (this.rng.weighted(w)) {
      case 0: {
        const kind = this.pickKind()
        const init = this.expr(ctx, kind, this.rng.chance(0.3) ? 3 : 2)
        const name = this.fresh(ctx.topLevel && this.rng.chance(0.3) ? 'V' : 'v')
        ctx.scope.vars.push(this.typedVar(ctx, name, kind, init))
        return [`var ${name} = ${init}`]
      }
      case 1: {
        const vs = this.visible(ctx).filter((v) => v.kind !== 'obj' && v.kind !== 'any' && v.kind !== 'fn')
        if (vs.length === 0) return [`System.print(${this.expr(ctx, 'any', 2)})`]
        const v = this.rng.pick(vs)
        return [`${v.name} = ${this.expr(ctx, v.kind, 2)}`]
      }
      case 2:
        return [`System.${this.rng.pick(['print', 'print', 'print', 'write'])}(${this.expr(ctx, this.pickKind(), this.rng.chance(0.3) ? 3 : 2)})`]
      case 3: {
        if (this.rng.chance(0.2)) return [`if (${this.expr(ctx, 'bool', 1)}) ${this.simple(ctx)}`]
        const out = [`if (${this.expr(ctx, 'bool', 2)}) {`, ...this.block(ctx, depth)]
        if (this.rng.chance(0.15)) out.push(`} else if (${this.expr(ctx, 'bool', 1)}) {`, ...this.block(ctx, depth))
        if (this.rng.chance(0.4)) out.push('} else {', ...this.block(ctx, depth))
        out.push('}')
        return out
      }
      case 4: {
        const i = this.fresh('i')
        ctx.scope.vars.push({ name: i, kind: 'num' })
        return [`var ${i} = 0`, `while (${i} < ${this.rng.between(0, 12)}) {`, `  ${i} = ${i} + 1`, ...this.block(ctx, depth, { inLoop: true }), '}']
      }
      case 5: {
        const x = this.fresh('x')
        const seqKind = this.rng.pick(['range', 'list', 'list', 'str', 'map', 'any'] as Kind[])
        const seq = seqKind === 'map' ? `${this.expr(ctx, 'map', 2)}.keys` : this.expr(ctx, seqKind, 2)
        const c = this.child(ctx, { inLoop: true })
        c.scope.vars.push({ name: x, kind: seqKind === 'range' ? 'num' : seqKind === 'str' ? 'str' : 'any' })
        if (this.rng.chance(0.2)) return [`for (${x} in ${seq}) ${this.simple(c)}`]
        return [`for (${x} in ${seq}) {`, ...this.block(c, depth, { inLoop: true }), '}']
      }
      case 6:
        return [this.rng.chance(0.5) ? `if (${this.expr(ctx, 'bool', 1)}) break` : `if (${this.expr(ctx, 'bool', 1)}) continue`]
      case 7:
        return [this.rng.chance(0.8) ? `return ${this.expr(ctx, 'any', 2)}` : 'return']
      case 8:
        return [this.callStatement(ctx)]
      case 9:
        return ['{', ...this.block(ctx, depth), '}']
      case 10: {
        const f = this.fresh('fb')
        const c = this.child(ctx, { inLoop: false, canReturn: true, topLevel: false })
        const body = this.block(c, depth + 1)
        body.splice(this.rng.int(body.length + 1), 0, `  Fiber.yield(${this.expr(c, 'any', 1)})`)
        const run = this.rng.pick(['call()', 'try()', 'call()'])
        ctx.scope.vars.push({ name: f, kind: 'fiber' })
        return [`var ${f} = Fiber.new {`, ...body, '}', `System.print(${f}.${run})`, `System.print(${f}.isDone ? "done" : ${f}.${run})`]
      }
      case 11:
        return [`System.print(Fiber.new { Fiber.abort(${this.expr(ctx, this.rng.pick(['str', 'num', 'any'] as Kind[]), 1)}) }.try())`]
      case 12: {
        const f = this.rng.pick(ctx.cls!.fields)
        return [`${f} = ${this.expr(ctx, this.pickKind(), 2)}`]
      }
    }
    return ['null']
  }

  /** A statement that fits on one line after `if (...)` or `for (...)`. */
  private simple(ctx: Ctx): string {
    return this.rng.chance(0.5) ? `System.print(${this.expr(ctx, 'any', 2)})` : this.callStatement(ctx)
  }

  private typedVar(ctx: Ctx, name: string, kind: Kind, init: string): Var {
    const alias = this.visible(ctx, kind).find((v) => v.name === init)
    if (kind === 'fn') {
      const m = /^Fn\.new \{ \|([^|]*)\|/.exec(init)
      return { name, kind, arity: m ? m[1].split(',').length : (alias?.arity ?? 0) }
    }
    if (kind === 'obj') {
      const m = /^(C\d+)\.new\(/.exec(init)
      const cls = m ? this.classes.find((c) => c.name === m[1]) : undefined
      if (alias?.cls) return { name, kind, cls: alias.cls }
      return cls ? { name, kind, cls } : { name, kind: 'any' }
    }
    return { name, kind }
  }

  private callStatement(ctx: Ctx): string {
    const lists = this.visible(ctx, 'list')
    const maps = this.visible(ctx, 'map')
    const fns = this.visible(ctx, 'fn')
    const objs = this.visible(ctx, 'obj')
    const fibers = this.visible(ctx, 'fiber')
    const options: (() => string)[] = [() => `System.print(${this.expr(ctx, 'any', 2)})`]
    if (lists.length > 0) {
      const l = () => this.rng.pick(lists).name
      options.push(
        () => `${l()}.add(${this.expr(ctx, this.pickKind(), 2)})`,
        () => `${l()}.insert(0, ${this.expr(ctx, 'any', 1)})`,
        () => `${l()}[${this.expr(ctx, 'num', 1)}] = ${this.expr(ctx, 'any', 1)}`,
        () => `${l()}.removeAt(${this.expr(ctx, 'num', 1)})`,
        () => `${l()}.sort()`,
        () => `${l()}.sort {|a, b| a.toString < b.toString }`,
        () => `${l()}.each {|e| System.print(e) }`,
        () => `${l()}.clear()`,
        () => `${l()}.swap(0, ${l()}.count - 1)`,
      )
    }
    if (maps.length > 0) {
      const m = () => this.rng.pick(maps).name
      options.push(
        () => `${m()}[${this.expr(ctx, this.rng.pick(['num', 'str', 'int', 'bool', 'bytes'] as Kind[]), 1)}] = ${this.expr(ctx, 'any', 2)}`,
        () => `${m()}.remove(${this.expr(ctx, 'str', 1)})`,
        () => `for (e in ${m()}) System.print("%(e.key)=%(e.value)")`,
      )
    }
    if (fns.length > 0) {
      options.push(() => {
        const f = this.rng.pick(fns)
        return `${f.name}.call(${this.args(ctx, f.arity ?? 0)})`
      })
    }
    if (fibers.length > 0) options.push(() => `if (!${this.rng.pick(fibers).name}.isDone) ${this.rng.pick(fibers).name}.try()`)
    if (objs.length > 0) {
      options.push(() => {
        const o = this.rng.pick(objs)
        return this.objectUse(ctx, o.name, o.cls!, true)
      })
    }
    if (ctx.cls && !ctx.isStatic) {
      const ms = this.allMethods(ctx.cls)
      if (ms.length > 0) {
        options.push(() => {
          const m = this.rng.pick(ms)
          return `${this.rng.chance(0.5) ? 'this.' : ''}${m.name}(${this.args(ctx, m.arity)})`
        })
      }
    }
    return this.rng.pick(options)()
  }

  private args(ctx: Ctx, n: number): string {
    return Array.from({ length: n }, () => this.expr(ctx, this.pickKind(), 1)).join(', ')
  }

  /** A use of an instance: method call, getter, setter, operator, subscript. */
  private objectUse(ctx: Ctx, recv: string, cls: ClassInfo, statement: boolean): string {
    const options: (() => string)[] = [() => `${recv}.toString`]
    const ms = this.allMethods(cls)
    if (ms.length > 0) options.push(() => {
      const m = this.rng.pick(ms)
      return `${recv}.${m.name}(${this.args(ctx, m.arity)})`
    })
    const gs = this.allGetters(cls)
    if (gs.length > 0) options.push(() => `${recv}.${this.rng.pick(gs)}`)
    if (cls.setters.length > 0 && statement) options.push(() => `${recv}.${this.rng.pick(cls.setters)} = ${this.expr(ctx, 'any', 1)}`)
    if (cls.binary.length > 0 && !statement) options.push(() => `(${recv} ${this.rng.pick(cls.binary)} ${this.expr(ctx, 'any', 1)})`)
    if (cls.hasSubscript) options.push(() => (statement ? `${recv}[${this.expr(ctx, 'num', 1)}] = ${this.expr(ctx, 'any', 1)}` : `${recv}[${this.expr(ctx, 'num', 1)}]`))
    if (cls.statics.length > 0) options.push(() => {
      const s = this.rng.pick(cls.statics)
      return `${cls.name}.${s.name}(${this.args(ctx, s.arity)})`
    })
    if (!statement) options.push(() => `(${recv} is ${cls.name})`)
    return this.rng.pick(options)()
  }

  // ---- expressions --------------------------------------------------------------

  expr(ctx: Ctx, kind: Kind, depth: number): string {
    if (kind === 'any') kind = this.rng.chance(0.3) ? 'any' : this.pickKind()
    const vars = this.visible(ctx, kind)
    if (depth <= 0 || !this.spend()) {
      if (vars.length > 0 && this.rng.chance(0.5)) return this.rng.pick(vars).name
      return this.literal(ctx, kind)
    }
    if (vars.length > 0 && this.rng.chance(0.3)) return this.rng.pick(vars).name
    const d = depth - 1
    const e = (k: Kind) => this.expr(ctx, k, d)
    const p = (s: string) => (this.rng.chance(0.75) ? `(${s})` : s)
    // A receiver keeps its meaning only in parentheses, unless it is a name or a number.
    const r = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/.test(s) && this.rng.chance(0.8) ? s : `(${s})`)
    switch (kind) {
      case 'num':
        return this.rng.pick([
          () => this.literal(ctx, 'num'),
          () => p(`${e('num')} ${this.rng.pick(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>'])} ${e('num')}`),
          () => `-${p(e('num'))}`,
          () => `~${p(e('num'))}`,
          () => `${r(e('list'))}.count`,
          () => `${r(e('str'))}.count`,
          () => `${r(e('num'))}.${this.rng.pick(['abs', 'floor', 'ceil', 'sqrt', 'sign', 'round', 'truncate', 'fraction', 'sin', 'log'])}`,
          () => `${r(e('num'))}.${this.rng.pick(['min', 'max', 'pow', 'atan'])}(${e('num')})`,
          () => `${r(e('num'))}.clamp(${e('num')}, ${e('num')})`,
          () => `${p(e('bool'))} ? (${e('num')}) : ${e('num')}`,
          () => `${r(e('list'))}.reduce(0) {|a, b| a + (b is Num ? b : 1) }`,
          () => `${r(e('str'))}.indexOf(${e('str')})`,
          () => `${r(e('int'))}.toNum`,
          () => `${r(e('map'))}.count`,
          () => `Num.fromString(${e('str')}) || 0`,
          () => `${r(e('range'))}.${this.rng.pick(['from', 'to', 'min', 'max'])}`,
          () => `${r(e('bytes'))}.count`,
        ])()
      case 'str':
        return this.rng.pick([
          () => this.literal(ctx, 'str'),
          () => `${p(e('str'))} + ${p(e('str'))}`,
          () => `${r(e('any'))}.toString`,
          () => `"%(${e('any')})"`,
          () => `"a%(${e('num')})b%(${e('str')})c"`,
          () => `${r(e('list'))}.join(${this.rng.chance(0.5) ? '' : e('str')})`,
          () => `${r(e('str'))}[${e('num')}]`,
          () => `${r(e('str'))}[${e('range')}]`,
          () => `${r(e('str'))}.replace(${e('str')}, ${e('str')})`,
          () => `${r(e('str'))}.${this.rng.pick(['trim()', 'trimStart()', 'trimEnd()'])}`,
          () => `${r(e('str'))} * ${this.rng.between(0, 4)}`,
          () => `String.fromCodePoint(${this.rng.between(0, 0x1f600)})`,
          () => `${r(e('str'))}.split(${e('str')}).join("|")`,
          () => `${r(e('int'))}.toString`,
          () => `${r(e('bytes'))}.toString`,
        ])()
      case 'int':
        return this.rng.pick([
          () => this.literal(ctx, 'int'),
          () => p(`${e('int')} ${this.rng.pick(['+', '-', '*', '/', '%', '&', '|', '^'])} ${e('int')}`),
          () => `Int.fromNum(${this.rng.between(0, 1000)})`,
          () => `${r(e('int'))}.divCeil(${e('int')})`,
          () => `${p(e('int'))} << ${this.rng.between(0, 300)}`,
          () => `Int.fromString(${JSON.stringify(String(this.rng.between(0, 1e6)))})`,
        ])()
      case 'bool':
        return this.rng.pick([
          () => this.literal(ctx, 'bool'),
          () => p(`${e('num')} ${this.rng.pick(['<', '>', '<=', '>=', '==', '!='])} ${e('num')}`),
          () => p(`${e('any')} ${this.rng.pick(['==', '!='])} ${e('any')}`),
          () => `!${p(e('bool'))}`,
          () => p(`${e('bool')} ${this.rng.pick(['&&', '||'])} ${e('bool')}`),
          () => p(`${e('any')} is ${this.rng.pick(['Num', 'String', 'List', 'Map', 'Int', 'Bool', 'Fn', 'Object', 'Range', 'Bytes', 'Null', 'Sequence', ...this.classes.map((c) => c.name)])}`),
          () => `${r(e('list'))}.contains(${e('any')})`,
          () => `${r(e('str'))}.${this.rng.pick(['startsWith', 'endsWith', 'contains'])}(${e('str')})`,
          () => `${r(e('map'))}.containsKey(${e('str')})`,
          () => `${r(e('list'))}.isEmpty`,
          () => `${r(e('list'))}.any {|x| x == ${e('any')} }`,
          () => `${r(e('num'))}.isInteger`,
          () => p(`${e('int')} ${this.rng.pick(['<', '>', '==', '>='])} ${e('int')}`),
        ])()
      case 'list':
        return this.rng.pick([
          () => this.literal(ctx, 'list'),
          () => `${r(e('list'))}.map {|x| ${this.lambdaBody(ctx, 'x', d)} }.toList`,
          () => `${r(e('list'))}.where {|x| ${this.lambdaBody(ctx, 'x', d, 'bool')} }.toList`,
          () => `${r(e('range'))}.toList`,
          () => `List.filled(${this.rng.between(0, 20)}, ${e('any')})`,
          () => `${r(e('str'))}.split(${e('str')})`,
          () => `${r(e('map'))}.keys.toList`,
          () => `${r(e('map'))}.values.toList`,
          () => `${r(e('list'))}[${e('range')}]`,
          () => `${p(e('list'))} + ${p(e('list'))}`,
          () => `${r(e('str'))}.bytes.toList`,
          () => `${r(e('str'))}.codePoints.toList`,
          () => `${r(e('list'))}.skip(${this.rng.between(0, 3)}).take(${this.rng.between(0, 5)}).toList`,
          () => `${r(e('list'))} * ${this.rng.between(0, 3)}`,
        ])()
      case 'map':
        return this.rng.pick([() => this.literal(ctx, 'map'), () => `Map.new()`, () => `{${r(e('str'))}: ${e('any')}, ${r(e('num'))}: ${e('any')}}`])()
      case 'range':
        return this.rng.pick([
          () => this.literal(ctx, 'range'),
          () => `${p(e('num'))}${this.rng.pick(['..', '...'])}${p(e('num'))}`,
          () => `${r(e('list'))}.count${this.rng.pick(['..', '...'])}0`,
        ])()
      case 'fn':
        return this.fnLiteral(ctx, d)
      case 'fiber':
        return `Fiber.new {${this.rng.chance(0.3) ? ' |v|' : ''} ${this.lambdaBody(ctx, null, d)} }`
      case 'bytes':
        return this.rng.pick([() => this.literal(ctx, 'bytes'), () => `Bytes.fromHex(${JSON.stringify(this.hex(this.rng.between(0, 4)))})`])()
      case 'obj': {
        const cls = this.classes.length > 0 ? this.rng.pick(this.classes) : null
        if (!cls) return this.literal(ctx, 'any')
        const objs = this.visible(ctx, 'obj')
        if (objs.length > 0 && this.rng.chance(0.4)) {
          const o = this.rng.pick(objs)
          return this.objectUse(ctx, o.name, o.cls!, false)
        }
        return `${cls.name}.new(${this.args(ctx, this.rng.chance(0.95) ? cls.ctorArity : cls.ctorArity + 1)})`
      }
      case 'any':
        return this.rng.pick([
          () => this.inClass(ctx),
          () => `${r(e('list'))}[${e('num')}]`,
          () => `${r(e('map'))}[${e('str')}]`,
          () => {
            const fns = this.visible(ctx, 'fn')
            if (fns.length === 0) return `${this.fnLiteral(ctx, d)}.call()`
            const f = this.rng.pick(fns)
            return `${f.name}.call(${this.args(ctx, f.arity ?? 0)})`
          },
          () => `${r(e('fiber'))}.${this.rng.pick(['call()', 'try()'])}`,
          () => e(this.pickKind()),
          () => `null`,
          () => `${r(e('list'))}.reduce {|a, b| ${this.rng.pick(['a', 'b', 'a.toString + b.toString'])} }`,
          () => this.edge(ctx, d),
        ])()
    }
  }

  /** Core library corners: limits, special numbers, reflection, fiber switches. */
  private edge(ctx: Ctx, depth: number): string {
    const e = (k: Kind) => this.expr(ctx, k, depth)
    const r = (s: string) => `(${s})`
    const big = () => this.rng.pick(['1000', '100000', '1e7', '1e9', '-1', '1.5'])
    return this.rng.pick([
      () => `List.filled(${big()}, ${e('any')}).count`,
      () => `("ab" * ${big()}).count`,
      () => `(0..${big()}).toList.count`,
      () => `(0..${big()}).reduce(0) {|a, b| a + b }`,
      () => this.rng.pick(['1 / 0', '-1 / 0', '0 / 0', '(-1).sqrt', '1e308 * 10', 'Num.fromString("1e400")', '(0/0).toString', '1e21.toString', '123456789012345678901234567890']),
      () => `Int.fromNum(${this.rng.pick(['1e300', '-1', '0.5', '9007199254740993', '1e20'])})`,
      () => `(${this.rng.pick(['0xffn', '0n', `0x${'f'.repeat(64)}n`])} ${this.rng.pick(['+', '-', '*', '/', '%'])} ${this.rng.pick(['1n', '0n', '2n'])})`,
      () => `${r(e('any'))}.type.name`,
      () => `Object.same(${e('any')}, ${e('any')})`,
      () => `${this.fnLiteral(ctx, depth)}.arity`,
      () => `Fiber.current.isDone`,
      () => `Fiber.new { Fiber.yield(${e('any')}) }.call()`,
      () => `Fiber.new {|x| x }.call(${e('any')})`,
      () => `Fiber.new { Fiber.current.try() }.try()`,
      () => `Fiber.new { ${e('any')} }.transfer()`,
      () => `Fn.new {|n| n }.call(${e('any')}, ${e('any')})`,
      () => `System.printAll([${e('any')}, ${e('any')}])`,
      () => `${r(e('map'))}.keys.toList.count`,
      () => `${r(e('str'))}.bytes[${e('num')}]`,
      () => `${r(e('str'))}.codePoints.skip(1).toList`,
      () => `Bytes.fromHex(${e('str')}).count`,
      () => `${r(e('list'))}.sort {|a, b| ${this.rng.pick(['true', 'a', 'null', '1'])} }`,
      () => `${r(e('list'))}.indexOf(${e('any')})`,
      () => `${r(e('list'))}.remove(${e('any')})`,
      () => `${r(e('num'))}.toString.count`,
    ])()
  }

  private inClass(ctx: Ctx): string {
    const cls = ctx.cls
    if (!cls) return this.literal(ctx, 'any')
    if (ctx.isStatic) {
      if (cls.staticFields.length > 0 && this.rng.chance(0.5)) return this.rng.pick(cls.staticFields)
      return this.rng.chance(0.5) ? 'this' : `${cls.name}.new(${this.args(ctx, cls.ctorArity)})`
    }
    const fields = cls.fields
    const options: (() => string)[] = [() => 'this', () => `this.toString`]
    if (fields.length > 0) options.push(() => this.rng.pick(fields), () => this.rng.pick(fields))
    if (cls.staticFields.length > 0) options.push(() => this.rng.pick(cls.staticFields))
    const ms = this.allMethods(cls)
    if (ms.length > 0) options.push(() => {
      const m = this.rng.pick(ms)
      return `${m.name}(${this.args(ctx, m.arity)})`
    })
    const gs = this.allGetters(cls)
    if (gs.length > 0) options.push(() => this.rng.pick(gs))
    if (cls.superclass) {
      const sms = this.allMethods(cls.superclass)
      if (sms.length > 0) options.push(() => {
        const m = this.rng.pick(sms)
        return `super.${m.name}(${this.args(ctx, m.arity)})`
      })
      options.push(() => 'super.toString')
    }
    return this.rng.pick(options)()
  }

  private fnLiteral(ctx: Ctx, depth: number): string {
    const arity = this.rng.weighted([3, 3, 2, 1])
    const ps = Array.from({ length: arity }, () => this.fresh('a'))
    const head = arity > 0 ? ` |${ps.join(', ')}|` : ''
    if (this.rng.chance(0.6)) {
      const c = this.child(ctx, { canReturn: true, inLoop: false, topLevel: false })
      for (const p of ps) c.scope.vars.push({ name: p, kind: 'any' })
      return `Fn.new {${head} ${this.expr(c, this.pickKind(), depth)} }`
    }
    const c = this.child(ctx, { canReturn: true, inLoop: false, topLevel: false })
    for (const p of ps) c.scope.vars.push({ name: p, kind: 'any' })
    const body = this.body(c, 2)
    return `Fn.new {${head}\n${body.map((l) => '  ' + l).join('\n')}\n}`
  }

  /** The body of a one-line block argument, with `param` bound. */
  private lambdaBody(ctx: Ctx, param: string | null, depth: number, kind: Kind = 'any'): string {
    const c = this.child(ctx, { canReturn: true, inLoop: false, topLevel: false })
    if (param) c.scope.vars.push({ name: param, kind: 'any' })
    return this.expr(c, kind, Math.max(0, depth))
  }

  private hex(n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) s += this.rng.int(256).toString(16).padStart(2, '0')
    return s
  }

  literal(ctx: Ctx, kind: Kind): string {
    switch (kind) {
      case 'num':
        return this.rng.pick([
          () => String(this.rng.between(0, 10)),
          () => String(this.rng.between(0, 1000)),
          () => `${this.rng.between(0, 99)}.${this.rng.between(0, 99)}`,
          () => `0x${this.rng.int(0x10000).toString(16)}`,
          () => `${this.rng.between(1, 9)}e${this.rng.between(-3, 20)}`,
          () => String(2 ** this.rng.between(20, 60)),
        ])()
      case 'str': {
        let s = ''
        const n = this.rng.between(0, 6)
        for (let i = 0; i < n; i++) {
          const r = this.rng.int(10)
          if (r < 6) s += String.fromCharCode(97 + this.rng.int(26))
          else if (r < 7) s += ' '
          else if (r < 8) s += this.rng.pick(ESCAPES)
          else if (r < 9) s += this.rng.pick(['é', '€', '😀', ',', '|'])
          else s += `%(${this.literal(ctx, this.rng.pick(['num', 'bool', 'int'] as Kind[]))})`
        }
        return this.rng.chance(0.03) ? `"""${s.replace(/["\\]/g, '')}"""` : `"${s}"`
      }
      case 'int':
        return this.rng.chance(0.7) ? `${this.rng.between(0, 1000)}n` : this.rng.chance(0.9) ? `0x${this.hex(this.rng.between(1, 4))}n` : `0x${'f'.repeat(64)}n`
      case 'bool':
        return this.rng.chance(0.5) ? 'true' : 'false'
      case 'list': {
        const n = this.rng.between(0, 4)
        const items = Array.from({ length: n }, () => this.literal(ctx, this.rng.pick(['num', 'str', 'bool', 'int'] as Kind[])))
        return `[${items.join(', ')}${n > 0 && this.rng.chance(0.1) ? ',' : ''}]`
      }
      case 'map': {
        const n = this.rng.between(0, 3)
        const items = Array.from({ length: n }, () => `${this.literal(ctx, this.rng.pick(['num', 'str', 'int', 'bool'] as Kind[]))}: ${this.literal(ctx, this.rng.pick(['num', 'str', 'list'] as Kind[]))}`)
        return `{${items.join(', ')}}`
      }
      case 'range':
        return `${this.rng.between(0, 5)}${this.rng.pick(['..', '...'])}${this.rng.between(0, 8)}`
      case 'fn':
        return `Fn.new { ${this.literal(ctx, 'num')} }`
      case 'fiber':
        return `Fiber.new { ${this.literal(ctx, 'str')} }`
      case 'bytes':
        return `x"${this.hex(this.rng.between(0, 4))}"`
      case 'obj':
      case 'any': {
        const vs = this.visible(ctx)
        if (vs.length > 0 && this.rng.chance(0.5)) return this.rng.pick(vs).name
        return this.literal(ctx, this.rng.pick(['num', 'str', 'bool', 'int', 'list'] as Kind[]))
      }
    }
  }
}

/** One random program (and the modules it imports), deterministic in the generator's state. */
export function generateProgram(rng: Prng): GeneratedProgram {
  const g = new Generator(rng, rng.between(15, 70))
  const main = g.program()
  return { main, modules: g.modules }
}

