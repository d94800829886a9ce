// Human-readable listing of a module, derived from the opcode table: every instruction
// with its operands decoded by kind, plus the module's tables. Pure text, no IO. It also
// lists modules the verifier refused (the CLI shows them), so it assumes nothing: an index
// out of range shows as '?', a cut-off instruction as its missing operands.

import { BROKEN_UNIT, MISSING_UNIT, type Module } from './module.js'
import { OPCODES, isBinaryOp } from './opcodes.js'

function constantText(c: unknown): string {
  if (c === undefined) return '?'
  if (typeof c === 'number') return Object.is(c, -0) ? '-0' : String(c)
  if (typeof c === 'string') return JSON.stringify(c)
  if (typeof c === 'bigint') return c.toString() + 'n'
  if (c instanceof Uint8Array) return 'x"' + Array.from(c, (b) => b.toString(16).padStart(2, '0')).join('') + '"'
  return String(c)
}

export function disassemble(m: Module): string {
  const out: string[] = []
  out.push(`constants (${m.constants.length})`)
  m.constants.forEach((c, i) => out.push(`  ${String(i).padStart(4)}  ${constantText(c)}`))
  out.push(`method names (${m.symbols.length})`)
  m.symbols.forEach((s, i) => out.push(`  ${String(i).padStart(4)}  ${s}`))
  if (m.classes.length > 0) {
    out.push(`classes (${m.classes.length})`)
    m.classes.forEach((c, i) => out.push(`  ${String(i).padStart(4)}  ${c.name} (${c.numFields} fields)`))
  }
  out.push(`units (${m.units.length})`)
  const entry = (main: number) => (main === MISSING_UNIT ? 'missing' : main === BROKEN_UNIT ? 'broken' : 'fn ' + main)
  m.units.forEach((u, i) => out.push(`  ${String(i).padStart(4)}  ${u.name}  entry ${entry(u.main)}  vars ${u.vars.length}`))
  m.functions.forEach((f, fi) => {
    const kind = ['script', 'fn', 'method'][f.kind] ?? '?'
    const caps = f.captures.map((c) => (c.local ? 'local ' : 'upvalue ') + c.index).join(', ')
    out.push('')
    out.push(`fn ${fi} ${f.name}  (${kind}, unit ${f.unit}, arity ${f.arity}${caps ? ', captures ' + caps : ''})`)
    let pc = 0
    let instr = 0
    let lastLine = -1
    while (pc < f.code.length) {
      const op = f.code[pc]
      if (!isBinaryOp(op)) {
        out.push(`  ${String(instr).padStart(5)}  <bad opcode ${op}>`)
        break
      }
      const info = OPCODES[op]
      const args = info.operands.map((kind, k) => {
        const v = f.code[pc + 1 + k]
        if (v === undefined) return '<cut off>'
        switch (kind) {
          case 'const':
            return `${v} (${constantText(m.constants[v])})`
          case 'sym':
            return `${v} '${m.symbols[v] ?? '?'}'`
          case 'modvar':
            return `${v} ${m.units[f.unit]?.vars[v] ?? '?'}`
          case 'class':
            return `${v} ${m.classes[v]?.name ?? '?'}`
          case 'unit':
            return `${v} ${m.units[v]?.name ?? '?'}`
          case 'target':
            return `-> ${v}`
          default:
            return String(v)
        }
      })
      const line = f.lines[instr] ?? -1
      const lineText = line !== lastLine ? (line < 0 ? '?' : String(line)).padStart(4) : '   |'
      lastLine = line
      out.push(`  ${String(instr).padStart(5)} ${lineText}  ${info.name.padEnd(18)}${args.join(', ')}`)
      pc += 1 + info.operands.length
      instr++
    }
  })
  return out.join('\n') + '\n'
}
