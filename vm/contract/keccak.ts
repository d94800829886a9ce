// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01 ... 0x80), not SHA3-256's
// (0x06 ... 0x80); rate 136 bytes, 32-byte digest. Not the SHA-3 family: one rate, one size.
// Runs in browsers (no Node imports); checked byte for byte against @noble/hashes in the tests.

/** Bytes absorbed per permutation: 1600 bits of state less a 512-bit capacity. */
const RATE = 136
const RATE_LANES = RATE / 8

/** Iota's constant for each of the 24 rounds as (even bits, odd bits) of the 64-bit lane:
 *  FIPS 202's LFSR output rc(7r + j) placed at bit 2^j - 1, then split like the state. */
const ROUND_CONSTANTS = new Int32Array([
  0x00000001, 0x00000000, 0x00000000, 0x00000089, 0x00000000, 0x8000008b, 0x00000000, 0x80008080,
  0x00000001, 0x0000008b, 0x00000001, 0x00008000, 0x00000001, 0x80008088, 0x00000001, 0x80000082,
  0x00000000, 0x0000000b, 0x00000000, 0x0000000a, 0x00000001, 0x00008082, 0x00000000, 0x00008003,
  0x00000001, 0x0000808b, 0x00000001, 0x8000000b, 0x00000001, 0x8000008a, 0x00000001, 0x80000081,
  0x00000000, 0x80000081, 0x00000000, 0x80000008, 0x00000000, 0x00000083, 0x00000000, 0x80008003,
  0x00000001, 0x80008088, 0x00000000, 0x80000088, 0x00000001, 0x00008000, 0x00000000, 0x80008082,
])

/** The sponge state: 25 lanes of 64 bits, bit-interleaved. Lane x + 5y is words 2(x + 5y),
 *  its even-numbered bits, and 2(x + 5y) + 1, its odd-numbered bits. Interleaving turns each
 *  64-bit rotation into two 32-bit ones (which V8 compiles to single rotate instructions)
 *  instead of six shifts and ors over low and high halves.
 *  Shared across calls to spare an allocation per hash: keccak256 clears it on entry, uses it
 *  only within its own synchronous run and calls out to nothing, so no caller sees it. */
const state = new Int32Array(50)

/** The 32-byte Keccak-256 digest of `data`, of any length. */
export function keccak256(data: Uint8Array): Uint8Array {
  const s = state
  s.fill(0)
  const len = data.length
  let off = 0
  for (; len - off >= RATE; off += RATE) {
    absorbLanes(s, data, off, RATE_LANES)
    permute(s)
  }
  // The last block is always padded: a length that is a multiple of the rate ends with a
  // block of padding alone. Lanes past the data stay zero and need no absorbing.
  const rest = len - off
  const lanes = rest >> 3
  absorbLanes(s, data, off, lanes)
  // The partial lane: the data's last rest % 8 bytes, then the padding's opening 0x01.
  let lo = 0
  let hi = 0
  for (let k = 0; k <= (rest & 7); k++) {
    const i = off + 8 * lanes + k
    const byte = i < len ? data[i] : 0x01
    if (k < 4) lo |= byte << (8 * k)
    else hi |= byte << (8 * (k - 4))
  }
  absorbLane(s, lanes, lo, hi)
  // The closing 0x80 is bit 63 of lane 16: odd bit 31.
  s[2 * (RATE_LANES - 1) + 1] ^= 0x80000000
  permute(s)
  const out = new Uint8Array(32)
  for (let lane = 0; lane < 4; lane++) {
    const even = s[2 * lane]
    const odd = s[2 * lane + 1]
    putWord(out, 8 * lane, interleave((even & 0xffff) | (odd << 16)))
    putWord(out, 8 * lane + 4, interleave((even >>> 16) | (odd & 0xffff0000)))
  }
  return out
}

/** XORs `count` whole little-endian lanes of `data`, from byte `off`, into the state. */
function absorbLanes(s: Int32Array, data: Uint8Array, off: number, count: number): void {
  for (let lane = 0; lane < count; lane++) {
    absorbLane(s, lane, wordAt(data, off + 8 * lane), wordAt(data, off + 8 * lane + 4))
  }
}

/** XORs the 64-bit lane `lo | hi << 32` into the state, splitting its even and odd bits. */
function absorbLane(s: Int32Array, lane: number, lo: number, hi: number): void {
  const l = deinterleave(lo)
  const h = deinterleave(hi)
  s[2 * lane] ^= (l & 0xffff) | (h << 16)
  s[2 * lane + 1] ^= (l >>> 16) | (h & 0xffff0000)
}

/** Moves the even bits of a word to its low half and the odd bits to its high half, each in
 *  order, by swapping ever larger groups of bits: 1 with 2, then pairs, nibbles, bytes. */
function deinterleave(x: number): number {
  let t = (x ^ (x >>> 1)) & 0x22222222
  x ^= t ^ (t << 1)
  t = (x ^ (x >>> 2)) & 0x0c0c0c0c
  x ^= t ^ (t << 2)
  t = (x ^ (x >>> 4)) & 0x00f000f0
  x ^= t ^ (t << 4)
  t = (x ^ (x >>> 8)) & 0x0000ff00
  return x ^ t ^ (t << 8)
}

/** The inverse of deinterleave: the same swaps in the opposite order. */
function interleave(x: number): number {
  let t = (x ^ (x >>> 8)) & 0x0000ff00
  x ^= t ^ (t << 8)
  t = (x ^ (x >>> 4)) & 0x00f000f0
  x ^= t ^ (t << 4)
  t = (x ^ (x >>> 2)) & 0x0c0c0c0c
  x ^= t ^ (t << 2)
  t = (x ^ (x >>> 1)) & 0x22222222
  return x ^ t ^ (t << 1)
}

function wordAt(data: Uint8Array, i: number): number {
  return data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
}

function putWord(out: Uint8Array, i: number, v: number): void {
  out[i] = v
  out[i + 1] = v >>> 8
  out[i + 2] = v >>> 16
  out[i + 3] = v >>> 24
}

/** Keccak-f[1600] in place. The state lives in locals for the 24 rounds, where V8 keeps it in
 *  registers and stack slots; typed-array accesses would each pay a bounds check. One round
 *  is written out in full: theta's column parities c and their mix d; rho's rotation and pi's
 *  move fused into b (b at lane x + 5y is the theta output of lane (x + 3y) mod 5 + 5x,
 *  rotated); chi back into the state; iota. A 64-bit rotation by 2q rotates both halves by q;
 *  by 2q + 1 it swaps them, the odd half rotating by q + 1 and the even half by q. */
function permute(s: Int32Array): void {
  let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5], s6 = s[6], s7 = s[7], s8 = s[8], s9 = s[9]
  let s10 = s[10], s11 = s[11], s12 = s[12], s13 = s[13], s14 = s[14], s15 = s[15], s16 = s[16], s17 = s[17], s18 = s[18], s19 = s[19]
  let s20 = s[20], s21 = s[21], s22 = s[22], s23 = s[23], s24 = s[24], s25 = s[25], s26 = s[26], s27 = s[27], s28 = s[28], s29 = s[29]
  let s30 = s[30], s31 = s[31], s32 = s[32], s33 = s[33], s34 = s[34], s35 = s[35], s36 = s[36], s37 = s[37], s38 = s[38], s39 = s[39]
  let s40 = s[40], s41 = s[41], s42 = s[42], s43 = s[43], s44 = s[44], s45 = s[45], s46 = s[46], s47 = s[47], s48 = s[48], s49 = s[49]
  for (let round = 0; round < 48; round += 2) {
    const c0 = s0 ^ s10 ^ s20 ^ s30 ^ s40, c1 = s1 ^ s11 ^ s21 ^ s31 ^ s41
    const c2 = s2 ^ s12 ^ s22 ^ s32 ^ s42, c3 = s3 ^ s13 ^ s23 ^ s33 ^ s43
    const c4 = s4 ^ s14 ^ s24 ^ s34 ^ s44, c5 = s5 ^ s15 ^ s25 ^ s35 ^ s45
    const c6 = s6 ^ s16 ^ s26 ^ s36 ^ s46, c7 = s7 ^ s17 ^ s27 ^ s37 ^ s47
    const c8 = s8 ^ s18 ^ s28 ^ s38 ^ s48, c9 = s9 ^ s19 ^ s29 ^ s39 ^ s49
    const d0 = c8 ^ ((c3 << 1) | (c3 >>> 31)), d1 = c9 ^ c2
    const d2 = c0 ^ ((c5 << 1) | (c5 >>> 31)), d3 = c1 ^ c4
    const d4 = c2 ^ ((c7 << 1) | (c7 >>> 31)), d5 = c3 ^ c6
    const d6 = c4 ^ ((c9 << 1) | (c9 >>> 31)), d7 = c5 ^ c8
    const d8 = c6 ^ ((c1 << 1) | (c1 >>> 31)), d9 = c7 ^ c0
    const b0 = s0 ^ d0, b1 = s1 ^ d1
    const t12 = s12 ^ d2, t13 = s13 ^ d3
    const b2 = (t12 << 22) | (t12 >>> 10), b3 = (t13 << 22) | (t13 >>> 10)
    const t24 = s24 ^ d4, t25 = s25 ^ d5
    const b4 = (t25 << 22) | (t25 >>> 10), b5 = (t24 << 21) | (t24 >>> 11)
    const t36 = s36 ^ d6, t37 = s37 ^ d7
    const b6 = (t37 << 11) | (t37 >>> 21), b7 = (t36 << 10) | (t36 >>> 22)
    const t48 = s48 ^ d8, t49 = s49 ^ d9
    const b8 = (t48 << 7) | (t48 >>> 25), b9 = (t49 << 7) | (t49 >>> 25)
    const t6 = s6 ^ d6, t7 = s7 ^ d7
    const b10 = (t6 << 14) | (t6 >>> 18), b11 = (t7 << 14) | (t7 >>> 18)
    const t18 = s18 ^ d8, t19 = s19 ^ d9
    const b12 = (t18 << 10) | (t18 >>> 22), b13 = (t19 << 10) | (t19 >>> 22)
    const t20 = s20 ^ d0, t21 = s21 ^ d1
    const b14 = (t21 << 2) | (t21 >>> 30), b15 = (t20 << 1) | (t20 >>> 31)
    const t32 = s32 ^ d2, t33 = s33 ^ d3
    const b16 = (t33 << 23) | (t33 >>> 9), b17 = (t32 << 22) | (t32 >>> 10)
    const t44 = s44 ^ d4, t45 = s45 ^ d5
    const b18 = (t45 << 31) | (t45 >>> 1), b19 = (t44 << 30) | (t44 >>> 2)
    const t2 = s2 ^ d2, t3 = s3 ^ d3
    const b20 = (t3 << 1) | (t3 >>> 31), b21 = t2
    const t14 = s14 ^ d4, t15 = s15 ^ d5
    const b22 = (t14 << 3) | (t14 >>> 29), b23 = (t15 << 3) | (t15 >>> 29)
    const t26 = s26 ^ d6, t27 = s27 ^ d7
    const b24 = (t27 << 13) | (t27 >>> 19), b25 = (t26 << 12) | (t26 >>> 20)
    const t38 = s38 ^ d8, t39 = s39 ^ d9
    const b26 = (t38 << 4) | (t38 >>> 28), b27 = (t39 << 4) | (t39 >>> 28)
    const t40 = s40 ^ d0, t41 = s41 ^ d1
    const b28 = (t40 << 9) | (t40 >>> 23), b29 = (t41 << 9) | (t41 >>> 23)
    const t8 = s8 ^ d8, t9 = s9 ^ d9
    const b30 = (t9 << 14) | (t9 >>> 18), b31 = (t8 << 13) | (t8 >>> 19)
    const t10 = s10 ^ d0, t11 = s11 ^ d1
    const b32 = (t10 << 18) | (t10 >>> 14), b33 = (t11 << 18) | (t11 >>> 14)
    const t22 = s22 ^ d2, t23 = s23 ^ d3
    const b34 = (t22 << 5) | (t22 >>> 27), b35 = (t23 << 5) | (t23 >>> 27)
    const t34 = s34 ^ d4, t35 = s35 ^ d5
    const b36 = (t35 << 8) | (t35 >>> 24), b37 = (t34 << 7) | (t34 >>> 25)
    const t46 = s46 ^ d6, t47 = s47 ^ d7
    const b38 = (t46 << 28) | (t46 >>> 4), b39 = (t47 << 28) | (t47 >>> 4)
    const t4 = s4 ^ d4, t5 = s5 ^ d5
    const b40 = (t4 << 31) | (t4 >>> 1), b41 = (t5 << 31) | (t5 >>> 1)
    const t16 = s16 ^ d6, t17 = s17 ^ d7
    const b42 = (t17 << 28) | (t17 >>> 4), b43 = (t16 << 27) | (t16 >>> 5)
    const t28 = s28 ^ d8, t29 = s29 ^ d9
    const b44 = (t29 << 20) | (t29 >>> 12), b45 = (t28 << 19) | (t28 >>> 13)
    const t30 = s30 ^ d0, t31 = s31 ^ d1
    const b46 = (t31 << 21) | (t31 >>> 11), b47 = (t30 << 20) | (t30 >>> 12)
    const t42 = s42 ^ d2, t43 = s43 ^ d3
    const b48 = (t42 << 1) | (t42 >>> 31), b49 = (t43 << 1) | (t43 >>> 31)
    s0 = b0 ^ (~b2 & b4); s1 = b1 ^ (~b3 & b5)
    s2 = b2 ^ (~b4 & b6); s3 = b3 ^ (~b5 & b7)
    s4 = b4 ^ (~b6 & b8); s5 = b5 ^ (~b7 & b9)
    s6 = b6 ^ (~b8 & b0); s7 = b7 ^ (~b9 & b1)
    s8 = b8 ^ (~b0 & b2); s9 = b9 ^ (~b1 & b3)
    s10 = b10 ^ (~b12 & b14); s11 = b11 ^ (~b13 & b15)
    s12 = b12 ^ (~b14 & b16); s13 = b13 ^ (~b15 & b17)
    s14 = b14 ^ (~b16 & b18); s15 = b15 ^ (~b17 & b19)
    s16 = b16 ^ (~b18 & b10); s17 = b17 ^ (~b19 & b11)
    s18 = b18 ^ (~b10 & b12); s19 = b19 ^ (~b11 & b13)
    s20 = b20 ^ (~b22 & b24); s21 = b21 ^ (~b23 & b25)
    s22 = b22 ^ (~b24 & b26); s23 = b23 ^ (~b25 & b27)
    s24 = b24 ^ (~b26 & b28); s25 = b25 ^ (~b27 & b29)
    s26 = b26 ^ (~b28 & b20); s27 = b27 ^ (~b29 & b21)
    s28 = b28 ^ (~b20 & b22); s29 = b29 ^ (~b21 & b23)
    s30 = b30 ^ (~b32 & b34); s31 = b31 ^ (~b33 & b35)
    s32 = b32 ^ (~b34 & b36); s33 = b33 ^ (~b35 & b37)
    s34 = b34 ^ (~b36 & b38); s35 = b35 ^ (~b37 & b39)
    s36 = b36 ^ (~b38 & b30); s37 = b37 ^ (~b39 & b31)
    s38 = b38 ^ (~b30 & b32); s39 = b39 ^ (~b31 & b33)
    s40 = b40 ^ (~b42 & b44); s41 = b41 ^ (~b43 & b45)
    s42 = b42 ^ (~b44 & b46); s43 = b43 ^ (~b45 & b47)
    s44 = b44 ^ (~b46 & b48); s45 = b45 ^ (~b47 & b49)
    s46 = b46 ^ (~b48 & b40); s47 = b47 ^ (~b49 & b41)
    s48 = b48 ^ (~b40 & b42); s49 = b49 ^ (~b41 & b43)
    s0 ^= ROUND_CONSTANTS[round]
    s1 ^= ROUND_CONSTANTS[round + 1]
  }
  s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3; s[4] = s4; s[5] = s5; s[6] = s6; s[7] = s7; s[8] = s8; s[9] = s9
  s[10] = s10; s[11] = s11; s[12] = s12; s[13] = s13; s[14] = s14; s[15] = s15; s[16] = s16; s[17] = s17; s[18] = s18; s[19] = s19
  s[20] = s20; s[21] = s21; s[22] = s22; s[23] = s23; s[24] = s24; s[25] = s25; s[26] = s26; s[27] = s27; s[28] = s28; s[29] = s29
  s[30] = s30; s[31] = s31; s[32] = s32; s[33] = s33; s[34] = s34; s[35] = s35; s[36] = s36; s[37] = s37; s[38] = s38; s[39] = s39
  s[40] = s40; s[41] = s41; s[42] = s42; s[43] = s43; s[44] = s44; s[45] = s45; s[46] = s46; s[47] = s47; s[48] = s48; s[49] = s49
}
