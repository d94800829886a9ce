// The transfers benchmark in a process of its own (`npm run bench` spawns it): what the
// sections before it left in the heap (solc's wasm, the EVM's state) must not slow its
// collector. Progress goes to stderr, the result as JSON on stdout's last line.

import { runTransfers } from './transfers.js'

const reps = Number(process.argv[2] ?? 5)
const result = await runTransfers({ reps, log: (line) => process.stderr.write(line + '\n') })
process.stdout.write(JSON.stringify(result) + '\n')
