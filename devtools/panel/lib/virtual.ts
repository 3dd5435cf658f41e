// Panel (pure). Windowing for fixed-height rows: only the rows in view (plus overscan) are rendered,
// which keeps the event list and the timeline lanes smooth with 100 000 entries.

export interface RowWindow {
  /** First row index to render (inclusive). */
  start: number
  /** Last row index to render (exclusive). */
  end: number
}

export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 }
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + visible + overscan) }
}

/**
 * The scrollTop that brings row `index` into view, or null if it is already fully visible.
 * Used by keyboard navigation: the selection never leaves the viewport.
 */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = index * rowHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight
  return null
}

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown'

/** The row a navigation key moves the selection to (clamped), given the page size in rows. */
export function moveSelection(current: number, key: NavKey, count: number, pageRows: number): number {
  if (count <= 0) return -1
  const page = Math.max(1, pageRows - 1)
  const from = current < 0 ? -1 : current
  const next = {
    ArrowUp: from - 1,
    ArrowDown: from + 1,
    Home: 0,
    End: count - 1,
    PageUp: from - page,
    PageDown: from + page,
  }[key]
  return Math.min(count - 1, Math.max(0, next))
}
