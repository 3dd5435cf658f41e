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

/** A one-line description of a marker entry for its list row. */
export function describeMarker(entry: SessionEntry): string {
  if (entry.kind !== 'marker') return ''
  const data = (typeof entry.data === 'object' && entry.data !== null && !Array.isArray(entry.data) ? entry.data : {}) as Record<string, unknown>
  switch (entry.marker) {
    case 'page-load':
      return `Page load${typeof data.url === 'string' ? `: ${data.url}` : ''}`
    case 'bus':
      return `Bus found via ${String(data.via ?? '?')}${typeof data.widgetsVersion === 'string' ? ` (widgets ${data.widgetsVersion})` : ''}`
    case 'dropped':
      return `${String(data.count ?? '?')} events dropped here (a buffer overflowed)`
    default:
      return String(entry.marker)
  }
}
