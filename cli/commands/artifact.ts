// Contract artifacts: the JSON `unest compile` writes for a contract program and `unest
// deploy` reads. It holds the module bytes, the ABI, where the sources came from (their
// project-relative paths and hashes: lines are in the module already), the compiler version
// and the module's content hash; no timestamp or absolute path, so equal sources in equal
// layouts give byte-equal artifacts.

import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { compile } from '../../compiler/compile.js'
import { renderDiagnostic } from '../../compiler/diagnostics.js'
import { tokenize } from '../../compiler/lexer.js'
import type { Source } from '../../compiler/source.js'
import { abiMethodJson, fromHex, toHex, type AbiMethodJson } from '../../chain/rpc.js'
import { abiOf, type AbiClass, type AbiMethod } from '../../vm/contract/abi.js'
import { decodeModule, moduleHash, ModuleFormatError } from '../../vm/module.js'
import { EXIT_COMPILE, EXIT_NOINPUT, FileHost, entryFor } from '../host.js'

export const ARTIFACT_FORMAT = 'unest-artifact/v1'

export interface Artifact {
  readonly format: typeof ARTIFACT_FORMAT
  /** `unest <version>`: the compiler that made the module. */
  readonly compiler: string
  /** The class a deploy of the module creates (the entry file's last contract). */
  readonly contract: string
  /** Every contract class of the module: name, superclass, own methods. */
  readonly classes: readonly { readonly name: string; readonly superclass: string | null; readonly methods: readonly AbiMethodJson[] }[]
  /** The deployed class's methods, inherited ones included. */
  readonly abi: readonly AbiMethodJson[]
  /** SHA-256 of the module's payload, as in its header: what the chain stores it under. */
  readonly moduleHash: string
  /** The module as 0x-hex. */
  readonly module: string
  /** Each unit's source by module name: its path relative to the project and SHA-256. */
  readonly sources: readonly { readonly module: string; readonly path: string; readonly sha256: string }[]
}

/** Whether a program declares a contract: `class Name is Contract` outside comments and
 *  strings. Such a program is not a script: it compiles to an artifact and is deployed. */
export function isContractSource(text: string): boolean {
  const t = tokenize(text).tokens
  for (let i = 0; i + 3 < t.length; i++) {
    if (t[i].tokenType.name === 'Class' && t[i + 2].tokenType.name === 'Is' && t[i + 3].image === 'Contract') return true
  }
  return false
}

export interface CompiledContract {
  readonly bytes: Uint8Array
  readonly sources: ReadonlyMap<string, Source>
}

/** Compiles `file` (relative to `root`) as a contract, printing diagnostics; an exit code
 *  when it does not compile. */
export function compileContract(root: string, file: string, err: (s: string) => void, color = false): CompiledContract | number {
  let text: string
  try {
    text = readFileSync(file.startsWith('/') ? file : `${root}/${file}`, 'utf8')
  } catch {
    err(`Could not find file "${file}".`)
    return EXIT_NOINPUT
  }
  const entry = entryFor(root, file)
  const result = compile({ ...entry, text }, new FileHost(root), { contract: true })
  for (const d of result.diagnostics) err(renderDiagnostic(d, color) + '\n')
  if (!result.bytes) {
    const n = result.diagnostics.length
    err(`error: could not compile ${entry.path} (${n} error${n === 1 ? '' : 's'})`)
    return EXIT_COMPILE
  }
  return { bytes: result.bytes, sources: result.sources }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** The deployed class and its classes, from the module's own contract section. */
export function moduleAbi(bytes: Uint8Array): { contract: string; classes: readonly AbiClass[]; abi: AbiMethod[] } | string {
  const m = decodeModule(bytes)
  if (m instanceof ModuleFormatError) return `not a module: ${m.message}`
  const classes = m.contract?.classes ?? []
  if (classes.length === 0) return 'the module was not compiled as a contract'
  const contract = classes[classes.length - 1].name
  return { contract, classes, abi: abiOf(m.contract!, contract) ?? [] }
}

export function buildArtifact(c: CompiledContract, version: string): Artifact {
  const abi = moduleAbi(c.bytes)
  // compile() only returns bytes of a contract with at least one class.
  if (typeof abi === 'string') throw new Error(`a compiled contract has no ABI: ${abi}`)
  return {
    format: ARTIFACT_FORMAT,
    compiler: `unest ${version}`,
    contract: abi.contract,
    classes: abi.classes.map((k) => ({ name: k.name, superclass: k.superclass, methods: k.methods.map(abiMethodJson) })),
    abi: abi.abi.map(abiMethodJson),
    moduleHash: '0x' + moduleHash(c.bytes),
    module: toHex(c.bytes),
    sources: [...c.sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([module, s]) => ({ module, path: s.name, sha256: '0x' + sha256(s.text) })),
  }
}

/** `unest compile` of a contract: writes the artifact (default: beside the source, .json). */
export function compileArtifactCommand(file: string, opts: { output?: string; version: string; color?: boolean }): number {
  const err = (s: string) => process.stderr.write(s + '\n')
  const compiled = compileContract(process.cwd(), file, err, opts.color)
  if (typeof compiled === 'number') return compiled
  const out = opts.output ?? file.replace(/\.(nest|wren)$/, '') + '.json'
  writeFileSync(out, JSON.stringify(buildArtifact(compiled, opts.version), null, 2) + '\n')
  return 0
}

/** The module bytes an artifact holds, checked against its hash; or what is wrong. */
export function readArtifact(text: string): Uint8Array | string {
  let a: Partial<Artifact>
  try {
    a = JSON.parse(text) as Partial<Artifact>
  } catch {
    return 'not JSON'
  }
  if (typeof a !== 'object' || a === null || a.format !== ARTIFACT_FORMAT) return `not a ${ARTIFACT_FORMAT} artifact`
  const bytes = typeof a.module === 'string' ? fromHex(a.module) : null
  if (bytes === null) return 'its module is not 0x-hex'
  const abi = moduleAbi(bytes)
  if (typeof abi === 'string') return abi
  if (a.moduleHash !== '0x' + moduleHash(bytes)) return 'its moduleHash is not the module\'s'
  return bytes
}
