// `unest compile` of a contract program: it writes an artifact (ABI, module, sources with
// project-relative paths and hashes, compiler version, module hash) that is the same in any
// folder; scripts still compile to .nvm modules; `--contract` forces contract rules.

import t from 'tap'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeModule, moduleHash, ModuleFormatError } from '../../vm/module.js'
import { fromHex } from '../../chain/rpc.js'
import type { Artifact } from '../../cli/commands/artifact.js'
import { ROOT, unest } from './bin.js'

const dir = mkdtempSync(join(tmpdir(), 'unest-cli-artifact-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version

const VAULT = `import "./fee" for Fee

// Not a declaration: class Decoy is Contract
class Vault is Contract {
  #deploy(owner = Address)
  construct new(owner) { _owner = owner }

  #view(returns = Address)
  owner { _owner }

  #view(amount = Int, returns = Int)
  feeOf(amount) { amount * Fee / 100n }
}
`
const FEE = 'var Fee = 3n\n'

function project(at: string): void {
  mkdirSync(join(at, 'contracts'), { recursive: true })
  writeFileSync(join(at, 'contracts', 'vault.nest'), VAULT)
  writeFileSync(join(at, 'contracts', 'fee.nest'), FEE)
}

const sha256 = (text: string) => '0x' + createHash('sha256').update(text).digest('hex')

t.test('a contract compiles to the same artifact in any folder', async (t) => {
  const one = join(dir, 'one')
  const two = join(dir, 'elsewhere', 'two')
  for (const at of [one, two]) {
    project(at)
    const r = unest(['compile', 'contracts/vault.nest'], { cwd: at })
    t.equal(r.status, 0, r.stderr)
    t.equal(r.stdout + r.stderr, '', 'compile prints nothing on success')
    t.notOk(existsSync(join(at, 'contracts', 'vault.nvm')), 'no module file: the artifact holds it')
  }
  const text = readFileSync(join(one, 'contracts', 'vault.json'), 'utf8')
  t.equal(readFileSync(join(two, 'contracts', 'vault.json'), 'utf8'), text, 'byte-equal artifacts')
  t.notMatch(text, dir, 'no absolute path')

  const a = JSON.parse(text) as Artifact
  t.equal(a.format, 'unest-artifact/v1')
  t.equal(a.compiler, `unest ${version}`)
  t.equal(a.contract, 'Vault')
  t.same(
    a.abi.map((m) => `${m.signature}:${m.kind}:${m.params.map((p) => p.type).join(',')}->${m.returns}`),
    ['new(_):deploy:Address->Null', 'owner:view:->Address', 'feeOf(_):view:Int->Int'],
  )
  t.same(
    a.classes.map((c) => c.name),
    ['Vault'],
  )
  const bytes = fromHex(a.module)!
  const m = decodeModule(bytes)
  t.notOk(m instanceof ModuleFormatError, 'the module decodes (its content hash checks)')
  t.equal(a.moduleHash, '0x' + moduleHash(bytes))
  t.same(a.sources, [
    { module: './contracts/fee', path: 'contracts/fee.nest', sha256: sha256(FEE) },
    { module: './contracts/vault', path: 'contracts/vault.nest', sha256: sha256(VAULT) },
  ])
})

t.test('-o names the artifact; the same source gives the same module hash', async (t) => {
  const at = join(dir, 'out')
  project(at)
  const r = unest(['compile', 'contracts/vault.nest', '-o', 'build.json'], { cwd: at })
  t.equal(r.status, 0, r.stderr)
  const a = JSON.parse(readFileSync(join(at, 'build.json'), 'utf8')) as Artifact
  const b = JSON.parse(readFileSync(join(dir, 'one', 'contracts', 'vault.json'), 'utf8')) as Artifact
  t.equal(a.moduleHash, b.moduleHash)
})

t.test('scripts still compile to modules; --contract forces contract rules', async (t) => {
  const at = join(dir, 'scripts')
  mkdirSync(at)
  writeFileSync(join(at, 'plain.nest'), '// class Nope is Contract, in a comment only\nSystem.print("class X is Contract")\n')
  const script = unest(['compile', 'plain.nest'], { cwd: at })
  t.equal(script.status, 0, script.stderr)
  t.ok(existsSync(join(at, 'plain.nvm')), 'a script gives an .nvm module')
  t.notOk(existsSync(join(at, 'plain.json')))
  t.equal(unest(['run', 'plain.nvm'], { cwd: at }).stdout, 'class X is Contract\n')

  const forced = unest(['compile', '--contract', 'plain.nest'], { cwd: at })
  t.equal(forced.status, 65)
  t.match(forced.stderr, /E0072/, 'contract rules apply: its top level may only declare')
  t.notOk(existsSync(join(at, 'plain.json')))
})

t.test('contract errors exit 65 and write nothing; disasm reads contracts', async (t) => {
  const at = join(dir, 'broken')
  mkdirSync(at)
  writeFileSync(join(at, 'bad.nest'), 'class Bad is Contract {\n  static f { __x = 1 }\n}\n')
  const r = unest(['compile', 'bad.nest'], { cwd: at })
  t.equal(r.status, 65)
  t.match(r.stderr, /E0067/)
  t.notOk(existsSync(join(at, 'bad.json')))

  const d = unest(['disasm', 'contracts/vault.nest'], { cwd: join(dir, 'one') })
  t.equal(d.status, 0, d.stderr)
  t.match(d.stdout, /feeOf/)
})
