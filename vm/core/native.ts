// How core classes declare their JS methods: a table per class, signature -> function.
// Control natives (fiber switches) are marked so the interpreter saves and reloads state.

import { Method, MethodKind, type NClass, type Value } from '../value.js'
import type { VM } from '../vm.js'

export type Native = (vm: VM, args: Value[], base: number) => Value
/** Returns a Control code (vm/interpreter.ts) instead of a value. */
export type ControlNative = (vm: VM, args: Value[], base: number) => number

export interface NativeTable {
  readonly methods?: Readonly<Record<string, Native>>
  readonly statics?: Readonly<Record<string, Native>>
  readonly control?: Readonly<Record<string, ControlNative>>
  readonly staticControl?: Readonly<Record<string, ControlNative>>
}

export function installTable(vm: VM, cls: NClass, table: NativeTable): void {
  const meta = cls.cls
  for (const [sig, f] of Object.entries(table.methods ?? {})) vm.bindMethod(cls, sig, new Method(MethodKind.Native, sig, f as never, null))
  for (const [sig, f] of Object.entries(table.statics ?? {})) vm.bindMethod(meta, sig, new Method(MethodKind.Native, sig, f as never, null))
  for (const [sig, f] of Object.entries(table.control ?? {})) vm.bindMethod(cls, sig, new Method(MethodKind.Control, sig, f as never, null))
  for (const [sig, f] of Object.entries(table.staticControl ?? {})) vm.bindMethod(meta, sig, new Method(MethodKind.Control, sig, f as never, null))
}

/** Types a native written where TS would take a key's type from Object (e.g. toString). */
export function native(f: Native): Native {
  return f
}
