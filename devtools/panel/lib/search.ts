// Panel (pure). Position of a value in a sorted array of row indexes (binary search): mapping a
// selected entry to its row must not scan 100 000 rows on every render.
export function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Row position of `value` in `sorted`, or -1 when it is not there (filtered out). */
export function indexIn(sorted: readonly number[], value: number): number {
  const i = lowerBound(sorted, value)
  return sorted[i] === value ? i : -1
}
