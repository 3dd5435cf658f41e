// Background, pure apart from the injected StorageArea (IndexedDB in the extension, see idb.ts;
// an in-memory map in unit tests). Keeps every tab store alive across MV3 service-worker restarts:
// Chrome may stop the worker at any moment (idle, update, DevTools "stop"), losing all memory.
//
// Layout in the storage area (append-only chunks, so a write costs the new entries, not the log):
//   cx:m:<tabId>            { meta: TabMeta, chunks: ChunkRef[], nextChunk }
//   cx:c:<tabId>:<chunkId>  SessionEntry[]  (entries with session seq, in order)
// Writes are serialised and coalesced: while one is in flight, new entries gather for the next.
// The caller acks a relay and shows entries to panels only after the write that holds them resolved,
// so a worker killed mid-write loses nothing: the relay still has the un-acked entries and resends.

import type { SessionEntry } from '../core/model.ts'
import { TabStore, type TabMeta } from './store.ts'

export interface StorageArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
  remove(keys: string | string[]): Promise<void>
}

interface ChunkRef {
  id: number
  first: number
  last: number
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
  /** Writes that failed (quota, storage unavailable): entries stay in memory but not on disk. */
  errors = 0

  constructor(
    private area: StorageArea,
    private getStore: (tabId: number) => TabStore | undefined,
    private log: (...args: unknown[]) => void = () => {},
  ) {}

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

  /** Queue entries (and state changes) of a tab; resolves once they are stored. */
  save(tabId: number, added: readonly SessionEntry[] = [], cleared = false): Promise<void> {
    const t = this.tab(tabId)
    if (cleared) {
      t.reset = true
      t.pending = []
    }
    for (const e of added) t.pending.push(e)
    this.dirty.add(tabId)
    this.removed.delete(tabId)
    return this.schedule()
  }

  /** A closed tab is forgotten, on disk too. */
  forget(tabId: number): Promise<void> {
    this.dirty.delete(tabId)
    this.removed.add(tabId)
    return this.schedule()
  }

  private schedule(): Promise<void> {
    if (!this.next) {
      this.next = this.inFlight.then(() => {
        this.next = null
        this.inFlight = this.write()
        return this.inFlight
      })
    }
    return this.next
  }

  private async write(): Promise<void> {
    const items: Record<string, unknown> = {}
    const removals: string[] = []
    const covered = new Map<number, number>()
    for (const tabId of this.removed) {
      const t = this.tabs.get(tabId)
      removals.push(metaKey(tabId), ...(t?.chunks ?? []).map((c) => chunkKey(tabId, c.id)))
      this.tabs.delete(tabId)
    }
    this.removed.clear()
    for (const tabId of this.dirty) {
      const store = this.getStore(tabId)
      const t = this.tab(tabId)
      if (!store) continue
      if (t.reset) {
        removals.push(...t.chunks.map((c) => chunkKey(tabId, c.id)))
        t.chunks = []
        t.reset = false
      }
      if (t.pending.length) {
        const id = t.nextChunk++
        const first = (t.pending[0] as SessionEntry).seq
        const last = (t.pending[t.pending.length - 1] as SessionEntry).seq
        items[chunkKey(tabId, id)] = t.pending
        t.chunks.push({ id, first, last })
        t.pending = []
      }
      // Chunks whose entries the bounded store has evicted since.
      const oldest = store.entries.peek()?.seq ?? store.nextSeq
      while (t.chunks.length && (t.chunks[0] as ChunkRef).last < oldest) removals.push(chunkKey(tabId, (t.chunks.shift() as ChunkRef).id))
      const p: Persisted = { meta: store.meta(), chunks: t.chunks.slice(), nextChunk: t.nextChunk }
      items[metaKey(tabId)] = p
      covered.set(tabId, store.nextSeq - 1)
    }
    this.dirty.clear()
    try {
      if (removals.length) await this.area.remove(removals)
      if (Object.keys(items).length) await this.area.set(items)
    } catch (err) {
      // Quota, or a closing browser: the entries stay in
      // memory and are still delivered; only a worker restart could lose them now. Say so.
      this.errors++
      this.log('persist failed', err)
    }
    for (const [tabId, seq] of covered) {
      const t = this.tabs.get(tabId)
      if (t) t.persistedSeq = Math.max(t.persistedSeq, seq)
    }
  }
}
