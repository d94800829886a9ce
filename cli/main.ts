// The `unest` command line: one subcommand per job, each in cli/commands/.

import { Command, InvalidArgumentError } from 'commander'
import { runCommand } from './commands/run.js'
import { compileCommand, disasmCommand } from './commands/compile.js'
import { examplesCommand } from './commands/examples.js'
import { chainCommand } from './commands/chain.js'
import { deployCommand } from './commands/deploy.js'
import { callCommand } from './commands/call.js'
import { sendCommand } from './commands/send.js'
import { testCommand } from './commands/test.js'
import { EXIT_USAGE } from './host.js'
import { DEFAULT_RPC } from './rpc-client.js'

declare const __UNEST_VERSION__: string
const VERSION = typeof __UNEST_VERSION__ === 'string' ? __UNEST_VERSION__ : '0.0.0-dev'

function count(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}

function port(value: string): number {
  const n = count(value)
  if (n > 65535) throw new InvalidArgumentError('expected a port, 0 to 65535')
  return n
}

const color = process.stderr.isTTY === true && !process.env.NO_COLOR
const rpcDefault = process.env.UNEST_RPC ?? DEFAULT_RPC

const program = new Command()
program.name('unest').description('µNEST toolchain: the Nest language and the nVM').version(VERSION, '-v, --version')
// A command line that does not parse is a usage error (EX_USAGE); help and version exit 0.
program.exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE))

program
  .command('run')
  .description('compile and run a Nest program (or run a compiled .nvm module)')
  .argument('<file>', '.nest source or .nvm module')
  .option('--gas-limit <n>', 'stop the run after this much gas', count)
  .option('--memory-limit <bytes>', 'cap the bytes the run may allocate', count)
  .option('--gas', 'print the gas used to stderr')
  .action((file: string, o: { gasLimit?: number; memoryLimit?: number; gas?: boolean }) => {
    process.exitCode = runCommand(file, { gasLimit: o.gasLimit, memoryLimit: o.memoryLimit, printGas: o.gas, color })
  })

program
  .command('compile')
  .description('compile a Nest program into an .nvm module, or a contract into an artifact (.json)')
  .argument('<file>', '.nest source')
  .option('-o, --output <file>', 'where to write the module or artifact (default: beside the source)')
  .option('--contract', 'compile as a contract (the default when it declares `class X is Contract`)')
  .action((file: string, o: { output?: string; contract?: boolean }) => {
    process.exitCode = compileCommand(file, { output: o.output, contract: o.contract, version: VERSION, color })
  })

program
  .command('disasm')
  .description('print the bytecode of a program or module')
  .argument('<file>', '.nest source or .nvm module')
  .action((file: string) => {
    process.exitCode = disasmCommand(file, { color })
  })

program
  .command('examples')
  .description('run the example programs (contracts are left out: `unest chain` deploys them)')
  .option('--dir <dir>', 'folder of examples', 'examples')
  .action((o: { dir: string }) => {
    process.exitCode = examplesCommand(o.dir)
  })

program
  .command('chain')
  .description('serve a local chain over JSON-RPC on 127.0.0.1, the examples deployed (what `npm start` runs)')
  .option('--port <n>', 'the port to listen on (0: any free one)', port, 8545)
  .option('--dir <dir>', "where the chain's state is kept", '.unest')
  .option('--fresh', 'forget the saved state and start over')
  .option('--examples <dir>', 'the folder whose contracts are deployed at the first start', 'examples')
  .action(async (o: { port: number; dir: string; fresh?: boolean; examples: string }) => {
    process.exitCode = await chainCommand({ port: o.port, dir: o.dir, fresh: o.fresh === true, examples: o.examples })
  })

const txOptions = (c: Command) =>
  c
    .option('--from <account>', 'the development account that signs (account0, account1, ...)', 'account0')
    .option('--rpc <url>', 'the node to send to ($UNEST_RPC sets the default)', rpcDefault)
    .option('--gas-limit <n>', 'the most gas the transaction may use', count)
    .option('--value <amount>', 'NEST (base units) sent along, to a payable method')

txOptions(
  program
    .command('deploy')
    .description('deploy a contract (source or artifact) to a chain')
    .argument('<file>', '.nest contract or .json artifact')
    .argument('[args...]', "the constructor's arguments, parsed by its ABI types"),
).action(async (file: string, args: string[], o: { from: string; rpc: string; gasLimit?: number; value?: string }) => {
  process.exitCode = await deployCommand(file, args, { ...o, color })
})

program
  .command('call')
  .description('run a contract method without a transaction (a view, or a dry run) and print its result')
  .argument('<address>', 'the contract')
  .argument('<method>', 'the method name')
  .argument('[args...]', 'its arguments, parsed by its ABI types')
  .option('--from <account>', 'the development account to call as')
  .option('--rpc <url>', 'the node to ask ($UNEST_RPC sets the default)', rpcDefault)
  .action(async (address: string, method: string, args: string[], o: { from?: string; rpc: string }) => {
    process.exitCode = await callCommand(address, method, args, o)
  })

txOptions(
  program
    .command('send')
    .description('call a contract method in a signed transaction and print its receipt')
    .argument('<address>', 'the contract')
    .argument('<method>', 'the method name')
    .argument('[args...]', 'its arguments, parsed by its ABI types'),
).action(async (address: string, method: string, args: string[], o: { from: string; rpc: string; gasLimit?: number; value?: string }) => {
  process.exitCode = await sendCommand(address, method, args, o)
})

program
  .command('test')
  .description('run Nest tests (*.test.nest) on a local chain in test mode; prints TAP')
  .argument('[paths...]', 'test files or folders (default: every *.test.nest here)')
  .option('--match <regex>', 'run only tests whose Class.method matches')
  .option('--gas', 'print a gas report per contract method (min / median / max)')
  .option('--seed <n>', 'seed of fuzzed inputs', count)
  .action((paths: string[], o: { match?: string; gas?: boolean; seed?: number }) => {
    process.exitCode = testCommand(paths, o)
  })

// A JS exception reaching here is a bug in unest, not in the program: say so in one line
// (the stack of bundled code helps no user), exit as EX_SOFTWARE.
program.parseAsync().catch((e: unknown) => {
  process.stderr.write(`unest: internal error: ${e instanceof Error ? e.message : String(e)}\n`)
  if (process.env.UNEST_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`)
  process.exitCode = 70
})
