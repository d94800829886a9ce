// `unest chain`: one local chain served over JSON-RPC on 127.0.0.1 (what `npm start` runs
// until the node exists). The example contracts are deployed at its first start; its state
// and history are saved to <dir>/chain.json after every block, written whole and renamed, so
// a process killed at any moment restarts with every answered transaction.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join, relative } from 'node:path'
import { formatAddress } from '../../chain/address.js'
import { NATIVE_TOKEN } from '../../chain/codec.js'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { LocalChain } from '../../chain/local-chain.js'
import { ChainRpc, checkSavedHistory, type SavedHistory } from '../../chain/rpc.js'
import { encodeArgs, type AbiValue } from '../../vm/contract/abi-values.js'
import { EXIT_COMPILE } from '../host.js'
import { EXIT_UNAVAILABLE } from '../rpc-client.js'
import { startRpcServer } from '../rpc-server.js'
import { compileContract, isContractSource, moduleAbi } from './artifact.js'

export interface ChainOptions {
  readonly port: number
  /** Where the chain's state is kept. */
  readonly dir: string
  /** Forget the saved state and start over. */
  readonly fresh: boolean
  /** The folder whose contracts are deployed at the first start. */
  readonly examples: string
}

const STATE_FILE = 'chain.json'
const SAVE_FORMAT = 'unest/chain-dir/v1'

/** Constructor arguments of the example contracts, by class name. */
const EXAMPLE_ARGS: Readonly<Record<string, readonly AbiValue[]>> = {
  Counter: [0n],
  Token: ['Example Token', 'EXT', 1_000_000n * 10n ** 18n],
}

interface Deployed {
  readonly name: string
  readonly path: string
  readonly address: string
}

interface Saved {
  readonly format: typeof SAVE_FORMAT
  /** LocalChain.save() as base64. */
  readonly state: string
  readonly history: SavedHistory
  readonly contracts: readonly Deployed[]
}

const out = (s: string) => process.stdout.write(s + '\n')
const err = (s: string) => process.stderr.write(s + '\n')

/** Writes `text` to a temporary file, flushes it to disk, and renames it over `file`. */
function writeAtomically(file: string, dir: string, text: string): void {
  const part = `${file}.${process.pid}.part`
  const fd = openSync(part, 'w')
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(part, file)
  // The rename itself reaches the disk with the folder's entry.
  const dirFd = openSync(dir, 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}

/** The saved chain in `file`; null when there is none; a string saying what is wrong. */
function readSaved(file: string): { chain: LocalChain; history: SavedHistory; contracts: readonly Deployed[] } | null | string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const s = JSON.parse(text) as Partial<Saved>
    if (s.format !== SAVE_FORMAT || typeof s.state !== 'string' || !Array.isArray(s.contracts)) return `not a ${SAVE_FORMAT} file`
    const problem = checkSavedHistory(s.history)
    if (problem !== null) return problem
    const chain = LocalChain.load(new Uint8Array(Buffer.from(s.state, 'base64')), { crypto: nodeCrypto })
    return { chain, history: s.history!, contracts: s.contracts }
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/** Contract sources under `dir` (test folders and files left out), in name order. */
function findContracts(dir: string): string[] {
  const found: string[] = []
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch {
    return found
  }
  for (const name of names) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) {
      if (name !== 'test' && !name.startsWith('_')) found.push(...findContracts(p))
    } else if (name.endsWith('.nest') && !name.endsWith('.test.nest') && isContractSource(readFileSync(p, 'utf8'))) {
      found.push(p)
    }
  }
  return found
}

/** Deploys each example contract from account0; one that fails is reported and skipped. */
async function deployExamples(chain: LocalChain, dir: string): Promise<Deployed[]> {
  const deployed: Deployed[] = []
  const root = process.cwd()
  for (const file of findContracts(dir)) {
    const path = relative(root, file)
    const compiled = compileContract(root, path, err)
    if (typeof compiled === 'number') continue
    const abi = moduleAbi(compiled.bytes)
    if (typeof abi === 'string') continue
    const ctor = abi.abi.find((m) => m.kind === 'deploy')
    const args = EXAMPLE_ARGS[abi.contract] ?? (ctor === undefined || ctor.params.length === 0 ? [] : null)
    if (args === null) {
      err(`note: ${path} not deployed: its constructor takes arguments no example gives`)
      continue
    }
    const r = await chain.send(chain.accounts[0], { kind: 'deploy', module: compiled.bytes, args: encodeArgs(args), value: 0n })
    if (r.receipt.status !== 'ok' || r.contract === null) {
      err(`note: ${path} not deployed: ${r.receipt.error}`)
      continue
    }
    deployed.push({ name: abi.contract, path, address: formatAddress(r.contract) })
  }
  return deployed
}

function describeLatest(rpc: ChainRpc): string {
  const b = rpc.latest
  const what = b.transactions.map((h) => {
    const r = rpc.receipt(h)
    if (r === undefined) return h
    const action = r.kind === 'call' ? `call ${r.method}` : r.kind === 'deploy' ? `deploy ${r.contractAddress ?? ''}`.trimEnd() : r.kind
    // What contracts printed shows here, as `unest test` shows it for tests.
    const printed = r.debug.prints.map((p) => `\n  print: ${p}`).join('')
    return `${action} from ${r.from}: ${r.status}${r.error ? ` (${r.error})` : ''}, gas ${r.gasUsed}${printed}`
  })
  return `block ${b.height}: ${what.join('; ') || 'empty'}`
}

export async function chainCommand(o: ChainOptions): Promise<number> {
  const file = join(o.dir, STATE_FILE)
  try {
    if (o.fresh) rmSync(file, { force: true })
    mkdirSync(o.dir, { recursive: true })
    // Left by a save that a kill interrupted: the file it was to replace is whole.
    for (const n of readdirSync(o.dir)) if (n.startsWith(`${STATE_FILE}.`) && n.endsWith('.part')) rmSync(join(o.dir, n), { force: true })
  } catch (e) {
    err(`error: cannot use ${o.dir} for the chain's state: ${e instanceof Error ? e.message : String(e)}`)
    return EXIT_UNAVAILABLE
  }
  const saved = readSaved(file)
  if (typeof saved === 'string') {
    err(`error: the saved chain in ${file} cannot be read (${saved}); \`unest chain --fresh\` starts over`)
    return EXIT_COMPILE
  }
  const chain = saved?.chain ?? new LocalChain({ crypto: nodeCrypto })
  const contracts = saved?.contracts ?? (await deployExamples(chain, o.examples))

  const save = () => {
    const s: Saved = { format: SAVE_FORMAT, state: Buffer.from(chain.save()).toString('base64'), history: rpc.history(), contracts }
    writeAtomically(file, o.dir, JSON.stringify(s))
  }
  const rpc: ChainRpc = new ChainRpc(chain, {
    history: saved?.history,
    afterBlocks: () => {
      out(describeLatest(rpc))
      try {
        save()
      } catch (e) {
        // The block stands (its sender has its receipt); each save writes everything, so
        // the next one that succeeds catches up.
        err(`error: could not save the chain to ${file}: ${e instanceof Error ? e.message : String(e)}`)
      }
    },
  })
  if (saved === null) save()

  let server
  try {
    server = await startRpcServer({ port: o.port, handle: (text) => rpc.handle(text) })
  } catch (e) {
    err(`error: cannot serve on 127.0.0.1:${o.port}: ${e instanceof Error ? e.message : String(e)}`)
    return EXIT_UNAVAILABLE
  }

  out(`µNEST local chain "${chain.params.chainId}" at block ${rpc.latest.height}${saved ? ', restored' : ''} (state in ${o.dir})`)
  out(`RPC: ${server.url}`)
  out('')
  out('Development accounts (their keys are public: never use them on a real chain):')
  for (const a of chain.accounts) out(`  ${a.name.padEnd(10)} ${formatAddress(a.address)}  ${chain.balance(a.address)} ${NATIVE_TOKEN}`)
  out('')
  out(contracts.length === 0 ? 'No example contracts.' : 'Contracts:')
  for (const c of contracts) out(`  ${c.name.padEnd(10)} ${c.address}  ${c.path}`)
  out('')
  out('Ctrl-C stops the chain; its state stays for the next start.')

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  out(`stopped (${signal}) at block ${rpc.latest.height}`)
  return 0
}
