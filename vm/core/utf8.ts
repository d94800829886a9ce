// UTF-8 over Nest byte strings (chars 0..255), with Wren's rules: decoding at a byte
// index yields a code point or -1 for an invalid or truncated sequence.

/** Length of the UTF-8 sequence a lead byte starts, 0 for a continuation or bad byte. */
export function sequenceLength(lead: number): number {
  if ((lead & 0xc0) === 0x80) return 0
  if ((lead & 0xf8) === 0xf0) return 4
  if ((lead & 0xf0) === 0xe0) return 3
  if ((lead & 0xe0) === 0xc0) return 2
  return 1
}

/** Wren's wrenUtf8DecodeNumBytes: bytes of the sequence at `lead`, 1 for invalid leads. */
export function decodeNumBytes(lead: number): number {
  if ((lead & 0xc0) === 0x80) return 0
  if ((lead & 0xf8) === 0xf0) return 4
  if ((lead & 0xf0) === 0xe0) return 3
  if ((lead & 0xe0) === 0xc0) return 2
  return 1
}

/** Decodes the code point at byte `i`, or -1 when the bytes there are not valid UTF-8. */
export function decodeAt(s: string, i: number): number {
  const b0 = s.charCodeAt(i)
  if (b0 <= 0x7f) return b0
  let value: number
  let remaining: number
  if ((b0 & 0xe0) === 0xc0) {
    value = b0 & 0x1f
    remaining = 1
  } else if ((b0 & 0xf0) === 0xe0) {
    value = b0 & 0x0f
    remaining = 2
  } else if ((b0 & 0xf8) === 0xf0) {
    value = b0 & 0x07
    remaining = 3
  } else {
    return -1
  }
  if (remaining > s.length - i - 1) return -1
  for (let k = 1; k <= remaining; k++) {
    const b = s.charCodeAt(i + k)
    if ((b & 0xc0) !== 0x80) return -1
    value = (value << 6) | (b & 0x3f)
  }
  return value
}

/** A code point as a Nest byte string (its UTF-8 bytes), as Wren's wrenUtf8Encode. */
export function encodeCodePoint(cp: number): string {
  if (cp <= 0x7f) return String.fromCharCode(cp)
  if (cp <= 0x7ff) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f))
  if (cp <= 0xffff) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  if (cp <= 0x10ffff) {
    return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  }
  return ''
}

/** The string at byte `i` as Wren's wrenStringCodePointAt: the whole code point, or the raw byte. */
export function codePointStringAt(s: string, i: number): string {
  const cp = decodeAt(s, i)
  if (cp === -1) return s[i]
  return encodeCodePoint(cp)
}

/** Number of code points, counting each byte that does not start a valid sequence once. */
export function codePointCount(s: string): number {
  if (/^[\x00-\x7f]*$/.test(s)) return s.length
  let n = 0
  let i = 0
  while (i < s.length) {
    n++
    // Wren's String.iterate: advance to the next byte that is not a continuation byte.
    i++
    while (i < s.length && (s.charCodeAt(i) & 0xc0) === 0x80) i++
  }
  return n
}
