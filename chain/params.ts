// The chain's parameters: what every node and local chain must agree on to compute the same
// state. Named limits live here, each with a test.

export interface ChainParams {
  /** Signed into every transaction's preimage: a transaction is valid on one chain only. */
  readonly chainId: string
  /** The least fee per unit of gas limit, in NEST base units: fee.amount >= gasLimit × this. */
  readonly minGasPrice: bigint
  /** Gas every transaction pays before its payload runs, plus per byte of the transaction. */
  readonly txBaseGas: number
  readonly txGasPerByte: number
  /** Gas of a token transfer payload, and of a key-list change. */
  readonly transferGas: number
  readonly keysGas: number
  /** Gas per byte of a module deployed (stored once per content hash). */
  readonly deployGasPerByte: number
  /** Most contract calls nested inside one another (the top-level call is 1). */
  readonly maxCallDepth: number
  /** The most gas a transaction may name. */
  readonly maxTxGas: number
}

/** The most nested contract calls: deep enough for any real call graph, and far inside the
 *  JS stack (each level is one fresh VM on it). */
export const MAX_CONTRACT_CALL_DEPTH = 64

export const DEFAULT_PARAMS: ChainParams = {
  chainId: 'unest-local',
  minGasPrice: 1n,
  txBaseGas: 1000,
  txGasPerByte: 4,
  transferGas: 500,
  keysGas: 2000,
  deployGasPerByte: 8,
  maxCallDepth: MAX_CONTRACT_CALL_DEPTH,
  maxTxGas: 1_000_000_000,
}
