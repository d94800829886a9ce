// `unest call <address> <method> [args...]`: runs a method without a transaction (a view,
// or a dry run of any method: nothing is kept) and prints what it returned.

import { formatAddress } from '../../chain/address.js'
import { abiValueToJson, type OutcomeJson } from '../../chain/rpc.js'
import { devAccount, parseArgs, pickMethod } from '../abi-args.js'
import { EXIT_REVERTED, RpcClient, runClient } from '../rpc-client.js'
import { contractAddress, fetchAbi, need, outcomeText, renderRevert } from './send.js'

export interface CallOptions {
  readonly rpc: string
  /** Whom the call is made as (Chain.caller); the node's first account if not given. */
  readonly from?: string
}

export function callCommand(address: string, method: string, args: readonly string[], o: CallOptions): Promise<number> {
  return runClient(async () => {
    const to = contractAddress(address)
    const from = o.from === undefined ? null : need(devAccount(o.from))
    const client = new RpcClient(o.rpc)
    const abi = await fetchAbi(client, to)
    const m = need(pickMethod(abi.methods, method, args.length))
    const values = need(parseArgs(m, args))
    const params = [formatAddress(to), m.name, values.map(abiValueToJson), ...(from ? [formatAddress(from.address)] : [])]
    const out = (await client.call('unest_call', params)) as OutcomeJson
    if (m.kind !== 'view') process.stderr.write(`note: ${m.name} is #${m.kind}: this was a dry run, nothing was kept (\`unest send\` makes a transaction)\n`)
    if (out.status !== 'ok') {
      const rest = outcomeText(out)
      if (rest !== '') process.stdout.write(rest + '\n')
      process.stderr.write(renderRevert(out) + '\n')
      return EXIT_REVERTED
    }
    process.stdout.write(outcomeText(out) + '\n')
    return 0
  })
}
