// `unest chain` end to end, as a user runs it: the built bin serves a local chain on a free
// loopback port with its state in a temporary folder; `unest deploy`, `call` and `send` talk
// to it; malformed requests get JSON-RPC errors while it keeps serving; killed with SIGKILL
// and restarted, it has lost nothing; SIGTERM stops it cleanly. Also the HTTP transport
// (cli/rpc-server.ts) in process, for bodies above its limit.

import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_BODY_BYTES, startRpcServer } from '../../cli/rpc-server.js'
import { BIN, JS_STACK, ROOT, ensureBuilt, plainEnv, unest } from './bin.js'

const dir = mkdtempSync(join(tmpdir(), 'unest-cli-chain-'))
const state = join(dir, '.unest')
const running = new Set<ChildProcess>()
t.teardown(() => {
  for (const p of running) p.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

/** The most a start may take before the test gives up on it (a guard, not a measure). */
const START_GUARD_MS = 120_000

interface Chain {
  readonly proc: ChildProcess
  readonly url: string
  /** Contract addresses by class name, as printed. */
  readonly contracts: Readonly<Record<string, string>>
  readonly banner: string
  output(): string
  exited: Promise<number | null>
}

/** Starts `unest chain` on a free port and waits for its banner. */
async function startChain(extra: string[] = []): Promise<Chain> {
  ensureBuilt()
  const proc = spawn(process.execPath, [BIN, 'chain', '--port', '0', '--dir', state, ...extra], { cwd: ROOT, env: plainEnv() })
  running.add(proc)
  let out = ''
  let err = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      running.delete(proc)
      resolve(code)
    }),
  )
  await new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`unest chain did not start:\n${out}${err}`)), START_GUARD_MS)
    const check = () => {
      if (out.includes('Ctrl-C stops the chain')) {
        clearTimeout(guard)
        resolve()
      }
    }
    proc.stdout.on('data', check)
    void exited.then((code) => {
      clearTimeout(guard)
      reject(new Error(`unest chain exited (${code}):\n${out}${err}`))
    })
  })
  const url = /^RPC: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)![1]
  const contracts: Record<string, string> = {}
  for (const m of out.matchAll(/^ {2}(\w+) +(0x[0-9a-f]{40}) {2}examples\//gm)) contracts[m[1]] = m[2]
  return { proc, url, contracts, banner: out, output: () => out + err, exited }
}

async function rpc(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await r.text()
  return { status: r.status, json: text === '' ? null : JSON.parse(text) }
}

const JAR = `class Jar is Contract {
  #deploy
  construct new() {}

  #payable(returns = Int)
  fill() { Chain.balance(Chain.self) }
}
`

const req = (method: string, params: unknown[] = [], id = 1) => ({ jsonrpc: '2.0', id, method, params })

/** The value a `call` printed (`result: X`). */
function resultOf(stdout: string): string | undefined {
  return /^result: (.*)$/m.exec(stdout)?.[1]
}

/** A port nothing listens on: one the OS just gave out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

t.test('serve, use, kill, restart: nothing is lost', async (t) => {
  const chain = await startChain()
  const { url } = chain
  t.match(chain.banner, /^µNEST local chain "unest-local" at block 2 \(state in /, 'genesis and two example deploys')
  t.match(chain.banner, /account0 +0x[0-9a-f]{40}/)
  t.same(Object.keys(chain.contracts).sort(), ['Counter', 'Token'])
  const { Counter, Token } = chain.contracts
  const cli = (args: string[]) => unest([...args, '--rpc', url])

  const count0 = cli(['call', Counter, 'count'])
  t.equal(count0.status, 0, count0.stderr)
  t.equal(resultOf(count0.stdout), '0', 'the example counter starts at 0')
  t.equal(resultOf(cli(['call', Token, 'symbol']).stdout), '"EXT"')
  t.equal(resultOf(cli(['call', Token, 'balanceOf', 'account0']).stdout), String(1_000_000n * 10n ** 18n))

  const inc = cli(['send', Counter, 'increment', '5n', '--from', 'account1'])
  t.equal(inc.status, 0, inc.stderr)
  t.match(inc.stdout, /^status: ok$/m)
  t.match(inc.stdout, /^result: 5$/m)
  t.match(inc.stdout, /^gas used: \d+ \(fee \d+ NEST\)$/m)
  t.match(inc.stdout, /^event: Incremented \[0x[0-9a-f]{40}, 5, 5\] \(from 0x/m)
  const incHash = /^transaction: (0x[0-9a-f]{64})$/m.exec(inc.stdout)![1]

  const pay = cli(['send', Token, 'transfer', 'account2', '100'])
  t.equal(pay.status, 0, pay.stderr)
  t.match(pay.stdout, /^event: Transfer \[0x[0-9a-f]{40}, 0x[0-9a-f]{40}, 100\]/m)

  // A revert: exit 70, the message and the Nest stack with file:line.
  const reset = cli(['send', Counter, 'reset', '--from', 'account1'])
  t.equal(reset.status, 70)
  t.match(reset.stdout, /^status: reverted$/m)
  t.match(reset.stderr, /^error: only the owner can reset/m)
  t.match(reset.stderr, /--> examples\/counter\/counter\.nest:\d+:\d+/)
  t.match(reset.stderr, /Fiber\.abort\("only the owner can reset"\)/, 'the source line')
  t.match(reset.stderr, /^ {2}at Counter\.reset\(\) \(examples\/counter\/counter\.nest:\d+:\d+\)$/m)
  t.notMatch(reset.stderr, JS_STACK)

  // Deploys from source and from an artifact, with constructor arguments by ABI type.
  const fromSource = cli(['deploy', 'examples/counter/counter.nest', '7'])
  t.equal(fromSource.status, 0, fromSource.stderr)
  const sourceAddr = /^deployed Counter at (0x[0-9a-f]{40})$/m.exec(fromSource.stdout)![1]
  const artifact = join(dir, 'counter.json')
  t.equal(unest(['compile', 'examples/counter/counter.nest', '-o', artifact]).status, 0)
  const fromArtifact = cli(['deploy', artifact, '42', '--from', 'account3'])
  t.equal(fromArtifact.status, 0, fromArtifact.stderr)
  const artifactAddr = /^contract: (0x[0-9a-f]{40})$/m.exec(fromArtifact.stdout)![1]
  t.equal(resultOf(cli(['call', sourceAddr, 'count']).stdout), '7')
  t.equal(resultOf(cli(['call', artifactAddr, 'count']).stdout), '42')
  t.equal(resultOf(cli(['call', artifactAddr, 'owner']).stdout), /account3 +(0x[0-9a-f]{40})/.exec(chain.banner)![1], 'deployed by account3')

  // Usage errors exit 64 and send nothing.
  for (const args of [
    ['send', Counter, 'increment', 'five'],
    ['send', Counter, 'increment'],
    ['send', Counter, 'nope'],
    ['send', Counter, 'increment', '1', '--from', 'mallory'],
    ['call', '0x1234', 'count'],
    ['deploy', 'examples/counter/counter.nest'],
  ]) {
    const r = cli(args)
    t.equal(r.status, 64, `${args.join(' ')}: ${r.stderr}`)
    t.match(r.stderr, /^error: /m)
  }
  t.equal(unest(['send', Counter]).status, 64, 'a missing argument')

  // Malformed requests: JSON-RPC errors with standard codes, and the node keeps serving.
  t.match(await rpc(url, '{"jsonrpc": "2.0", "id": 1, "method": '), { status: 200, json: { id: null, error: { code: -32700 } } })
  t.match(await rpc(url, req('unest_nope')), { json: { error: { code: -32601 } } })
  t.match(await rpc(url, req('unest_getBalance', ['not an address'])), { json: { error: { code: -32602 } } })
  t.match(await rpc(url, req('unest_sendRawTransaction', ['0x00'])), { json: { error: { code: -32000, data: { reason: 'codec' } } } })
  t.match(await rpc(url, [req('unest_chainId', [], 1), 'junk', req('unest_blockNumber', [], 2)]), {
    json: [{ id: 1, result: 'unest-local' }, { id: null, error: { code: -32600 } }, { id: 2, result: 7 }],
  })
  t.match(await rpc(url, { jsonrpc: '2.0', method: 'unest_chainId' }), { status: 204, json: null }, 'a notification')
  const get = await fetch(url)
  t.equal(get.status, 405)
  t.match(await get.json(), { error: { code: -32600 } })
  const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const r = request(url, { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES + 1) } }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    r.on('error', reject)
    r.write('{"jsonrpc": "2.0", ')
  })
  t.equal(huge.status, 413)
  t.match(JSON.parse(huge.body), { error: { code: -32600 } })
  t.match(await rpc(url, req('unest_blockNumber')), { json: { result: 7 } }, 'still serving')

  const before = {
    block: (await rpc(url, req('unest_getBlock', ['latest']))).json,
    receipt: (await rpc(url, req('unest_getReceipt', [incHash]))).json,
  }
  t.match(before.receipt, { result: { status: 'ok', method: 'increment', returnValue: { int: '5' } } })

  // Killed without warning, then started again on the same folder.
  chain.proc.kill('SIGKILL')
  t.equal(await chain.exited, null)
  t.equal(cli(['call', Counter, 'count']).status, 69, 'node unreachable')

  const again = await startChain()
  t.match(again.banner, /at block 7, restored/)
  t.same(again.contracts, chain.contracts, 'the examples are not deployed twice')
  const url2 = again.url
  const cli2 = (args: string[]) => unest([...args, '--rpc', url2])
  t.equal(resultOf(cli2(['call', Counter, 'count']).stdout), '5')
  t.equal(resultOf(cli2(['call', Token, 'balanceOf', 'account2']).stdout), '100')
  t.equal(resultOf(cli2(['call', artifactAddr, 'count']).stdout), '42')
  t.same((await rpc(url2, req('unest_getBlock', ['latest']))).json, before.block, 'the latest block, whole')
  t.same((await rpc(url2, req('unest_getReceipt', [incHash]))).json, before.receipt, 'an old receipt, whole')
  const next = cli2(['send', Counter, 'increment', '1', '--from', 'account1'])
  t.equal(next.status, 0, next.stderr)
  t.match(next.stdout, /^block: 8$/m)
  t.match(next.stdout, /^result: 6$/m, "account1's nonce carried over")

  // Value: to a payable method it arrives; to any other the call reverts and it returns.
  writeFileSync(join(dir, 'jar.nest'), JAR)
  const jar = /^contract: (0x[0-9a-f]{40})$/m.exec(cli2(['deploy', join(dir, 'jar.nest')]).stdout)?.[1]
  t.ok(jar, 'the jar is deployed')
  const fill = cli2(['send', jar!, 'fill', '--value', '25'])
  t.equal(fill.status, 0, fill.stderr)
  t.match(fill.stdout, /^result: 25$/m)
  const notPayable = cli2(['send', Counter, 'increment', '1', '--value', '5'])
  t.equal(notPayable.status, 70)
  t.match((await rpc(url2, req('unest_getBalance', [jar]))).json, { result: '25' })

  again.proc.kill('SIGTERM')
  t.equal(await again.exited, 0, 'SIGTERM stops it cleanly')
  t.match(again.output(), /stopped \(SIGTERM\) at block 11/)

  const fresh = await startChain(['--fresh'])
  t.match(fresh.banner, /at block 2 \(state in /)
  t.equal(resultOf(unest(['call', Counter, 'count', '--rpc', fresh.url]).stdout), '0', '--fresh starts over')
  fresh.proc.kill('SIGINT')
  t.equal(await fresh.exited, 0)
})

t.test('an unreachable node exits 69', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`
  const r = unest(['call', '0x' + '00'.repeat(20), 'count', '--rpc', url])
  t.equal(r.status, 69)
  t.match(r.stderr, /cannot reach the node/)
  t.equal(unest(['send', '0x' + '00'.repeat(20), 'count', '--rpc', url]).status, 69)
})

t.test('the HTTP transport refuses a body above its limit as it streams in', async (t) => {
  const seen: string[] = []
  const server = await startRpcServer({
    port: 0,
    maxBodyBytes: 1024,
    handle: async (body) => {
      seen.push(body)
      return JSON.stringify({ jsonrpc: '2.0', id: 1, result: body.length })
    },
  })
  t.teardown(() => server.close())
  const status = await new Promise<number>((resolve, reject) => {
    // No content-length: the server learns the size only as chunks arrive.
    const r = request(server.url, { method: 'POST' }, (res) => {
      res.resume()
      resolve(res.statusCode!)
    })
    r.on('error', reject)
    for (let i = 0; i < 8; i++) r.write('x'.repeat(512))
  })
  t.equal(status, 413)
  t.same(seen, [], 'the handler never saw it')
  t.match(await rpc(server.url, 'ok'), { status: 200, json: { result: 2 } }, 'and the server goes on')
})
