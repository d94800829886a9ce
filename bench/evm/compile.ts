// Compiles bench/evm/contracts/*.sol with solc-js (standard JSON, optimizer on, 200 runs,
// evmVersion prague) and times it. Nothing is cached on disk: every call compiles afresh.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const CONTRACTS_DIR = join(import.meta.dirname, 'contracts')
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'prague',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const

export interface CompiledContract {
  readonly source: string
  /** Creation (deployment) code. */
  readonly bytecode: Uint8Array
  readonly abi: readonly unknown[]
}

export interface EvmCompileOutput {
  /** Keyed by contract name (`Fib`, `Token`, ...). */
  readonly contracts: ReadonlyMap<string, CompiledContract>
  readonly solcVersion: string
  /** Loading solc-js (its wasm) in this process; 0 when an earlier call already loaded it. */
  readonly loadMs: number
  /** The one standard-JSON compile of all the sources, the figure to set beside `unest compile`. */
  readonly compileMs: number
  readonly warnings: readonly string[]
}

export class SolcError extends Error {
  override name = 'SolcError'
}

interface SolcMessage {
  severity: 'error' | 'warning' | 'info'
  formattedMessage?: string
  message: string
}
interface SolcOutput {
  errors?: SolcMessage[]
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
}

export function readContractSources(dir = CONTRACTS_DIR): Record<string, string> {
  const sources: Record<string, string> = {}
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[f] = readFileSync(join(dir, f), 'utf8')
  }
  return sources
}

const hexToBytes = (hex: string): Uint8Array => {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new SolcError(`solc returned malformed bytecode`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

export async function compileEvmContracts(sources = readContractSources()): Promise<EvmCompileOutput> {
  const t0 = process.hrtime.bigint()
  const solc = (await import('solc')).default
  const t1 = process.hrtime.bigint()
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([file, content]) => [file, { content }])),
    settings: SOLC_SETTINGS,
  }
  const raw: string = solc.compile(JSON.stringify(input))
  const t2 = process.hrtime.bigint()

  const out = JSON.parse(raw) as SolcOutput
  const messages = out.errors ?? []
  const errors = messages.filter((m) => m.severity === 'error')
  if (errors.length > 0) throw new SolcError(errors.map((e) => e.formattedMessage ?? e.message).join('\n'))

  const contracts = new Map<string, CompiledContract>()
  for (const [source, byName] of Object.entries(out.contracts ?? {})) {
    for (const [name, c] of Object.entries(byName)) {
      if (contracts.has(name)) throw new SolcError(`contract ${name} is defined twice (second in ${source})`)
      contracts.set(name, { source, bytecode: hexToBytes(c.evm.bytecode.object), abi: c.abi })
    }
  }
  return {
    contracts,
    solcVersion: String(solc.version()),
    loadMs: Number(t1 - t0) / 1e6,
    compileMs: Number(t2 - t1) / 1e6,
    warnings: messages.filter((m) => m.severity === 'warning').map((m) => m.formattedMessage ?? m.message),
  }
}
