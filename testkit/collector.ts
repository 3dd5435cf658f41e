// Node (test kit). What the relay and the background do for the extension, for a test runner that
// feeds the page hook's batches in through an exposed function (protocol.ts section 1b): checks
// every message and every entry with the protocol guards (batchEntries, as the background does),
// numbers the entries per page load (seq 0, 1, 2, ..., pageLoadId, frameUrl) behind a page-load
// marker, and stores them in the extension's own TabStore
// (session-wide seq, dropped markers, the budget), so a session file is built exactly as an export.
import { randomUUID } from 'node:crypto'
import { DroppedSchedule, TabStore, DEFAULT_MAX_ENTRIES } from '../src/background/store.ts'
import { matchesPattern } from '../src/core/focus.ts'
import type { Session, SessionEntry } from '../src/core/model.ts'
import { batchEntries, isBatchCounts, isObject, isPageLoadId, type HookEntry } from '../src/core/protocol.ts'

export interface CollectorOptions {
  /** Keep the entries of earlier documents when the top frame navigates (default true; the panel's "Preserve log"). */
  preserveLog?: boolean
  /** Most events and commands kept (default 100 000, as the extension); the oldest go, counted. */
  maxEntries?: number
}

interface Load {
  url: string
  nextSeq: number
  /**
   * A frame's hello from its initial about:blank: the marker waits for the first batch, which says
   * the URL of the page that loaded into the same window (none: a blank frame, or one whose page
   * came in a window of its own, as cross-origin pages do in Firefox, gets no marker).
   */
  pending?: { time: number }
}

/** Name of an entry as waitFor matches it: the event or command name ("Callback.completed"), or "marker:page-load". */
export function entryName(e: SessionEntry): string {
  return e.kind === 'event' ? e.event : e.kind === 'command' ? e.command : `marker:${e.marker}`
}

/** What a frame's URL is before its first document loads into the same window. */
const initialUrl = (url: string): boolean => url === '' || url === 'about:blank'

export class Collector {
  readonly store: TabStore
  private loads = new Map<string, Load>()
  private listeners = new Set<(added: readonly SessionEntry[]) => void>()
  /** Messages that were not HookToTestkit at all, or without this capture's key (a hook bug, or a page calling the runner's binding itself). */
  rejected = 0
  /** What the hook sends with every message (protocol.ts TESTKIT_KEY): the runner gives it to the hook only. */
  readonly key = randomUUID()
  /**
   * Per name (entryName): how many the page sent and the last of them stored. A small maxEntries
   * evicts what arrived: waitFor counts arrivals, not what is still stored.
   */
  private arrived = new Map<string, { sent: number; last?: SessionEntry }>()
  /** `dropped` markers of an overflow come when the background would store them (its timer, unref'd: never keeps a test run alive). */
  private readonly schedule = new DroppedSchedule()
  private droppedTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: CollectorOptions = {}) {
    // Housekeeping markers unpaced: a test waits seconds, not the hour a tab left open is paced for.
    this.store = new TabStore(0, options.maxEntries ?? DEFAULT_MAX_ENTRIES, { preserveLog: options.preserveLog ?? true, paceHousekeeping: false })
  }

  /** One call of the exposed function: JSON text of a HookToTestkit message. */
  receive(text: unknown): void {
    let msg: unknown
    try {
      msg = typeof text === 'string' ? JSON.parse(text) : undefined
    } catch {
      msg = undefined
    }
    if (!isObject(msg) || msg.key !== this.key || !isPageLoadId(msg.load)) {
      this.rejected++
      return
    }
    const loadId = msg.load
    if (msg.type === 'hello') {
      if (this.loads.has(loadId)) return
      const url = typeof msg.url === 'string' ? msg.url : ''
      const time = typeof msg.time === 'number' && Number.isFinite(msg.time) ? msg.time : Date.now()
      if (msg.top !== true && initialUrl(url)) this.loads.set(loadId, { url, nextSeq: 0, pending: { time } })
      else this.pageLoad(loadId, url, time, msg.top === true)
      return
    }
    if (msg.type !== 'batch' || !isBatchCounts(msg)) {
      this.rejected++
      return
    }
    const load = this.load(loadId)
    // The URL per batch, as the relay reads it (a frame's hook installed in its initial about:blank
    // keeps its window when the frame's page loads there).
    if (typeof msg.url === 'string' && msg.url !== '') load.url = msg.url
    if (load.pending) {
      this.pageLoad(loadId, load.url, load.pending.time, false)
      delete load.pending
    }
    const at = { pageLoadId: loadId, seq: load.nextSeq, count: msg.count, lost: msg.lost, frameUrl: load.url }
    load.nextSeq += at.count
    this.ingest(loadId, batchEntries(msg.entries, at))
  }

  private load(loadId: string): Load {
    let load = this.loads.get(loadId)
    if (!load) {
      // Batches without a hello (cannot happen with the shipped hook): numbered all the same.
      load = { url: '', nextSeq: 0 }
      this.loads.set(loadId, load)
    }
    return load
  }

  /** The page-load marker of a document, numbered first in its load. */
  private pageLoad(loadId: string, url: string, time: number, top: boolean): void {
    const load = this.load(loadId)
    load.url = url
    const marker: HookEntry = { kind: 'marker', marker: 'page-load', time, data: { url, top } }
    this.ingest(loadId, [{ ...marker, seq: load.nextSeq++, pageLoadId: loadId, frameUrl: url } as SessionEntry])
  }

  private ingest(loadId: string, numbered: SessionEntry[]): readonly SessionEntry[] {
    for (const e of numbered) {
      const name = entryName(e)
      const a = this.arrived.get(name)
      if (a) a.sent++
      else this.arrived.set(name, { sent: 1 })
    }
    const { added } = this.store.ingest(loadId, numbered)
    this.stored(added)
    this.settleDropped()
    return added
  }

  private stored(added: readonly SessionEntry[]): void {
    for (const e of added) {
      const a = this.arrived.get(entryName(e))
      if (a) a.last = e
    }
    if (added.length > 0) for (const fn of this.listeners) fn(added)
  }

  private settleDropped(): void {
    if (this.droppedTimer !== undefined) clearTimeout(this.droppedTimer)
    this.droppedTimer = undefined
    const wait = this.schedule.next(this.store)
    if (wait === null) return
    this.droppedTimer = setTimeout(() => this.flushDropped(), wait)
    this.droppedTimer.unref?.()
  }

  /** Stores the `dropped` markers due (`all`: every one, housekeeping too: what is read must be exact). */
  flushDropped(all = false): void {
    if (this.droppedTimer !== undefined) clearTimeout(this.droppedTimer)
    this.droppedTimer = undefined
    this.schedule.flushed()
    if (!this.store.hasPendingDropped()) return
    this.stored(this.store.flushDropped(all))
    if (this.store.hasPendingDropped()) this.settleDropped() // housekeeping, later
  }

  /**
   * How many entries of this name (or namePattern, "Watchman.uptime:*") the page sent, also those
   * evicted since (not the store's own markers), and the last of them stored.
   */
  sent(name: string): { sent: number; last?: SessionEntry } {
    if (!name.endsWith('*')) return this.arrived.get(name) ?? { sent: 0 }
    let sent = 0
    let last: SessionEntry | undefined
    for (const [n, a] of this.arrived) {
      if (!matchesPattern(n, name)) continue
      sent += a.sent
      if (a.last && (!last || a.last.seq > last.seq)) last = a.last
    }
    return last ? { sent, last } : { sent }
  }

  /** Every stored entry, oldest first (the stored objects themselves: the capture's API hands out copies). */
  entries(): SessionEntry[] {
    return this.store.entries.toArray()
  }

  /** The session file (SPEC.md §4), as the extension exports it: every `dropped` marker due is in it (exact counts). */
  session(userAgent: string): Session {
    this.flushDropped(true)
    return this.store.toSession(userAgent)
  }

  /** Called with each group of newly stored entries; returns the unsubscribe function. */
  onEntries(fn: (added: readonly SessionEntry[]) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }
}
