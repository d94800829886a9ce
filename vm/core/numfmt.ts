// Number <-> text exactly as Wren does it: printing is C's "%.14g" (with "nan",
// "infinity", "-infinity"), parsing is strtod. Pure functions; no locale, no host.

/** C's "%.14g" of a double, including round-half-even on exact decimal ties. */
export function formatNum(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (x === Infinity) return 'infinity'
  if (x === -Infinity) return '-infinity'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  // Integers below 1e14 have at most 14 digits: %.14g prints them as they are.
  if (Number.isInteger(x) && x > -1e14 && x < 1e14) return String(x)
  return formatG(x, 14)
}

function formatG(x: number, precision: number): string {
  const neg = x < 0
  const ax = Math.abs(x)
  let { digits, exp } = roundToDigits(ax, precision)
  let out: string
  if (exp < -4 || exp >= precision) {
    let mant = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '')
    mant = stripZeros(mant)
    const e = Math.abs(exp)
    out = mant + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e))
  } else if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
    const frac = digits.slice(exp + 1)
    out = stripZeros(frac.length > 0 ? intPart + '.' + frac : intPart)
  } else {
    out = stripZeros('0.' + '0'.repeat(-exp - 1) + digits)
  }
  return neg ? '-' + out : out
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s
  s = s.replace(/0+$/, '')
  return s.endsWith('.') ? s.slice(0, -1) : s
}

/** `precision` significant decimal digits of ax > 0, and the decimal exponent of the first. */
function roundToDigits(ax: number, precision: number): { digits: string; exp: number } {
  // toExponential rounds exactly, but an exact tie goes up where C goes to even.
  const [mant, e] = ax.toExponential(precision - 1).split('e')
  let digits = mant.replace('.', '')
  const exp = Number(e)
  const last = digits.charCodeAt(digits.length - 1) - 48
  // A tie rounded up ends in an odd digit only if C would have kept the even one below
  // (when the round-up carried, the new last digit is 0 and both agree).
  if (last % 2 === 1) {
    const probe = ax.toExponential(precision + 2).split('e')[0].replace('.', '')
    if (probe.slice(precision - 1) === String(last - 1) + '500' && isHalfway(ax, exp - precision + 1)) {
      digits = digits.slice(0, -1) + String(last - 1)
    }
  }
  return { digits, exp }
}

/** Whether ax is exactly (N + 1/2) * 10^k for an integer N: 2*ax/10^k is an odd integer. */
function isHalfway(ax: number, k: number): boolean {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, ax)
  const bits = view.getBigUint64(0)
  const biased = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & 0xfffffffffffffn
  const m = biased === 0 ? fraction : fraction | (1n << 52n)
  const e = biased === 0 ? -1074 : biased - 1075
  let num = 2n * m
  let den = 1n
  if (e >= 0) num <<= BigInt(e)
  else den <<= BigInt(-e)
  if (k >= 0) den *= 10n ** BigInt(k)
  else num *= 10n ** BigInt(-k)
  return num % den === 0n && (num / den) % 2n === 1n
}

/** strtod over a whole string (leading/trailing whitespace allowed), as Num.fromString:
 *  the number, null when the text is not a number, or 'range' on overflow/underflow. */
/** strtod parsed nothing: its end pointer stays at the start, and Wren then skips
 *  whitespace from there, so a string of only whitespace reads as 0. */
function nothingParsed(text: string): number | null {
  return /^[ \t\n\v\f\r]*$/.test(text) ? 0 : null
}

export function parseNum(text: string): number | null | 'range' {
  let i = 0
  const n = text.length
  const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13)
  while (i < n && isSpace(text.charCodeAt(i))) i++
  const start = i
  let sign = 1
  if (text[i] === '+' || text[i] === '-') {
    if (text[i] === '-') sign = -1
    i++
  }
  let value: number
  let nonzeroDigits = false
  const rest = text.slice(i).toLowerCase()
  if (rest.startsWith('infinity')) {
    value = Infinity
    i += 8
  } else if (rest.startsWith('inf')) {
    value = Infinity
    i += 3
  } else if (rest.startsWith('nan')) {
    value = NaN
    i += 3
    // strtod accepts "nan(chars)".
    const m = /^\([0-9a-z_]*\)/i.exec(text.slice(i))
    if (m) i += m[0].length
  } else if (rest.startsWith('0x') && /^[0-9a-f.]/.test(rest.slice(2)) && /[0-9a-f]/.test(rest.slice(2, 4))) {
    i += 2
    const m = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?/i.exec(text.slice(i))!
    const intDigits = m[1]
    const fracDigits = m[2] ?? ''
    if (intDigits.length + fracDigits.length === 0) return null
    let v = 0
    for (const c of intDigits) v = v * 16 + parseInt(c, 16)
    let scale = 1 / 16
    for (const c of fracDigits) {
      v += parseInt(c, 16) * scale
      scale /= 16
    }
    nonzeroDigits = /[1-9a-f]/i.test(intDigits + fracDigits)
    if (m[3] !== undefined) v *= Math.pow(2, Number(m[3]))
    value = v
    i += m[0].length
  } else {
    const m = /^(\d*)(?:\.(\d*))?/.exec(text.slice(i))!
    const intDigits = m[1]
    const fracDigits = m[2] ?? ''
    if (intDigits.length + fracDigits.length === 0) return nothingParsed(text)
    let len = m[0].length
    const e = /^[eE][+-]?\d+/.exec(text.slice(i + len))
    if (e) len += e[0].length
    value = Number(text.slice(i, i + len))
    nonzeroDigits = /[1-9]/.test(intDigits + fracDigits)
    i += len
  }
  const end = i
  while (i < n && isSpace(text.charCodeAt(i))) i++
  if (i < n || end === start) return null
  if (!Number.isFinite(value) && !Number.isNaN(value) && !/inf/i.test(text)) return 'range'
  // glibc reports ERANGE for results that underflow to zero or to a subnormal.
  if (nonzeroDigits && Math.abs(value) < 2.2250738585072014e-308) return 'range'
  return sign * value
}
