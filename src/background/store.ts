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
// - is bounded: past `maxEntries` the oldest go, counted in TabState.dropped and in a `dropped` marker
//   (where: 'background'). TabState.dropped counts every overflow loss (also the hook's and the
//   relay's markers passing through), not entries paused or cleared.

import { RingBuffer, SeqDedupe } from '../core/buffer.ts'
import { droppedCount, type Json, type SessionEntry, type Severity } from '../core/model.ts'
import type { TabState } from '../core/protocol.ts'

export const DEFAULT_MAX_ENTRIES = 100_000

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
  /** Entries the bounded store evicted since the last settle(): the next `dropped` marker counts them. */
  private evicted = 0
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
    this.entries = new RingBuffer<SessionEntry>(maxEntries)
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
    this.settle(added)
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
    const dropped = this.evicted
    this.evicted = 0
    if (dropped > 0) this.noteDropped(dropped, added)
    this.state.count = this.entries.length
  }

  private store(e: SessionEntry, added: SessionEntry[]): void {
    if (this.entries.push(e) !== undefined) this.evicted++
    added.push(e)
  }

  /** One `dropped` marker for every overflow, placed after the entries that caused it. */
  private noteDropped(count: number, added: SessionEntry[]): void {
    // The marker itself takes a slot: when the store is full it evicts one more entry, counted here.
    const total = count + (this.entries.length === this.entries.capacity ? 1 : 0)
    this.state.dropped += total
    const marker: SessionEntry = { kind: 'marker', marker: 'dropped', seq: this.nextSeq++, time: Date.now(), data: { count: total, where: 'background' } }
    this.store(marker, added)
    this.evicted = 0 // the marker's own eviction is in `total`
    // Entries that were evicted in this same batch must not reach panels as "added".
    const oldest = this.entries.peek()?.seq ?? 0
    let i = 0
    while (i < added.length && (added[i] as SessionEntry).seq < oldest) i++
    if (i > 0) added.splice(0, i)
  }

  clear(): void {
    this.entries.clear()
    this.evicted = 0
    this.state.count = 0
    this.state.dropped = 0
  }

  /** Stored entries with seq > afterSeq (and <= upTo), oldest first. */
  since(afterSeq: number, upTo = Infinity): SessionEntry[] {
    const from = this.entries.lowerBound((e) => e.seq > afterSeq)
    const to = upTo === Infinity ? this.entries.length : this.entries.lowerBound((e) => e.seq > upTo)
    return this.entries.slice(from, to)
  }

  meta(): TabMeta {
    const meta: TabMeta = { state: { ...this.state, findings: { ...this.state.findings } }, nextSeq: this.nextSeq, dedupe: this.dedupe.toJSON() }
    if (this.paused.size > 0) meta.paused = [...this.paused.values()].map((p) => ({ ...p }))
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
    for (const e of entries) if (e.seq < s.nextSeq) s.entries.push(e)
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
