// Runs one fuzz case in process, the way `unest run` does (compile, load, run), and turns
// every way it can end into a value. A JS exception escaping the compiler, the loader, the
// verifier, the disassembler or the VM is the one outcome that counts as a failure.

import { compile, type CompileHost } from '../../compiler/compile.js'
import { decodeModule, encodeModule, ModuleFormatError } from '../../vm/module.js'
import { disassemble } from '../../vm/disasm.js'
import { LoadError, ModuleCache } from '../../vm/loader.js'
import { VM, type RunOutcome } from '../../vm/vm.js'
import { PRELUDE_MODULE } from '../../vm/core/prelude.generated.js'

/** The limits for a fuzz run: gas and a deterministic allocation cap. */
export const FUZZ_GAS_LIMIT = 100_000
export const FUZZ_MEMORY_LIMIT = 32 * 1024 * 1024
/** Output kept per run: enough to compare two runs, bounded for memory. */
const OUTPUT_CAP = 1 << 16

export type Outcome =
  /** The compiler reported diagnostics (never a failure by itself). */
  | { readonly kind: 'diagnostics'; readonly codes: readonly string[] }
  /** Decoding or verifying refused the module. */
  | { readonly kind: 'rejected'; readonly stage: 'format' | 'verify'; readonly message: string }
  /** The program ran: to its end, to a runtime error or to a fatal error (gas, limits). */
  | { readonly kind: 'ran'; readonly run: RunOutcome; readonly output: string; readonly ms: number }
  /** A bug: what threw, or which invariant a run broke. */
  | { readonly kind: 'failure'; readonly stage: string; readonly error: string }

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}`
  return `non-Error thrown: ${String(e)}`
}

/**
 * A cache for one case: the prelude comes from a cache shared by every case (loading it is
 * most of a VM's start-up), the case's own module from a cache that dies with the case, so
 * thousands of cases don't accumulate. Two runs of a case share its linked code, as two
 * VMs of one host do.
 */
export class CaseCache extends ModuleCache {
  private readonly own = new ModuleCache()
  constructor(private readonly shared: ModuleCache) {
    super()
  }
  override load(bytes: Uint8Array): ReturnType<ModuleCache['load']> {
    return bytes === PRELUDE_MODULE ? this.shared.load(bytes) : this.own.load(bytes)
  }
}

/** Memory sources keyed by module name, the way the CLI's FileHost reads files. */
export class MapHost implements CompileHost {
  constructor(private readonly modules: ReadonlyMap<string, string>) {}
  read(name: string): { path: string; text: string } | null {
    const text = this.modules.get(name)
    return text === undefined ? null : { path: name.replace(/^\.\//, '') + '.nest', text }
  }
}

/**
 * Compiles a source and, when it compiles, checks the module round-trips and runs it;
 * with `twice`, runs it again in a second VM, which must do exactly the same.
 */
export function runSource(text: string, host: CompileHost | null, cache: ModuleCache, twice = true): Outcome {
  let bytes: Uint8Array
  try {
    const r = compile({ name: './main', path: 'main.nest', text }, host)
    if (!r.bytes) return { kind: 'diagnostics', codes: r.diagnostics.map((d) => d.code) }
    bytes = r.bytes
  } catch (e) {
    return { kind: 'failure', stage: 'compile', error: describe(e) }
  }
  try {
    const m = decodeModule(bytes)
    if (m instanceof ModuleFormatError) return { kind: 'failure', stage: 'decode', error: `the compiler's own module does not decode: ${m.message}` }
    const again = encodeModule(m)
    if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) return { kind: 'failure', stage: 'round trip', error: 'decode then encode changed the bytes' }
  } catch (e) {
    return { kind: 'failure', stage: 'round trip', error: describe(e) }
  }
  const first = runModuleBytes(bytes, cache)
  if (first.kind === 'rejected') return { kind: 'failure', stage: 'verify', error: `the compiler's own module was rejected: ${first.message}` }
  if (first.kind !== 'ran' || !twice) return first
  const second = runModuleBytes(bytes, cache)
  if (second.kind !== 'ran') return second
  const a = summary(first)
  const b = summary(second)
  if (a !== b) return { kind: 'failure', stage: 'determinism', error: `two runs differ:\n${a}\n---\n${b}` }
  return first
}

function summary(o: Extract<Outcome, { kind: 'ran' }>): string {
  const r = o.run
  return r.kind === 'ok' ? `ok gas ${r.gasUsed}\n${o.output}` : `${r.code} ${r.fatal} gas ${r.gasUsed} ${r.message}\n${o.output}`
}

/** Loads (decode, verify, link) and runs module bytes; disassembles whatever decodes. */
export function runModuleBytes(bytes: Uint8Array, cache: ModuleCache): Outcome {
  try {
    const m = decodeModule(bytes)
    // The CLI disassembles modules that decode even when they fail verification.
    if (!(m instanceof ModuleFormatError)) disassemble(m)
  } catch (e) {
    return { kind: 'failure', stage: 'disasm', error: describe(e) }
  }
  let output = ''
  let vm: VM
  try {
    vm = new VM({
      host: {
        write: (s) => {
          if (output.length < OUTPUT_CAP) output += s
        },
        clock: () => 0,
      },
      gasLimit: FUZZ_GAS_LIMIT,
      memoryLimit: FUZZ_MEMORY_LIMIT,
      cache,
    })
  } catch (e) {
    return { kind: 'failure', stage: 'vm', error: describe(e) }
  }
  let mod
  try {
    mod = vm.load(bytes)
  } catch (e) {
    return { kind: 'failure', stage: 'load', error: describe(e) }
  }
  if (mod instanceof LoadError) return { kind: 'rejected', stage: mod.stage, message: mod.message }
  const start = performance.now()
  let run: RunOutcome
  try {
    run = vm.runModule(mod)
  } catch (e) {
    return { kind: 'failure', stage: 'run', error: describe(e) }
  }
  const ms = performance.now() - start
  // The interpreter maps a JS RangeError to a fatal error; a JS stack overflow must never
  // be one of them (no Nest call recurses on the JS stack).
  if (run.kind === 'error' && /call stack/i.test(run.message)) return { kind: 'failure', stage: 'run', error: `JS stack overflow surfaced: ${run.message}` }
  if (run.kind === 'error' && run.code === 'R0200' && run.gasUsed !== FUZZ_GAS_LIMIT) {
    return { kind: 'failure', stage: 'run', error: `out of gas reported ${run.gasUsed} used, not the limit ${FUZZ_GAS_LIMIT}` }
  }
  if (run.gasUsed > FUZZ_GAS_LIMIT || run.gasUsed < 0) return { kind: 'failure', stage: 'run', error: `gas used ${run.gasUsed} is outside 0..${FUZZ_GAS_LIMIT}` }
  return { kind: 'ran', run, output, ms }
}
