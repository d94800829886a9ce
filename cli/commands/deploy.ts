// `unest deploy <file.nest|artifact.json> [args...]`: deploys a contract (compiled here, or
// from an artifact) in a transaction signed with a development key, its constructor's
// arguments parsed by the ABI, and shows the receipt with the new contract's address.

import { readFileSync } from 'node:fs'
import { encodeArgs, type AbiValue } from '../../vm/contract/abi-values.js'
import { devAccount, parseArgs, pickMethod } from '../abi-args.js'
import { EXIT_COMPILE, EXIT_NOINPUT } from '../host.js'
import { RpcClient, Stop, runClient } from '../rpc-client.js'
import { compileContract, moduleAbi, readArtifact } from './artifact.js'
import { attachedValue, need, showReceipt, submit, type TxOptions } from './send.js'

/** The module bytes of a source file or an artifact. */
function moduleOf(file: string, color: boolean): Uint8Array {
  if (!file.endsWith('.json')) {
    const compiled = compileContract(process.cwd(), file, (s) => process.stderr.write(s + '\n'), color)
    if (typeof compiled === 'number') throw new Stop(compiled, '')
    return compiled.bytes
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new Stop(EXIT_NOINPUT, `Could not find file "${file}".`)
  }
  const bytes = readArtifact(text)
  if (typeof bytes === 'string') throw new Stop(EXIT_COMPILE, `error: ${file} is not a usable artifact: ${bytes}`)
  return bytes
}

export function deployCommand(file: string, args: readonly string[], o: TxOptions & { color?: boolean }): Promise<number> {
  return runClient(async () => {
    const from = need(devAccount(o.from))
    const value = attachedValue(o.value)
    const module = moduleOf(file, o.color ?? false)
    const abi = moduleAbi(module)
    if (typeof abi === 'string') throw new Stop(EXIT_COMPILE, `error: ${abi}`)
    // A contract without a #deploy constructor deploys with no arguments.
    const hasConstructor = abi.abi.some((m) => m.kind === 'deploy')
    const values: AbiValue[] = hasConstructor || args.length > 0 ? need(parseArgs(need(pickMethod(abi.abi, 'new', args.length, true)), args)) : []
    const receipt = await submit(new RpcClient(o.rpc), from, { kind: 'deploy', module, args: encodeArgs(values), value }, o.gasLimit)
    const code = showReceipt(receipt)
    if (code === 0) process.stdout.write(`deployed ${abi.contract} at ${receipt.contractAddress}\n`)
    return code
  })
}
