// Background, pure apart from the injected StorageArea (IndexedDB in the extension, see idb.ts;
// an in-memory map in unit tests). Keeps every tab store alive across MV3 service-worker restarts:
// Chrome may stop the worker at any moment (idle, update, DevTools "stop"), losing all memory.
//
// Layout in the storage area (append-only chunks, so a write costs the new entries, not the log):
//   cx:m:<tabId>            { meta: TabMeta, chunks: ChunkRef[], nextChunk }
//   cx:c:<tabId>:<chunkId>  SessionEntry[]  (entries of one lane of the store, with session seq, in order)
// A tab store evicts housekeeping before the checked plugins (store.ts): each lane is FIFO, so its
// chunks go once the lane's floor passes them (chunks of older saves, of both lanes, once both have).
// Writes are serialised and coalesced: while one is in flight, new entries gather for the next.
// save() resolves only once the entries are really stored, and the caller acks a relay and shows
// entries to panels only then, so a worker killed mid-write loses nothing: the relay still has the
// un-acked entries and resends them. A write that FAILS (quota, storage gone) is not a store either:
// its entries stay queued in memory and the write is retried with backoff, and until it succeeds
// nothing of it is acked, so a worker restart in the meantime loses nothing while the page lives
// (the relay resends, the restored dedupe state predates them). Failures are counted in `errors`.

import type { SessionEntry } from '../core/model.ts'
import { HOUSEKEEPING, KEPT, laneOf, MARKERS, TabStore, type TabMeta } from './store.ts'

/** One write: `remove` is applied first, then `set` (a key in both ends up set). */
export interface StorageWrite {
  set?: Record<string, unknown>
  remove?: string[]
}

export interface StorageArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
  remove(keys: string | string[]): Promise<void>
  /**
   * Removes and sets in one go: all of it is stored or none of it (IndexedDB: one transaction), so
   * a failed persist never leaves chunks removed while the meta that replaces them is missing.
   */
  write(change: StorageWrite): Promise<void>
}

/**
 * For an area without transactions (storage.session as the fallback of idb.ts): remove, then set.
 * Not atomic; a failure in between leaves only removals done, which the retry repeats (idempotent)
 * and restore() tolerates (a meta whose chunks are gone just restores fewer entries).
 */
export function sequentialWrite(area: Omit<StorageArea, 'write'>): StorageArea {
  return {
    get: (keys) => area.get(keys),
    set: (items) => area.set(items),
    remove: (keys) => area.remove(keys),
    async write({ set = {}, remove = [] }) {
      if (remove.length) await area.remove(remove)
      if (Object.keys(set).length) await area.set(set)
    },
  }
}

interface ChunkRef {
  id: number
  first: number
  last: number
  /** The store's lane its entries are of (absent in older saves: both). */
  lane?: number
}

interface Persisted {
  meta: TabMeta
  chunks: ChunkRef[]
  nextChunk: number
}

interface TabPersist {
  chunks: ChunkRef[]
  nextChunk: number
  pending: SessionEntry[]
  /** Everything written so far must go (the store was cleared). */
  reset: boolean
  /** Highest seq the last completed write covered (what panels may see). */
  persistedSeq: number
}

/** Retry of a failed write: 1 s doubling up to 30 s (a full disk rarely frees up at once). */
const RETRY_MIN_MS = 1_000
const RETRY_MAX_MS = 30_000

const META = 'cx:m:'
const CHUNK = 'cx:c:'
const metaKey = (tabId: number): string => `${META}${tabId}`
const chunkKey = (tabId: number, id: number): string => `${CHUNK}${tabId}:${id}`

export class Persister {
  private tabs = new Map<number, TabPersist>()
  private dirty = new Set<number>()
  private removed = new Set<number>()
  private inFlight: Promise<void> = Promise.resolve()
  private next: Promise<void> | null = null
  /** Bumped by every save/forget; `storedGen` is the value the last successful write started at. */
  private gen = 0
  private storedGen = 0
  /** While writes fail: resolves when the next attempt may start (shared by every waiter). */
  private retry: Promise<void> | null = null
  private retryMs: number
  /** Writes that failed (quota, storage unavailable); their entries were kept and retried. */
  errors = 0

  constructor(
    private area: StorageArea,
    private getStore: (tabId: number) => TabStore | undefined,
    private log: (...args: unknown[]) => void = () => {},
    private retryMin = RETRY_MIN_MS,
    /** Called when saving starts failing (with the error) and when it works again (null). */
    private onHealth: (error: unknown) => void = () => {},
  ) {
    this.retryMs = retryMin
  }

  /** Reads every tab saved by a previous instance of the worker. */
  async restore(maxEntries?: number): Promise<Map<number, TabStore>> {
    const stores = new Map<number, TabStore>()
    let all: Record<string, unknown>
    try {
      all = await this.area.get(null)
    } catch (err) {
      this.log('restore failed', err)
      return stores
    }
    const referenced = new Set<string>()
    for (const [key, value] of Object.entries(all)) {
      if (!key.startsWith(META)) continue
      const tabId = Number(key.slice(META.length))
      const p = value as Persisted
      if (!Number.isInteger(tabId) || !p || !p.meta || !Array.isArray(p.chunks)) continue
      const entries: SessionEntry[] = []
      for (const c of p.chunks) {
        const k = chunkKey(tabId, c.id)
        referenced.add(k)
        const chunk = all[k]
        if (Array.isArray(chunk)) for (const e of chunk) entries.push(e as SessionEntry)
      }
      stores.set(tabId, TabStore.restore(p.meta, entries, maxEntries))
      this.tabs.set(tabId, { chunks: p.chunks, nextChunk: p.nextChunk, pending: [], reset: false, persistedSeq: p.meta.nextSeq - 1 })
    }
    // Chunks of a write that was cut short, or of a tab whose meta is gone.
    const orphans = Object.keys(all).filter((k) => k.startsWith(CHUNK) && !referenced.has(k))
    if (orphans.length) await this.area.remove(orphans).catch(() => {})
    return stores
  }

  private tab(tabId: number): TabPersist {
    let t = this.tabs.get(tabId)
    if (!t) {
      t = { chunks: [], nextChunk: 0, pending: [], reset: false, persistedSeq: -1 }
      this.tabs.set(tabId, t)
    }
    return t
  }

  /** Highest seq of this tab that is safely stored (panels are shown entries up to it). */
  persistedSeq(tabId: number): number {
    return this.tabs.get(tabId)?.persistedSeq ?? -1
  }

  /** Queue entries (and state changes) of a tab; resolves once they are stored (not before). */
  save(tabId: number, added: readonly SessionEntry[] = [], cleared = false): Promise<void> {
    const t = this.tab(tabId)
    if (cleared) {
      t.reset = true
      t.pending = []
    }
    for (const e of added) t.pending.push(e)
    this.dirty.add(tabId)
    this.removed.delete(tabId)
    return this.stored(++this.gen)
  }

  /** A closed tab is forgotten, on disk too. */
  forget(tabId: number): Promise<void> {
    this.dirty.delete(tabId)
    this.removed.add(tabId)
    return this.stored(++this.gen)
  }

  /** Resolves once a write that started after request `gen` succeeded; retries failed ones. */
  private async stored(gen: number): Promise<void> {
    while (this.storedGen < gen) await this.schedule()
  }

  private schedule(): Promise<void> {
    if (!this.next) {
      this.next = this.inFlight.then(async () => {
        // After a failure, wait out the backoff: saves that come meanwhile join this one write
        // instead of each retrying at once (under quota pressure every attempt would fail again).
        if (this.retry) await this.retry
        this.next = null
        this.inFlight = this.write()
        return this.inFlight
      })
    }
    return this.next
  }

  private async write(): Promise<void> {
    const gen = this.gen
    const items: Record<string, unknown> = {}
    const removals: string[] = []
    const covered = new Map<number, number>()
    // What this write took from the queues, to put back if it fails.
    const removedTabs = new Map<number, TabPersist | undefined>()
    const taken = new Map<number, Pick<TabPersist, 'chunks' | 'pending' | 'reset'>>()
    for (const tabId of this.removed) {
      const t = this.tabs.get(tabId)
      removals.push(metaKey(tabId), ...(t?.chunks ?? []).map((c) => chunkKey(tabId, c.id)))
      removedTabs.set(tabId, t)
      this.tabs.delete(tabId)
    }
    this.removed.clear()
    for (const tabId of this.dirty) {
      const store = this.getStore(tabId)
      if (!store) continue
      const t = this.tab(tabId)
      taken.set(tabId, { chunks: t.chunks.slice(), pending: t.pending, reset: t.reset })
      if (t.reset) {
        removals.push(...t.chunks.map((c) => chunkKey(tabId, c.id)))
        t.chunks = []
        t.reset = false
      }
      if (t.pending.length) {
        const lanes: SessionEntry[][] = []
        for (const e of t.pending) (lanes[laneOf(e)] ??= []).push(e)
        lanes.forEach((entries, lane) => {
          const id = t.nextChunk++
          items[chunkKey(tabId, id)] = entries
          t.chunks.push({ id, first: (entries[0] as SessionEntry).seq, last: (entries[entries.length - 1] as SessionEntry).seq, lane })
        })
        t.pending = []
      }
      // Chunks whose entries the bounded store has evicted since.
      const floor = (c: ChunkRef): number => (c.lane !== undefined ? store.entries.floor(c.lane) : Math.min(store.entries.floor(KEPT), store.entries.floor(HOUSEKEEPING), store.entries.floor(MARKERS)))
      if (t.chunks.some((c) => c.last < floor(c))) {
        for (const c of t.chunks) {
          if (c.last >= floor(c)) continue
          removals.push(chunkKey(tabId, c.id))
          delete items[chunkKey(tabId, c.id)] // written in this very write: not at all then
        }
        t.chunks = t.chunks.filter((c) => c.last >= floor(c))
      }
      const p: Persisted = { meta: store.meta(), chunks: t.chunks.slice(), nextChunk: t.nextChunk }
      items[metaKey(tabId)] = p
      covered.set(tabId, store.nextSeq - 1)
    }
    this.dirty.clear()
    try {
      // One write, not remove() then set(): on IndexedDB a failure then leaves the previous state whole.
      if (removals.length || Object.keys(items).length) await this.area.write({ set: items, remove: removals })
    } catch (err) {
      // Quota, or storage gone. Not stored means not acked: put everything back in the queues and
      // try again later. (On the non-atomic fallback a retry repeats removals that may have
      // happened: removing is idempotent.)
      this.errors++
      this.log('persist failed, will retry', err)
      if (this.retryMs === this.retryMin) this.onHealth(err)
      this.requeue(removedTabs, taken)
      this.retry = new Promise<void>((resolve) => setTimeout(resolve, this.retryMs)).then(() => {
        this.retry = null
      })
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
      return
    }
    if (this.retryMs !== this.retryMin) this.onHealth(null)
    this.retryMs = this.retryMin
    this.storedGen = Math.max(this.storedGen, gen)
    for (const [tabId, seq] of covered) {
      const t = this.tabs.get(tabId)
      if (t) t.persistedSeq = Math.max(t.persistedSeq, seq)
    }
  }

  /** Undoes what a failed write took, keeping what was queued while it was in flight. */
  private requeue(removedTabs: Map<number, TabPersist | undefined>, taken: Map<number, Pick<TabPersist, 'chunks' | 'pending' | 'reset'>>): void {
    for (const [tabId, t] of removedTabs) {
      if (this.dirty.has(tabId)) continue // saved again since: the tab lives on (tab ids are not reused)
      if (t && !this.tabs.has(tabId)) this.tabs.set(tabId, t)
      this.removed.add(tabId)
    }
    for (const [tabId, before] of taken) {
      const t = this.tabs.get(tabId)
      if (!t || this.removed.has(tabId)) continue // closed since: nothing of it is to be stored
      // A clear queued meanwhile (t.reset) makes the taken entries obsolete; otherwise they go first.
      if (!t.reset) t.pending = before.pending.concat(t.pending)
      t.reset ||= before.reset
      t.chunks = before.chunks // the chunk ids taken stay used: a retry writes under new ids
      this.dirty.add(tabId)
    }
  }
}
