// The opcode table is the one source of truth: it must be complete and consistent.

import t from 'tap'
import { OPCODES, OPCODE_COUNT, Op } from '../../vm/opcodes.js'

t.test('every opcode has its entry, in order', async (t) => {
  OPCODES.forEach((info, i) => t.equal(info.op, i, `${info.name} sits at its number`))
  t.equal(OPCODE_COUNT, Op.GAS + 1, 'GAS is the last opcode')
  t.equal(new Set(OPCODES.map((o) => o.name)).size, OPCODES.length, 'names are unique')
})

t.test('every entry has every part', async (t) => {
  for (const o of OPCODES) {
    t.ok(o.name.length > 0 && o.doc.length > 0, `${o.name} has a name and doc`)
    t.ok(Number.isInteger(o.pop) && o.pop >= 0 && Number.isInteger(o.push) && o.push >= 0, `${o.name} has a stack effect`)
    t.ok(Number.isInteger(o.gas) && o.gas >= 0, `${o.name} has a gas cost`)
    if (o.op !== Op.GAS) t.ok(o.gas > 0, `${o.name} costs gas`)
    if (o.popArg) t.ok(o.popArg[0] < o.operands.length, `${o.name} pops by an operand it has`)
    if (o.flow === 'jump' || o.flow === 'branch') t.equal(o.operands[0], 'target', `${o.name} names its target first`)
  }
})
