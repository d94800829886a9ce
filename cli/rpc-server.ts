// JSON-RPC over HTTP on the loopback interface: each POST body goes to a handler (chain/rpc.ts
// ChainRpc.handle) and its answer goes back. Only the transport: bodies above a limit, other
// HTTP methods and handler failures get JSON-RPC errors, and the server keeps serving.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RPC_ERROR } from '../chain/rpc.js'

/** The largest request body: a deploy of the largest module (16 MiB) as hex, with room. */
export const MAX_BODY_BYTES = 40 * 1024 * 1024

export interface RpcServerOptions {
  readonly port: number
  /** Loopback only: a development chain's keys are public. */
  readonly host?: string
  readonly maxBodyBytes?: number
  /** The response text for a request text, or null when nothing is to be answered. */
  readonly handle: (body: string) => Promise<string | null>
}

export interface RpcServer {
  readonly url: string
  close(): Promise<void>
}

function errorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } })
}

function reply(res: ServerResponse, status: number, body: string | null, close = false): void {
  if (res.headersSent) return
  const headers: Record<string, string> = body === null ? {} : { 'content-type': 'application/json' }
  if (close) headers.connection = 'close'
  res.writeHead(status, headers)
  res.end(body ?? undefined)
}

function serve(o: RpcServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const max = o.maxBodyBytes ?? MAX_BODY_BYTES
  const tooLarge = () => {
    reply(res, 413, errorBody(RPC_ERROR.invalidRequest, `Invalid Request: the body is above ${max} bytes`), true)
    // Read no more of it: the connection closes once the answer is out.
    res.on('finish', () => req.destroy())
  }
  req.on('error', () => res.destroy())
  if (req.method !== 'POST') {
    reply(res, 405, errorBody(RPC_ERROR.invalidRequest, 'Invalid Request: send JSON-RPC requests with POST'))
    req.resume()
    return
  }
  if (Number(req.headers['content-length'] ?? 0) > max) return tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  let over = false
  req.on('data', (chunk: Buffer) => {
    if (over) return
    size += chunk.length
    if (size > max) {
      over = true
      chunks.length = 0
      tooLarge()
    } else {
      chunks.push(chunk)
    }
  })
  req.on('end', () => {
    if (over) return
    o.handle(Buffer.concat(chunks).toString('utf8')).then(
      (out) => reply(res, out === null ? 204 : 200, out),
      (e: unknown) => reply(res, 500, errorBody(RPC_ERROR.internal, `Internal error: ${e instanceof Error ? e.message : String(e)}`)),
    )
  })
}

/** Listens on 127.0.0.1 (port 0: any free one) and resolves once it does. */
export function startRpcServer(o: RpcServerOptions): Promise<RpcServer> {
  const host = o.host ?? '127.0.0.1'
  const server = createServer((req, res) => serve(o, req, res))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, host, () => {
      server.off('error', reject)
      const port = (server.address() as AddressInfo).port
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
