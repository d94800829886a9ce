// Contract values on the command line: arguments typed by the ABI (`5`, `5n`, `0x..`,
// `account1`, JSON for lists and maps) and results shown as Nest writes them. Also which
// ABI method a name and argument count pick, and the development accounts by name.

import { addressOf, formatAddress, type Address } from '../chain/address.js'
import { nodeCrypto } from '../chain/crypto-node.js'
import { abiValueFromJson, fromHex, JsonValueError, toHex } from '../chain/rpc.js'
import { devKey, type Signer } from '../chain/signer.js'
import { AddressValue, HandleValue, InstanceValue, type AbiValue } from '../vm/contract/abi-values.js'
import type { AbiMethod, AbiType } from '../vm/contract/abi.js'

/** An argument or name the user typed that means nothing here (a usage error). */
export class ArgError {
  constructor(readonly message: string) {}
}

export interface DevAccount {
  readonly name: string
  readonly signer: Signer
  readonly address: Address
}

/** `accountN`: the local chain's development account N (keys anyone can derive). */
export function devAccount(name: string): DevAccount | ArgError {
  const m = /^account(\d{1,6})$/.exec(name)
  if (m === null) return new ArgError(`${JSON.stringify(name)} is not a development account: use account0, account1, ...`)
  const signer = devKey('ed25519', Number(m[1]))
  return { name, signer, address: addressOf(nodeCrypto, 'ed25519', signer.publicKey) }
}

const MAX_INT = (1n << 256n) - 1n

/** An Int as typed: decimal or 0x-hex digits, with or without Nest's `n`. */
export function parseInt256(text: string): bigint | ArgError {
  const m = /^(0x[0-9a-fA-F]+|[0-9]+)n?$/.exec(text)
  if (m === null) return new ArgError(`${JSON.stringify(text)} is not an Int: write digits, as 5, 5n or 0xff`)
  const v = BigInt(m[1])
  return v > MAX_INT ? new ArgError(`${text} is above the largest Int, 2^256-1`) : v
}

function parseJson(text: string, what: string): AbiValue | ArgError {
  let j: unknown
  try {
    j = JSON.parse(text)
  } catch {
    return new ArgError(`${JSON.stringify(text)} is not ${what} in JSON`)
  }
  const v = abiValueFromJson(j)
  return v instanceof JsonValueError ? new ArgError(v.message) : v
}

/** How text becomes a value of each ABI type. */
const PARSERS: Readonly<Record<AbiType, (text: string) => AbiValue | ArgError>> = {
  Null: (t) => (t === 'null' ? null : new ArgError(`${JSON.stringify(t)} is not null`)),
  Bool: (t) => (t === 'true' ? true : t === 'false' ? false : new ArgError(`${JSON.stringify(t)} is not true or false`)),
  Num: (t) => {
    const v = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN
    return Number.isFinite(v) ? v : new ArgError(`${JSON.stringify(t)} is not a Num`)
  },
  Int: parseInt256,
  String: (t) => t,
  Bytes: (t) => fromHex(t) ?? new ArgError(`${JSON.stringify(t)} is not Bytes: write 0x and pairs of hex digits`),
  Address: (t) => {
    if (t.startsWith('account')) {
      const a = devAccount(t)
      return a instanceof ArgError ? a : new AddressValue(a.address)
    }
    try {
      return AddressValue.fromHex(t)
    } catch {
      return new ArgError(`${JSON.stringify(t)} is not an Address: write 0x and 40 hex digits, or account0, account1, ...`)
    }
  },
  List: (t) => {
    const v = parseJson(t, 'a list')
    return v instanceof ArgError || Array.isArray(v) ? v : new ArgError(`${JSON.stringify(t)} is not a JSON array`)
  },
  Map: (t) => {
    const v = parseJson(t, 'a map')
    return v instanceof ArgError || v instanceof Map ? v : new ArgError(`${JSON.stringify(t)} is not a map: write {"map": [[key, value], ...]}`)
  },
  Any: (t) => {
    if (/^[0-9]+n$/.test(t)) return parseInt256(t)
    const v = parseJson(t, 'a value')
    return v instanceof ArgError ? t : v
  },
}

export function parseArg(text: string, type: AbiType): AbiValue | ArgError {
  return PARSERS[type](text)
}

/** Arguments for `method`, each parsed by its parameter's type. */
export function parseArgs(method: AbiMethod, texts: readonly string[]): AbiValue[] | ArgError {
  const out: AbiValue[] = []
  for (const [i, p] of method.params.entries()) {
    const v = parseArg(texts[i], p.type)
    if (v instanceof ArgError) return new ArgError(`argument ${p.name} (${p.type}): ${v.message}`)
    out.push(v)
  }
  return out
}

/** The ABI method `name` (or a full signature) with `argc` parameters. */
export function pickMethod(abi: readonly AbiMethod[], name: string, argc: number, deploy = false): AbiMethod | ArgError {
  const named = abi.filter((m) => (m.kind === 'deploy') === deploy && (deploy || m.name === name || m.signature === name))
  const fits = named.find((m) => m.params.length === argc)
  if (fits) return fits
  const what = deploy ? 'the constructor' : `method ${JSON.stringify(name)}`
  if (named.length === 0) {
    const callable = abi.filter((m) => m.kind !== 'deploy').map(describeMethod)
    return new ArgError(deploy ? 'the contract has no #deploy constructor' : `the contract has no ${what}; it has:\n  ${callable.join('\n  ')}`)
  }
  return new ArgError(`${what} takes ${named.map((m) => m.params.length).join(' or ')} argument(s), not ${argc}: ${named.map(describeMethod).join(', ')}`)
}

export function describeMethod(m: AbiMethod): string {
  // Getters (`count`) have no parentheses, as in Nest.
  const params = m.signature.includes('(') ? `(${m.params.map((p) => `${p.name}: ${p.type}`).join(', ')})` : ''
  return `${m.name}${params} -> ${m.returns}  #${m.kind}`
}

/** A value as Nest source writes it, strings quoted so types stay visible. */
export function formatValue(v: AbiValue): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (typeof v === 'string') return JSON.stringify(v)
  if (v instanceof Uint8Array) return `x"${toHex(v).slice(2)}"`
  if (v instanceof AddressValue) return formatAddress(v.bytes)
  if (v instanceof HandleValue) return `${v.kind === 'map' ? 'PersistentMap' : 'PersistentList'}#${v.id}`
  if (v instanceof InstanceValue) return `${v.className}(${v.fields.map(formatValue).join(', ')})`
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatValue(k)}: ${formatValue(x)}`).join(', ')}}`
  return `[${(v as readonly AbiValue[]).map(formatValue).join(', ')}]`
}
