// Node (npm run bench). The few statistics the benchmarks report.

/** The value below which a fraction p of the samples lie (p = 0.5: the median). */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, z) => a - z)
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN
}

export const median = (values: readonly number[]): number => percentile(values, 0.5)

/** The fastest sample: on a shared machine noise only ever adds time. */
export const best = (values: readonly number[]): number => Math.min(...values)
