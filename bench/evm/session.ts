// One fresh @ethereumjs/evm (mainnet, Prague, in-memory SimpleStateManager) and the way
// WORKLOADS.md makes a top-level call: runCall, then the cleanup runTx does after a tx, so
// each call is charged like its own transaction (cold EIP-2929 access, EIP-2200 originals).

import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM, type EVM, type ExecResult } from '@ethereumjs/evm'
import { SimpleStateManager } from '@ethereumjs/statemanager'
import { type Address, createAddressFromBigInt } from '@ethereumjs/util'

export const GAS_LIMIT = BigInt(1e12)
/** Deploys every contract and owns the token; far from precompile addresses. */
export const DEPLOYER = createAddressFromBigInt(0xde9107e7n)

export class EvmCallError extends Error {
  override name = 'EvmCallError'
}

export interface EvmSession {
  readonly evm: EVM
  readonly stateManager: SimpleStateManager
}

export async function newSession(): Promise<EvmSession> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague })
  const stateManager = new SimpleStateManager({ common })
  const evm = await createEVM({ common, stateManager })
  return { evm, stateManager }
}

/** One top-level call; the result even when it reverted (the caller decides). */
export async function call(s: EvmSession, caller: Address, to: Address, data: Uint8Array): Promise<ExecResult> {
  const r = await s.evm.runCall({ caller, to, data, gasLimit: GAS_LIMIT })
  await s.evm.journal.cleanup()
  s.stateManager.originalStorageCache.clear()
  return r.execResult
}

/** A call that must succeed (setup and read-back, never timed). */
export async function mustCall(s: EvmSession, caller: Address, to: Address, data: Uint8Array, what: string): Promise<ExecResult> {
  const r = await call(s, caller, to, data)
  if (r.exceptionError) throw new EvmCallError(`${what}: ${r.exceptionError.error}`)
  return r
}

export async function deploy(s: EvmSession, bytecode: Uint8Array, what: string): Promise<Address> {
  const r = await s.evm.runCall({ caller: DEPLOYER, data: bytecode, gasLimit: GAS_LIMIT })
  await s.evm.journal.cleanup()
  s.stateManager.originalStorageCache.clear()
  if (r.execResult.exceptionError || !r.createdAddress) {
    throw new EvmCallError(`deploying ${what}: ${r.execResult.exceptionError?.error ?? 'no address'}`)
  }
  return r.createdAddress
}
