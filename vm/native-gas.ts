// The second gas table, beside the opcode table (vm/opcodes.ts): what core methods whose
// work grows with their input charge, per unit of that work. A native charges before it
// does the work; the call that reached it already paid its opcode's static gas.

export interface NativeCost {
  /** Gas per `unit` items (bytes, elements, entries), rounded up. */
  readonly per: number
  readonly unit: number
  readonly of: string
}

export const NATIVE_GAS = {
  stringConcat: { per: 1, unit: 8, of: 'bytes of the result of String + String' },
  stringSlice: { per: 1, unit: 8, of: 'bytes of a substring taken by a range' },
  stringSearch: { per: 1, unit: 16, of: 'bytes searched by indexOf, contains, startsWith, endsWith, count' },
  stringSplit: { per: 1, unit: 8, of: 'bytes of the string split, plus one per piece' },
  stringReplace: { per: 1, unit: 8, of: 'bytes of the input and of the result of replace' },
  stringTrim: { per: 1, unit: 8, of: 'bytes examined by trim, trimStart, trimEnd' },
  stringRepeat: { per: 1, unit: 8, of: 'bytes of the result of String * n' },
  numToString: { per: 1, unit: 1, of: 'each Num formatted as text (fixed cost)' },
  listFilled: { per: 1, unit: 1, of: 'elements created by List.filled' },
  listSlice: { per: 1, unit: 1, of: 'elements copied by a range subscript' },
  listShift: { per: 1, unit: 4, of: 'elements moved by insert and removeAt' },
  listSearch: { per: 1, unit: 4, of: 'elements compared by indexOf and remove' },
  listJoin: { per: 1, unit: 8, of: 'bytes of the result of join on a list of primitives, plus one per element' },
  listClear: { per: 1, unit: 16, of: 'elements dropped by clear' },
  mapClear: { per: 1, unit: 16, of: 'entries dropped by clear' },
  mapIterate: { per: 1, unit: 16, of: 'holes skipped while iterating a map' },
  intArith: { per: 1, unit: 1, of: 'each Int operation (256-bit, fixed cost)' },
  intText: { per: 1, unit: 4, of: 'digits of an Int converted to or from text' },
  bytesCopy: { per: 1, unit: 8, of: 'bytes created or copied by Bytes methods' },
} as const satisfies Record<string, NativeCost>

export type NativeGasKey = keyof typeof NATIVE_GAS

export function nativeGas(key: NativeGasKey, n: number): number {
  const c = NATIVE_GAS[key]
  return Math.ceil(n / c.unit) * c.per
}
