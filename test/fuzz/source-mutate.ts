// Mutates existing Nest sources (the language cases) at the token level: deletes, swaps,
// duplications, replacements, insertions, line splices from another file, and byte flips.
// The split into tokens is this file's own rough one, independent of the compiler's lexer,
// so mutations also land inside strings, comments and literals.

import type { Prng } from './prng.js'

const TOKEN =
  /[ \t\r]+|\n+|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"?|x"[0-9a-fA-F]*"|0x[0-9a-fA-F]+n?|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?n?|[A-Za-z_][A-Za-z0-9_]*|\.\.\.|\.\.|<<|>>|<=|>=|==|!=|&&|\|\||[^]/gy

export function splitTokens(text: string): string[] {
  TOKEN.lastIndex = 0
  const out: string[] = []
  let m: RegExpExecArray | null
  while ((m = TOKEN.exec(text)) !== null) out.push(m[0])
  return out
}

const VOCABULARY = [
  'class', 'construct', 'static', 'super', 'this', 'var', 'if', 'else', 'while', 'for', 'in', 'break', 'continue',
  'return', 'import', 'is', 'null', 'true', 'false', 'foreign', 'as', 'Fn.new', 'Fiber.new', 'Fiber.yield', 'System.print',
  '{', '}', '(', ')', '[', ']', ',', '.', '..', '...', '=', '==', '!=', '+', '-', '*', '/', '%', '!', '~', '&', '|', '^',
  '<<', '>>', '<', '>', '<=', '>=', '&&', '||', '?', ':', '#', '_f', '__s', '"s"', '"%(1)"', '1', '0', '1n', '0xffn',
  'x"00"', '1e308', '\n', ' ', '|x|', '{ |a, b| a }', 'Object', 'Num', 'List', 'Map', 'String', 'Int', 'Bytes',
]

function isSpace(t: string): boolean {
  return /^[ \t\r]+$/.test(t)
}

/** One mutant of `text`; `others` are sources whose lines may be spliced in. */
export function mutateSource(rng: Prng, text: string, others: readonly string[]): string {
  let tokens = splitTokens(text)
  const rounds = rng.chance(0.7) ? rng.between(1, 2) : rng.between(3, 8)
  for (let r = 0; r < rounds; r++) {
    const code = tokens.map((t, i) => (isSpace(t) ? -1 : i)).filter((i) => i >= 0)
    if (code.length === 0) {
      tokens.push(rng.pick(VOCABULARY))
      continue
    }
    const at = rng.pick(code)
    switch (rng.weighted([4, 3, 3, 3, 3, 3, 1, 1, 1])) {
      case 0: // delete a token
        tokens.splice(at, 1)
        break
      case 1: {
        // swap two tokens: neighbours or anywhere
        const other = rng.chance(0.5) ? code[Math.min(code.length - 1, code.indexOf(at) + 1)] : rng.pick(code)
        ;[tokens[at], tokens[other]] = [tokens[other], tokens[at]]
        break
      }
      case 2: {
        // duplicate a run of up to 6 tokens in place
        const len = rng.between(1, 6)
        tokens.splice(at, 0, ...tokens.slice(at, at + len))
        break
      }
      case 3: // replace with a token from elsewhere in the file
        tokens[at] = tokens[rng.pick(code)]
        break
      case 4: // insert a token of the language
        tokens.splice(at, 0, rng.pick(VOCABULARY), rng.chance(0.5) ? ' ' : '')
        break
      case 5: {
        // flip a bit of one character
        const t = tokens[at]
        const k = rng.int(t.length)
        const c = t.charCodeAt(k) ^ (1 << rng.int(7))
        tokens[at] = t.slice(0, k) + String.fromCharCode(c) + t.slice(k + 1)
        break
      }
      case 6: {
        // splice in a line of another source
        const lines = rng.pick(others).split('\n')
        tokens.splice(at, 0, '\n', rng.pick(lines), '\n')
        break
      }
      case 7: // an odd character: NUL, a lone surrogate, a non-ASCII letter, a BOM
        tokens.splice(at, 0, rng.pick(['\0', '\ud800', 'é', '\ufeff', '\u2028', '\x7f', '\\', '`', '@', '$']))
        break
      case 8: {
        // repeat a run of tokens many times: deep nesting, long operator and call chains
        const run = tokens.slice(at, at + rng.between(1, 4))
        const n = rng.chance(0.9) ? rng.between(10, 200) : rng.between(200, 1500)
        tokens.splice(at, 0, ...Array.from({ length: n }, () => run).flat())
        break
      }
    }
    if (tokens.length > 20000) tokens = tokens.slice(0, 20000)
  }
  return tokens.join('')
}
