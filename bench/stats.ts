// What every benchmark shares: the median, a millisecond clock, and the checks of a run's
// repetition options. Kept apart from bench/evm/ so the Nest side loads without @ethereumjs.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('the median of no values')
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Milliseconds since `t0` (a process.hrtime.bigint() reading). */
export const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6

/** The repetitions a workload run asks for (`reps` timed after `warmup` untimed ones). */
export function repCounts(opts: { readonly reps?: number; readonly warmup?: number }): { reps: number; warmup: number } {
  const reps = opts.reps ?? 5
  const warmup = opts.warmup ?? 1
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`reps must be a positive integer, got ${reps}`)
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmup must be a non-negative integer, got ${warmup}`)
  return { reps, warmup }
}

/** A workload's size: the override for `name` if given, else its default. */
export function workloadSize(name: string, overrides: Partial<Readonly<Record<string, number>>> | undefined, defaultN: number): number {
  const n = overrides?.[name] ?? defaultN
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name}: n must be a non-negative integer, got ${n}`)
  return n
}
