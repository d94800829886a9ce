// The fuzzers' seeded random numbers: sfc32 seeded through splitmix32, so a (seed, stream,
// case) triple always yields the same sequence and any failing case can be replayed alone.
// Not for anything but tests: it is fast and uniform enough, not cryptographic.

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0
  let z = x
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) >>> 0
}

export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number

  /** Each `keys` entry is a 32-bit integer; the same keys give the same sequence. */
  constructor(...keys: number[]) {
    let h = 0x6a09e667
    for (const k of keys) h = splitmix32(h ^ (k >>> 0)) ^ splitmix32(Math.floor(k / 0x100000000))
    this.a = splitmix32(h)
    this.b = splitmix32(this.a ^ 0x85ebca6b)
    this.c = splitmix32(this.b ^ 0xc2b2ae35)
    this.d = 1
    for (let i = 0; i < 12; i++) this.u32()
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A uniform integer in [0, n); n >= 1. */
  int(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n)
  }

  /** A uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]
  }

  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0
    for (const w of weights) total += w
    let r = (this.u32() / 0x100000000) * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]
      if (r < 0) return i
    }
    return weights.length - 1
  }
}
