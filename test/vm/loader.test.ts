// Loading (vm/loader.ts): decode, verify and link in that order, with nothing run until all
// three pass; loaded modules are cached by content hash and shared between VMs.

import t from 'tap'
import { compile } from '../../compiler/compile.js'
import { loadModule, LoadError, ModuleCache, type LoadedModule } from '../../vm/loader.js'
import { decodeModule, encodeModule, moduleHash, type Module } from '../../vm/module.js'
import { Op } from '../../vm/opcodes.js'
import { VM } from '../../vm/vm.js'

function compiled(text: string): Uint8Array {
  const r = compile({ name: './main', path: 'main.nest', text }, null)
  if (!r.bytes) throw new Error(`does not compile: ${r.diagnostics.map((d) => d.message).join('; ')}`)
  return r.bytes
}

function loaded(x: LoadedModule | LoadError): LoadedModule {
  if (x instanceof LoadError) throw new Error(String(x))
  return x
}

const PROGRAM = 'System.print("first")\nvar later = Fn.new { 1 + 2 }\nSystem.print(later.call())\n'

/** PROGRAM with the body of its closure (not the entry) pointing at a missing constant. */
function brokenSecondFunction(): Uint8Array {
  const m = decodeModule(compiled(PROGRAM)) as Module
  const f = m.functions.findIndex((g) => g.name.includes('block'))
  const code = [...m.functions[f].code]
  if (code[0] !== Op.CONST) throw new Error('the closure no longer starts with CONST')
  code[1] = m.constants.length
  return encodeModule({ ...m, functions: m.functions.map((g, i) => (i === f ? { ...g, code } : g)) })
}

t.test('a module loads: decoded, verified and linked', async (t) => {
  const bytes = compiled(PROGRAM)
  const l = loaded(loadModule(bytes))
  t.equal(l.hash, moduleHash(bytes), 'it is known by its content hash')
  t.equal(l.functions.length, l.module.functions.length, 'every function is linked')
  t.ok(
    l.functions.every((f) => f.code.length > 0 && f.blocks.length > 0),
    'each has runnable code and basic blocks',
  )
})

t.test('nothing runs unless the whole module verifies', async (t) => {
  let out = ''
  const vm = new VM({ host: { write: (s) => (out += s) } })
  const good = vm.load(compiled(PROGRAM))
  t.notOk(good instanceof LoadError, 'the intact program loads')
  vm.runModule(good as Exclude<typeof good, LoadError>)
  t.equal(out, 'first\n3\n', 'and prints before it calls the closure')

  out = ''
  const bad = vm.load(brokenSecondFunction())
  t.ok(bad instanceof LoadError, 'with its closure broken it does not load')
  t.match(String(bad), /^invalid module \(verify\): function \d+, instruction 0: CONST operand 0 \(const\) is \d+, out of range/, 'the error names the function, the instruction and the rule')
  t.equal(out, '', 'and prints nothing, though its entry is intact')
  const direct = loadModule(brokenSecondFunction())
  t.ok(direct instanceof LoadError && direct.stage === 'verify', 'the loader reports the verify stage')
})

t.test('loaded modules are cached by content hash', async (t) => {
  const cache = new ModuleCache()
  const bytes = compiled(PROGRAM)
  const first = loaded(cache.load(bytes))
  t.equal(cache.size, 1, 'a loaded module is kept')
  t.equal(cache.load(bytes), first, 'loading the same bytes again returns the same module')
  t.equal(cache.load(bytes.slice()), first, 'so do equal bytes in another buffer')
  const other = loaded(cache.load(compiled('System.print(2)')))
  t.not(other, first, 'a different module is loaded on its own')
  t.equal(cache.size, 2, 'and kept beside the first')
  t.ok(cache.load(brokenSecondFunction()) instanceof LoadError, 'a rejected module is reported')
  t.equal(cache.size, 2, 'and not kept')

  // A header that claims the first module's hash over another payload is not that module.
  const forged = compiled('System.print(3)')
  forged.set(bytes.subarray(8, 40), 8)
  const f = cache.load(forged)
  t.ok(f instanceof LoadError && f.stage === 'format', 'a forged hash is not a cache hit: the hash check rejects it')

  const vms = [new VM({ host: { write: () => {} }, cache }), new VM({ host: { write: () => {} }, cache })]
  const [a, b] = vms.map((vm) => vm.load(bytes))
  t.ok(!(a instanceof LoadError) && !(b instanceof LoadError) && a.loaded === first && b.loaded === first, 'VMs sharing a cache share the linked module')
  t.not(a, b, 'each VM has its own instance of it (variables, inline caches)')
})
