// One worker thread of a parallel campaign (parallel.ts): runs its share, posts the result.

import { parentPort, workerData } from 'node:worker_threads'
import { runCampaign, type CampaignOptions } from './campaign.js'

parentPort!.postMessage(runCampaign(workerData as CampaignOptions))
