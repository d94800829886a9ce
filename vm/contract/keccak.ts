// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01 ... 0x80), not SHA3-256's
// (0x06 ... 0x80), rate 136 bytes, 32-byte output. Not a SHA-3 family: one rate, one output size.
// Runs in browsers: no Node imports. Checked byte for byte against @noble/hashes in the tests.

/** Bytes absorbed per permutation: 1600 bits of state less a 512-bit capacity. */
const RATE = 136
const RATE_WORDS = RATE / 4

/** Iota's constant for each of the 24 rounds, as (low 32 bits, high 32 bits) pairs. They are
 *  the outputs of FIPS 202's LFSR rc(t) placed at bit positions 2^j - 1. */
const ROUND_CONSTANTS = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000,
  0x0000808b, 0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000,
  0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000,
  0x00008002, 0x80000000, 0x00000080, 0x80000000, 0x0000800a, 0x00000000, 0x8000000a, 0x80000000,
  0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
])

/** The sponge state, 25 lanes of 64 bits as 50 32-bit words: lane x + 5y is words 2(x + 5y)
 *  (low half) and 2(x + 5y) + 1 (high half), and bytes map to words little-endian. Shared
 *  across calls to spare an allocation per hash: keccak256 clears it on entry, uses it only
 *  within its own synchronous run and calls out to nothing, so no caller can observe it or
 *  interleave with it. */
const state = new Int32Array(50)

/** The 32-byte Keccak-256 digest of `data`, any length. */
export function keccak256(data: Uint8Array): Uint8Array {
  const s = state
  s.fill(0)
  const len = data.length
  let off = 0
  for (; len - off >= RATE; off += RATE) {
    for (let w = 0; w < RATE_WORDS; w++) s[w] ^= wordAt(data, off + 4 * w)
    permute(s)
  }
  // The last block is always padded, so a length that is a multiple of the rate ends with a
  // block of padding alone.
  const rest = len - off
  const whole = rest >> 2
  for (let w = 0; w < whole; w++) s[w] ^= wordAt(data, off + 4 * w)
  let tail = 0x01 << (8 * (rest & 3))
  for (let i = off + 4 * whole, shift = 0; i < len; i++, shift += 8) tail |= data[i] << shift
  s[whole] ^= tail
  s[RATE_WORDS - 1] ^= 0x80000000
  permute(s)
  const out = new Uint8Array(32)
  for (let w = 0; w < 8; w++) {
    const v = s[w]
    out[4 * w] = v
    out[4 * w + 1] = v >>> 8
    out[4 * w + 2] = v >>> 16
    out[4 * w + 3] = v >>> 24
  }
  return out
}

function wordAt(data: Uint8Array, i: number): number {
  return data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
}

/** Keccak-f[1600] in place. The state lives in locals for the 24 rounds because V8 keeps
 *  those in registers or stack slots, where typed-array loads and stores would each pay a
 *  bounds check. One round is written out in full: theta's column parities c and their mix d,
 *  then rho's rotation and pi's move fused into b (b is lane (y, 2x + 3y) of the round's
 *  input after theta, rotated), then chi back into the state, then iota. Rotations split a
 *  64-bit rotate into two 32-bit halves, swapping them when the amount is 32 or more. */
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
    const d0 = c8 ^ ((c2 << 1) | (c3 >>> 31)), d1 = c9 ^ ((c3 << 1) | (c2 >>> 31))
    const d2 = c0 ^ ((c4 << 1) | (c5 >>> 31)), d3 = c1 ^ ((c5 << 1) | (c4 >>> 31))
    const d4 = c2 ^ ((c6 << 1) | (c7 >>> 31)), d5 = c3 ^ ((c7 << 1) | (c6 >>> 31))
    const d6 = c4 ^ ((c8 << 1) | (c9 >>> 31)), d7 = c5 ^ ((c9 << 1) | (c8 >>> 31))
    const d8 = c6 ^ ((c0 << 1) | (c1 >>> 31)), d9 = c7 ^ ((c1 << 1) | (c0 >>> 31))
    const b0 = s0 ^ d0, b1 = s1 ^ d1
    const t12 = s12 ^ d2, t13 = s13 ^ d3
    const b2 = (t13 << 12) | (t12 >>> 20), b3 = (t12 << 12) | (t13 >>> 20)
    const t24 = s24 ^ d4, t25 = s25 ^ d5
    const b4 = (t25 << 11) | (t24 >>> 21), b5 = (t24 << 11) | (t25 >>> 21)
    const t36 = s36 ^ d6, t37 = s37 ^ d7
    const b6 = (t36 << 21) | (t37 >>> 11), b7 = (t37 << 21) | (t36 >>> 11)
    const t48 = s48 ^ d8, t49 = s49 ^ d9
    const b8 = (t48 << 14) | (t49 >>> 18), b9 = (t49 << 14) | (t48 >>> 18)
    const t6 = s6 ^ d6, t7 = s7 ^ d7
    const b10 = (t6 << 28) | (t7 >>> 4), b11 = (t7 << 28) | (t6 >>> 4)
    const t18 = s18 ^ d8, t19 = s19 ^ d9
    const b12 = (t18 << 20) | (t19 >>> 12), b13 = (t19 << 20) | (t18 >>> 12)
    const t20 = s20 ^ d0, t21 = s21 ^ d1
    const b14 = (t20 << 3) | (t21 >>> 29), b15 = (t21 << 3) | (t20 >>> 29)
    const t32 = s32 ^ d2, t33 = s33 ^ d3
    const b16 = (t33 << 13) | (t32 >>> 19), b17 = (t32 << 13) | (t33 >>> 19)
    const t44 = s44 ^ d4, t45 = s45 ^ d5
    const b18 = (t45 << 29) | (t44 >>> 3), b19 = (t44 << 29) | (t45 >>> 3)
    const t2 = s2 ^ d2, t3 = s3 ^ d3
    const b20 = (t2 << 1) | (t3 >>> 31), b21 = (t3 << 1) | (t2 >>> 31)
    const t14 = s14 ^ d4, t15 = s15 ^ d5
    const b22 = (t14 << 6) | (t15 >>> 26), b23 = (t15 << 6) | (t14 >>> 26)
    const t26 = s26 ^ d6, t27 = s27 ^ d7
    const b24 = (t26 << 25) | (t27 >>> 7), b25 = (t27 << 25) | (t26 >>> 7)
    const t38 = s38 ^ d8, t39 = s39 ^ d9
    const b26 = (t38 << 8) | (t39 >>> 24), b27 = (t39 << 8) | (t38 >>> 24)
    const t40 = s40 ^ d0, t41 = s41 ^ d1
    const b28 = (t40 << 18) | (t41 >>> 14), b29 = (t41 << 18) | (t40 >>> 14)
    const t8 = s8 ^ d8, t9 = s9 ^ d9
    const b30 = (t8 << 27) | (t9 >>> 5), b31 = (t9 << 27) | (t8 >>> 5)
    const t10 = s10 ^ d0, t11 = s11 ^ d1
    const b32 = (t11 << 4) | (t10 >>> 28), b33 = (t10 << 4) | (t11 >>> 28)
    const t22 = s22 ^ d2, t23 = s23 ^ d3
    const b34 = (t22 << 10) | (t23 >>> 22), b35 = (t23 << 10) | (t22 >>> 22)
    const t34 = s34 ^ d4, t35 = s35 ^ d5
    const b36 = (t34 << 15) | (t35 >>> 17), b37 = (t35 << 15) | (t34 >>> 17)
    const t46 = s46 ^ d6, t47 = s47 ^ d7
    const b38 = (t47 << 24) | (t46 >>> 8), b39 = (t46 << 24) | (t47 >>> 8)
    const t4 = s4 ^ d4, t5 = s5 ^ d5
    const b40 = (t5 << 30) | (t4 >>> 2), b41 = (t4 << 30) | (t5 >>> 2)
    const t16 = s16 ^ d6, t17 = s17 ^ d7
    const b42 = (t17 << 23) | (t16 >>> 9), b43 = (t16 << 23) | (t17 >>> 9)
    const t28 = s28 ^ d8, t29 = s29 ^ d9
    const b44 = (t29 << 7) | (t28 >>> 25), b45 = (t28 << 7) | (t29 >>> 25)
    const t30 = s30 ^ d0, t31 = s31 ^ d1
    const b46 = (t31 << 9) | (t30 >>> 23), b47 = (t30 << 9) | (t31 >>> 23)
    const t42 = s42 ^ d2, t43 = s43 ^ d3
    const b48 = (t42 << 2) | (t43 >>> 30), b49 = (t43 << 2) | (t42 >>> 30)
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
