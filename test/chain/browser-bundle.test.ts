// chain/'s core runs in a browser: esbuild bundles it for the browser platform while a plugin
// records every import, and no import may be a Node built-in. Then the bundle, with the
// compiler, runs in a fresh JS realm holding no Node globals (no process, Buffer, require):
// it compiles the counter, deploys and calls it on @noble, and ends on the state root the
// same steps give in Node on node:crypto.

import t from 'tap'
import { build, type Metafile, type Plugin } from 'esbuild'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { createContext, Script } from 'node:vm'
import { LocalChain } from '../../chain/local-chain.js'
import { decodeAbiValue, encodeArgs } from '../../vm/contract/abi-values.js'
import { compileContract, crypto, hex } from './helpers.js'

const root = new URL('../../', import.meta.url).pathname
const CORE = ['chain/local-chain.ts', 'chain/execute.ts', 'chain/tx.ts', 'chain/crypto-noble.ts']
const COUNTER = readFileSync(new URL('../../examples/counter/counter.nest', import.meta.url), 'utf8')

const BUILTINS = new Set(builtinModules)

/** A bare specifier naming a Node built-in: `node:x`, `fs`, `fs/promises`... */
function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true
  if (specifier.startsWith('.') || specifier.startsWith('/')) return false
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0])
}

interface Import {
  readonly path: string
  readonly importer: string
}

/** Records every import esbuild resolves, and leaves resolving to esbuild. */
function recorder(seen: Import[]): Plugin {
  return {
    name: 'record-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        seen.push({ path: args.path, importer: args.importer.slice(root.length) })
        return undefined
      })
    },
  }
}

async function bundle(options: Parameters<typeof build>[0]): Promise<{ imports: Import[]; error: unknown; code: string; inputs: string[] }> {
  const imports: Import[] = []
  try {
    const out = await build({ ...options, absWorkingDir: root, bundle: true, platform: 'browser', target: 'es2022', write: false, metafile: true, logLevel: 'silent', plugins: [recorder(imports)] })
    return { imports, error: null, code: out.outputFiles[0].text, inputs: Object.keys((out.metafile as Metafile).inputs) }
  } catch (e) {
    return { imports, error: e, code: '', inputs: [] }
  }
}

t.test("the chain core imports no Node built-in", async (t) => {
  const { imports, error, inputs } = await bundle({ entryPoints: CORE, outdir: 'out', format: 'esm' })
  t.equal(error, null, 'esbuild bundles it for the browser')
  const node = imports.filter((i) => isNodeBuiltin(i.path)).map((i) => `${i.importer} imports ${i.path}`)
  t.same(node, [], 'imports of Node built-ins')
  t.ok(imports.length > 20, `the plugin saw every import (${imports.length})`)
  t.ok(inputs.some((f) => f.startsWith('vm/')), 'the VM is part of it')
  t.ok(inputs.some((f) => f.startsWith('chain/state/')), 'and the state')
  t.notOk(inputs.includes('chain/crypto-node.ts'), 'the Node crypto backend is not')
  t.same(inputs.filter((f) => !/^(chain|vm)\/|^node_modules\/@noble\//.test(f)), [], 'nothing but chain/, vm/ and @noble')

  // The check has teeth: the Node backend is caught.
  const caught = await bundle({ entryPoints: ['chain/crypto-node.ts'], outdir: 'out', format: 'esm' })
  t.ok(caught.imports.some((i) => i.path === 'node:crypto' && isNodeBuiltin(i.path)))
  t.not(caught.error, null, 'and esbuild refuses it for the browser')
})

const ENTRY = `
import { LocalChain } from './chain/local-chain.ts'
import { nobleCrypto } from './chain/crypto-noble.ts'
import { compile } from './compiler/compile.ts'
import { decodeAbiValue, encodeArgs } from './vm/contract/abi-values.ts'

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

;(globalThis as any).demo = async (source: string) => {
  const globals = ['process', 'Buffer', 'require', 'module', 'global', 'setImmediate'].filter((g) => g in globalThis)
  const compiled = compile({ name: 'main', path: 'counter.nest', text: source }, null, { contract: true })
  if (!compiled.bytes) return { error: compiled.diagnostics.map((d) => d.message).join('; ') }
  const chain = new LocalChain({ crypto: nobleCrypto })
  const a = chain.accounts[0]
  const deployed = await chain.send(a, { kind: 'deploy', module: compiled.bytes, args: encodeArgs([5n]), value: 0n })
  const called = await chain.send(a, { kind: 'call', to: deployed.contract!, method: 'increment', args: encodeArgs([3n]), value: 0n })
  return {
    globals,
    deployed: deployed.receipt.status,
    returned: String(decodeAbiValue(called.receipt.returnValue)),
    count: String(chain.read(deployed.contract!, 'count')),
    root: hex(chain.stateRoot),
  }
}
`

/** TextEncoder and TextDecoder as a browser has them, made in the new realm so that what
 *  they return is that realm's Uint8Array. */
const WEB_TEXT = `
globalThis.TextEncoder = class TextEncoder {
  get encoding() { return 'utf-8' }
  encode(s = '') { return new Uint8Array(host.encode(String(s))) }
}
globalThis.TextDecoder = class TextDecoder {
  constructor(label = 'utf-8', options = {}) { this.label = label; this.fatal = !!options.fatal }
  decode(bytes) { return host.decode(this.label, this.fatal, bytes) }
}
`

t.test('the bundle runs without Node: compile, deploy and call on @noble', async (t) => {
  const { error, code } = await bundle({ stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'browser-entry.ts' }, format: 'iife' })
  t.equal(error, null)
  const host = {
    encode: (s: string) => new TextEncoder().encode(s),
    decode: (label: string, fatal: boolean, bytes?: Uint8Array) => new TextDecoder(label, { fatal }).decode(bytes),
  }
  const realm = createContext({ host })
  new Script(WEB_TEXT).runInContext(realm)
  new Script(code, { filename: 'unest-browser.js' }).runInContext(realm)
  const out = JSON.parse(JSON.stringify(await realm.demo(COUNTER)))
  t.same(out.globals, [], 'no Node global was there to use')
  t.match(out, { deployed: 'ok', returned: '8', count: '8' })

  // The same steps in Node on node:crypto end on the same state root.
  const chain = new LocalChain({ crypto })
  const a = chain.accounts[0]
  const deployed = await chain.send(a, { kind: 'deploy', module: compileContract(COUNTER, 'counter.nest'), args: encodeArgs([5n]), value: 0n })
  const called = await chain.send(a, { kind: 'call', to: deployed.contract!, method: 'increment', args: encodeArgs([3n]), value: 0n })
  t.equal(decodeAbiValue(called.receipt.returnValue), 8n)
  t.equal(out.root, hex(chain.stateRoot), 'the browser bundle and Node agree on the state root')
})
