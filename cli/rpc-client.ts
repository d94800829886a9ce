// The CLI's side of JSON-RPC: one request to a node over HTTP, and `Stop`, the one way a
// client command ends early (its exit code and message), reported by `runClient`.

import { EXIT_USAGE } from './host.js'
import type { ArgError } from './abi-args.js'

/** The node could not be reached, or did not answer as a JSON-RPC node does. */
export const EXIT_UNAVAILABLE = 69
/** A transaction reverted, or the node refused it. */
export const EXIT_REVERTED = 70

export const DEFAULT_RPC = 'http://127.0.0.1:8545'

/** How long one request may take: a local chain answers in milliseconds. */
const TIMEOUT_MS = 60_000

/** Thrown by the client helpers and caught only by runClient, which prints it. */
export class Stop {
  constructor(
    readonly exitCode: number,
    readonly message: string,
  ) {}
}

export function usage(e: ArgError): Stop {
  return new Stop(EXIT_USAGE, `error: ${e.message}`)
}

/** Runs a client command: its exit code, or that of the Stop that ended it. */
export async function runClient(body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (e) {
    if (!(e instanceof Stop)) throw e
    if (e.message !== '') process.stderr.write(e.message + '\n')
    return e.exitCode
  }
}

export class RpcClient {
  private nextId = 1
  constructor(readonly url: string) {}

  /** The method's result; a Stop when the node is unreachable or answers with an error. */
  async call(method: string, params: readonly unknown[] = []): Promise<unknown> {
    const id = this.nextId++
    let response: Response
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e)
      throw new Stop(EXIT_UNAVAILABLE, `error: cannot reach the node at ${this.url} (${cause}); is \`unest chain\` running?`)
    }
    let body: { result?: unknown; error?: { code?: unknown; message?: unknown } }
    try {
      body = (await response.json()) as typeof body
    } catch {
      throw new Stop(EXIT_UNAVAILABLE, `error: ${this.url} is not a JSON-RPC node (HTTP ${response.status}, not JSON)`)
    }
    if (typeof body !== 'object' || body === null) throw new Stop(EXIT_UNAVAILABLE, `error: ${this.url} answered ${JSON.stringify(body)}, not a JSON-RPC response`)
    if (body.error !== undefined) throw new Stop(EXIT_REVERTED, `error: the node refused ${method}: ${String(body.error?.message)}`)
    return body.result
  }
}
