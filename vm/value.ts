// The nVM value model: which JS value stands for which Nest value, and the heap objects.
// Not the core library's behaviour (vm/core/) nor the interpreter (vm/interpreter.ts).
//
//   Num    -> JS number          String -> JS string whose chars are bytes (0..255)
//   Bool   -> JS boolean         Int    -> JS bigint in [0, 2^256-1]
//   Null   -> JS null            others -> an `Obj` subclass carrying its Nest class
//
// Nest strings are UTF-8 byte strings, as in Wren: "é" is the two chars \xc3\xa9.
// Keeping them as JS strings gives value equality, hashing and Map keys for free.

import type { CallPlan, RFunction } from './function.js'

export type Value = number | string | boolean | null | bigint | Obj

// Obj and the objects Nest programs create most (Instance, NList, NRange) declare their
// fields and assign them in the constructor: a class field or parameter property is
// defined by a separate initializer V8 runs for every new object, which made creating them
// up to 2.4× slower before V8 optimized the code (binary_trees). Elsewhere that made no
// difference worth the noise, and for NBytes it was slower (contract calls).
export abstract class Obj {
  declare cls: NClass
  constructor(cls: NClass) {
    // Stored twice on purpose: V8 then treats `cls` as a field that changes from the
    // start. Stored once, it counted as constant until the VM's bootstrap rewired the
    // core classes' classes, and the code V8 had built on that was thrown away
    // (contract calls ran a third slower).
    this.cls = null!
    this.cls = cls
  }
}

/** A native method: reads its receiver at args[base] and arguments above it. */
export type NativeFn = (vm: any, args: Value[], base: number) => Value

export const enum MethodKind {
  Native = 0,
  Closure = 1,
  /** Fn.call(...): runs the receiver closure in a new frame. */
  FnCall = 2,
  /** A static constructor: allocates an instance, then runs an initializer on it. */
  Constructor = 3,
  /** A native that switches fibers; the interpreter saves and reloads its state around it. */
  Control = 4,
}

export class Method {
  /** The JS tier's way to call this method in place (vm/function.ts callPlan). */
  plan: CallPlan | null = null
  constructor(
    readonly kind: MethodKind,
    /** Signature, e.g. "add(_)", for traces and errors. */
    readonly signature: string,
    readonly native: NativeFn | null,
    readonly closure: Closure | null,
    /** Constructor: the class to instantiate and the initializer's symbol. */
    readonly initSym: number = -1,
  ) {}
}

export class NClass extends Obj {
  /** Indexed by VM method symbol; copied down from the superclass at creation. */
  methods: (Method | undefined)[] = []
  attributes: Value = null
  constructor(
    cls: NClass,
    readonly name: string,
    public superclass: NClass | null,
    /** Fields of an instance, inherited ones included. */
    readonly numFields: number,
  ) {
    super(cls)
  }
}

export class Instance extends Obj {
  declare readonly fields: Value[]
  constructor(
    cls: NClass,
    fields: Value[],
  ) {
    super(cls)
    this.fields = fields
  }
}

export class NList extends Obj {
  declare items: Value[]
  constructor(
    cls: NClass,
    items: Value[],
  ) {
    super(cls)
    this.items = items
  }
}

export class NRange extends Obj {
  declare readonly from: number
  declare readonly to: number
  declare readonly inclusive: boolean
  constructor(
    cls: NClass,
    from: number,
    to: number,
    inclusive: boolean,
  ) {
    super(cls)
    this.from = from
    this.to = to
    this.inclusive = inclusive
  }
}

/** Immutable bytes. `key` is a Map-key form that no String can collide with. */
export class NBytes extends Obj {
  private keyCache: string | null = null
  constructor(
    cls: NClass,
    readonly bytes: Uint8Array,
  ) {
    super(cls)
  }
  get key(): string {
    if (this.keyCache === null) {
      let s = '\u0100'
      for (let i = 0; i < this.bytes.length; i += 8192) {
        s += String.fromCharCode.apply(null, this.bytes.subarray(i, i + 8192) as unknown as number[])
      }
      this.keyCache = s
    }
    return this.keyCache
  }
}

/** A 20-byte account address (contracts and accounts alike): a value like Bytes, but its
 *  own type, so an Address never equals, nor shares a map key with, Bytes of the same
 *  content. */
export class NAddress extends NBytes {
  override get key(): string {
    return '\u0102' + super.key
  }
}

/** A handle to a persistent Map or List of the running contract: an id in its state, not
 *  the data. Copying the handle shares the collection (it is the collection's name). */
export class NHandle extends Obj {
  constructor(
    cls: NClass,
    readonly id: number,
  ) {
    super(cls)
  }
}

/** A mutable variable shared between a frame and the closures that capture it. Not a
 *  value programs see; it is an Obj (of an internal class) only so that a malformed module
 *  that leaks one gets an ordinary "does not implement" error instead of a host crash. */
export class Box extends Obj {
  constructor(
    cls: NClass,
    public v: Value,
  ) {
    super(cls)
  }
}

export class Closure extends Obj {
  /** Per method binding: fields of the superclass, added to this class's field indexes. */
  fieldBase = 0
  /** The class the method was bound to; `super` calls go to its superclass. */
  home: NClass | null = null
  constructor(
    cls: NClass,
    readonly fn: RFunction,
    /** Captured values: a Box for variables assigned after capture, else the value. */
    readonly ups: unknown[],
  ) {
    super(cls)
  }
}

export class Frame {
  constructor(
    public cl: Closure,
    public ip: number,
    public base: number,
  ) {}
}

export const enum FiberState {
  Other = 0,
  Root = 1,
  Try = 2,
}

export class Fiber extends Obj {
  stack: Value[]
  sp = 0
  frames: Frame[] = []
  depth = 0
  caller: Fiber | null = null
  state: FiberState = FiberState.Other
  /** undefined while no error; Fiber.abort(null) is not an error (Wren). */
  error: Value | undefined = undefined
  /** In a contract, the journal checkpoint Fiber.try took for this fiber (-1: none): its
   *  effects are kept when it returns or yields to the trier, undone when it aborts. */
  savepoint = -1
  constructor(
    cls: NClass,
    readonly entry: Closure,
  ) {
    super(cls)
    this.stack = new Array(16).fill(null)
    this.stack[0] = entry
    this.sp = 1
    this.frames.push(new Frame(entry, 0, 0))
    this.depth = 1
  }
  get isDone(): boolean {
    return this.depth === 0 || this.error !== undefined
  }
  /** True until the entry frame has run its first instruction. */
  get isFresh(): boolean {
    return this.depth === 1 && this.frames[0].ip === 0 && this.frames[0].cl === this.entry
  }
}

export function isObj(v: Value): v is Obj {
  return typeof v === 'object' && v !== null
}

export function isFalsy(v: Value): boolean {
  return v === false || v === null
}
