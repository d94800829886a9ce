// The eight EVM workloads of ../shared/peers/evm/WORKLOADS.md as data: which contract, the
// default n, the reference gas, the untimed setup and calldata, how to read the EVM's
// answer, and the independently computed answer it must equal. The runner times them.

import type { ExecResult } from '@ethereumjs/evm'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { type Address, createAddressFromBigInt } from '@ethereumjs/util'
import { encodeCall, toHex, uintWord, wordAt, wordHex } from './abi.js'
import * as expected from './expected.js'
import { DEPLOYER, type EvmSession, mustCall } from './session.js'

export const WORKLOAD_NAMES = ['fib', 'loop', 'storage', 'token', 'hash', 'hash_asm', 'bytes_append', 'bytes_concat'] as const
export type WorkloadName = (typeof WORKLOAD_NAMES)[number]

export class WorkloadCheckError extends Error {
  override name = 'WorkloadCheckError'
}

export interface TimedCall {
  /** Calls sharing a label are summed into one gas detail entry. */
  readonly label: string
  readonly caller: Address
  readonly data: Uint8Array
}

export interface Workload {
  readonly name: WorkloadName
  /** Contract name in bench/evm/contracts/. */
  readonly contract: string
  readonly defaultN: number
  /** WORKLOADS.md's gas at defaultN, measured on its authors' own Solidity. */
  readonly referenceGas: number
  /** Untimed setup on the freshly deployed contract; returns the calls to time, encoded. */
  prepare(s: EvmSession, at: Address, n: number): Promise<readonly TimedCall[]>
  /** The EVM's answer in string form, from the timed calls' results (and untimed reads). */
  answer(outs: readonly ExecResult[], s: EvmSession, at: Address, n: number): Promise<string>
  /** The same string computed without the EVM. */
  expected(n: number): string
}

const only = (label: string, signature: string) => async (_s: EvmSession, _at: Address, n: number) => [
  { label, caller: DEPLOYER, data: encodeCall(signature, [{ uint256: BigInt(n) }]) },
]

const lastWord = async (outs: readonly ExecResult[]) => wordAt(outs[outs.length - 1].returnValue, 0)
const lengthAndHash = async (outs: readonly ExecResult[]) => {
  const ret = outs[0].returnValue
  return `${wordAt(ret, 0)} ${wordHex(wordAt(ret, 1))}`
}
const expectedBytes = (n: number) => {
  const b = expected.appendedBytes(n)
  return `${b.length} ${toHex(b.keccak)}`
}

const tokenAccount = (i: number) => createAddressFromBigInt(expected.TOKEN_FIRST_ACCOUNT + BigInt(i))
const TRANSFER_TOPIC = keccak_256(new TextEncoder().encode('Transfer(address,address,uint256)'))

/** Balances are summarised by the keccak of their 32-byte words, in account order. */
function balancesDigest(balances: readonly bigint[]): string {
  const words = new Uint8Array(32 * balances.length)
  balances.forEach((b, i) => words.set(uintWord(b), 32 * i))
  return `${balances.length} balances, keccak ${toHex(keccak_256(words))}`
}

function checkTransfers(outs: readonly ExecResult[]): void {
  outs.forEach((o, k) => {
    if (wordAt(o.returnValue, 0) !== 1n) throw new WorkloadCheckError(`token transfer ${k} did not return true`)
    const logs = o.logs ?? []
    const t = expected.tokenTransfer(k)
    const ok =
      logs.length === 1 &&
      toHex(logs[0][1][0]) === toHex(TRANSFER_TOPIC) &&
      toHex(logs[0][1][1]) === wordHex(expected.TOKEN_FIRST_ACCOUNT + BigInt(t.from)) &&
      toHex(logs[0][1][2]) === wordHex(expected.TOKEN_FIRST_ACCOUNT + BigInt(t.to)) &&
      toHex(logs[0][2]) === wordHex(t.amount)
    if (!ok) throw new WorkloadCheckError(`token transfer ${k} did not emit the expected Transfer event`)
  })
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'fib',
    contract: 'Fib',
    defaultN: 25,
    referenceGas: 41_637_769,
    prepare: only('run', 'run(uint256)'),
    answer: async (outs) => String(await lastWord(outs)),
    expected: (n) => String(expected.fib(n)),
  },
  {
    name: 'loop',
    contract: 'Loop',
    defaultN: 1_000_000,
    referenceGas: 276_000_284,
    prepare: only('run', 'run(uint256)'),
    answer: async (outs) => String(await lastWord(outs)),
    expected: (n) => String(expected.loopSum(n)),
  },
  {
    name: 'storage',
    contract: 'Storage',
    defaultN: 10_000,
    referenceGas: 245_830_536,
    prepare: async (_s, _at, n) => [
      { label: 'write', caller: DEPLOYER, data: encodeCall('write(uint256)', [{ uint256: BigInt(n) }]) },
      { label: 'readSum', caller: DEPLOYER, data: encodeCall('readSum(uint256)', [{ uint256: BigInt(n) }]) },
    ],
    answer: async (outs) => String(await lastWord(outs)),
    expected: (n) => String(expected.storageSum(n)),
  },
  {
    name: 'token',
    contract: 'Token',
    defaultN: 10_000,
    referenceGas: 126_590_000,
    async prepare(s, at, n) {
      for (let i = 0; i < expected.TOKEN_ACCOUNTS; i++) {
        const data = encodeCall('mint(address,uint256)', [{ address: expected.TOKEN_FIRST_ACCOUNT + BigInt(i) }, { uint256: expected.TOKEN_MINT }])
        await mustCall(s, DEPLOYER, at, data, `minting to A[${i}]`)
      }
      return Array.from({ length: n }, (_, k) => {
        const t = expected.tokenTransfer(k)
        const to = { address: expected.TOKEN_FIRST_ACCOUNT + BigInt(t.to) }
        return { label: 'transfer', caller: tokenAccount(t.from), data: encodeCall('transfer(address,uint256)', [to, { uint256: t.amount }]) }
      })
    },
    async answer(outs, s, at) {
      checkTransfers(outs)
      const balances: bigint[] = []
      for (let i = 0; i < expected.TOKEN_ACCOUNTS; i++) {
        const data = encodeCall('balanceOf(address)', [{ address: expected.TOKEN_FIRST_ACCOUNT + BigInt(i) }])
        balances.push(wordAt((await mustCall(s, DEPLOYER, at, data, `balanceOf(A[${i}])`)).returnValue, 0))
      }
      return balancesDigest(balances)
    },
    expected: (n) => balancesDigest(expected.tokenBalances(n)),
  },
  {
    name: 'hash',
    contract: 'Hash',
    defaultN: 100_000,
    referenceGas: 96_129_190,
    prepare: only('run', 'run(uint256)'),
    answer: async (outs) => wordHex(await lastWord(outs)),
    expected: (n) => toHex(expected.keccakChain(n)),
  },
  {
    name: 'hash_asm',
    contract: 'HashAsm',
    defaultN: 100_000,
    referenceGas: 10_200_306,
    prepare: only('run', 'run(uint256)'),
    answer: async (outs) => wordHex(await lastWord(outs)),
    expected: (n) => toHex(expected.keccakChain(n)),
  },
  {
    name: 'bytes_append',
    contract: 'BytesAppend',
    defaultN: 10_000,
    referenceGas: 1_364_499,
    prepare: only('run', 'run(uint256)'),
    answer: lengthAndHash,
    expected: expectedBytes,
  },
  {
    name: 'bytes_concat',
    contract: 'BytesConcat',
    defaultN: 2_000,
    referenceGas: 8_999_742,
    prepare: only('run', 'run(uint256)'),
    answer: lengthAndHash,
    expected: expectedBytes,
  },
]
