// Loading a module file: decode, verify, link, in that order, nothing run before all pass.
// A ModuleCache keeps loaded modules by content hash; it is an object its owner creates
// (a CLI run, a node), never module-level state.

import { decodeModule, moduleHash, ModuleFormatError, type Module } from './module.js'
import { verifyModule, VerifyError } from './verify.js'
import { linkFunctions, type LinkedFunction } from './link.js'

export interface LoadedModule {
  readonly hash: string
  readonly module: Module
  readonly functions: readonly LinkedFunction[]
  readonly bytes: Uint8Array
}

export class LoadError {
  constructor(
    readonly stage: 'format' | 'verify',
    readonly message: string,
  ) {}
  toString(): string {
    return `invalid module (${this.stage}): ${this.message}`
  }
}

export function loadModule(bytes: Uint8Array): LoadedModule | LoadError {
  const m = decodeModule(bytes)
  if (m instanceof ModuleFormatError) return new LoadError('format', m.message)
  const v = verifyModule(m)
  if (v instanceof VerifyError) return new LoadError('verify', v.toString())
  return { hash: moduleHash(bytes), module: m, functions: linkFunctions(m, v), bytes }
}

export class ModuleCache {
  private readonly byHash = new Map<string, LoadedModule>()
  /** Booted core libraries VMs share (VMOptions.shareCore), by kind. */
  private readonly images = new Map<string, unknown>()
  /** Contract modules whose top level already ran, by their bytes (vm/contract/runtime.ts):
   *  a chain passes the same bytes object for the same stored module. */
  readonly prepared = new WeakMap<Uint8Array, unknown>()
  coreImage(kind: string, boot: () => unknown): unknown {
    let image = this.images.get(kind)
    if (image === undefined) this.images.set(kind, (image = boot()))
    return image
  }
  load(bytes: Uint8Array): LoadedModule | LoadError {
    if (bytes.length >= 40) {
      const cached = this.byHash.get(moduleHash(bytes))
      // The hash only names the payload; compare bytes so a forged header cannot alias.
      if (cached && (cached.bytes === bytes || (cached.bytes.length === bytes.length && cached.bytes.every((b, i) => b === bytes[i])))) return cached
    }
    const loaded = loadModule(bytes)
    if (!(loaded instanceof LoadError)) this.byHash.set(loaded.hash, loaded)
    return loaded
  }
  get size(): number {
    return this.byHash.size
  }
}
