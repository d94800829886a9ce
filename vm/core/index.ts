// The core library's JS half: which natives go on which class, installed in phases
// around the Nest half (core.nest) while a VM boots (vm/vm.ts bootstrap).

import type { NClass } from '../value.js'
import type { VM } from '../vm.js'
import { installTable } from './native.js'
import { boolTable, classTable, nullTable, objectMetaTable, objectTable } from './object.js'
import { numTable } from './num.js'
import { stringTable } from './string.js'
import { listTable } from './list.js'
import { mapTable } from './map.js'
import { rangeTable } from './range.js'
import { fnTable, installFnCalls } from './fn.js'
import { fiberTable } from './fiber.js'
import { systemTable } from './system.js'
import { intTable } from './int.js'
import { bytesTable } from './bytes.js'
import { addressTable, contractTable, persistentListTable, persistentMapTable } from '../contract/natives.js'
import { chainTable } from '../contract/chain.js'
import { assertTable, testTable } from '../contract/testing.js'

export { CORE_NAMES } from './names.js'

export type CorePhase = 'bootstrap' | 'objectMeta' | 'classes'

export function installCore(vm: VM, phase: CorePhase, target?: NClass): void {
  switch (phase) {
    case 'bootstrap':
      installTable(vm, vm.objectClass, objectTable)
      vm.classClass.methods = vm.objectClass.methods.slice()
      installTable(vm, vm.classClass, classTable)
      return
    case 'objectMeta':
      // Object's metaclass: static methods of Object (Object.same).
      installTable(vm, target as NClass, objectMetaTable)
      return
    case 'classes': {
      const system = vm.core.vars[vm.core.varNames.indexOf('System')] as NClass
      installTable(vm, vm.boolClass, boolTable)
      installTable(vm, vm.nullClass, nullTable)
      installTable(vm, vm.numClass, numTable)
      installTable(vm, vm.stringClass, stringTable)
      installTable(vm, vm.listClass, listTable)
      installTable(vm, vm.mapClass, mapTable)
      installTable(vm, vm.rangeClass, rangeTable)
      installTable(vm, vm.fnClass, fnTable)
      installFnCalls(vm, vm.fnClass)
      installTable(vm, vm.fiberClass, fiberTable)
      installTable(vm, system, systemTable(vm))
      installTable(vm, vm.intClass, intTable)
      installTable(vm, vm.bytesClass, bytesTable)
      installTable(vm, vm.core.vars[vm.core.varNames.indexOf('Contract')] as NClass, contractTable)
      installTable(vm, vm.addressClass, addressTable)
      installTable(vm, vm.persistentMapClass, persistentMapTable)
      installTable(vm, vm.persistentListClass, persistentListTable)
      installTable(vm, vm.core.vars[vm.core.varNames.indexOf('Chain')] as NClass, chainTable)
      // Test extends Contract, but copied its methods in the prelude, before these natives.
      installTable(vm, vm.core.vars[vm.core.varNames.indexOf('Test')] as NClass, contractTable)
      installTable(vm, vm.core.vars[vm.core.varNames.indexOf('Test')] as NClass, testTable)
      installTable(vm, vm.core.vars[vm.core.varNames.indexOf('Assert')] as NClass, assertTable)
      return
    }
  }
}
