// What the memory count charges per allocation. The count is deterministic (the same
// program counts the same bytes everywhere) and cumulative; these figures are set close
// to what V8 really spends on each object on 64-bit Node (header, fields, the backing
// array and its growth slack), so that the cap in vm/limits.ts stops a run cleanly, with
// R0203, well before the JS heap itself runs out. test/vm/limits.test.ts checks the cap.

export const SIZE = {
  /** NList object plus its JS array, empty. */
  list: 96,
  /** One list element, with the array's growth slack. */
  listSlot: 12,
  /** Instance object plus its fields array, no fields. */
  instance: 88,
  field: 8,
  /** NMap object, its JS Map and its two entry arrays, empty. */
  map: 400,
  /** One map entry: the hash table's share and the two array slots. */
  mapEntry: 64,
  range: 48,
  /** Closure object plus its captures array, no captures. */
  closure: 88,
  capture: 8,
  box: 32,
  /** Bytes object plus its Uint8Array, empty. */
  bytes: 96,
  /** A string's header; its bytes count one each. */
  string: 16,
  /** A class and its metaclass, with their method tables. */
  klass: 512,
  /** A fiber with its first stack and frame arrays. */
  fiber: 320,
  /** A frame object, made once per new call depth of a fiber. */
  frame: 48,
  /** One stack slot, when a fiber's stack grows. */
  slot: 8,
} as const
