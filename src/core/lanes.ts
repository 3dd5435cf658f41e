// Runs everywhere. The lanes of the background's tab store (src/background/store.ts) and what its
// `dropped` markers (where: 'background') say it evicted: shared so a panel that received entries
// before the background evicted them can drop the same ones (an export must not count an entry both
// as stored and as lost).
import { entryPlugin, focusPlugins, inFocus } from './focus.ts'
import { droppedPlugin, lostBy, type SessionEntry } from './model.ts'

/** The lanes of a tab store: what is evicted last, what goes first, and the markers (their own slots). */
export const KEPT = 0
export const HOUSEKEEPING = 1
export const MARKERS = 2
const FOCUS = focusPlugins()

/**
 * The lane an entry is stored in: markers in theirs, the focus plugins kept, the rest housekeeping.
 * A focus plugin's `ready` is kept with the markers: one per plugin and page load, and without it
 * every later interaction of that page load would be order/before-ready.
 */
export const laneOf = (e: SessionEntry): number =>
  e.kind === 'marker' || (e.kind === 'event' && e.event.endsWith('.ready') && FOCUS.has(e.publisher)) ? MARKERS : inFocus(e, FOCUS) ? KEPT : HOUSEKEEPING

/** The plugin whose `dropped` marker counts the entry when it is evicted ('' for a marker that names none). */
export const accountPlugin = (e: SessionEntry): string => (e.kind === 'marker' ? droppedPlugin(e) ?? '' : entryPlugin(e))

/** A background `dropped` marker's lane floors (data.floors, non-numbers read as 0); undefined for any other entry, or one without floors. */
function floorsOf(marker: SessionEntry): number[] | undefined {
  if (marker.kind !== 'marker' || marker.marker !== 'dropped') return undefined
  const d = marker.data
  if (d === null || typeof d !== 'object' || Array.isArray(d) || d.where !== 'background' || !Array.isArray(d.floors)) return undefined
  return d.floors.map((f) => (typeof f === 'number' ? f : 0))
}

/**
 * The entries a background `dropped` marker counts as evicted: those of its plugin and page load
 * below its lane floors (data.floors, per lane, when it was written: all of them were counted in it
 * or in an earlier marker of the same plugin and page load). A marker that names neither (its own
 * insertion evicted another's marker) covers the markers' lane. Undefined for any other entry, or a
 * marker without floors (an older capture): nothing to drop.
 */
export function evictedWith(marker: SessionEntry): ((e: SessionEntry) => boolean) | undefined {
  const floors = floorsOf(marker)
  if (floors === undefined) return undefined
  const plugin = droppedPlugin(marker)
  const mixed = plugin === undefined && marker.pageLoadId === undefined
  return (e) => {
    if (e.seq >= marker.seq || lostBy(e) === 0) return false
    const lane = laneOf(e)
    if (e.seq >= (floors[lane] ?? 0)) return false
    return mixed ? lane === MARKERS : accountPlugin(e) === (plugin ?? '') && e.pageLoadId === marker.pageLoadId
  }
}

/**
 * Where the entries a background `dropped` marker counts were: before this seq (its plugin's lane
 * floor when it was written; the list's # jumps there, the marker itself comes after the entries that
 * evicted them). Undefined when it names no plugin or has no floors.
 */
export function evictedBefore(marker: SessionEntry): number | undefined {
  const plugin = droppedPlugin(marker)
  const floors = plugin === undefined ? undefined : floorsOf(marker)
  if (plugin === undefined || floors === undefined) return undefined
  const floor = floors[FOCUS.has(plugin) ? KEPT : HOUSEKEEPING] ?? 0
  return floor > 0 ? floor : undefined
}

/**
 * The entries in the order the checker and the stories read them: each background `dropped` marker
 * with a floor (evictedBefore) moved to where the entries it counts were, just before the first entry
 * of its page load at or after that floor. The store writes it after the entries that evicted them
 * (a later seq), so read in seq order the survivors would come before the gap and be checked as if
 * nothing preceded them. The same array when no marker moves.
 */
export function gapOrder(entries: readonly SessionEntry[]): readonly SessionEntry[] {
  const scan = new GapScan()
  for (const e of entries) scan.push(e)
  if (scan.moved.length === 0) return entries
  const out: SessionEntry[] = []
  const reorder = gapReorder(scan.moved)
  for (const e of entries) reorder(e, out)
  return out
}

/** The markers gapOrder moves, found while the entries stream by in seq order (a first pass). */
export class GapScan {
  readonly moved: SessionEntry[] = []
  /** Per page load ('' without one): seq of its last entry so far. */
  private last = new Map<string, number>()

  push(e: SessionEntry): void {
    const floor = e.kind === 'marker' && e.marker === 'dropped' ? evictedBefore(e) : undefined
    // It moves when an entry of its page load came at or after its floor.
    if (floor !== undefined && (this.last.get(e.pageLoadId ?? '') ?? -1) >= floor) this.moved.push(e)
    this.last.set(e.pageLoadId ?? '', e.seq)
  }
}

/**
 * gapOrder while the entries stream by again, given the markers a GapScan found: each call appends
 * the entry to `out`, after the moved markers whose place is before it (a moved marker itself, by
 * its seq, is skipped: a second pass parses new objects).
 */
export function gapReorder(moved: readonly SessionEntry[]): (e: SessionEntry, out: SessionEntry[]) => void {
  const byFloor = moved.map((marker) => ({ marker, floor: evictedBefore(marker) as number })).sort((a, b) => a.floor - b.floor)
  const skip = new Set(moved.map((m) => m.seq))
  /** Markers whose floor was reached, waiting for an entry of their page load. */
  const due: typeof byFloor = []
  let next = 0
  return (e, out) => {
    while (next < byFloor.length && (byFloor[next] as { floor: number }).floor <= e.seq) due.push(byFloor[next++] as (typeof byFloor)[number])
    for (let i = 0; i < due.length; i++) {
      const m = (due[i] as (typeof byFloor)[number]).marker
      if (m.pageLoadId !== e.pageLoadId || m.seq === e.seq) continue
      out.push(m)
      due.splice(i--, 1)
    }
    if (!skip.has(e.seq)) out.push(e)
  }
}
