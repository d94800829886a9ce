// The language cases (test/language/**/*.nest, imported helper modules included) as the
// fuzzers and the module tests use them: their text in a fixed order, and compiled the way
// the language runner compiles them (from their own folder, so their imports resolve).

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { FileHost } from '../../cli/host.js'
import { compile } from '../../compiler/compile.js'

const LANGUAGE_ROOT = join(import.meta.dirname, '..', 'language')

export interface CorpusFile {
  readonly path: string
  readonly text: string
}

function listCases(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n)
      if (statSync(p).isDirectory()) return listCases(p)
      return n.endsWith('.nest') ? [p] : []
    })
}

let files: CorpusFile[] | null = null

export function corpus(): CorpusFile[] {
  files ??= listCases(LANGUAGE_ROOT).map((path) => ({ path, text: readFileSync(path, 'utf8') }))
  return files
}

/** The module of a case, or null when it does not compile (cases that expect errors). */
export function compileCorpusFile(f: CorpusFile): Uint8Array | null {
  const name = './' + basename(f.path).replace(/\.nest$/, '')
  return compile({ name, path: basename(f.path), text: f.text }, new FileHost(dirname(f.path))).bytes
}
