// The host interface as the VM sees it: synchronous calls whose refusal (R0205) ends the
// run, as out of gas does; a program cannot catch it.

import t from 'tap'
import { compile } from '../../compiler/compile.js'
import { VM } from '../../vm/vm.js'
import { Refusal } from '../../vm/errors.js'

function run(source: string, capBytes: number) {
  const compiled = compile({ name: 'main', path: 'main.nest', text: source }, { read: () => null })
  if (!compiled.bytes) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'))
  let out = ''
  const vm = new VM({
    host: {
      write: (s) => {
        if (out.length + s.length > capBytes) return new Refusal(`output is capped at ${capBytes} bytes`)
        out += s
      },
    },
  })
  const mod = vm.load(compiled.bytes)
  if (!('units' in mod)) throw new Error(String(mod))
  return { outcome: vm.runModule(mod), out }
}

t.test('a host refusal is fatal (R0205) and keeps what was accepted', async (t) => {
  const { outcome, out } = run('System.print("one")\nSystem.print("two")\nSystem.print("three")\n', 8)
  t.equal(out, 'one\ntwo\n')
  t.match(outcome, { kind: 'error', fatal: true, code: 'R0205', message: 'Host refused: output is capped at 8 bytes' })
})

t.test('Fiber.try cannot catch a host refusal', async (t) => {
  const src = 'var f = Fiber.new { System.print("far too long for the cap") }\nvar e = f.try()\nSystem.print("caught %(e)")\n'
  const { outcome, out } = run(src, 8)
  t.equal(out, '')
  t.match(outcome, { kind: 'error', fatal: true, code: 'R0205' })
})

t.test('a host that accepts everything is never refused', async (t) => {
  const { outcome, out } = run('for (i in 1..3) System.print(i)\n', 1000)
  t.equal(out, '1\n2\n3\n')
  t.equal(outcome.kind, 'ok')
})
