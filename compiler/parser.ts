// Nest's grammar: one Chevrotain CstParser with no embedded actions, error recovery on
// (compiler/parser-recovery.ts: every syntax error is reported, and editors get partial
// trees), built once on first use. Semantics live elsewhere:
// compiler/ast-builder.ts turns the CST into an AST. Newlines are tokens, as in Wren:
// they end statements, and each rule says where they may also appear.
//
// Expression precedence, loosest first (Wren's): = ?: || && ==/!= is </>/<=/>= | ^ &
// <</>> ../... +/- */%/% unary(- ! ~) call(. [] ()) primary.

import { EMPTY_ALT, EOF, type CstNode, type IToken, type TokenType, type IRecognitionException, type ILookaheadStrategy } from 'chevrotain'
import { PrecomputedLookahead } from './lookahead.js'
import { INFIX_OPERATORS, T } from './lexer.js'
import { messages } from './parse-messages.js'
import { NO_MARK, NestingTooDeep, RecoveringParser, type LineMark } from './parser-recovery.js'

export { MAX_NESTING } from './parser-recovery.js'

export class NestParser extends RecoveringParser {
  constructor(lookahead: ILookaheadStrategy = new PrecomputedLookahead({ maxLookahead: 3 })) {
    super({
      maxLookahead: 3,
      nodeLocationTracking: 'full',
      errorMessageProvider: messages,
      skipValidations: true,
      lookaheadStrategy: lookahead,
    })
    this.performSelfAnalysis()
  }

  // ---- Statements ------------------------------------------------------------------

  /** Definitions; a '}' that closes no block is reported and the definitions after it
   *  parsed as if it were not there. */
  program = this.RULE('program', () => {
    this.SUBRULE(this.definitions)
    this.MANY(() => {
      this.CONSUME(T.RCurly, { LABEL: 'stray' })
      this.ACTION(() => {
        this.newDefinition()
        this.report(this.LA(0), "Expected expression, found '}'.")
      })
      this.SUBRULE2(this.definitions)
    })
    this.ACTION(() => this.newDefinition())
    this.CONSUME(EOF)
  })

  /**
   * Definitions, one a line, up to a '}' or the end of the file. Written so that the
   * grammar itself says a newline ends a definition: Chevrotain's recovery inserts, deletes
   * and resynchronizes on what may follow a token, and a grammar in which a definition
   * could follow another on the same line would let an error swallow the lines after it.
   * What is left on a line after a definition (or on a line that starts no definition) is
   * reported and skipped here, not by a rule, so the next line parses as if it were fine.
   */
  definitions = this.RULE('definitions', () => {
    let mark: LineMark = NO_MARK
    this.MANY(() => this.CONSUME(T.Newline))
    this.ACTION(() => (mark = this.markLine("Expect '}' at end of block")))
    this.OPTION(() => this.SUBRULE(this.definition, { LABEL: 'defs' }))
    this.ACTION(() => this.skipUnopenedBlock(mark, false))
    this.ACTION(() => this.endLine(mark, 'Expected expression', 'Expect newline after statement'))
    this.MANY2({
      GATE: () => !this.blockCut,
      DEF: () => {
        this.AT_LEAST_ONE(() => this.CONSUME2(T.Newline))
        this.ACTION(() => (mark = this.markLine("Expect '}' at end of block")))
        this.OPTION2(() => this.SUBRULE2(this.definition, { LABEL: 'defs' }))
        this.ACTION(() => this.skipUnopenedBlock(mark, false))
        this.ACTION(() => this.endLine(mark, 'Expected expression', 'Expect newline after statement'))
      },
    })
  })

  definition = this.RULE('definition', () => {
    this.MANY(() => this.SUBRULE(this.attribute, { LABEL: 'attrs' }))
    this.OR([
      { ALT: () => this.SUBRULE(this.classDef) },
      { ALT: () => this.SUBRULE(this.importStmt) },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.statement) },
    ])
  })

  attribute = this.RULE('attribute', () => {
    this.CONSUME(T.Hash)
    this.OPTION(() => this.CONSUME(T.Bang))
    this.CONSUME(T.Identifier, { LABEL: 'group' })
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen)
          this.MANY(() => this.CONSUME(T.Newline))
          this.OPTION2(() => {
            this.SUBRULE(this.attributeEntry, { LABEL: 'entries' })
            this.MANY2(() => {
              this.CONSUME(T.Comma)
              this.MANY3(() => this.CONSUME2(T.Newline))
              this.SUBRULE2(this.attributeEntry, { LABEL: 'entries' })
            })
          })
          this.MANY4(() => this.CONSUME3(T.Newline))
          this.CONSUME(T.RParen)
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Eq)
          this.SUBRULE(this.attributeValue, { LABEL: 'value' })
        },
      },
      { ALT: EMPTY_ALT() },
    ])
    this.AT_LEAST_ONE(() => this.CONSUME4(T.Newline))
  })

  attributeEntry = this.RULE('attributeEntry', () => {
    this.CONSUME(T.Identifier, { LABEL: 'key' })
    this.OPTION(() => {
      this.CONSUME(T.Eq)
      this.SUBRULE(this.attributeValue, { LABEL: 'value' })
    })
  })

  /** A literal; any other expression parses too, so that the AST builder reports it as
   *  one mistake instead of recovery cascading over the lines after it. */
  attributeValue = this.RULE('attributeValue', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.SUBRULE(this.expression, { LABEL: 'other' }) },
    ])
  })

  classDef = this.RULE('classDef', () => {
    this.OPTION(() => this.CONSUME(T.Foreign))
    this.CONSUME(T.Class)
    this.CONSUME(T.Identifier, { LABEL: 'name' })
    this.OPTION2(() => {
      this.CONSUME(T.Is)
      this.SUBRULE(this.superclass)
    })
    this.CONSUME(T.LCurly)
    this.ACTION(() => this.openBody())
    // Members one a line, as definitions are (see there).
    let mark: LineMark = NO_MARK
    this.MANY(() => this.CONSUME(T.Newline))
    this.ACTION(() => (mark = this.markLine("Expect '}' at end of class body", true)))
    this.OPTION3(() => this.SUBRULE(this.member, { LABEL: 'members' }))
    this.ACTION(() => this.skipUnopenedBlock(mark, true))
    this.ACTION(() => this.endLine(mark, 'Expect method definition', 'Expect newline after definition in class'))
    this.MANY2({
      GATE: () => !this.blockCut,
      DEF: () => {
        this.AT_LEAST_ONE(() => this.CONSUME2(T.Newline))
        this.ACTION(() => (mark = this.markLine("Expect '}' at end of class body", true)))
        this.OPTION4(() => this.SUBRULE2(this.member, { LABEL: 'members' }))
        this.ACTION(() => this.skipUnopenedBlock(mark, true))
        this.ACTION(() => this.endLine(mark, 'Expect method definition', 'Expect newline after definition in class'))
      },
    })
    this.CONSUME(T.RCurly)
  })

  /** A superclass is a name, a dotted name or a parenthesized expression: a block
   *  argument can't follow, since the class body's '{' comes next. */
  superclass = this.RULE('superclass', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'names' })
          this.MANY(() => {
            this.CONSUME(T.Dot)
            this.CONSUME2(T.Identifier, { LABEL: 'names' })
          })
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen)
          this.SUBRULE(this.expression)
          this.CONSUME(T.RParen)
        },
      },
    ])
  })

  member = this.RULE('member', () => {
    this.MANY(() => this.SUBRULE(this.attribute, { LABEL: 'attrs' }))
    this.OPTION(() => this.CONSUME(T.Foreign))
    this.OPTION2(() => this.CONSUME(T.Static))
    this.SUBRULE(this.signature)
    this.OPTION3({
      GATE: () => this.LA(1).tokenType === T.LCurly,
      DEF: () => this.SUBRULE(this.block, { LABEL: 'body' }),
    })
  })

  signature = this.RULE('signature', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Construct)
          this.CONSUME(T.Identifier, { LABEL: 'name' })
          this.OPTION(() => this.CONSUME(T.Eq, { LABEL: 'setterMark' }))
          this.OPTION2(() => this.SUBRULE(this.paramList))
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Identifier, { LABEL: 'name' })
          this.OPTION3(() => {
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME2(T.Eq, { LABEL: 'setterMark' })
                  this.SUBRULE3(this.paramList, { LABEL: 'setterParams' })
                },
              },
              { ALT: () => this.SUBRULE2(this.paramList) },
            ])
          })
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket, { LABEL: 'subscript' })
          this.SUBRULE(this.params)
          this.CONSUME(T.RBracket)
          this.OPTION4(() => {
            this.CONSUME3(T.Eq, { LABEL: 'setterMark' })
            this.SUBRULE4(this.paramList, { LABEL: 'setterParams' })
          })
        },
      },
      {
        ALT: () => {
          this.OR3([
            ...INFIX_OPERATORS.map((tok) => ({ ALT: () => this.CONSUME(tok, { LABEL: 'operator' }) })),
            { ALT: () => this.CONSUME(T.Bang, { LABEL: 'operator' }) },
            { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'operator' }) },
          ])
          this.OPTION5(() => this.SUBRULE5(this.paramList, { LABEL: 'operands' }))
        },
      },
    ])
  })

  paramList = this.RULE('paramList', () => {
    this.CONSUME(T.LParen)
    this.MANY(() => this.CONSUME(T.Newline))
    this.OPTION(() => this.SUBRULE(this.params))
    this.CONSUME(T.RParen)
  })

  params = this.RULE('params', () => {
    this.MANY(() => this.CONSUME(T.Newline))
    this.CONSUME(T.Identifier, { LABEL: 'names' })
    this.MANY2(() => {
      this.CONSUME(T.Comma)
      this.MANY3(() => this.CONSUME2(T.Newline))
      this.CONSUME2(T.Identifier, { LABEL: 'names' })
    })
  })

  importStmt = this.RULE('importStmt', () => {
    this.CONSUME(T.Import)
    this.MANY(() => this.CONSUME(T.Newline))
    this.CONSUME(T.StringLiteral, { LABEL: 'path' })
    this.OPTION(() => {
      this.CONSUME(T.For)
      this.MANY2(() => this.CONSUME2(T.Newline))
      this.SUBRULE(this.importName, { LABEL: 'names' })
      this.MANY3(() => {
        this.CONSUME(T.Comma)
        this.MANY4(() => this.CONSUME3(T.Newline))
        this.SUBRULE2(this.importName, { LABEL: 'names' })
      })
    })
  })

  importName = this.RULE('importName', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' })
    this.OPTION(() => {
      this.CONSUME(T.As)
      this.CONSUME2(T.Identifier, { LABEL: 'alias' })
    })
  })

  varDecl = this.RULE('varDecl', () => {
    this.CONSUME(T.Var)
    this.CONSUME(T.Identifier, { LABEL: 'name' })
    this.OPTION(() => {
      this.CONSUME(T.Eq)
      this.MANY(() => this.CONSUME(T.Newline))
      this.SUBRULE(this.expression, { LABEL: 'init' })
    })
  })

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Break) },
      { ALT: () => this.CONSUME(T.Continue) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.whileStmt) },
      { ALT: () => this.SUBRULE(this.block) },
      // A '{' that starts a statement always opens a block, never a map (Wren).
      { GATE: () => this.LA(1).tokenType !== T.LCurly, ALT: () => this.SUBRULE(this.expression) },
    ])
  })

  forStmt = this.RULE('forStmt', () => {
    this.CONSUME(T.For)
    this.CONSUME(T.LParen)
    this.CONSUME(T.Identifier, { LABEL: 'name' })
    this.CONSUME(T.In)
    this.MANY(() => this.CONSUME(T.Newline))
    this.SUBRULE(this.expression, { LABEL: 'sequence' })
    this.CONSUME(T.RParen)
    this.SUBRULE(this.statement, { LABEL: 'body' })
  })

  ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(T.If)
    this.CONSUME(T.LParen)
    this.SUBRULE(this.expression, { LABEL: 'condition' })
    this.CONSUME(T.RParen)
    this.SUBRULE(this.statement, { LABEL: 'then' })
    this.OPTION(() => {
      this.CONSUME(T.Else)
      this.SUBRULE2(this.statement, { LABEL: 'else' })
    })
  })

  returnStmt = this.RULE('returnStmt', () => {
    this.CONSUME(T.Return)
    this.OPTION({
      GATE: () => {
        const t = this.LA(1).tokenType
        return t !== T.Newline && t !== T.RCurly && t.name !== 'EOF'
      },
      DEF: () => this.SUBRULE(this.expression, { LABEL: 'value' }),
    })
  })

  whileStmt = this.RULE('whileStmt', () => {
    this.CONSUME(T.While)
    this.CONSUME(T.LParen)
    this.SUBRULE(this.expression, { LABEL: 'condition' })
    this.CONSUME(T.RParen)
    this.SUBRULE(this.statement, { LABEL: 'body' })
  })

  /** `{}`, `{ expression }` on one line, or statements on their own lines. */
  block = this.RULE('block', () => {
    this.CONSUME(T.LCurly)
    this.ACTION(() => this.openBody())
    this.OR([
      { ALT: () => this.CONSUME(T.RCurly) },
      {
        ALT: () => {
          this.AT_LEAST_ONE(() => this.CONSUME(T.Newline))
          this.SUBRULE(this.definitions)
          this.CONSUME2(T.RCurly)
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: 'value' })
          this.CONSUME3(T.RCurly)
        },
      },
    ])
  })

  // ---- Expressions -----------------------------------------------------------------

  /** Assignment is parsed as `conditional = expression`; the AST builder checks that
   *  the left side can be assigned (a variable, field, setter call or subscript). */
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.conditional, { LABEL: 'target' })
    this.OPTION(() => {
      this.CONSUME(T.Eq)
      this.MANY(() => this.CONSUME(T.Newline))
      this.SUBRULE(this.expression, { LABEL: 'value' })
    })
  })

  conditional = this.RULE('conditional', () => {
    this.SUBRULE(this.logicalOr, { LABEL: 'condition' })
    this.OPTION(() => {
      this.CONSUME(T.Question)
      this.MANY(() => this.CONSUME(T.Newline))
      this.SUBRULE2(this.logicalOr, { LABEL: 'then' })
      this.OPTION2(() => {
        this.CONSUME(T.Eq, { LABEL: 'thenAssign' })
        this.MANY2(() => this.CONSUME2(T.Newline))
        this.SUBRULE(this.expression, { LABEL: 'thenValue' })
      })
      this.CONSUME(T.Colon)
      this.MANY3(() => this.CONSUME3(T.Newline))
      this.SUBRULE2(this.expression, { LABEL: 'else' })
    })
  })

  logicalOr = this.binaryRule('logicalOr', [T.PipePipe], () => this.logicalAnd)
  logicalAnd = this.binaryRule('logicalAnd', [T.AmpAmp], () => this.equality)
  equality = this.binaryRule('equality', [T.EqEq, T.BangEq], () => this.isExpr)
  isExpr = this.binaryRule('isExpr', [T.Is], () => this.comparison)
  comparison = this.binaryRule('comparison', [T.Lt, T.Gt, T.LtEq, T.GtEq], () => this.bitOr)
  bitOr = this.binaryRule('bitOr', [T.Pipe], () => this.bitXor)
  bitXor = this.binaryRule('bitXor', [T.Caret], () => this.bitAnd)
  bitAnd = this.binaryRule('bitAnd', [T.Amp], () => this.shift)
  shift = this.binaryRule('shift', [T.LtLt, T.GtGt], () => this.range)
  range = this.binaryRule('range', [T.DotDot, T.DotDotDot], () => this.term)
  term = this.binaryRule('term', [T.Plus, T.Minus], () => this.factor)
  factor = this.binaryRule('factor', [T.Star, T.Slash, T.Percent], () => this.unary)

  /** Left-associative operators of one precedence level, each a method call. */
  private binaryRule(name: string, ops: TokenType[], next: () => (idx?: number) => CstNode) {
    return this.RULE(name, () => {
      this.SUBRULE(next(), { LABEL: 'operands' })
      this.MANY(() => {
        this.OR(ops.map((tok) => ({ ALT: () => this.CONSUME(tok, { LABEL: 'ops' }) })))
        this.MANY2(() => this.CONSUME(T.Newline))
        this.SUBRULE2(next(), { LABEL: 'operands' })
      })
    })
  }

  unary: (idx?: number) => CstNode = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.Bang, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'op' }) },
          ])
          this.MANY(() => this.CONSUME(T.Newline))
          this.SUBRULE(this.unary, { LABEL: 'operand' })
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ])
  })

  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary)
    this.MANY({
      // Gated here, not on the alternative: a newline continues the chain only before '.'.
      GATE: () => {
        const t = this.LA(1).tokenType
        return t === T.Dot || t === T.LBracket || (t === T.Newline && this.LA(2).tokenType === T.Dot)
      },
      DEF: () => this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot, { LABEL: 'ops' })
            this.MANY2(() => this.CONSUME(T.Newline))
            this.CONSUME(T.Identifier, { LABEL: 'names' })
            this.SUBRULE(this.callArgs, { LABEL: 'args' })
          },
        },
        {
          // A call chain may continue on the next line when it starts with '.' (after a
          // name, call, field or subscript: compiler/ast-builder.ts checks).
          ALT: () => {
            this.CONSUME2(T.Newline, { LABEL: 'lineBreaks' })
            this.CONSUME2(T.Dot, { LABEL: 'ops' })
            this.MANY3(() => this.CONSUME3(T.Newline))
            this.CONSUME2(T.Identifier, { LABEL: 'names' })
            this.SUBRULE2(this.callArgs, { LABEL: 'args' })
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket, { LABEL: 'ops' })
            this.SUBRULE(this.arguments, { LABEL: 'subscripts' })
            this.CONSUME(T.RBracket)
          },
        },
      ]),
    })
  })

  /** An optional parenthesized argument list, then an optional block argument. */
  callArgs = this.RULE('callArgs', () => {
    this.OPTION(() => {
      this.CONSUME(T.LParen, { LABEL: 'paren' })
      this.MANY(() => this.CONSUME(T.Newline))
      this.OPTION2({
        GATE: () => this.LA(1).tokenType !== T.RParen,
        DEF: () => this.SUBRULE(this.arguments, { LABEL: 'list' }),
      })
      this.CONSUME(T.RParen)
    })
    this.OPTION3({
      GATE: () => this.LA(1).tokenType !== T.LCurly || this.blockArgumentFits(),
      DEF: () => this.SUBRULE(this.fnLiteral, { LABEL: 'block' }),
    })
  })

  arguments = this.RULE('arguments', () => {
    this.MANY(() => this.CONSUME(T.Newline))
    this.SUBRULE(this.expression, { LABEL: 'items' })
    this.MANY2(() => {
      this.CONSUME(T.Comma)
      this.MANY3(() => this.CONSUME2(T.Newline))
      this.SUBRULE2(this.expression, { LABEL: 'items' })
    })
    this.MANY4(() => this.CONSUME3(T.Newline))
  })

  fnLiteral = this.RULE('fnLiteral', () => {
    this.CONSUME(T.LCurly)
    this.ACTION(() => this.openBody())
    this.OPTION(() => {
      this.CONSUME(T.Pipe)
      this.SUBRULE(this.params)
      this.CONSUME2(T.Pipe)
    })
    this.SUBRULE(this.fnBody)
  })

  fnBody = this.RULE('fnBody', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.RCurly) },
      {
        ALT: () => {
          this.AT_LEAST_ONE(() => this.CONSUME(T.Newline))
          this.SUBRULE(this.definitions)
          this.CONSUME2(T.RCurly)
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: 'value' })
          this.CONSUME3(T.RCurly)
        },
      },
    ])
  })

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.BytesLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.RawString) },
      { ALT: () => this.SUBRULE(this.interpolation) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.CONSUME(T.This) },
      { ALT: () => this.CONSUME(T.Field) },
      { ALT: () => this.CONSUME(T.StaticField) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'name' })
          this.SUBRULE(this.callArgs, { LABEL: 'args' })
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Super)
          this.OPTION(() => {
            this.CONSUME(T.Dot)
            this.MANY(() => this.CONSUME(T.Newline))
            this.CONSUME2(T.Identifier, { LABEL: 'superName' })
          })
          this.SUBRULE2(this.callArgs, { LABEL: 'superArgs' })
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen)
          this.MANY2(() => this.CONSUME2(T.Newline))
          this.SUBRULE(this.expression, { LABEL: 'group' })
          this.MANY3(() => this.CONSUME3(T.Newline))
          this.CONSUME(T.RParen)
        },
      },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.mapLiteral) },
    ])
  })

  interpolation = this.RULE('interpolation', () => {
    this.CONSUME(T.InterpStart, { LABEL: 'parts' })
    this.MANY(() => this.CONSUME(T.Newline))
    this.SUBRULE(this.expression, { LABEL: 'exprs' })
    this.MANY2(() => this.CONSUME2(T.Newline))
    this.MANY3(() => {
      this.CONSUME(T.InterpMid, { LABEL: 'parts' })
      this.MANY4(() => this.CONSUME3(T.Newline))
      this.SUBRULE2(this.expression, { LABEL: 'exprs' })
      this.MANY5(() => this.CONSUME4(T.Newline))
    })
    this.CONSUME(T.InterpEnd, { LABEL: 'parts' })
  })

  listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket)
    this.MANY(() => this.CONSUME(T.Newline))
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'items' })
      this.MANY2(() => {
        this.CONSUME(T.Comma, { LABEL: 'commas' })
        this.MANY3(() => this.CONSUME2(T.Newline))
        this.OPTION2({
          GATE: () => this.LA(1).tokenType !== T.RBracket,
          DEF: () => this.SUBRULE2(this.expression, { LABEL: 'items' }),
        })
      })
    })
    this.MANY4(() => this.CONSUME3(T.Newline))
    this.CONSUME(T.RBracket)
  })

  mapLiteral = this.RULE('mapLiteral', () => {
    this.CONSUME(T.LCurly)
    this.MANY(() => this.CONSUME(T.Newline))
    this.OPTION(() => {
      this.SUBRULE(this.mapEntry, { LABEL: 'entries' })
      this.MANY2(() => {
        this.CONSUME(T.Comma, { LABEL: 'commas' })
        this.MANY3(() => this.CONSUME2(T.Newline))
        this.OPTION2({
          GATE: () => this.LA(1).tokenType !== T.RCurly,
          DEF: () => this.SUBRULE2(this.mapEntry, { LABEL: 'entries' }),
        })
      })
    })
    this.MANY4(() => this.CONSUME3(T.Newline))
    this.CONSUME(T.RCurly)
  })

  mapEntry = this.RULE('mapEntry', () => {
    this.SUBRULE(this.unary, { LABEL: 'key' })
    this.CONSUME(T.Colon)
    this.MANY(() => this.CONSUME(T.Newline))
    this.SUBRULE(this.expression, { LABEL: 'value' })
  })
}

let parser: NestParser | null = null

/** The one parser instance, built on first use (building it analyses the grammar). */
export function getParser(): NestParser {
  parser ??= new NestParser()
  return parser
}

export interface ParseResult {
  readonly cst: CstNode
  readonly errors: IRecognitionException[]
}

export function parseTokens(tokens: IToken[]): ParseResult {
  const p = getParser()
  p.begin(tokens)
  try {
    const cst = p.program()
    return { cst, errors: p.errors.slice() }
  } catch (e) {
    if (!(e instanceof NestingTooDeep)) throw e
    // The rest of the file is not parsed: report the one error, on an empty program.
    const error = {
      name: 'NestingTooDeep',
      message: 'Code is nested too deeply.',
      token: e.token,
      resyncedTokens: [],
      context: { ruleStack: [], ruleOccurrenceStack: [] },
    } as IRecognitionException
    p.begin([])
    return { cst: p.program(), errors: [error] }
  }
}
