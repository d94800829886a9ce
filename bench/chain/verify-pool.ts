// Worker threads that check signatures beside the main thread (verify-batch.ts holds the
// protocol). Started once and kept, as a node keeps its pool: start-up is not per batch.

import { Worker } from 'node:worker_threads'
import type { SharedBatch } from './verify-batch.js'

/** The worker's entry, loaded through tsx's API: workers don't get the parent's loader. */
const WORKER = new URL('./verify-worker.ts', import.meta.url).href
const TSX_API = import.meta.resolve('tsx/esm/api')

/** The worker's next message, mapped; its error or exit rejects. Listeners go either way. */
function settle<T>(w: Worker, map: (message: unknown) => T, exited: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = () => {
      w.off('message', onMessage)
      w.off('error', onError)
      w.off('exit', onExit)
    }
    const onMessage = (m: unknown) => (off(), resolve(map(m)))
    const onError = (e: Error) => (off(), reject(e))
    const onExit = (code: number) => (off(), reject(new Error(`${exited} (code ${code})`)))
    w.on('message', onMessage)
    w.on('error', onError)
    w.on('exit', onExit)
  })
}

export class VerifyPool {
  private constructor(private readonly workers: readonly Worker[]) {}

  static async start(size: number): Promise<VerifyPool> {
    const boot = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(import.meta.url)}))`
    const workers = await Promise.all(
      Array.from({ length: size }, (_, i) => {
        const w = new Worker(boot, { eval: true })
        return settle<Worker>(w, () => w, `verify worker ${i} exited while starting`)
      }),
    )
    return new VerifyPool(workers)
  }

  get size(): number {
    return this.workers.length
  }

  /** Sets every worker on the batch; resolves to the chunks each checked, once all are out of work. */
  run(b: SharedBatch): Promise<number[]> {
    return Promise.all(
      this.workers.map((w) => {
        const done = settle<number>(w, (n) => n as number, 'a verify worker exited during a batch')
        w.postMessage(b)
        return done
      }),
    )
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
