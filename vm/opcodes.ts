// The nVM instruction set: one table that the compiler, verifier, linker, disassembler
// and interpreter all read. Not the interpreter itself (vm/interpreter.ts).
//
// `Op` is a const enum so that bundled code sees literal case labels; `OPCODES[op]`
// carries everything else about an instruction: operand kinds, stack effect, gas.

export const enum Op {
  CONST = 0,
  NULL,
  TRUE,
  FALSE,
  POP,
  DUP,
  LOAD_LOCAL,
  STORE_LOCAL,
  BOX_LOCAL,
  LOAD_LOCAL_BOX,
  STORE_LOCAL_BOX,
  LOAD_UPVALUE,
  LOAD_UPVALUE_BOX,
  STORE_UPVALUE_BOX,
  LOAD_MODULE_VAR,
  STORE_MODULE_VAR,
  LOAD_FIELD_THIS,
  STORE_FIELD_THIS,
  LOAD_FIELD,
  STORE_FIELD,
  JUMP,
  JUMP_IF_FALSE,
  AND,
  OR,
  CALL,
  SUPER,
  ADD,
  SUB,
  MUL,
  DIV,
  MOD,
  LT,
  GT,
  LTE,
  GTE,
  EQ,
  NEQ,
  BAND,
  BOR,
  BXOR,
  SHL,
  SHR,
  RANGE_IN,
  RANGE_EX,
  NEG,
  NOT,
  BNOT,
  SUBSCRIPT,
  SUBSCRIPT_SET,
  ITERATE,
  ITER_VALUE,
  RETURN,
  CLOSURE,
  LIST,
  MAP,
  CLASS,
  METHOD_INSTANCE,
  METHOD_STATIC,
  CONSTRUCTOR,
  END_CLASS,
  IMPORT_MODULE,
  IMPORT_VARIABLE,
  /** Linker-only: charges a block's gas where control falls into a jump target. */
  GAS,
}

/** What an operand indexes or means; the verifier checks each kind's range. */
export type OperandKind =
  | 'const' // module constant index
  | 'slot' // local stack slot of the current frame
  | 'upvalue' // index into the current closure's captures
  | 'modvar' // variable of the current module unit
  | 'field' // instance field index, relative to the class's own fields
  | 'target' // jump target: instruction index (binary form) / code offset (runnable form)
  | 'argc' // number of arguments, 0..MAX_ARGS
  | 'sym' // module method-name index
  | 'fn' // module function index
  | 'class' // module class index
  | 'unit' // module unit index
  | 'count' // element count for literals
  | 'cost' // linker-only: gas of the block entered
  | 'site' // linker-only: inline-cache slot of a call site

export interface OpInfo {
  readonly op: Op
  readonly name: string
  /** Operands in the binary (module file) form. */
  readonly operands: readonly OperandKind[]
  /** Operands the linker appends in the runnable form. */
  readonly linked: readonly OperandKind[]
  /** Values popped: `pop` plus, when `popArg` is set, operand[popArg[0]] * popArg[1]. */
  readonly pop: number
  readonly popArg?: readonly [number, number]
  readonly push: number
  /** Static gas, charged as part of the basic block that contains the instruction. */
  readonly gas: number
  /** Ends a basic block: control does not (only) fall through to the next instruction. */
  readonly flow: 'next' | 'jump' | 'branch' | 'return'
  /** The method a fast-path operator stands for when its operands are not primitives. */
  readonly method?: string
  readonly doc: string
}

function def(
  op: Op,
  name: string,
  operands: OperandKind[],
  pop: number,
  push: number,
  gas: number,
  doc: string,
  extra: Partial<Pick<OpInfo, 'linked' | 'popArg' | 'flow' | 'method'>> = {},
): OpInfo {
  return { op, name, operands, linked: extra.linked ?? [], pop, popArg: extra.popArg, push, gas, flow: extra.flow ?? 'next', method: extra.method, doc }
}

const binary = (op: Op, name: string, method: string, doc: string) =>
  def(op, name, [], 2, 1, 2, doc, { method })
const unary = (op: Op, name: string, method: string, doc: string) => def(op, name, [], 1, 1, 2, doc, { method })

/** Indexed by opcode number; `test/vm/opcodes.test.ts` checks it is complete and ordered. */
export const OPCODES: readonly OpInfo[] = [
  def(Op.CONST, 'CONST', ['const'], 0, 1, 1, 'Push a module constant.'),
  def(Op.NULL, 'NULL', [], 0, 1, 1, 'Push null.'),
  def(Op.TRUE, 'TRUE', [], 0, 1, 1, 'Push true.'),
  def(Op.FALSE, 'FALSE', [], 0, 1, 1, 'Push false.'),
  def(Op.POP, 'POP', [], 1, 0, 1, 'Discard the top value.'),
  def(Op.DUP, 'DUP', [], 1, 2, 1, 'Duplicate the top value.'),
  def(Op.LOAD_LOCAL, 'LOAD_LOCAL', ['slot'], 0, 1, 1, 'Push a local slot.'),
  def(Op.STORE_LOCAL, 'STORE_LOCAL', ['slot'], 1, 1, 1, 'Store the top value in a local slot, leaving it on the stack.'),
  def(Op.BOX_LOCAL, 'BOX_LOCAL', ['slot'], 0, 0, 2, 'Wrap a local slot in a box so closures share it.'),
  def(Op.LOAD_LOCAL_BOX, 'LOAD_LOCAL_BOX', ['slot'], 0, 1, 1, 'Push the value inside a boxed local.'),
  def(Op.STORE_LOCAL_BOX, 'STORE_LOCAL_BOX', ['slot'], 1, 1, 1, 'Store the top value into a boxed local, leaving it.'),
  def(Op.LOAD_UPVALUE, 'LOAD_UPVALUE', ['upvalue'], 0, 1, 1, 'Push a value captured by copy.'),
  def(Op.LOAD_UPVALUE_BOX, 'LOAD_UPVALUE_BOX', ['upvalue'], 0, 1, 1, 'Push the value inside a captured box.'),
  def(Op.STORE_UPVALUE_BOX, 'STORE_UPVALUE_BOX', ['upvalue'], 1, 1, 1, 'Store the top value into a captured box, leaving it.'),
  def(Op.LOAD_MODULE_VAR, 'LOAD_MODULE_VAR', ['modvar'], 0, 1, 1, 'Push a module variable.'),
  def(Op.STORE_MODULE_VAR, 'STORE_MODULE_VAR', ['modvar'], 1, 1, 1, 'Store the top value in a module variable, leaving it.'),
  def(Op.LOAD_FIELD_THIS, 'LOAD_FIELD_THIS', ['field'], 0, 1, 1, "Push a field of the method's receiver."),
  def(Op.STORE_FIELD_THIS, 'STORE_FIELD_THIS', ['field'], 1, 1, 1, "Store the top value in a field of the receiver, leaving it."),
  def(Op.LOAD_FIELD, 'LOAD_FIELD', ['field'], 1, 1, 1, 'Pop an instance, push one of its fields (closures inside methods).'),
  def(Op.STORE_FIELD, 'STORE_FIELD', ['field'], 2, 1, 1, 'Pop an instance, store the value below it in a field, leaving the value.'),
  def(Op.JUMP, 'JUMP', ['target'], 0, 0, 1, 'Continue at the target.', { linked: ['cost'], flow: 'jump' }),
  def(Op.JUMP_IF_FALSE, 'JUMP_IF_FALSE', ['target'], 1, 0, 1, 'Pop a value; jump if it is false or null.', {
    linked: ['cost', 'cost'],
    flow: 'branch',
  }),
  def(Op.AND, 'AND', ['target'], 1, 1, 1, 'If the top is falsy jump (keeping it), else pop it.', { linked: ['cost', 'cost'], flow: 'branch' }),
  def(Op.OR, 'OR', ['target'], 1, 1, 1, 'If the top is truthy jump (keeping it), else pop it.', { linked: ['cost', 'cost'], flow: 'branch' }),
  def(Op.CALL, 'CALL', ['argc', 'sym'], 1, 1, 4, 'Call a method on the receiver below the arguments.', {
    linked: ['site'],
    popArg: [0, 1],
  }),
  def(Op.SUPER, 'SUPER', ['argc', 'sym'], 1, 1, 4, "Call the superclass's method on the receiver.", {
    linked: ['site'],
    popArg: [0, 1],
  }),
  binary(Op.ADD, 'ADD', '+(_)', 'a + b'),
  binary(Op.SUB, 'SUB', '-(_)', 'a - b'),
  binary(Op.MUL, 'MUL', '*(_)', 'a * b'),
  binary(Op.DIV, 'DIV', '/(_)', 'a / b'),
  binary(Op.MOD, 'MOD', '%(_)', 'a % b'),
  binary(Op.LT, 'LT', '<(_)', 'a < b'),
  binary(Op.GT, 'GT', '>(_)', 'a > b'),
  binary(Op.LTE, 'LTE', '<=(_)', 'a <= b'),
  binary(Op.GTE, 'GTE', '>=(_)', 'a >= b'),
  binary(Op.EQ, 'EQ', '==(_)', 'a == b'),
  binary(Op.NEQ, 'NEQ', '!=(_)', 'a != b'),
  binary(Op.BAND, 'BAND', '&(_)', 'a & b'),
  binary(Op.BOR, 'BOR', '|(_)', 'a | b'),
  binary(Op.BXOR, 'BXOR', '^(_)', 'a ^ b'),
  binary(Op.SHL, 'SHL', '<<(_)', 'a << b'),
  binary(Op.SHR, 'SHR', '>>(_)', 'a >> b'),
  binary(Op.RANGE_IN, 'RANGE_IN', '..(_)', 'a..b'),
  binary(Op.RANGE_EX, 'RANGE_EX', '...(_)', 'a...b'),
  unary(Op.NEG, 'NEG', '-', '-a'),
  unary(Op.NOT, 'NOT', '!', '!a'),
  unary(Op.BNOT, 'BNOT', '~', '~a'),
  binary(Op.SUBSCRIPT, 'SUBSCRIPT', '[_]', 'a[b]'),
  def(Op.SUBSCRIPT_SET, 'SUBSCRIPT_SET', [], 3, 1, 2, 'a[b] = c', { method: '[_]=(_)' }),
  binary(Op.ITERATE, 'ITERATE', 'iterate(_)', 'seq.iterate(iter), as a for loop advances'),
  binary(Op.ITER_VALUE, 'ITER_VALUE', 'iteratorValue(_)', 'seq.iteratorValue(iter), as a for loop reads'),
  def(Op.RETURN, 'RETURN', [], 1, 0, 1, "Return the top value to the caller's frame.", { flow: 'return' }),
  def(Op.CLOSURE, 'CLOSURE', ['fn'], 0, 1, 3, 'Create a closure of a function, capturing its upvalues.'),
  def(Op.LIST, 'LIST', ['count'], 0, 1, 3, 'Pop n values into a new list.', { popArg: [0, 1] }),
  def(Op.MAP, 'MAP', ['count'], 0, 1, 3, 'Pop n key/value pairs into a new map.', { popArg: [0, 2] }),
  def(Op.CLASS, 'CLASS', ['class'], 1, 1, 20, 'Pop a superclass, push a new class.'),
  def(Op.METHOD_INSTANCE, 'METHOD_INSTANCE', ['sym'], 2, 0, 5, 'Pop a class and a closure; bind it as an instance method.'),
  def(Op.METHOD_STATIC, 'METHOD_STATIC', ['sym'], 2, 0, 5, 'Pop a class and a closure; bind it as a static method.'),
  def(Op.CONSTRUCTOR, 'CONSTRUCTOR', ['sym', 'sym'], 1, 0, 5, 'Pop a class; bind a static constructor that calls an initializer.'),
  def(Op.END_CLASS, 'END_CLASS', [], 2, 0, 5, 'Pop a class and its runtime attributes; attach them.'),
  def(Op.IMPORT_MODULE, 'IMPORT_MODULE', ['unit'], 0, 1, 10, 'Run a module unit once; push null.'),
  def(Op.IMPORT_VARIABLE, 'IMPORT_VARIABLE', ['unit', 'const'], 0, 1, 5, "Push a variable of another unit, by name."),
  def(Op.GAS, 'GAS', [], 0, 0, 0, 'Charge the gas of the block that starts here.', { linked: ['cost'] }),
]

export const OPCODE_COUNT = OPCODES.length

/** Opcodes the compiler may emit; GAS only appears in linked code. */
export function isBinaryOp(op: number): boolean {
  return op >= 0 && op < Op.GAS
}

export function popCount(info: OpInfo, operands: ArrayLike<number>, at = 0): number {
  return info.popArg ? info.pop + operands[at + info.popArg[0]] * info.popArg[1] : info.pop
}
