// Shared by the compiler limit tests: compile a program (and the modules it may import)
// in memory and read back its diagnostics as `code file:line:col`.

import { compile, type CompileHost, type CompileOptions } from '../../compiler/compile.js'
import { LoadError, loadModule } from '../../vm/loader.js'
import type { Module } from '../../vm/module.js'

export interface Compiled {
  readonly module: Module | null
  readonly bytes: Uint8Array | null
  /** `code file:line:col`, one per diagnostic. */
  readonly diagnostics: string[]
  readonly messages: string[]
}

/** Compiles `text` as main.nest; `modules` are what it may import, by name ("./lib"). */
export function build(text: string, opts: CompileOptions = {}, modules: Record<string, string> = {}): Compiled {
  const host: CompileHost = { read: (name) => (name in modules ? { path: `${name.slice(2)}.nest`, text: modules[name] } : null) }
  const r = compile({ name: './main', path: 'main.nest', text }, host, opts)
  return {
    module: r.module,
    bytes: r.bytes,
    diagnostics: r.diagnostics.map((d) => {
      const p = d.source.position(d.span.start)
      return `${d.code} ${d.source.name}:${p.line}:${p.col}`
    }),
    messages: r.diagnostics.map((d) => d.message),
  }
}

/** The loader accepts what compiled: the compiler's limits are not above the loader's. */
export function loads(c: Compiled): boolean {
  return c.bytes !== null && !(loadModule(c.bytes) instanceof LoadError)
}

/** 1-based line:col of the `nth` (0-based) occurrence of `needle` in `text`. */
export function at(text: string, needle: string, nth = 0): string {
  let i = -1
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1)
    if (i < 0) throw new Error(`${needle} not found`)
  }
  const before = text.slice(0, i).split('\n')
  return `${before.length}:${before[before.length - 1].length + 1}`
}
