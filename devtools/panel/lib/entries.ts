// Panel (pure). How one session entry is named in the list, the timeline and the filters.
import type { SessionEntry } from '../../../src/core/model.ts'

/** Plugin of an entry: the publisher of an event, the prefix of a command, '' for our markers. */
export function pluginOf(entry: SessionEntry): string {
  if (entry.kind === 'event') return entry.publisher || prefix(entry.event)
  if (entry.kind === 'command') return prefix(entry.command)
  return ''
}

/** The full bus name ("Callback.opened", "Callback.open"), or the marker kind ("page-load"). */
export function nameOf(entry: SessionEntry): string {
  if (entry.kind === 'event') return entry.event
  if (entry.kind === 'command') return entry.command
  return entry.marker
}

/** The name without its plugin: "opened". */
export function shortName(name: string): string {
  const dot = name.indexOf('.')
  return dot < 0 ? name : name.slice(dot + 1)
}

function prefix(name: string): string {
  const dot = name.indexOf('.')
  return dot < 0 ? name : name.slice(0, dot)
}

const dataOf = (entry: SessionEntry): Record<string, unknown> =>
  (typeof entry.data === 'object' && entry.data !== null && !Array.isArray(entry.data) ? entry.data : {}) as Record<string, unknown>

/** A page-load marker of a sub-frame (data.top === false): not a reload of the page itself. */
export function isFrameLoad(entry: SessionEntry): boolean {
  return entry.kind === 'marker' && entry.marker === 'page-load' && dataOf(entry).top === false
}

/** A page-load marker of the top-level document (a navigation or reload of the inspected page). */
export function isTopLoad(entry: SessionEntry): boolean {
  return entry.kind === 'marker' && entry.marker === 'page-load' && dataOf(entry).top !== false
}

/** Where a `dropped` marker says entries were not recorded: buffer overflow, pause, or Clear. */
export type DroppedKind = 'overflow' | 'paused' | 'cleared'

export function droppedKind(entry: SessionEntry): DroppedKind | undefined {
  if (entry.kind !== 'marker' || entry.marker !== 'dropped') return undefined
  const where = dataOf(entry).where
  return where === 'paused' || where === 'cleared' ? where : 'overflow'
}

const events = (n: unknown): string => (typeof n === 'number' ? `${n} event${n === 1 ? '' : 's'}` : '? events')

/** A one-line description of a marker entry for its list row. */
export function describeMarker(entry: SessionEntry): string {
  if (entry.kind !== 'marker') return ''
  const data = dataOf(entry)
  const url = typeof data.url === 'string' ? data.url : undefined
  switch (entry.marker) {
    case 'page-load':
      return data.top === false ? `Frame loaded${url ? `: ${url}` : ''}` : `Page load${url ? `: ${url}` : ''}`
    case 'bus':
      return `Bus found via ${String(data.via ?? '?')}${typeof data.widgetsVersion === 'string' ? ` (widgets ${data.widgetsVersion})` : ''}`
    case 'dropped':
      switch (droppedKind(entry)) {
        case 'paused':
          return `${events(data.count)} not recorded (paused)`
        case 'cleared':
          return `Cleared ${events(data.count)}`
        default:
          return `${events(data.count)} lost (capture buffer full)`
      }
    default:
      return String(entry.marker)
  }
}

/**
 * Page numbers (1-based) by pageLoadId, counting top-level page loads in capture order. A sub-frame's
 * load gets the number of the page it loaded in (0 before any top-level load): an iframe is not a
 * new page.
 */
export function pageNumbers(entries: readonly SessionEntry[]): Map<string, number> {
  const pages = new Map<string, number>()
  let top = 0
  for (const e of entries) {
    if (e.kind !== 'marker' || e.marker !== 'page-load' || !e.pageLoadId || pages.has(e.pageLoadId)) continue
    if (isFrameLoad(e)) pages.set(e.pageLoadId, top)
    else pages.set(e.pageLoadId, ++top)
  }
  return pages
}

/** How many top-level page loads `pages` numbers (the highest number). */
export function pageCount(pages: ReadonlyMap<string, number>): number {
  let n = 0
  for (const v of pages.values()) if (v > n) n = v
  return n
}

/**
 * "Callback #1", plus " · page 2" when the session has more than one page load. `short` is the
 * form shown next to the plugin in a narrow list: "#1 · p2".
 */
export function interactionLabel(plugin: string, index: number, page: number, multiPage: boolean, short = false): string {
  const withPage = multiPage && page > 0
  if (short) return `#${index}${withPage ? ` · p${page}` : ''}`
  return `${plugin} #${index}${withPage ? ` · page ${page}` : ''}`
}
