// Keccak-256 (vm/contract/keccak.ts): published digests, then every length across three
// blocks and 2,000 seeded random inputs compared byte for byte with @noble/hashes.

import t from 'tap'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { keccak256 } from '../../../vm/contract/keccak.js'

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Deterministic bytes from a 32-bit xorshift generator, so a failure reproduces. */
function seeded(seed: number): () => number {
  let x = seed | 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
}

function bytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = next() & 0xff
  return out
}

t.test('published digests', async (t) => {
  const known: [string, string][] = [
    ['', 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'],
    ['abc', '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45'],
    ['The quick brown fox jumps over the lazy dog', '4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15'],
  ]
  for (const [text, digest] of known) t.equal(hex(keccak256(ascii(text))), digest, JSON.stringify(text))
})

t.test('lengths around the 136-byte rate agree with noble', async (t) => {
  const next = seeded(136)
  for (const n of [135, 136, 137, 200, 271, 272, 273]) {
    const input = bytes(next, n)
    t.equal(hex(keccak256(input)), hex(keccak_256(input)), `${n} bytes: ${hex(input)}`)
  }
})

t.test('every length from 0 to 410 bytes (three blocks) agrees with noble', async (t) => {
  const wrong: string[] = []
  for (let n = 0; n <= 410; n++) {
    const input = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 0xff)
    if (hex(keccak256(input)) !== hex(keccak_256(input))) wrong.push(`${n} bytes: ${hex(input)}`)
  }
  t.same(wrong, [])
})

t.test('2,000 seeded random inputs of 0 to 600 bytes agree with noble', async (t) => {
  const next = seeded(0x6b656363)
  const wrong: string[] = []
  let compared = 0
  for (let k = 0; k < 2000; k++) {
    const input = bytes(next, next() % 601)
    if (hex(keccak256(input)) !== hex(keccak_256(input))) wrong.push(`${input.length} bytes: ${hex(input)}`)
    compared++
  }
  t.equal(compared, 2000)
  t.same(wrong, [])
})

t.test('each digest is a fresh array and the input is left alone', async (t) => {
  const input = ascii('abc')
  const first = keccak256(input)
  const second = keccak256(input)
  t.not(first, second)
  first.fill(0)
  t.equal(hex(second), hex(keccak_256(input)))
  t.equal(hex(keccak256(input)), hex(second))
  t.same(input, ascii('abc'))
})

t.test('a chain of hashes, each of the last digest, matches noble', async (t) => {
  // The EVM benchmark hash_asm's shape: 32-byte inputs, each the previous output.
  let ours: Uint8Array = new Uint8Array(32)
  let theirs: Uint8Array = new Uint8Array(32)
  for (let i = 0; i < 1000; i++) {
    ours = keccak256(ours)
    theirs = keccak_256(theirs)
  }
  t.equal(hex(ours), hex(theirs))
})

t.test('a view into a larger buffer hashes only its own bytes', async (t) => {
  const buffer = bytes(seeded(7), 400)
  const view = buffer.subarray(13, 13 + 150)
  t.equal(hex(keccak256(view)), hex(keccak_256(view.slice())))
})
