// A signature-checking worker thread (verify-pool.ts): for each batch it is sent, it claims
// and checks chunks until none is left, then reports how many it did.

import { parentPort } from 'node:worker_threads'
import { nodeCrypto } from '../../chain/crypto-node.js'
import { verifyClaimed, type SharedBatch } from './verify-batch.js'

parentPort!.on('message', (b: SharedBatch) => parentPort!.postMessage(verifyClaimed(nodeCrypto, b)))
parentPort!.postMessage('ready')
