// A source file as the compiler sees it: its name, text and where each line starts, so
// offsets turn into line:column and excerpts. Not IO: hosts read files and pass text in.

export interface Span {
  readonly start: number
  readonly end: number
}

export class Source {
  private lineStarts: number[] | null = null
  constructor(
    /** The name shown in diagnostics: a path relative to the project or entry file. */
    readonly name: string,
    readonly text: string,
  ) {}

  private starts(): number[] {
    if (this.lineStarts === null) {
      const s = [0]
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) s.push(i + 1)
      this.lineStarts = s
    }
    return this.lineStarts
  }

  /** 1-based line and column of an offset (columns count UTF-16 units, tabs as one). */
  position(offset: number): { line: number; col: number } {
    const s = this.starts()
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (s[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, col: offset - s[lo] + 1 }
  }

  lineText(line: number): string {
    const s = this.starts()
    if (line < 1 || line > s.length) return ''
    const end = line < s.length ? s[line] - 1 : this.text.length
    return this.text.slice(s[line - 1], end).replace(/\r$/, '')
  }

  get lineCount(): number {
    return this.starts().length
  }
}
