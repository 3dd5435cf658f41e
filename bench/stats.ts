// Node (npm run bench). The few statistics the benchmarks report.

/** The value below which a fraction p of the samples lie (p = 0.5: the median). */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, z) => a - z)
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN
}

export const median = (values: readonly number[]): number => percentile(values, 0.5)

/**
 * A with/without comparison over interleaved rounds (round i measured `a[i]` and `b[i]` back to back,
 * in alternating order): the ratio of the medians, and the spread of the paired ratios a[i] / b[i]
 * (10th to 90th percentile). No best-of: the rounds a machine disturbs are part of what a user pays.
 */
export function paired(a: readonly number[], b: readonly number[]): { ratio: number; p10: number; p90: number } {
  const ratios = a.map((x, i) => x / b[i]!)
  return { ratio: median(a) / median(b), p10: percentile(ratios, 0.1), p90: percentile(ratios, 0.9) }
}

/** `1.23 (1.10–1.41)`: a ratio with its p10–p90 spread, as the README and results.json show it. */
export const ratioText = (r: { ratio: number; p10: number; p90: number }): string => `${r.ratio.toFixed(2)} (${r.p10.toFixed(2)}–${r.p90.toFixed(2)})`

/** Runs `a` and `b` `rounds` times, interleaved, a first in even rounds and b first in odd ones. */
export async function interleaved<T>(rounds: number, a: () => Promise<T>, b: () => Promise<T>): Promise<{ a: T[]; b: T[] }> {
  const out = { a: [] as T[], b: [] as T[] }
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      out.a.push(await a())
      out.b.push(await b())
    } else {
      out.b.push(await b())
      out.a.push(await a())
    }
  }
  return out
}

