// The CLI's side of compiling and running: reads module sources from disk the way Wren's
// CLI does (names relative to the working directory), and renders outcomes for a terminal.
// All file IO of `unest run` and `unest compile` lives here.

import { existsSync, readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import type { CompileHost } from '../compiler/compile.js'
import type { Source } from '../compiler/source.js'
import { entryModuleName } from '../compiler/module-names.js'
import type { RunOutcome, TraceFrame } from '../vm/vm.js'

export const EXIT_USAGE = 64
export const EXIT_COMPILE = 65
export const EXIT_NOINPUT = 66
export const EXIT_RUNTIME = 70

const EXTENSIONS = ['.nest', '.wren']

/** Reads `name` + an extension, relative to `root` (the working directory). */
export class FileHost implements CompileHost {
  constructor(readonly root: string) {}
  read(name: string): { path: string; text: string } | null {
    for (const ext of EXTENSIONS) {
      const full = resolve(this.root, name + ext)
      if (existsSync(full)) {
        try {
          return { path: displayPath(this.root, full), text: readFileSync(full, 'utf8') }
        } catch {
          return null
        }
      }
    }
    return null
  }
}

export function displayPath(root: string, full: string): string {
  const rel = relative(root, full)
  return rel === '' ? full : rel
}

/** Module name and display path of the file a user named on the command line. */
export function entryFor(root: string, file: string): { name: string; path: string } {
  const full = resolve(root, file)
  const rel = relative(root, full).replace(/\\/g, '/')
  return { name: entryModuleName(rel), path: rel }
}

/** A byte string (chars 0..255) as the bytes it stands for. */
export function bytesOf(s: string): Buffer {
  return Buffer.from(s, 'latin1')
}

/** Buffers program output and writes it in large chunks. */
export class Output {
  private chunks: string[] = []
  private size = 0
  constructor(private readonly fd: NodeJS.WriteStream) {}
  write = (s: string): void => {
    this.chunks.push(s)
    this.size += s.length
    if (this.size > 1 << 16) this.flush()
  }
  flush(): void {
    if (this.chunks.length === 0) return
    this.fd.write(bytesOf(this.chunks.join('')))
    this.chunks = []
    this.size = 0
  }
}

function frameLocation(f: TraceFrame, sources: ReadonlyMap<string, Source>): string {
  const path = sources.get(f.module)?.name ?? f.module + '.nest'
  return `${path}:${f.line}:${f.col}`
}

/**
 * The first line is the error's message alone (what Wren prints), then where it happened
 * with the source line, then the Nest stack, innermost first.
 */
export function renderRuntimeError(out: Extract<RunOutcome, { kind: 'error' }>, sources: ReadonlyMap<string, Source>, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
  const lines = [out.message]
  const top = out.trace[0]
  if (top) {
    const src = sources.get(top.module)
    lines.push(`${paint('1;31', `${out.fatal ? 'fatal' : 'runtime'} error[${out.code}]`)} at ${frameLocation(top, sources)}`)
    if (src && top.line > 0) {
      const text = src.lineText(top.line)
      const g = String(top.line).length
      lines.push(`${' '.repeat(g)} ${paint('34', '|')}`)
      lines.push(`${paint('34', `${top.line} |`)} ${text}`)
      lines.push(`${' '.repeat(g)} ${paint('34', '|')} ${text.slice(0, Math.max(0, top.col - 1)).replace(/[^\t]/g, ' ')}${paint('1;31', '^')}`)
    }
    lines.push('stack:')
    for (const f of out.trace) lines.push(`  at ${f.fn} (${frameLocation(f, sources)})`)
  } else {
    lines.push(`${out.fatal ? 'fatal' : 'runtime'} error[${out.code}]`)
  }
  return lines.join('\n')
}
