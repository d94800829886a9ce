// The `unest` command line: one subcommand per job, each in cli/commands/.

import { Command, InvalidArgumentError } from 'commander'
import { runCommand } from './commands/run.js'
import { compileCommand, disasmCommand } from './commands/compile.js'
import { examplesCommand } from './commands/examples.js'

declare const __UNEST_VERSION__: string
const VERSION = typeof __UNEST_VERSION__ === 'string' ? __UNEST_VERSION__ : '0.0.0-dev'

function count(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}

const color = process.stderr.isTTY === true && !process.env.NO_COLOR

const program = new Command()
program.name('unest').description('µNEST toolchain: the Nest language and the nVM').version(VERSION, '-v, --version')

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
  .description('compile a Nest program into an .nvm module')
  .argument('<file>', '.nest source')
  .option('-o, --output <file>', 'where to write the module (default: beside the source)')
  .action((file: string, o: { output?: string }) => {
    process.exitCode = compileCommand(file, { output: o.output, color })
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
  .description('run the example programs (what `npm start` does for now)')
  .option('--dir <dir>', 'folder of examples', 'examples')
  .action((o: { dir: string }) => {
    process.exitCode = examplesCommand(o.dir)
  })

// A JS exception reaching here is a bug in unest, not in the program: say so in one line
// (the stack of bundled code helps no user), exit as EX_SOFTWARE.
try {
  program.parse()
} catch (e) {
  process.stderr.write(`unest: internal error: ${e instanceof Error ? e.message : String(e)}\n`)
  if (process.env.UNEST_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`)
  process.exitCode = 70
}
