// Background (service worker / Firefox event page), pure: no browser API, unit-tested in
// test/unit/background-store.test.ts. The capture store of ONE tab:
// - de-duplicates what relays (re)send on (pageLoadId, per-load seq);
// - gives each stored entry the tab's session-wide seq (0, 1, 2, ...; never reused, also not after a
//   clear, so a panel that reconnects with `afterSeq` can never confuse old and new entries);
// - applies the tab's switches: recording off = events and commands not stored (markers are), but
//   counted per page load, and when recording resumes (with Preserve log: at the next top-frame page
//   load) a `dropped` marker { count, where: 'paused' } (with that pageLoadId and the time of the
//   first entry it counts) marks the gap, so the checker does not take the missing events for errors; preserve log off = a new
//   top-frame page load clears the store first (like Chrome's Network panel, the default), on = the
//   page-load marker stays in the log and the panel marks the navigation with it;
// - Clear (the panel's button, clearByUser) forgets the entries and begins the new capture with a
//   `dropped` marker { count, where: 'cleared' } per page load of the current document it had
//   entries of: the capture then begins in the middle of those page loads, and the checker must not
//   expect their `ready`. Its count: the events and commands this Clear removed of that page load.
//   Earlier documents (Preserve log) are counted in the current one's marker;
// - is bounded: past `maxEntries` events and commands, entries go, counted in TabState.dropped at
//   once and in `dropped` markers (where: 'background') later: ingest() only counts, the owner calls
//   flushDropped() once the relay's batches stop coming. What goes first is housekeeping: entries of
//   plugins outside focus.ts's focus (Watchman, WindowManager, ...: no profile, nothing checked) live
//   in a lane of their own and are evicted oldest first while any is left; only then the oldest of
//   the kept lane (the profiles' plugins, their services). A tab left open on a real page
//   (Watchman three times a second) thus keeps its Callback history however long it stays open.
//   Markers do not use the budget: they have a lane of their own (MARKER_SLOTS), so a burst of
//   maxEntries events is stored whole and evicting events never takes a page-load or bus marker,
//   nor a checked plugin's `ready` (kept with them: without it, order/before-ready on what follows).
// - counts evictions per plugin and page load, and writes one marker per plugin and page load:
//   data { count, where: 'background', plugin } with that pageLoadId. Those of checked plugins (and
//   counts carried without a plugin) come with the next flush, one per burst. Housekeeping ones are
//   paced: the first at once, then at most one per HOUSEKEEPING_WAIT_MS doubling up to
//   HOUSEKEEPING_MAX_WAIT_MS, the count growing meanwhile (an export flushes them all: exact), so a
//   tab evicting Watchman for hours holds a handful of markers, not one per second.
//   A marker's count is what is gone in captured entries (model.ts lostBy): an evicted `dropped`
//   marker's count is carried into the next one of its plugin and page load, an evicted page-load or
//   bus marker counts 0, so the stored events and commands plus the stored markers' counts are
//   exactly what the page published (since the last Clear: its markers count what it removed). TabState.dropped counts every overflow loss once (also the
//   hook's and the relay's markers passing through), not entries paused or cleared.

import { SeqDedupe, SeqLanes } from '../core/buffer.ts'
import { focusPlugins } from '../core/focus.ts'
import { accountPlugin, HOUSEKEEPING, KEPT, laneOf, MARKERS } from '../core/lanes.ts'
import { droppedCount, droppedPlugin, lostBy, SESSION_FORMAT, SESSION_VERSION, type Json, type Session, type SessionEntry, type Severity } from '../core/model.ts'
import type { TabState } from '../core/protocol.ts'

export const DEFAULT_MAX_ENTRIES = 100_000
/** Slots for markers on top of the event budget (markers are few: one per gap, page load, bus). */
export const MARKER_SLOTS = 1_000
/** After a housekeeping plugin's `dropped` marker, the next one waits this long, then twice as long... */
export const HOUSEKEEPING_WAIT_MS = 60_000
/** ...up to this (an hour: a tab open for a day holds a few dozen per plugin at most). */
export const HOUSEKEEPING_MAX_WAIT_MS = 3_600_000
/**
 * Entries reach the store up to a few hundred ms after the page published them (the hook sends at
 * idle time, at most 250 ms later on a busy page): one published less than this before Pause was
 * clicked but arriving after it is recorded. Bounded, so a page's made-up old times cannot slip past Pause.
 */
export const PAUSE_GRACE_MS = 2_000

/**
 * A tab store that evicted waits this long after the last batch before it stores the `dropped`
 * markers (one per plugin and page load): a flood evicts on batch after batch, and says so once. A
 * page that never stops publishing gets one per DROPPED_MAX_WAIT_MS, except for housekeeping
 * plugins, whose markers the store paces itself (TabStore.droppedDueIn).
 */
export const DROPPED_SETTLE_MS = 1_000
export const DROPPED_MAX_WAIT_MS = 5_000

/**
 * When the owner of a TabStore (the extension's background, per tab; the test kit's collector) calls
 * flushDropped next: after each batch (and after a flush that left housekeeping waiting), `next`
 * says in how many ms, or null when nothing waits; `flushed` once it did.
 */
export class DroppedSchedule {
  /** When the burst being waited out began evicting. */
  private since: number | undefined

  next(store: TabStore, now = Date.now()): number | null {
    if (!store.hasPendingDropped()) return null
    const due = store.droppedDueIn(now)
    if (due > 0) {
      // Only housekeeping waits, on its own pace: not the start of a burst.
      this.since = undefined
      return Math.min(due, 2 ** 31 - 1)
    }
    this.since ??= now
    return Math.max(0, Math.min(DROPPED_SETTLE_MS, this.since + DROPPED_MAX_WAIT_MS - now))
  }

  flushed(): void {
    this.since = undefined
  }
}

export { HOUSEKEEPING, KEPT, laneOf, MARKERS } from '../core/lanes.ts'
const FOCUS = focusPlugins()
/** Entries that use the maxEntries budget: those outside the markers' lane. */
const inBudget = (e: SessionEntry): boolean => laneOf(e) !== MARKERS
const isHousekeeping = (plugin: string): boolean => plugin !== '' && !FOCUS.has(plugin)

export interface IngestResult {
  /** Entries newly stored, with their session seq (markers the store itself added included). */
  added: SessionEntry[]
  /** The store was cleared first (top-frame navigation without preserve log). */
  cleared: boolean
}

/** What persist.ts writes for a tab besides the entries; restored with TabStore.restore. */
export interface TabMeta {
  state: TabState
  nextSeq: number
  dedupe: [string, number][]
  /** Entries not recorded (paused) per page load, not yet marked (absent in older saves). */
  paused?: NotRecorded[]
  /** Per lane: entries below this seq were evicted (chunks saved before still hold some). */
  floors?: number[]
  /** Evictions per plugin and page load, and the pace of housekeeping markers (absent when none). */
  drops?: DropAccount[]
  /** Older saves: evictions not yet in a marker, as one count. */
  evicted?: { entries: number; carried: number }
}

/** Evictions of one plugin ('' for counts carried without one) and page load. */
export interface DropAccount {
  plugin: string
  pageLoadId?: string
  frameUrl?: string
  /** Captured entries gone and not yet in a `dropped` marker. */
  count: number
  /** Housekeeping: no marker of it before this time (ms)... */
  next?: number
  /** ...and the wait after the next one. */
  wait?: number
}

const dropKey = (plugin: string, pageLoadId: string | undefined): string => `${plugin}\n${pageLoadId ?? ''}`

/** Entries of one page load that are not in the store and not yet marked by a `dropped` marker. */
export interface NotRecorded {
  pageLoadId: string
  count: number
  frameUrl?: string
  /** The page's time of the first of them (absent in older saves). */
  time?: number
}

const emptyFindings = (): Record<Severity, number> => ({ error: 0, warning: 0, info: 0 })

export class TabStore {
  readonly state: TabState
  /** Lane KEPT: the focus plugins; lane HOUSEKEEPING: the rest, evicted first; lane MARKERS: markers. */
  readonly entries: SeqLanes<SessionEntry>
  nextSeq = 0
  private dedupe: SeqDedupe
  /** Evictions not yet in a marker, per plugin and page load (dropKey). */
  private drops = new Map<string, DropAccount>()
  /** The account the last eviction went to (undefined once accounts may have been removed). */
  private lastDrop: DropAccount | undefined
  /** Sum of the accounts' counts (hasPendingDropped is asked after every batch). */
  private unmarked = 0
  /** While a marker is being stored: what its own insertion evicts is counted in it. */
  private absorbing: { key: string; count: number; mixed: boolean } | null = null
  /** Events and commands in `entries` (what maxEntries bounds). */
  private captured = 0
  /** pageLoadId of the current top-frame document; the bus marker of that page sets state.bus. */
  private topLoad: string | null = null
  /** pageLoadId whose bus marker set state.bus: its second marker (the version, once known) updates it. */
  private busLoad: string | null = null
  /** Per page load: entries not stored while recording was off, marked when recording resumes. */
  private paused = new Map<string, NotRecorded>()
  /**
   * The last pause (Date.now() of the clicks; `to` Infinity while paused): an entry published in it
   * is not recorded, one published outside it is, whenever it arrives (within PAUSE_GRACE_MS of a click).
   */
  private pause = { from: Infinity, to: Infinity }

  /** Housekeeping plugins' markers paced (a tab left open for hours); off in the test kit, whose runs are short. */
  private readonly paced: boolean

  constructor(tabId: number, readonly maxEntries = DEFAULT_MAX_ENTRIES, settings: { preserveLog?: boolean; recording?: boolean; paceHousekeeping?: boolean } = {}) {
    this.paced = settings.paceHousekeeping ?? true
    this.state = {
      tabId,
      url: '',
      preserveLog: settings.preserveLog ?? false,
      recording: settings.recording ?? true,
      bus: null,
      dropped: 0,
      count: 0,
      findings: emptyFindings(),
    }
    this.entries = new SeqLanes<SessionEntry>([maxEntries, maxEntries, MARKER_SLOTS])
    this.dedupe = new SeqDedupe()
  }

  /** Entries of one relay batch, numbered per page load; returns what was stored. */
  ingest(pageLoadId: string, batch: readonly SessionEntry[]): IngestResult {
    const added: SessionEntry[] = []
    let cleared = false
    // Recording was switched on without setRecording (a restore, a test): mark the gap first.
    if (this.state.recording && this.paused.size > 0) this.markPaused(added)
    for (const e of batch) {
      if (!this.dedupe.accept(pageLoadId, e.seq)) continue
      if (e.kind === 'marker' && e.marker === 'page-load' && isTopLoad(e.data)) {
        this.topLoad = pageLoadId
        this.state.url = urlOf(e.data) ?? this.state.url
        this.state.bus = null
        if (!this.state.preserveLog) {
          // The previous documents are gone, and so are the gaps in their capture.
          this.paused.clear()
          if (this.entries.length > 0) {
            this.clear()
            added.length = 0
            cleared = true
          }
        } else if (this.paused.size > 0) {
          // Kept documents publish nothing more: their gap is marked now, before the new page load's row.
          this.markPaused(added)
        }
      }
      // The top page's bus wins; else the first frame's (widgets in an iframe), with its later version.
      if (e.kind === 'marker' && e.marker === 'bus' && (this.state.bus === null || pageLoadId === this.topLoad || pageLoadId === this.busLoad)) {
        this.state.bus = busOf(e.data)
        this.busLoad = pageLoadId
      }
      // Pause is about events and commands: markers (page loads, the bus, gaps) say what the page
      // was and are stored whatever the switch (the panel numbers page loads by them).
      if (e.kind !== 'marker' && !this.recorded(e)) {
        this.notRecorded(e.pageLoadId ?? pageLoadId, e)
        continue
      }
      // The hook's and the relay's own overflows are losses too: the panel's banner counts them all.
      this.state.dropped += droppedCount(e)
      this.store({ ...e, seq: this.nextSeq++ }, added)
    }
    // Published while paused, arrived after Resume: their own marker, after them.
    if (this.state.recording && this.paused.size > 0) this.markPaused(added)
    // Evictions wait for flushDropped: a flood evicts on batch after batch, one marker says it all.
    this.dropAdded(added)
    this.state.count = this.entries.length
    return { added, cleared }
  }

  /**
   * Record / Pause. Resuming stores a `dropped` marker (where: 'paused') for each page load that
   * published entries while paused, before anything captured after it; returns what was stored.
   * `now`: when it was clicked. Whether an entry is recorded goes by when the page published it
   * (`recorded`), not by when it arrives: a batch comes up to a few hundred ms after its entries.
   */
  setRecording(on: boolean, now = Date.now()): SessionEntry[] {
    if (this.state.recording && !on) this.pause = { from: now, to: Infinity }
    if (!this.state.recording && on) this.pause.to = now
    this.state.recording = on
    const added: SessionEntry[] = []
    if (on && this.paused.size > 0) {
      this.markPaused(added)
      this.settle(added)
    }
    return added
  }

  /**
   * The panel's Clear: forgets the stored entries. The capture goes on in the middle of the page
   * loads it had entries of (their `ready` and the start of an open interaction are gone), so it
   * begins with one `dropped` marker per such page load, where: 'cleared', count: the events and
   * commands of it this Clear removed (markers are not counted; the counts add up to the events and
   * commands the store held). Entries not recorded while paused keep their own marker, written on
   * Resume. Returns the markers stored.
   */
  clearByUser(): SessionEntry[] {
    const gone = new Map<string, NotRecorded & { last: number }>()
    // The current document: its last top-level page load. Page loads whose entries all came before it
    // are of earlier documents (Preserve log): they publish nothing more, so they need no marker of
    // their own, and one each would come back with every Clear (the marker is an entry of its page load).
    let top: SessionEntry | undefined
    /** Page loads of sub-frames: not pages of their own in `earlier.pages`. */
    const frames = new Set<string>()
    for (const e of this.entries.toArray()) {
      if (e.kind === 'marker' && e.marker === 'page-load' && e.pageLoadId !== undefined) {
        if (isTopLoad(e.data)) top = e
        else frames.add(e.pageLoadId)
      }
      // A page load with events, commands or a gap gets a marker (its gap goes on); only events and commands count.
      if (e.pageLoadId === undefined || (e.kind === 'marker' && e.marker !== 'dropped')) continue
      const n = e.kind === 'marker' ? 0 : 1
      const g = gone.get(e.pageLoadId)
      if (g) {
        g.count += n
        g.last = e.seq
      } else gone.set(e.pageLoadId, { pageLoadId: e.pageLoadId, count: n, last: e.seq, ...(e.frameUrl !== undefined ? { frameUrl: e.frameUrl } : {}) })
    }
    // Evicted and not yet marked: a gap in these page loads too (not counted: the store no longer held them).
    for (const a of this.drops.values()) {
      if (a.count > 0 && a.pageLoadId !== undefined && !gone.has(a.pageLoadId)) {
        gone.set(a.pageLoadId, { pageLoadId: a.pageLoadId, count: 0, last: Infinity, ...(a.frameUrl !== undefined ? { frameUrl: a.frameUrl } : {}) })
      }
    }
    /** What this Clear removed of earlier documents: said by one marker. */
    const earlier = { count: 0, pages: 0 }
    let carrier: string | undefined
    if (top !== undefined) {
      let lastEarlier: (NotRecorded & { last: number }) | undefined
      for (const [id, g] of gone) {
        if (id === top.pageLoadId || g.last > top.seq) continue
        earlier.count += g.count
        if (g.count > 0 && !frames.has(id)) earlier.pages++ // a page load of which it removed something
        lastEarlier = g
        gone.delete(id)
      }
      if (earlier.count > 0 && lastEarlier !== undefined) {
        // The current page load's marker says them; when it has none, the last earlier page load's.
        const at = gone.get(top.pageLoadId as string) ?? { ...lastEarlier, count: 0 }
        gone.set(at.pageLoadId, at)
        carrier = at.pageLoadId
      }
    }
    this.clear()
    const added: SessionEntry[] = []
    for (const g of gone.values()) {
      const marker = this.gapMarker(g, 'cleared')
      if (g.pageLoadId === carrier) marker.data = { count: g.count + earlier.count, where: 'cleared', earlier }
      this.store(marker, added)
    }
    this.settle(added)
    return added
  }

  /**
   * Recorded: published outside the last pause. Only the page's time within PAUSE_GRACE_MS of a click
   * is believed (a page's made-up old or future times cannot slip past Pause); beyond that, arrival decides.
   */
  private recorded(e: SessionEntry): boolean {
    const { from, to } = this.pause
    if (!this.state.recording) return e.time < from && e.time >= from - PAUSE_GRACE_MS
    return !(e.time >= from && e.time < to && e.time >= to - PAUSE_GRACE_MS)
  }

  private notRecorded(pageLoadId: string, e: SessionEntry): void {
    const p = this.paused.get(pageLoadId)
    if (p) p.count++
    else this.paused.set(pageLoadId, { pageLoadId, count: 1, time: e.time, ...(e.frameUrl !== undefined ? { frameUrl: e.frameUrl } : {}) })
  }

  private markPaused(added: SessionEntry[]): void {
    for (const p of this.paused.values()) this.store(this.gapMarker(p, 'paused'), added)
    this.paused.clear()
  }

  /** A paused marker has the time of the first entry it counts (where the gap begins), a cleared one the click's. */
  private gapMarker(g: NotRecorded, where: 'paused' | 'cleared'): SessionEntry {
    return {
      kind: 'marker', marker: 'dropped', seq: this.nextSeq++, time: g.time ?? Date.now(), pageLoadId: g.pageLoadId,
      ...(g.frameUrl !== undefined ? { frameUrl: g.frameUrl } : {}), data: { count: g.count, where },
    }
  }

  /** After storing: an overflow gets its marker (those due); the count follows. */
  private settle(added: SessionEntry[], force = false, now = Date.now()): void {
    if (this.hasPendingDropped()) this.noteDropped(added, force, now)
    this.state.count = this.entries.length
  }

  /** Whether evictions wait for their `dropped` marker (the owner then calls flushDropped in time). */
  hasPendingDropped(): boolean {
    return this.unmarked > 0
  }

  /**
   * In how many ms flushDropped has a marker to write: 0 when one is due (a checked plugin's, or a
   * housekeeping plugin's first), Infinity when nothing waits.
   */
  droppedDueIn(now = Date.now()): number {
    let due = Infinity
    for (const a of this.drops.values()) {
      if (a.count === 0) continue
      const at = this.paced && isHousekeeping(a.plugin) && a.next !== undefined ? Math.max(0, a.next - now) : 0
      if (at < due) due = at
    }
    return due
  }

  /**
   * Stores the `dropped` markers due (where: 'background', one per plugin and page load); `force`:
   * all of them, housekeeping too (an export says exactly what is missing). Returns what it stored.
   */
  flushDropped(force = false, now = Date.now()): SessionEntry[] {
    const added: SessionEntry[] = []
    this.settle(added, force, now)
    return added
  }

  /** Each lane's first seq still stored (KEPT, HOUSEKEEPING, MARKERS): what a save and a background `dropped` marker record. */
  private floors(): number[] {
    return [this.entries.floor(KEPT), this.entries.floor(HOUSEKEEPING), this.entries.floor(MARKERS)]
  }

  private store(e: SessionEntry, added: SessionEntry[]): void {
    const lane = laneOf(e)
    const evicted = this.entries.push(lane, e)
    if (evicted !== undefined) this.forget(evicted)
    if (lane !== MARKERS) this.captured++
    // Only events and commands use the budget (markers are in a lane of their own). Housekeeping goes first.
    while (this.captured > this.maxEntries) {
      this.forget(this.entries.shift(this.entries.laneLength(HOUSEKEEPING) > 0 ? HOUSEKEEPING : KEPT) as SessionEntry)
    }
    added.push(e)
  }

  /** Counts what an entry leaving the store takes with it, in the account of its plugin and page load. */
  private forget(e: SessionEntry): void {
    if (inBudget(e)) this.captured--
    const n = lostBy(e)
    if (n === 0) return
    // A `dropped` marker's count is in TabState.dropped already; an event's is counted now (the
    // banner says it at once, the marker follows).
    if (e.kind !== 'marker') this.state.dropped += n
    const plugin = accountPlugin(e)
    if (this.absorbing) {
      this.absorbing.count += n
      if (dropKey(plugin, e.pageLoadId) !== this.absorbing.key) this.absorbing.mixed = true
      return
    }
    // Evictions come in runs of one plugin and page load: the last account, without a lookup.
    let a = this.lastDrop
    if (a === undefined || a.plugin !== plugin || a.pageLoadId !== e.pageLoadId) {
      const key = dropKey(plugin, e.pageLoadId)
      a = this.drops.get(key)
      if (!a) {
        a = { plugin, count: 0, ...(e.pageLoadId !== undefined ? { pageLoadId: e.pageLoadId } : {}), ...(e.frameUrl !== undefined ? { frameUrl: e.frameUrl } : {}) }
        this.drops.set(key, a)
      }
      this.lastDrop = a
    }
    a.count += n
    this.unmarked += n
  }

  /** One `dropped` marker per account due, placed after the entries that caused the evictions. */
  private noteDropped(added: SessionEntry[], force: boolean, now: number): void {
    this.lastDrop = undefined
    for (const [key, a] of this.drops) {
      const housekeeping = this.paced && isHousekeeping(a.plugin)
      if (a.count === 0) {
        // A burst long over: the next one of this plugin is said at once again.
        if (!housekeeping || a.next === undefined || now >= a.next + HOUSEKEEPING_MAX_WAIT_MS) this.drops.delete(key)
        continue
      }
      if (housekeeping && !force && a.next !== undefined && now < a.next) continue
      const data: { count: number; where: string; plugin?: string; floors?: number[] } = { count: 0, where: 'background', ...(a.plugin ? { plugin: a.plugin } : {}) }
      const marker: SessionEntry = {
        kind: 'marker', marker: 'dropped', seq: this.nextSeq++, time: now,
        ...(a.pageLoadId !== undefined ? { pageLoadId: a.pageLoadId } : {}), ...(a.frameUrl !== undefined ? { frameUrl: a.frameUrl } : {}), data,
      }
      // A full lane evicts one more for the marker: counted in it (then it no longer names one
      // plugin and page load if that entry was of another).
      const absorbing = (this.absorbing = { key, count: 0, mixed: false })
      this.store(marker, added)
      this.absorbing = null
      data.count = a.count + absorbing.count
      // Where the lanes stand now: a panel that has the entries evicted drops the same (core/lanes.ts evictedWith).
      data.floors = this.floors()
      if (absorbing.mixed) {
        delete data.plugin
        delete marker.pageLoadId
        delete marker.frameUrl
      }
      this.unmarked -= a.count
      a.count = 0
      if (housekeeping) {
        a.wait = a.next === undefined ? HOUSEKEEPING_WAIT_MS : Math.min((a.wait ?? HOUSEKEEPING_WAIT_MS) * 2, HOUSEKEEPING_MAX_WAIT_MS)
        a.next = now + a.wait
      } else this.drops.delete(key)
    }
    this.dropAdded(added)
  }

  /** Entries that were evicted in this same batch must not reach panels as "added". */
  private dropAdded(added: SessionEntry[]): void {
    const first = added[0]
    if (first === undefined || (first.seq >= this.entries.floor(KEPT) && first.seq >= this.entries.floor(HOUSEKEEPING) && first.seq >= this.entries.floor(MARKERS))) return
    let j = 0
    for (const e of added) if (e.seq >= this.entries.floor(laneOf(e))) added[j++] = e
    added.length = j
  }

  clear(): void {
    this.entries.clear(this.nextSeq)
    this.drops.clear()
    this.lastDrop = undefined
    this.unmarked = this.captured = 0
    this.state.count = 0
    this.state.dropped = 0
  }

  /** Stored entries with seq > afterSeq (and <= upTo), oldest first. */
  since(afterSeq: number, upTo = Infinity): SessionEntry[] {
    return this.entries.since(afterSeq, upTo)
  }

  /**
   * The session file of SPEC.md §4 (what Export writes): the stored entries and what the page was.
   * Call flushDropped() first, so the file says exactly what is missing.
   */
  toSession(userAgent: string): Session {
    return {
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      source: {
        ...(this.state.url ? { url: this.state.url } : {}),
        ...(this.state.bus?.widgetsVersion ? { widgetsVersion: this.state.bus.widgetsVersion } : {}),
        userAgent,
      },
      events: this.entries.toArray(),
    }
  }

  meta(): TabMeta {
    const meta: TabMeta = { state: { ...this.state, findings: { ...this.state.findings } }, nextSeq: this.nextSeq, dedupe: this.dedupe.toJSON() }
    if (this.paused.size > 0) meta.paused = [...this.paused.values()].map((p) => ({ ...p }))
    meta.floors = this.floors()
    if (this.drops.size > 0) meta.drops = [...this.drops.values()].map((a) => ({ ...a }))
    return meta
  }

  static restore(meta: TabMeta, entries: readonly SessionEntry[], maxEntries = DEFAULT_MAX_ENTRIES): TabStore {
    const s = new TabStore(meta.state.tabId, maxEntries)
    Object.assign(s.state, meta.state)
    s.nextSeq = meta.nextSeq
    s.dedupe = SeqDedupe.from(meta.dedupe)
    for (const p of Array.isArray(meta.paused) ? meta.paused : []) {
      if (p && typeof p.pageLoadId === 'string' && Number.isInteger(p.count) && p.count > 0) {
        s.paused.set(p.pageLoadId, {
          pageLoadId: p.pageLoadId, count: p.count, ...(typeof p.frameUrl === 'string' ? { frameUrl: p.frameUrl } : {}), ...(Number.isFinite(p.time) ? { time: p.time } : {}),
        })
      }
    }
    for (const a of Array.isArray(meta.drops) ? meta.drops : []) {
      if (!a || typeof a.plugin !== 'string' || !Number.isInteger(a.count) || a.count < 0) continue
      const pageLoadId = typeof a.pageLoadId === 'string' ? a.pageLoadId : undefined
      const account: DropAccount = { plugin: a.plugin, count: a.count, ...(pageLoadId !== undefined ? { pageLoadId } : {}), ...(typeof a.frameUrl === 'string' ? { frameUrl: a.frameUrl } : {}) }
      if (Number.isFinite(a.next) && Number.isFinite(a.wait)) Object.assign(account, { next: a.next, wait: a.wait })
      s.drops.set(dropKey(a.plugin, pageLoadId), account)
      s.unmarked += a.count
    }
    const ev = meta.evicted
    if (ev && Number.isInteger(ev.entries) && Number.isInteger(ev.carried) && ev.entries + ev.carried > 0) {
      s.drops.set(dropKey('', undefined), { plugin: '', count: ev.entries + ev.carried })
      s.unmarked += ev.entries + ev.carried
    }
    // Saved chunks may still hold entries evicted before the save: below their lane's floor.
    const floors = Array.isArray(meta.floors) ? meta.floors.map((f) => (Number.isInteger(f) ? f : 0)) : []
    const last = [-1, -1, -1]
    for (const e of entries) {
      const lane = laneOf(e)
      if (e.seq >= s.nextSeq || e.seq < (floors[lane] ?? 0) || e.seq <= (last[lane] as number)) continue
      last[lane] = e.seq
      const evicted = s.entries.push(lane, e)
      if (evicted && inBudget(evicted)) s.captured--
      if (lane !== MARKERS) s.captured++
    }
    s.entries.setFloors(floors)
    while (s.captured > maxEntries) {
      s.entries.shift(s.entries.laneLength(HOUSEKEEPING) > 0 ? HOUSEKEEPING : KEPT)
      s.captured--
    }
    s.state.count = s.entries.length
    return s
  }
}

function field(data: Json, key: string): Json | undefined {
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? data[key] : undefined
}
const isTopLoad = (data: Json): boolean => field(data, 'top') === true
function urlOf(data: Json): string | undefined {
  const u = field(data, 'url')
  return typeof u === 'string' ? u : undefined
}
function busOf(data: Json): TabState['bus'] {
  const via = field(data, 'via')
  const version = field(data, 'widgetsVersion')
  return { via: typeof via === 'string' ? via : 'unknown', ...(typeof version === 'string' ? { widgetsVersion: version } : {}) }
}
