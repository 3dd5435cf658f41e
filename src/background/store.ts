// Background (service worker / Firefox event page), pure: no browser API, unit-tested in
// test/unit/background-store.test.ts. The capture store of ONE tab:
// - de-duplicates what relays (re)send on (pageLoadId, per-load seq);
// - gives each stored entry the tab's session-wide seq (0, 1, 2, ...; never reused, also not after a
//   clear, so a panel that reconnects with `afterSeq` can never confuse old and new entries);
// - applies the tab's switches: recording off = not stored, but counted per page load, and when
//   recording resumes a `dropped` marker { count, where: 'paused' } (with that pageLoadId) marks the
//   gap, so the checker does not take the missing events for errors; preserve log off = a new
//   top-frame page load clears the store first (like Chrome's Network panel, the default), on = the
//   page-load marker stays in the log and the panel marks the navigation with it;
// - Clear (the panel's button, clearByUser) forgets the entries and begins the new capture with a
//   `dropped` marker { count, where: 'cleared' } per page load it had entries of: the capture then
//   begins in the middle of those page loads, and the checker must not expect their `ready`;
// - is bounded: past `maxEntries` events and commands the oldest entries go, counted in
//   TabState.dropped and in one `dropped` marker per burst (where: 'background': ingest() only
//   counts, the owner calls flushDropped() once the relay's batches stop coming). Markers do not use
//   that budget (they have MARKER_SLOTS of their own), so a burst of maxEntries events is stored whole.
//   A marker's count is what is gone in captured entries (model.ts lostBy): an evicted `dropped`
//   marker's count is carried into the next one, an evicted page-load or bus marker counts 0, so the
//   stored events and commands plus the stored markers' counts are exactly what the page published.
//   TabState.dropped counts every overflow loss once (also the hook's and the relay's markers passing
//   through), not entries paused or cleared.

import { RingBuffer, SeqDedupe } from '../core/buffer.ts'
import { droppedCount, lostBy, SESSION_FORMAT, SESSION_VERSION, type Json, type Session, type SessionEntry, type Severity } from '../core/model.ts'
import type { TabState } from '../core/protocol.ts'

export const DEFAULT_MAX_ENTRIES = 100_000
/** Slots for markers on top of the event budget (markers are few: one per gap, page load, bus). */
export const MARKER_SLOTS = 1_000

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
  /** Evictions not yet in a `dropped` marker (flushDropped): captured entries, and carried counts. */
  evicted?: { entries: number; carried: number }
}

/** Entries of one page load that are not in the store and not yet marked by a `dropped` marker. */
export interface NotRecorded {
  pageLoadId: string
  count: number
  frameUrl?: string
}

const emptyFindings = (): Record<Severity, number> => ({ error: 0, warning: 0, info: 0 })

export class TabStore {
  readonly state: TabState
  readonly entries: RingBuffer<SessionEntry>
  nextSeq = 0
  private dedupe: SeqDedupe
  /** Captured entries the bounded store evicted since the last settle(): the next `dropped` marker counts them... */
  private evicted = 0
  /** ...and the counts of evicted `dropped` markers it carries on (already in TabState.dropped). */
  private carried = 0
  /** Events and commands in `entries` (what maxEntries bounds). */
  private captured = 0
  /** pageLoadId of the current top-frame document; the bus marker of that page sets state.bus. */
  private topLoad: string | null = null
  /** Per page load: entries not stored while recording was off, marked when recording resumes. */
  private paused = new Map<string, NotRecorded>()

  constructor(tabId: number, readonly maxEntries = DEFAULT_MAX_ENTRIES, settings: { preserveLog?: boolean; recording?: boolean } = {}) {
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
    this.entries = new RingBuffer<SessionEntry>(maxEntries + MARKER_SLOTS)
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
        }
      }
      if (e.kind === 'marker' && e.marker === 'bus' && (this.state.bus === null || pageLoadId === this.topLoad)) {
        this.state.bus = busOf(e.data)
      }
      if (!this.state.recording) {
        this.notRecorded(e.pageLoadId ?? pageLoadId, e.frameUrl)
        continue
      }
      // The hook's and the relay's own overflows are losses too: the panel's banner counts them all.
      this.state.dropped += droppedCount(e)
      this.store({ ...e, seq: this.nextSeq++ }, added)
    }
    // Evictions wait for flushDropped: a flood evicts on batch after batch, one marker says it all.
    this.dropAdded(added)
    this.state.count = this.entries.length
    return { added, cleared }
  }

  /**
   * Record / Pause. Resuming stores a `dropped` marker (where: 'paused') for each page load that
   * published entries while paused, before anything captured after it; returns what was stored.
   */
  setRecording(on: boolean): SessionEntry[] {
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
   * begins with one `dropped` marker per such page load, where: 'cleared', count: how many entries of
   * that page load are no longer in the capture (entries cleared, entries not recorded while paused,
   * and those earlier `dropped` markers of it had counted). Returns the markers stored.
   */
  clearByUser(): SessionEntry[] {
    const gone = new Map<string, NotRecorded>()
    for (const e of this.entries.toArray()) {
      if (e.pageLoadId === undefined) continue
      const n = droppedCount(e) || 1
      const g = gone.get(e.pageLoadId)
      if (g) g.count += n
      else gone.set(e.pageLoadId, { pageLoadId: e.pageLoadId, count: n, ...(e.frameUrl !== undefined ? { frameUrl: e.frameUrl } : {}) })
    }
    for (const p of this.paused.values()) {
      const g = gone.get(p.pageLoadId)
      if (g) g.count += p.count
      else gone.set(p.pageLoadId, { ...p })
    }
    this.paused.clear()
    this.clear()
    const added: SessionEntry[] = []
    for (const g of gone.values()) this.store(this.gapMarker(g, 'cleared'), added)
    this.settle(added)
    return added
  }

  private notRecorded(pageLoadId: string, frameUrl: string | undefined): void {
    const p = this.paused.get(pageLoadId)
    if (p) p.count++
    else this.paused.set(pageLoadId, { pageLoadId, count: 1, ...(frameUrl !== undefined ? { frameUrl } : {}) })
  }

  private markPaused(added: SessionEntry[]): void {
    for (const p of this.paused.values()) this.store(this.gapMarker(p, 'paused'), added)
    this.paused.clear()
  }

  private gapMarker(g: NotRecorded, where: 'paused' | 'cleared'): SessionEntry {
    return {
      kind: 'marker', marker: 'dropped', seq: this.nextSeq++, time: Date.now(), pageLoadId: g.pageLoadId,
      ...(g.frameUrl !== undefined ? { frameUrl: g.frameUrl } : {}), data: { count: g.count, where },
    }
  }

  /** After storing: an overflow gets its marker; the count follows. */
  private settle(added: SessionEntry[]): void {
    if (this.hasPendingDropped()) this.noteDropped(added)
    this.state.count = this.entries.length
  }

  /** Whether evictions wait for their `dropped` marker (the owner then calls flushDropped soon). */
  hasPendingDropped(): boolean {
    return this.evicted > 0 || this.carried > 0
  }

  /** Stores the one `dropped` marker for the evictions so far (where: 'background'); returns it. */
  flushDropped(): SessionEntry[] {
    const added: SessionEntry[] = []
    this.settle(added)
    return added
  }

  private store(e: SessionEntry, added: SessionEntry[]): void {
    const evicted = this.entries.push(e)
    if (evicted !== undefined) this.forget(evicted)
    if (e.kind !== 'marker') this.captured++
    // Only events and commands use the budget: markers past it stay, the oldest entries go.
    while (this.captured > this.maxEntries) this.forget(this.entries.shift() as SessionEntry)
    added.push(e)
  }

  /** Counts what an entry leaving the store takes with it. */
  private forget(e: SessionEntry): void {
    if (e.kind !== 'marker') this.captured--
    if (e.kind === 'marker' && e.marker === 'dropped') this.carried += droppedCount(e)
    else {
      const n = lostBy(e)
      this.evicted += n
      this.state.dropped += n // the banner counts it at once, the marker follows
    }
  }

  /** One `dropped` marker for the evictions so far, placed after the entries that caused them. */
  private noteDropped(added: SessionEntry[]): void {
    const data = { count: 0, where: 'background' }
    const marker: SessionEntry = { kind: 'marker', marker: 'dropped', seq: this.nextSeq++, time: Date.now(), data }
    this.store(marker, added) // a full ring evicts one more for it: counted below, in this marker
    data.count = this.evicted + this.carried
    this.evicted = this.carried = 0
    this.dropAdded(added)
  }

  /** Entries that were evicted in this same batch must not reach panels as "added". */
  private dropAdded(added: SessionEntry[]): void {
    const oldest = this.entries.peek()?.seq ?? 0
    let i = 0
    while (i < added.length && (added[i] as SessionEntry).seq < oldest) i++
    if (i > 0) added.splice(0, i)
  }

  clear(): void {
    this.entries.clear()
    this.evicted = this.carried = this.captured = 0
    this.state.count = 0
    this.state.dropped = 0
  }

  /** Stored entries with seq > afterSeq (and <= upTo), oldest first. */
  since(afterSeq: number, upTo = Infinity): SessionEntry[] {
    const from = this.entries.lowerBound((e) => e.seq > afterSeq)
    const to = upTo === Infinity ? this.entries.length : this.entries.lowerBound((e) => e.seq > upTo)
    return this.entries.slice(from, to)
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
    if (this.hasPendingDropped()) meta.evicted = { entries: this.evicted, carried: this.carried }
    return meta
  }

  static restore(meta: TabMeta, entries: readonly SessionEntry[], maxEntries = DEFAULT_MAX_ENTRIES): TabStore {
    const s = new TabStore(meta.state.tabId, maxEntries)
    Object.assign(s.state, meta.state)
    s.nextSeq = meta.nextSeq
    s.dedupe = SeqDedupe.from(meta.dedupe)
    for (const p of Array.isArray(meta.paused) ? meta.paused : []) {
      if (p && typeof p.pageLoadId === 'string' && Number.isInteger(p.count) && p.count > 0) {
        s.paused.set(p.pageLoadId, { pageLoadId: p.pageLoadId, count: p.count, ...(typeof p.frameUrl === 'string' ? { frameUrl: p.frameUrl } : {}) })
      }
    }
    const ev = meta.evicted
    if (ev && Number.isInteger(ev.entries) && Number.isInteger(ev.carried) && ev.entries >= 0 && ev.carried >= 0) {
      s.evicted = ev.entries
      s.carried = ev.carried
    }
    for (const e of entries) {
      if (e.seq >= s.nextSeq) continue
      const evicted = s.entries.push(e)
      if (evicted && evicted.kind !== 'marker') s.captured--
      if (e.kind !== 'marker') s.captured++
    }
    while (s.captured > maxEntries) {
      const e = s.entries.shift() as SessionEntry
      if (e.kind !== 'marker') s.captured--
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
