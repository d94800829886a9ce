// The README's tour keeps telling the truth: every ```nest block in it runs with the built
// `unest` bin, and a ```text block right after one is exactly what it prints. The tour may
// hold no other kind of code block, so nothing in it escapes this check.

import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, unest } from './cli/bin.js'

const TOUR = '## A short tour of Nest'

interface Block {
  readonly lang: string
  readonly body: string
  /** 1-based line of the opening fence in README.md. */
  readonly line: number
  /** Whether only blank lines separate it from the block before. */
  readonly adjacent: boolean
}

function tourBlocks(readme: string): Block[] {
  const start = readme.indexOf(TOUR)
  if (start < 0) return []
  const next = readme.indexOf('\n## ', start + TOUR.length)
  const end = next < 0 ? readme.length : next
  const blocks: Block[] = []
  const fence = /^```(\S*)\n([\s\S]*?)^```$/gm
  fence.lastIndex = start
  let prevEnd = -1
  for (let m = fence.exec(readme); m && m.index < end; m = fence.exec(readme)) {
    blocks.push({
      lang: m[1],
      body: m[2],
      line: readme.slice(0, m.index).split('\n').length,
      adjacent: prevEnd >= 0 && readme.slice(prevEnd, m.index).trim() === '',
    })
    prevEnd = m.index + m[0].length
  }
  return blocks
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const blocks = tourBlocks(readme)

t.test('the tour has runnable blocks and only nest and text blocks', async (t) => {
  t.ok(blocks.some((b) => b.lang === 'nest'), `README.md has a "${TOUR}" section with nest blocks`)
  for (const [i, b] of blocks.entries()) {
    t.ok(b.lang === 'nest' || b.lang === 'text', `README.md:${b.line}: a ${b.lang || 'plain'} block (use nest, or text for output)`)
    if (b.lang === 'text') t.ok(b.adjacent && blocks[i - 1]?.lang === 'nest', `README.md:${b.line}: a text block follows a nest block directly`)
  }
})

t.test('every nest block runs and prints what the README says', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'unest-readme-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [i, b] of blocks.entries()) {
    if (b.lang !== 'nest') continue
    const name = `tour-line-${b.line}.nest`
    writeFileSync(join(dir, name), b.body)
    const r = unest(['run', name], { cwd: dir })
    t.equal(r.status, 0, `README.md:${b.line} runs cleanly${r.stderr ? `:\n${r.stderr}` : ''}`)
    const shown = blocks[i + 1]
    if (shown?.lang === 'text' && shown.adjacent) t.equal(r.stdout, shown.body, `README.md:${b.line} prints the block at README.md:${shown.line}`)
  }
})
