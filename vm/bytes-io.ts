// Byte-level reading and writing for binary formats: LEB128 varints, zigzag, f64, blobs.
// Not a format itself (vm/module.ts is). Runs in browsers: no Buffer.

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

export class ByteWriter {
  private buf: Uint8Array
  private len = 0
  /** `capacity`: a first guess of the size; small writers (state keys, values) guess small,
   *  since each writer's buffer is garbage once finished. */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(capacity, 8))
  }
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.len + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }
  u8(v: number): void {
    this.ensure(1)
    this.buf[this.len++] = v & 0xff
  }
  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  uvar(v: number): void {
    if (!(v >= 0) || !Number.isInteger(v)) throw new RangeError(`uvar out of range: ${v}`)
    this.ensure(8)
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80
      v = Math.floor(v / 0x80)
    }
    this.buf[this.len++] = v
  }
  /** Zigzag-encoded signed integer. */
  svar(v: number): void {
    this.uvar(v < 0 ? -2 * v - 1 : 2 * v)
  }
  f64(v: number): void {
    this.ensure(8)
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, v, true)
    this.len += 8
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
  }
  blob(b: Uint8Array): void {
    this.uvar(b.length)
    this.bytes(b)
  }
  str(s: string): void {
    this.blob(utf8Encoder.encode(s))
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

export class ByteReader {
  private pos = 0
  constructor(
    private readonly buf: Uint8Array,
    private readonly fail: (message: string) => never,
  ) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) this.fail('unexpected end of data')
  }
  u8(): number {
    this.need(1)
    return this.buf[this.pos++]
  }
  uvar(): number {
    let result = 0
    let scale = 1
    for (let i = 0; ; i++) {
      if (i >= 8) this.fail('varint too long')
      const b = this.u8()
      result += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) this.fail('varint is not minimally encoded')
        break
      }
      scale *= 0x80
    }
    if (result > Number.MAX_SAFE_INTEGER) this.fail('varint too large')
    return result
  }
  svar(): number {
    const z = this.uvar()
    return z % 2 === 1 ? -(z + 1) / 2 : z / 2
  }
  f64(): number {
    this.need(8)
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true)
    this.pos += 8
    return v
  }
  count(max: number, what: string): number {
    const n = this.uvar()
    if (n > max) this.fail(`${n} ${what}, above the limit of ${max}`)
    if (n > this.buf.length - this.pos + 1) this.fail(`${n} ${what} cannot fit in the remaining data`)
    return n
  }
  blob(): Uint8Array {
    const n = this.uvar()
    this.need(n)
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }
  str(): string {
    const b = this.blob()
    try {
      return utf8Decoder.decode(b)
    } catch {
      this.fail('name is not valid UTF-8')
    }
  }
  atEnd(): boolean {
    return this.pos === this.buf.length
  }
  remaining(): number {
    return this.buf.length - this.pos
  }
}

/** A Nest byte string (chars 0..255) as bytes. */
export function bytesFromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export function latin1FromBytes(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[])
  }
  return s
}

/** UTF-16 JS text (source code, host strings) as a Nest byte string of its UTF-8. */
export function byteStringFromText(text: string): string {
  // Fast path: ASCII is the same in both.
  if (/^[\x00-\x7f]*$/.test(text)) return text
  return latin1FromBytes(utf8Encoder.encode(text))
}

/** A Nest byte string decoded as UTF-8 text for display; invalid bytes become U+FFFD. */
export function textFromByteString(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s
  return new TextDecoder('utf-8').decode(bytesFromLatin1(s))
}
