// Plain-text table of EVM results, with our gas set beside WORKLOADS.md's: a large
// difference means our Solidity is a different workload, not a faster EVM.

import type { Result } from './run.js'
import { WORKLOADS } from './workloads.js'

/** Above this relative gas difference from WORKLOADS.md the row is flagged. */
export const GAS_TOLERANCE = 0.05

export interface GasComparison {
  readonly reference: number
  /** (ours - reference) / reference */
  readonly relative: number
  readonly flagged: boolean
}

/** Only at the default n: WORKLOADS.md lists gas for those alone. */
export function compareGas(r: Result): GasComparison | null {
  const w = WORKLOADS.find((x) => x.name === r.name)
  if (!w || r.n !== w.defaultN) return null
  const relative = (r.gas - w.referenceGas) / w.referenceGas
  return { reference: w.referenceGas, relative, flagged: Math.abs(relative) > GAS_TOLERANCE }
}

const int = (x: number) => x.toLocaleString('en-US')
const gasDiff = (gas: number, cmp: GasComparison) => {
  const d = gas - cmp.reference
  if (d === 0) return '0'
  return `${d > 0 ? '+' : ''}${int(d)} (${(cmp.relative * 100).toFixed(3)}%)${cmp.flagged ? ' (!)' : ''}`
}
const shorten = (s: string, max = 40) => (s.length <= max ? s : s.slice(0, max - 1) + '…')

export function formatEvmTable(results: readonly Result[]): string {
  const header = ['workload', 'n', 'median ms', 'runs ms', 'gas', 'WORKLOADS.md gas', 'diff', 'Mgas/s', 'result']
  const rows = results.map((r) => {
    const cmp = compareGas(r)
    const detail = r.gasDetail ? ` (${Object.entries(r.gasDetail).map(([k, v]) => `${k} ${int(v)}`).join(', ')})` : ''
    return [
      r.name,
      int(r.n),
      r.msMedian.toFixed(1),
      r.msRuns.map((m) => m.toFixed(0)).join(' '),
      int(r.gas) + detail,
      cmp ? int(cmp.reference) : '-',
      cmp ? gasDiff(r.gas, cmp) : '-',
      r.mgasPerS.toFixed(2),
      shorten(r.result),
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}
