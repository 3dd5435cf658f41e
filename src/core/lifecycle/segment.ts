// Runs everywhere. Segmentation of a capture into interactions (RULES.md): one stream per
// (pageLoadId ?? '', publisher); an interaction begins at the first lifecycle step after `ready` or
// after the previous `closed` and ends at `closed`. An auto-submitted `submitted` before `opened`
// belongs to the interaction that `opened` then continues. Holds the per-interaction state the rules
// read (steps seen, timestamps and flags already set) and updates it after the rules ran.
import type { ElapsedDefinition, Interaction } from '../model.ts'
import type { PageLoads } from '../pages.ts'
import type { CompiledProfile } from './profiles.ts'

export type EventInfo = Readonly<{ interaction: string | null; elapsed: ElapsedDefinition }>

export interface InteractionState {
  /** The public view, appended to as events arrive (copied when a report is made). */
  info: Interaction
  cp: CompiledProfile
  firstSeq: number
  lastSeq: number
  /** Last step ('' before the first). */
  last: string
  /** First seq of each step seen (a Map: monomorphic lookups, unlike objects with varying keys). */
  seen: Map<string, number>
  /** Timestamps and flags set so far, and the seq of the event that set each (two records: no object per value). */
  known: unknown[]
  knownSeq: number[]
  /** Timestamps carried over from the previous interaction (meta/stale), by field index: ignored while unchanged. */
  stale: unknown[] | null
  /** Once-per-interaction findings already emitted (bits of ONCE). */
  once: number
  /** Fields already reported by meta/shape or meta/timestamp-unit in this interaction (firstFieldReport). */
  fieldsReported: number[] | null
  /** Ended by a new `opened` without `closed` (order/transition): not reported as unclosed. */
  superseded: boolean
  /**
   * The `opened` value its first `opened` event carried, as published (also a string or seconds,
   * which `known` never holds): an `opened` repeating it is the same event again (order/duplicate).
   */
  openedAs: unknown
  /**
   * Entries were lost (a `dropped` marker) while this interaction was open or just before it began:
   * order and premature findings that lost events would explain are not made.
   */
  gap: boolean
  /** Report.events value of the previous event: shared (frozen) by the next events with the same definition. */
  lastInfo: EventInfo | null
}

export interface StreamState {
  plugin: string
  pageLoadId: string | undefined
  cp: CompiledProfile
  readySeen: boolean
  /**
   * Entries of this page load were lost (a `dropped` marker) before this plugin's `ready` was seen:
   * the `ready` may be among them, so order/before-ready is not reported.
   */
  readyUnknown: boolean
  beforeReadyReported: boolean
  current: InteractionState | null
  /** Metadata values the previous interaction of this stream ended with (by field index), for meta/stale. */
  previous: unknown[] | null
  /** seq of the previous `closed`, cited when the next interaction starts wrongly. */
  lastClosedSeq: number | null
  /**
   * Index of the last interaction begun in this stream (counted on from the page's, Segmenter.pageCounts).
   * Reset only when a stream without pageLoadId goes on in a new page (its ids then name the page), so
   * ids stay unique and stable.
   */
  count: number
  /** The page (PageLoads.pageOf) of its last interaction, and of its first (-1: none yet). */
  page: number
  firstPage: number
  /** A `dropped` marker came while no interaction was open: the next one may have begun in the gap. */
  gapPending: boolean
}


export class Segmenter {
  /** pageLoadId ('' when absent) -> plugin -> stream; nested maps avoid building a key per event. */
  private readonly streams = new Map<string, Map<string, StreamState>>()
  /** Every interaction in order of its first event (none when not `keep`: a stream read once keeps none it is done with). */
  readonly interactions: InteractionState[] = []
  /** `pages`: the page loads of the capture (pages.ts), fed by the caller before each entry. */
  constructor(private readonly pages: PageLoads, private readonly keep = true) {}
  /** Interactions neither closed nor superseded (order/unclosed at the end of a capture). */
  readonly open = new Set<InteractionState>()
  /** Interactions begun per plugin in the current top-level page. */
  private readonly pageCounts = new Map<string, number>()

  /**
   * Page loads ('' for entries without pageLoadId) with a `dropped` marker since their last `page-load`
   * marker: a stream created there later begins after lost entries (ready unknown, gap pending).
   */
  private readonly gapPages = new Set<string>()

  /** The stream of the previous call: consecutive events mostly share it. */
  private last: StreamState | null = null

  stream(cp: CompiledProfile, pageLoadId: string | undefined): StreamState {
    const last = this.last
    if (last !== null && last.cp === cp && last.pageLoadId === pageLoadId) return last
    let page = this.streams.get(pageLoadId ?? '')
    if (!page) this.streams.set(pageLoadId ?? '', (page = new Map()))
    let s = page.get(cp.profile.plugin)
    if (!s) {
      const gap = this.gapPages.size > 0 && this.gapPages.has(pageLoadId ?? '')
      s = { plugin: cp.profile.plugin, pageLoadId, cp, readySeen: false, readyUnknown: gap, beforeReadyReported: false, current: null, previous: null, lastClosedSeq: null, count: 0, page: -1, firstPage: -1, gapPending: gap }
      page.set(cp.profile.plugin, s)
    }
    return (this.last = s)
  }

  /**
   * A `page-load` marker: a new document in this pageLoadId (only matters for captures without
   * pageLoadId, where several page loads share ''). Plugin state restarts; an interaction left
   * open stays open and is reported as unclosed.
   */
  pageLoad(pageLoadId: string | undefined, top: boolean): void {
    if (top) this.pageCounts.clear()
    this.gapPages.delete(pageLoadId ?? '')
    for (const s of this.streams.get(pageLoadId ?? '')?.values() ?? []) {
      s.readySeen = false
      s.readyUnknown = false
      s.beforeReadyReported = false
      s.current = null
      s.previous = null
      s.lastClosedSeq = null
      s.gapPending = false
    }
  }

  /**
   * A `dropped` marker: entries of this pageLoadId (of every page load when the marker has none) were
   * lost (buffer overflow, capture paused, capture cleared). The open interactions continue with a
   * gap; a stream with none open expects one that began in the gap; a plugin whose `ready` was not
   * seen yet may have published it in the gap (ready unknown: no order/before-ready). Streams of
   * this page load created later (their first entry comes after the marker) begin the same way.
   */
  dropped(pageLoadId: string | undefined): void {
    // Without a pageLoadId the marker concerns every page load seen so far and, for captures
    // without pageLoadIds, the entries that follow it ('').
    this.gapPages.add(pageLoadId ?? '')
    const pages = pageLoadId === undefined ? [...this.streams.values()] : [this.streams.get(pageLoadId)]
    for (const page of pages) {
      for (const s of page?.values() ?? []) {
        if (s.current !== null) s.current.gap = true
        else s.gapPending = true
        if (!s.readySeen) s.readyUnknown = true
      }
    }
  }

  /** Is this step the start of a new interaction according to its own metadata? */
  private startsInteraction(cp: CompiledProfile, step: string, data: Record<string, unknown> | null): boolean {
    const p = cp.profile
    if (step === p.open) return true
    const early = p.earlyStart
    return early !== undefined && step === early.step && data !== null && data[early.flag] === true && data[p.open] === false
  }

  /** Set by locate(): this event is the first of its interaction. */
  isNew = false
  /** Set by locate(): an interaction that was still open and is ended by this event (it starts a new one). */
  superseded: InteractionState | null = null

  /** The interaction of a lifecycle event (fields isNew and superseded tell how it was decided). */
  locate(s: StreamState, step: string, data: Record<string, unknown> | null, seq: number): InteractionState {
    const cur = s.current
    this.isNew = cur === null
    this.superseded = null
    if (cur !== null) {
      // A new opened (or auto-submit) while the current interaction already has opened: closed was
      // lost or never published. End the current one so the new one gets fresh metadata checks.
      // An `opened` that repeats the current interaction's own `opened` timestamp is the same event
      // published twice (order/duplicate), not a new interaction.
      const openedAs = data !== null ? data[cur.cp.profile.open] : undefined
      const repeat = isStamp(openedAs) && (openedAs === cur.known[cur.cp.f.open] || openedAs === cur.openedAs)
      const start = !repeat && cur.seen.has(cur.cp.profile.open) && this.startsInteraction(cur.cp, step, data)
      // After lost entries, another `opened` timestamp means the next interaction began in the gap.
      const begunInGap = !start && cur.gap && data !== null && typeof data[cur.cp.profile.open] === 'number' &&
        typeof cur.known[cur.cp.f.open] === 'number' && data[cur.cp.profile.open] !== cur.known[cur.cp.f.open]
      if (!start && !begunInGap) {
        if (step === cur.cp.profile.open && cur.openedAs === undefined) cur.openedAs = openedAs
        return cur
      }
      cur.superseded = true
      this.open.delete(cur)
      s.previous = retire(cur)
      this.isNew = true
      this.superseded = cur
      if (begunInGap) s.gapPending = true
    }
    return this.begin(s, seq, step, data)
  }

  private begin(s: StreamState, seq: number, step: string, data: Record<string, unknown> | null): InteractionState {
    // Numbered within the page: a frame's documents (a frame reloaded, widgets in two documents)
    // count on with the page's, so no two interactions of one page share a label.
    // Never below the stream's own count: a pageLoadId reused by a later document keeps unique ids.
    const page = this.pages.pageOf(s.pageLoadId)
    if (s.firstPage < 0) s.firstPage = page
    else if (page !== s.page && s.pageLoadId === undefined) s.count = 0
    s.page = page
    const index = (s.count = Math.max(s.count, this.pageCounts.get(s.plugin) ?? 0) + 1)
    this.pageCounts.set(s.plugin, index)
    // Id stable while events are appended: plugin, index within its page, and the pageLoadId
    // when the entry has one (ids never change when a second page load shows up later); without
    // one, the page from the second page the plugin has interactions on (its numbers start again).
    // Joined, not `+`: one flat string, not a tree of pieces, as every map lookup hashes it and a
    // long check keeps thousands of them.
    const id = (s.pageLoadId !== undefined ? [s.plugin, '#', index, '@', s.pageLoadId] : page !== s.firstPage ? [s.plugin, '#', index, '@page', page] : [s.plugin, '#', index]).join('')
    const info: Interaction = { id, plugin: s.plugin, index, page, events: [], closed: false }
    if (s.pageLoadId !== undefined) info.pageLoadId = s.pageLoadId
    const ia: InteractionState = {
      info, cp: s.cp, firstSeq: seq, lastSeq: seq, last: '',
      seen: new Map(),
      known: new Array<unknown>(s.cp.names.length).fill(undefined),
      knownSeq: new Array<number>(s.cp.names.length).fill(-1),
      stale: null, once: 0, superseded: false, openedAs: step === s.cp.profile.open && data !== null ? data[s.cp.profile.open] : undefined, gap: s.gapPending && !this.beginsAfterGap(s.cp, step, data), lastInfo: null, fieldsReported: null,
    }
    s.current = ia
    s.gapPending = false
    if (this.keep) this.interactions.push(ia)
    this.open.add(ia)
    return ia
  }

  /**
   * An interaction whose first event is `opened` (not auto-submitted: its early step may have been
   * lost) began after the lost entries: none of its events is missing, so it is checked in full.
   */
  private beginsAfterGap(cp: CompiledProfile, step: string, data: Record<string, unknown> | null): boolean {
    const p = cp.profile
    return step === p.open && (p.earlyStart === undefined || data === null || data[p.earlyStart.flag] !== true)
  }

  /** After the rules ran: append the step to the interaction; `closed` ends it. */
  record(s: StreamState, ia: InteractionState, step: string, seq: number, time: number, eventName: string): void {
    ia.info.events.push({ seq, event: eventName, time })
    if (!ia.seen.has(step)) ia.seen.set(step, seq)
    ia.last = step
    ia.lastSeq = seq
    if (step === ia.cp.profile.close && s.current === ia) {
      ia.info.closed = true
      this.open.delete(ia)
      s.current = null
      s.previous = retire(ia)
      s.lastClosedSeq = seq
    }
  }
}

const RETIRED: never[] = []
/** The steps seen of every retired interaction: nothing reads or adds to them once it is over. */
const RETIRED_SEEN = new Map<string, number>()

/** A value an `opened` field can be repeated with: set, whatever its type (not false, null or an object). */
const isStamp = (v: unknown): boolean => v !== undefined && v !== null && v !== false && typeof v !== 'object'

/**
 * An interaction is over: hand its metadata values to the next interaction (meta/stale reads only
 * the timestamps) and drop the working state it no longer needs, so a long capture keeps little per
 * interaction besides its public Interaction.
 */
function retire(ia: InteractionState): unknown[] {
  const known = ia.known
  ia.known = RETIRED
  ia.knownSeq = RETIRED
  ia.seen = RETIRED_SEEN
  ia.stale = null
  return known
}

/** How a finding's message names an interaction: "Callback #2" (its page is in the finding's label). */
export function interactionName(info: { plugin: string; index: number }): string {
  return `${info.plugin} #${info.index}`
}

/** The Report.events value for an event of this interaction (shared: saves one object per event). */
export function eventInfo(ia: InteractionState, elapsed: ElapsedDefinition): EventInfo {
  const last = ia.lastInfo
  if (last !== null && last.elapsed === elapsed) return last
  return (ia.lastInfo = Object.freeze({ interaction: ia.info.id, elapsed }))
}

/** Findings made at most once per interaction. */
export const ONCE = {
  terminalExclusive: 1,
  flagsImplied: 2,
  errorsBeforeSubmit: 4,
  elapsedDefinition: 8,
} as const

/**
 * Marks `rule` (meta/shape or meta/timestamp-unit) as reported for field index `f` in this
 * interaction; false if it already was. Once per field: the plugin carries a bad value on every later event.
 */
export function firstFieldReport(ia: InteractionState, rule: 'shape' | 'unit', f: number): boolean {
  const key = f * 2 + (rule === 'shape' ? 1 : 0)
  const done = ia.fieldsReported
  if (done === null) ia.fieldsReported = [key]
  else if (done.includes(key)) return false
  else done.push(key)
  return true
}

/** Marks a once-per-interaction finding; returns false if it was already emitted. */
export function firstTime(ia: InteractionState, bit: (typeof ONCE)[keyof typeof ONCE]): boolean {
  if ((ia.once & bit) !== 0) return false
  ia.once |= bit
  return true
}
