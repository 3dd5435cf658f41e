// Panel (pure). How one session entry is named in the list, the timeline and the filters.
import type { SessionEntry } from '../../../src/core/model.ts'
import { evictedBefore } from '../../../src/core/lanes.ts'
import { isFrameLoad } from '../../../src/core/pages.ts'
export { interactionLabel, isFrameLoad, pageNumbers } from '../../../src/core/pages.ts'

/** Plugin of an entry: the publisher of an event, the prefix of a command, '' for our markers. */
export { entryPlugin as pluginOf } from '../../../src/core/focus.ts'

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

const dataOf = (entry: SessionEntry): Record<string, unknown> =>
  (typeof entry.data === 'object' && entry.data !== null && !Array.isArray(entry.data) ? entry.data : {}) as Record<string, unknown>

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

const inFrame = (e: SessionEntry): string => (typeof e.frameUrl === 'string' && e.frameUrl !== '' ? ` on ${e.frameUrl}` : '')

const before = (e: SessionEntry): string => {
  const seq = evictedBefore(e)
  return seq === undefined ? '' : `: the oldest, before #${seq}`
}

/** A one-line description of a marker entry for its list row. */
export function describeMarker(entry: SessionEntry): string {
  if (entry.kind !== 'marker') return ''
  const data = dataOf(entry)
  const url = typeof data.url === 'string' ? data.url : undefined
  switch (entry.marker) {
    case 'page-load':
      return data.top === false ? `Frame loaded${url ? `: ${url}` : ''}` : `Page load${url ? `: ${url}` : ''}`
    case 'bus':
      // The hook writes a second bus marker once widgets-core answers the version: say what it adds.
      return typeof data.widgetsVersion === 'string' ? `Widgets ${data.widgetsVersion} (bus via ${String(data.via ?? '?')})` : `Bus found via ${String(data.via ?? '?')}`
    case 'dropped':
      switch (droppedKind(entry)) {
        // One marker per page load (frames too): the frame's URL says which.
        case 'paused':
          return `${events(data.count)} not recorded (paused)${inFrame(entry)}`
        case 'cleared': {
          // Clear with Preserve log: what it removed of earlier documents is counted in this marker too.
          const earlier = typeof data.earlier === 'object' && data.earlier !== null ? (data.earlier as Record<string, unknown>) : {}
          const pages = typeof earlier.pages === 'number' ? earlier.pages : 0
          if (pages === 0 || typeof earlier.count !== 'number' || typeof data.count !== 'number') return `Cleared ${events(data.count)}${inFrame(entry)}`
          const loads = `${pages} earlier page load${pages === 1 ? '' : 's'}`
          const own = data.count - earlier.count
          // Nothing of its own page load: the marker is the last earlier one's.
          if (own <= 0) return `Cleared ${events(data.count)} of ${loads}${inFrame(entry)}`
          return `Cleared ${events(data.count)}${inFrame(entry)}: ${own} of this page load, ${earlier.count} of ${loads}`
        }
        default:
          // The tab store names the plugin whose entries it evicted (housekeeping goes first).
          // Its row comes after the entries that evicted them: say where the gap is.
          return typeof data.plugin === 'string' && data.plugin !== ''
            ? `${typeof data.count === 'number' ? data.count : '?'} ${data.plugin} ${data.count === 1 ? 'entry' : 'entries'} evicted (store full${before(entry)})`
            : `${events(data.count)} lost (capture buffer full)`
      }
    default:
      return String(entry.marker)
  }
}


