// Timing helpers shared by the chain benchmarks (kept apart from bench/evm/run.ts so the
// Nest side loads without @ethereumjs).

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('the median of no values')
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Milliseconds since `t0` (a process.hrtime.bigint() reading). */
export const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6
