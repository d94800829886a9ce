// Keywords lex as themselves whatever their order in the token list: a keyword that starts
// with another (`foreign`, `for`) once lexed as a name, so `foreign` never reached E0027.

import t from 'tap'
import { Identifier, T, tokenize } from '../../compiler/lexer.js'

const KEYWORDS = Object.values(T).filter((tok) => tok.LONGER_ALT !== undefined)
const word = (name: string) => name.toLowerCase()

t.test('every keyword lexes as its own token', async (t) => {
  t.ok(KEYWORDS.length >= 20, `${KEYWORDS.length} keywords`)
  for (const kw of KEYWORDS) {
    const { tokens, problems } = tokenize(word(kw.name))
    t.same(problems, [], word(kw.name))
    t.same(tokens.map((x) => x.tokenType.name), [kw.name], word(kw.name))
  }
})

t.test('a name that starts with or extends a keyword is a name', async (t) => {
  for (const kw of KEYWORDS) {
    for (const text of [word(kw.name) + 'x', word(kw.name) + '_1', word(kw.name) + 'X']) {
      t.same(tokenize(text).tokens.map((x) => x.tokenType), [Identifier], text)
    }
  }
  t.same(tokenize('forge fore foreignly').tokens.map((x) => x.image), ['forge', 'fore', 'foreignly'])
  t.same([...new Set(tokenize('forge fore foreignly').tokens.map((x) => x.tokenType))], [Identifier])
})
