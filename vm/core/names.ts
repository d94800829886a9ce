// The core module's variable names, shared by the compiler (which declares them in every
// unit) and the VM (which fills them in). Kept apart so the compiler loads no natives.

/** Variables of the core module that every module sees, in the order the compiler
 *  declares them at the start of each unit (vm/vm.ts instantiate relies on it). */
export const CORE_NAMES = [
  'Object',
  'Class',
  'Bool',
  'Fiber',
  'Fn',
  'Null',
  'Num',
  'Sequence',
  'MapSequence',
  'SkipSequence',
  'TakeSequence',
  'WhereSequence',
  'String',
  'StringByteSequence',
  'StringCodePointSequence',
  'List',
  'Map',
  'MapEntry',
  'MapKeySequence',
  'MapValueSequence',
  'Range',
  'System',
  'ClassAttributes',
  'Int',
  'Bytes',
] as const

/** Names a contract program sees besides the core ones (compiled with `contract`). Not
 *  visible to scripts, so Wren programs keep these names for themselves. */
export const CONTRACT_NAMES = ['Contract', 'Address', 'PersistentMap', 'PersistentList', 'Chain'] as const

/** Names a test program sees besides the contract ones (compiled with `test`). */
export const TEST_NAMES = ['Test', 'Assert'] as const
