// The parser's error messages: Wren's wording ("Expect ')' after arguments.") where the
// rule tells which, and the token found instead. compiler/compile.ts keys diagnostic codes
// on some of their beginnings.

import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain'
import { T } from './lexer.js'

/** How a message names a token. */
export const describe = (t: IToken): string => {
  if (t.tokenType.name === 'EOF') return 'end of file'
  if (t.tokenType === T.Newline) return 'newline'
  const img = t.image.length > 20 ? t.image.slice(0, 20) + '...' : t.image
  return `'${img.replace(/\n/g, '\\n')}'`
}

const TOKEN_TEXT: Record<string, string> = {
  LParen: "'('",
  RParen: "')'",
  LBracket: "'['",
  RBracket: "']'",
  LCurly: "'{'",
  RCurly: "'}'",
  Colon: "':'",
  Comma: "','",
  Pipe: "'|'",
  Eq: "'='",
  Dot: "'.'",
  Newline: 'newline',
  Identifier: 'a name',
  StringLiteral: 'a string',
  In: "'in'",
  Class: "'class'",
  EOF: 'end of file',
}
const tokenText = (t: TokenType) => TOKEN_TEXT[t.name] ?? `'${t.name.toLowerCase()}'`

/** What Wren says when a rule (`rule:Token`) or any rule (`Token`) misses a token. */
const EXPECTED: Record<string, string> = {
  'paramList:RParen': "Expect ')' after parameters",
  'fnLiteral:Pipe': "Expect '|' after function parameters",
  'callArgs:RParen': "Expect ')' after arguments",
  'postfix:RBracket': "Expect ']' after arguments",
  'postfix:Identifier': "Expect method name after '.'",
  'signature:RBracket': "Expect ']' after parameters",
  'listLiteral:RBracket': "Expect ']' after list elements",
  'mapLiteral:RCurly': "Expect '}' after map entries",
  'mapEntry:Colon': "Expect ':' after map key",
  'primary:RParen': "Expect ')' after expression",
  'superclass:RParen': "Expect ')' after expression",
  'conditional:Colon': "Expect ':' after then branch of conditional operator",
  'ifStmt:LParen': "Expect '(' after 'if'",
  'ifStmt:RParen': "Expect ')' after if condition",
  'whileStmt:LParen': "Expect '(' after 'while'",
  'whileStmt:RParen': "Expect ')' after while condition",
  'forStmt:LParen': "Expect '(' after 'for'",
  'forStmt:Identifier': 'Expect for loop variable name',
  'forStmt:In': "Expect 'in' after loop variable",
  'forStmt:RParen': "Expect ')' after loop expression",
  'classDef:Identifier': 'Expect variable name',
  'classDef:LCurly': "Expect '{' after class declaration",
  'classDef:RCurly': "Expect '}' at end of class body",
  'block:RCurly': "Expect '}' at end of block",
  'fnBody:RCurly': "Expect '}' at end of block",
  'varDecl:Identifier': 'Expect variable name',
  'importStmt:StringLiteral': "Expect a string after 'import'",
  'importName:Identifier': 'Expect variable name',
  'params:Identifier': 'Expect variable name',
  'primary:Identifier': "Expect method name after 'super.'",
  'attributeEntry:Identifier': 'Expect name for attribute key',
  'attribute:RParen': "Expected ')' after grouped attributes",
  InterpEnd: 'Expect end of string interpolation',
  Identifier: 'Expect a name',
}

/** Wren-style messages ("Expect ')' after arguments, found 'b'.") where the rule tells us
 *  enough. The CST builder and compile.ts key diagnostic codes on some of these prefixes. */
export const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const what = EXPECTED[`${ruleName}:${expected.name}`] ?? EXPECTED[expected.name] ?? `Expect ${tokenText(expected)}`
    return `${what}, found ${describe(actual)}.`
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `Expect end of file, found ${describe(firstRedundant)}.`
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const found = describe((actual as unknown as IToken[])[0])
    if (ruleName === 'primary' || ruleName === 'unary' || ruleName === 'expression' || ruleName === 'statement' || ruleName === 'definition') return `Expected expression, found ${found}.`
    if (ruleName === 'signature' || ruleName === 'member') return `Expect method definition, found ${found}.`
    if (ruleName === 'attributeValue') return `Expect a Bool, Num, String or Identifier literal for an attribute value, found ${found}.`
    if (ruleName === 'block' || ruleName === 'fnBody') return `Expect expression or newline after '{', found ${found}.`
    if (ruleName === 'superclass') return `Expect a superclass, found ${found}.`
    return `Unexpected ${found}.`
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    return `Unexpected ${describe((actual as unknown as IToken[])[0])} in ${ruleName}.`
  },
}
