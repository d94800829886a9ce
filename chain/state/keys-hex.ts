// Hex text for keys, roots and proofs where people read them: test failures, debug dumps, RPC.
// Not used on hot paths (kv.ts keys Maps by latin1 strings instead).

const DIGITS = '0123456789abcdef'

export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += DIGITS[bytes[i] >> 4] + DIGITS[bytes[i] & 15]
  return s
}

/** Bytes of lowercase or uppercase hex with an even number of digits, or null when it is not. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
  return out
}
