// Runs everywhere (background, panel, CLI, tests). The data model shared by every part of the
// product: what one captured bus entry looks like, what a session is, what the checker reports.
// The session file format (SPEC.md §4) is these types serialised as JSON; see session.ts.

/** A JSON value. Everything captured from the page is reduced to this by snapshot.ts. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

/** Fields every entry has. `seq` increases in capture order across the whole session. */
interface EntryBase {
  seq: number
  /** Envelope time in ms since the epoch (the bus's `time`, or the hook's clock for commands). */
  time: number
  /** One id per document (page load) and frame; entries of one page load share it. */
  pageLoadId?: string
  /** URL of the frame the entry came from. */
  frameUrl?: string
  /** Unknown extra fields are kept on a round trip (forward compatibility). */
  [extra: string]: unknown
}

/** A bus event as a subscriber received it: `{ time, publisher, event, data }`. */
export interface BusEventEntry extends EntryBase {
  kind: 'event'
  publisher: string
  /** Full name, e.g. "Callback.opened". */
  event: string
  data: Json
}

/** A command the page ran through the bus, e.g. `Callback.open` with its options. */
export interface CommandEntry extends EntryBase {
  kind: 'command'
  /** Full name, e.g. "Callback.open". */
  command: string
  data: Json
  /** 'panel': the user sent it from the panel's Commands drawer (the hook ran it on the page's bus). */
  origin?: 'panel'
}

/**
 * Something the tool itself observed (our extension of SPEC.md §4, documented in the README):
 * - `page-load`: a new document started (navigation or reload); data `{ url }`
 * - `bus`: the hook found a bus; data `{ via: 'CXBus' | 'widgets' | 'cxwidget', widgetsVersion? }`
 * - `dropped`: entries are missing before this point; data `{ count, where, plugin? }`: `where` is
 *   'hook', 'relay' or 'background' (that bounded buffer overflowed), 'paused' (not recorded while the
 *   capture was paused) or 'cleared' (the events and commands that Clear removed, not those earlier
 *   markers it removed had counted; `earlier: { count, pages }`: how many of the count were of earlier
 *   documents kept by Preserve log). `plugin` (background only): every entry it
 *   counts was of that plugin; `floors` (background only): per lane, the first seq still stored when
 *   it was written (src/core/lanes.ts). The checker treats all alike (a gap), except those of a plugin it
 *   does not check (housekeeping such as Watchman: no gap in Callback's history).
 */
export interface MarkerEntry extends EntryBase {
  kind: 'marker'
  marker: 'page-load' | 'bus' | 'dropped'
  data: Json
}

export type SessionEntry = BusEventEntry | CommandEntry | MarkerEntry

/**
 * How many entries a `dropped` marker says are missing (at least 1 if its count is unreadable; 0 from
 * a `cleared` marker of a page load whose gap goes on but of which that Clear removed nothing); 0 for other entries.
 */
export function droppedCount(e: SessionEntry): number {
  if (e.kind !== 'marker' || e.marker !== 'dropped') return 0
  const d = e.data
  const n = d !== null && typeof d === 'object' && !Array.isArray(d) ? d.count : undefined
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 1
}

/** The plugin a `dropped` marker says all its lost entries were of (data.plugin), else undefined. */
export function droppedPlugin(e: SessionEntry): string | undefined {
  if (e.kind !== 'marker' || e.marker !== 'dropped') return undefined
  const d = e.data
  const p = d !== null && typeof d === 'object' && !Array.isArray(d) ? d.plugin : undefined
  return typeof p === 'string' && p !== '' ? p : undefined
}

/**
 * How many captured entries (events and commands) are gone when `e` is lost from a buffer: 1 for an
 * event or a command, the count of a `dropped` marker (the losses it carried), 0 for the tool's own
 * page-load and bus markers. The sum of the `dropped` counts is thus exactly the captured entries lost.
 */
export function lostBy(e: { [key: string]: unknown }): number {
  if (e.kind !== 'marker') return 1
  return e.marker === 'dropped' ? droppedCount(e as SessionEntry) : 0
}

export const SESSION_FORMAT = 'cxbus-devtools/session'
export const SESSION_VERSION = 1

export interface SessionSource {
  url?: string
  widgetsVersion?: string
  userAgent?: string
  [extra: string]: unknown
}

/**
 * A tester's note on one event (`seq`) or one interaction (`interaction`, its id): exactly one of the
 * two. Our optional top-level `notes` field of the session file (README, "Session file").
 */
export interface SessionNote {
  seq?: number
  interaction?: string
  text: string
  /** When it was written (epoch ms). */
  time: number
  [extra: string]: unknown
}

/** Bounds of the `notes` field: a session file stays a capture with remarks, not a notebook. */
export const MAX_NOTES = 1000
export const MAX_NOTE_CHARS = 4000

/** The session file of SPEC.md §4. */
export interface Session {
  format: typeof SESSION_FORMAT
  version: number
  source?: SessionSource
  notes?: SessionNote[]
  events: SessionEntry[]
  [extra: string]: unknown
}

// ---------------------------------------------------------------------------------------------
// Checker output

export type Severity = 'error' | 'warning' | 'info'
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']

/** "error" / "errors": the word after a count of findings ("info" has no plural), the same in the panel, the badge and the CLI. */
export function countLabel(severity: Severity, count: number): string {
  return count === 1 || severity === 'info' ? severity : `${severity}s`
}

/** One problem (or note) the checker found. Rule ids are those of RULES.md and never change. */
export interface Finding {
  rule: string
  severity: Severity
  /** `seq` of every event involved, the one the finding is about last. */
  seq: number[]
  /** Id of the interaction (see Interaction.id), or null when the event belongs to none. */
  interaction: string | null
  message: string
  expected?: Json
  actual?: Json
}

/** How an event's `elapsed` relates to the two definitions of SPEC.md §3. */
export type ElapsedDefinition = 'documented' | 'shipped' | 'both' | 'absolute' | 'neither' | 'not-applicable'

/** One pass through a plugin's lifecycle: from its first lifecycle event to `closed`. */
export interface Interaction {
  /** Unique in the session, stable while events are appended, e.g. "Callback#2", "Callback#2@p3" or, without pageLoadIds, "Callback#2@page3". */
  id: string
  plugin: string
  /** 1-based number of this interaction of this plugin within its page (its frames' documents count on with it). */
  index: number
  /** The page it happened in, as people count pages: 1-based number of its top-level page load, 0 before any (pages.ts PageLoads). */
  page: number
  pageLoadId?: string
  /** The lifecycle events of this interaction in capture order. */
  events: { seq: number; event: string; time: number }[]
  /** True once `closed` was seen. */
  closed: boolean
}

export interface CheckOptions {
  /** Per-rule severity override; 'off' disables the rule. */
  severities?: Record<string, Severity | 'off'>
  /** ms allowed for values computed from "now" (default 250). */
  dispatchToleranceMs?: number
  /** ms allowed for values computed from two recorded timestamps (default 1). */
  exactToleranceMs?: number
  /** ms an event's own timestamp may differ from the envelope time (default 5000). */
  clockToleranceMs?: number
}

export interface Report {
  interactions: Interaction[]
  findings: Finding[]
  /**
   * For each lifecycle event (by seq): its interaction id and which elapsed definition it follows.
   * check() fills it as a sparse array indexed by seq (cheap at 100 000 events): read it with
   * `events[seq]` or Object.entries(); JSON.stringify of it writes null for the holes.
   */
  events: Record<number, { interaction: string | null; elapsed: ElapsedDefinition }>
}
