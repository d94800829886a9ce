// Signature verification in contracts: Chain.verifyEd25519 and Chain.verifyP256 apply the
// chain's one written rule (chain/crypto.ts), the same on node:crypto and @noble.

import t from 'tap'
import { ed25519Signer, p256Signer } from '../../chain/signer.js'
import { nobleCrypto } from '../../chain/crypto-noble.js'
import { CURVE_CONSTANTS } from '../../chain/crypto.js'
import { compileContract, deploy, newChain } from './helpers.js'

const checker = compileContract(`
class Checker is Contract {
  #deploy
  construct new() {}
  #view(key = Bytes, message = Bytes, signature = Bytes, returns = Bool)
  ed(key, message, signature) { Chain.verifyEd25519(key, message, signature) }
  #view(key = Bytes, message = Bytes, signature = Bytes, returns = Bool)
  p256(key, message, signature) { Chain.verifyP256(key, message, signature) }
}`)

const message = new TextEncoder().encode('open the gate at 09:00')

/** S + L: the same signature with a non-canonical S, which the strict rule refuses. */
function withHighS(sig: Uint8Array): Uint8Array {
  let s = 0n
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i])
  s += CURVE_CONSTANTS.ed25519.L
  const out = sig.slice()
  for (let i = 0; i < 32; i++) {
    out[32 + i] = Number(s & 0xffn)
    s >>= 8n
  }
  return out
}

for (const [backend, opts] of [['node:crypto', {}], ['@noble', { crypto: nobleCrypto }]] as const) {
  t.test(`verification in a contract (${backend})`, async (t) => {
    const chain = newChain(opts)
    const c = await deploy(chain, checker)
    const ed = ed25519Signer(new Uint8Array(32).fill(7))
    const sig = await ed.sign(message)
    t.equal(chain.read(c, 'ed', [ed.publicKey, message, sig]), true)
    t.equal(chain.read(c, 'ed', [ed.publicKey, message.slice(1), sig]), false, 'another message')
    t.equal(chain.read(c, 'ed', [ed.publicKey, message, withHighS(sig)]), false, 'non-canonical S is refused by the strict rule')
    const p = p256Signer(new Uint8Array(32).fill(9))
    const psig = await p.sign(message)
    t.equal(chain.read(c, 'p256', [p.publicKey, message, psig]), true)
    t.equal(chain.read(c, 'p256', [p.publicKey, message, psig.map((b, i) => (i === 63 ? b ^ 1 : b))]), false)
    t.equal(chain.read(c, 'ed', [ed.publicKey, message, new Uint8Array(10)]), false, 'a wrong length is false, not an error')
    const out = chain.view(c, 'ed', [ed.publicKey, message, sig])
    t.ok(out.receipt.gasUsed > 3000, 'verification is charged')
  })
}
