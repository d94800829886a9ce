// Runtime errors of the nVM: one table of stable codes and message templates, and the
// two JS exception types the interpreter uses to unwind. Rendering lives at the edges.
//
// An *abort* (Fiber.abort, a failed check in a core method) is a Nest error value that
// Fiber.try can catch. A *fatal* error (out of gas, a limit, a host refusal) ends the run.

export const RUNTIME_ERRORS = {
  R0001: "{0} does not implement '{1}'.",
  R0002: '{0} must be a number.',
  R0003: '{0} must be an integer.',
  R0004: '{0} out of bounds.',
  R0005: '{0} must be a string.',
  R0006: '{0} must be a function.',
  R0007: 'Subscript must be a number or a range.',
  R0008: 'Key must be a value type.',
  R0009: 'Invalid map iterator.',
  R0010: 'Function expects more arguments.',
  R0011: 'Cannot {0} an aborted fiber.',
  R0012: 'Fiber has already been called.',
  R0013: 'Cannot call root fiber.',
  R0014: 'Cannot {0} a finished fiber.',
  R0015: 'Function cannot take more than one parameter.',
  R0016: 'Size cannot be negative.',
  R0017: 'Code point cannot be negative.',
  R0018: 'Code point cannot be greater than 0x10ffff.',
  R0019: 'Byte cannot be negative.',
  R0020: 'Byte cannot be greater than 0xff.',
  R0021: 'Number literal is too large.',
  R0022: 'Right operand must be a class.',
  R0023: "Class '{0}' cannot inherit from a non-class object.",
  R0024: "Class '{0}' cannot inherit from built-in class '{1}'.",
  R0025: "Class '{0}' may not have more than {1} fields, including inherited ones.",
  R0026: "Could not load module '{0}'.",
  R0027: "Could not find a variable named '{0}' in module '{1}'.",
  R0028: '{0}',
  R0029: "Could not compile module '{0}'.",
  R0030: 'Range end out of bounds.',
  R0031: 'Delimiter must be a non-empty string.',
  R0032: 'From must be a non-empty string.',
  R0033: 'To must be a string.',
  R0034: 'Characters must be a string.',
  R0035: 'Count must be a non-negative integer.',
  // Int and Bytes (Nest's money and data types).
  R0100: 'Int overflow: the result is above 2^256-1.',
  R0101: 'Int underflow: the result is below 0.',
  R0102: 'Division by zero.',
  R0103: 'Cannot mix Int and {0}; convert with Int.fromNum(_) or toNum.',
  R0104: '{0} is not exactly representable as an Int.',
  R0105: 'Int {0} is not exactly representable as a Num.',
  R0106: 'Invalid hex string.',
  R0107: '{0} must be an Int.',
  R0108: '{0} must be Bytes.',
  R0109: 'Shift amount must be below 256.',
  R0110: 'Bytes elements must be integers from 0 to 255.',
  R0111: '{0} must be a list.',
  // Contracts (docs/contracts.md).
  R0300: 'Persistent fields need a chain: deploy this contract (or run it on a local chain).',
  R0301: 'Cannot store {0}: only Null, Bool, Num, Int, String, Bytes, Address, lists, maps, instances and persistent handles are storable.',
  R0302: 'Cannot store a value nested more than {0} levels deep (or one that contains itself).',
  R0303: 'Stored data is corrupt: {0}.',
  R0304: 'Invalid address: {0}.',
  R0305: 'Cannot store an instance of {0}: no class of that name in the contract module.',
  R0306: 'A view cannot write state, transfer or emit.',
  R0307: '{0} has no ABI method {1} taking {2} arguments.',
  R0308: 'Argument {0} ({1}) of {2} must be {3}.',
  R0309: '{0} is not payable: it refuses attached value.',
  R0310: '{0} returned a {1} where its ABI says {2}.',
  R0311: 'No contract class {0} in this module.',
  R0312: 'Contract class {0} has fields that are not persistent (declared in a class compiled as a script).',
  R0313: 'Arguments must be encoded as a list of storable values.',
  R0314: 'Num.{0} is not available in contracts: its result can differ between machines.',
  R0315: '{0} is not available in contracts: control returns to the fiber that passed it.',
  R0316: 'Cannot move tokens: {0}.',
  R0317: 'Call failed: {0}',
  R0318: 'A view may call only views: {0} is not one.',
  R0319: 'Reentrancy refused: {0} is already on the call stack and {1} is not #reentrant.',
  R0320: 'Test functions are only available to tests run by `unest test`.',
  R0321: 'A persistent collection cannot leave its contract: pass a copy (toList, or a Map built from it).',
  R0322: 'An event topic is at most {0} bytes.',
  // Fatal: cannot be caught by Fiber.try.
  R0200: 'Out of gas: used {0} of {1}.',
  R0201: 'Call depth limit of {0} frames exceeded.',
  R0202: 'Stack limit of {0} slots exceeded.',
  R0203: 'Memory limit of {0} bytes exceeded.',
  R0204: 'String or Bytes length limit of {0} bytes exceeded.',
  R0205: 'Host refused: {0}',
  R0206: 'Malformed module: {0}.',
} as const

export type RuntimeErrorCode = keyof typeof RUNTIME_ERRORS

export function formatRuntimeError(code: RuntimeErrorCode, args: readonly (string | number)[]): string {
  return RUNTIME_ERRORS[code].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]))
}

/** What a host function returns to refuse a request. The run stops with R0205 (fatal:
 *  a program cannot catch its host saying no). */
export class Refusal {
  constructor(readonly reason: string) {}
}

/** A catchable Nest error. `value` is what Fiber.try returns and Fiber.error holds. */
export class Abort {
  constructor(
    readonly code: RuntimeErrorCode,
    readonly value: unknown,
  ) {}
}

/** Ends the run; no Nest code observes it. */
export class Fatal {
  constructor(
    readonly code: RuntimeErrorCode,
    readonly message: string,
  ) {}
}

export function abort(code: RuntimeErrorCode, ...args: (string | number)[]): never {
  throw new Abort(code, formatRuntimeError(code, args))
}

export function fatal(code: RuntimeErrorCode, ...args: (string | number)[]): never {
  throw new Fatal(code, formatRuntimeError(code, args))
}
