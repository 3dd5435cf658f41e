// Background (Chrome service worker / Firefox event page). A StorageArea (persist.ts) on IndexedDB.
// Why not storage.session, which the design first named: measured in Chromium 156, one
// storage.session.set of 500 entries takes about 100 ms (JSON over IPC, quota accounting) and the
// area holds 10 MB in all; a 10 000-event burst then took seconds to reach the panel. IndexedDB in
// the worker stores structured clones in one transaction in a few ms, with no 10 MB ceiling and no
// extra permission. Its one difference: it survives browser restarts and extension reloads, which
// storage.session does not. So a marker in storage.session tells a new browser session (marker
// missing) from a restarted worker (marker present), and a new session starts from an empty store.

import type { StorageArea } from './persist.ts'

const DB = 'cxbus-devtools'
const STORE = 'kv'
const BOOT_KEY = 'cx:boot'

const req = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    // A failed request: tx.error is only set at the abort that follows, so take the request's.
    tx.onerror = (e) => reject((e.target as IDBRequest | null)?.error ?? tx.error)
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'))
  })

export interface SessionMarker {
  get(key: string): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
}

/**
 * Opens the database; `session` (storage.session) decides whether what it holds belongs to this
 * browser session. Falls back to `fallback` (storage.session itself) when IndexedDB is unavailable
 * (Firefox private windows, some locked-down profiles).
 */
export async function openIdbArea(idb: IDBFactory | undefined, session: SessionMarker, fallback: StorageArea): Promise<StorageArea> {
  if (!idb) return fallback
  let db: IDBDatabase
  try {
    const open = idb.open(DB, 1)
    open.onupgradeneeded = () => open.result.createObjectStore(STORE)
    db = await req(open)
  } catch {
    return fallback
  }
  const area: StorageArea = {
    async get(keys) {
      const tx = db.transaction(STORE, 'readonly')
      const store = tx.objectStore(STORE)
      const out: Record<string, unknown> = {}
      if (keys === null) {
        const [ks, vs] = await Promise.all([req(store.getAllKeys()), req(store.getAll())])
        ks.forEach((k, i) => (out[String(k)] = vs[i]))
      } else {
        for (const k of Array.isArray(keys) ? keys : [keys]) {
          const v = await req(store.get(k))
          if (v !== undefined) out[k] = v
        }
      }
      return out
    },
    set: (items) => area.write({ set: items }),
    remove: (keys) => area.write({ remove: Array.isArray(keys) ? keys : [keys] }),
    async write({ set = {}, remove = [] }) {
      // One readwrite transaction: IndexedDB commits all of its requests or none of them.
      const tx = db.transaction(STORE, 'readwrite')
      const finished = done(tx)
      const store = tx.objectStore(STORE)
      try {
        for (const k of remove) store.delete(k)
        for (const [k, v] of Object.entries(set)) store.put(v, k)
      } catch (err) {
        // put() throws at once on a value it cannot clone (DataCloneError). Left alone, the
        // transaction would still commit the requests queued before it: abort to undo them.
        tx.abort()
        await finished.catch(() => {})
        throw err
      }
      await finished
    },
  }
  const marker = await session.get(BOOT_KEY).catch(() => ({}) as Record<string, unknown>)
  if (!marker[BOOT_KEY]) {
    // New browser session, or the extension was reloaded/updated: old tab ids mean nothing now.
    const tx = db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).clear()
    await done(tx)
    await session.set({ [BOOT_KEY]: Date.now() }).catch(() => {})
  }
  return area
}
