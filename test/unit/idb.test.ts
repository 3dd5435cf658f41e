// Unit tests of the background's storage (src/background/idb.ts, and persist.ts on top of it) on
// fake-indexeddb: one IDBFactory is one browser profile's database, so a "worker restart" is a fresh
// import of the background modules (vi.resetModules) opening the same factory, and a "new browser
// session" is an empty storage.session. Also what happens when saving fails (quota): nothing is
// acked or shown until it is stored, the write is retried, and a worker restart loses nothing.
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PortLike } from '../../src/background/app.ts'
import type { StorageArea } from '../../src/background/persist.ts'
import type { SessionEntry } from '../../src/core/model.ts'
import { RELAY_PORT, panelPortName, type BackgroundToPanel } from '../../src/core/protocol.ts'
import { memoryArea } from '../support/memory-area.ts'
import { relayBatch } from '../support/relay-batch.ts'

const EXT = 'ext-id'
const ORIGIN = 'chrome-extension://ext-id/'
const PAGE = 'https://shop.test/'

/** The background modules as a newly started worker loads them (no state shared with earlier ones). */
async function freshWorkerModules() {
  vi.resetModules()
  const [idb, persist, store, app] = await Promise.all([
    import('../../src/background/idb.ts'),
    import('../../src/background/persist.ts'),
    import('../../src/background/store.ts'),
    import('../../src/background/app.ts'),
  ])
  return { ...idb, ...persist, ...store, ...app }
}

/** An area whose writes fail with QuotaExceededError while `broken` (reads keep working). */
function breakable(area: StorageArea) {
  const ctl = { broken: false, failures: 0 }
  const guard = async (): Promise<void> => {
    await nextTask() // like IndexedDB, a failure is reported later, not thrown at the call
    if (!ctl.broken) return
    ctl.failures++
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }
  const wrapped: StorageArea = {
    get: (keys) => area.get(keys),
    set: async (items) => (await guard(), area.set(items)),
    remove: async (keys) => (await guard(), area.remove(keys)),
    write: async (change) => (await guard(), area.write(change)),
  }
  return { area: wrapped, ctl }
}

// fake-indexeddb runs its work on setImmediate; only setTimeout (retries) is faked in these tests.
const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
async function io(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await nextTask()
}

function ev(seq: number, event: string, pageLoadId = 'p1'): SessionEntry {
  return { kind: 'event', seq, time: 1_000 + seq, publisher: 'Callback', event, data: { seq }, pageLoadId, frameUrl: PAGE }
}
function pageLoad(pageLoadId = 'p1'): SessionEntry {
  return { kind: 'marker', marker: 'page-load', seq: 0, time: 1_000, data: { url: PAGE, top: true }, pageLoadId, frameUrl: PAGE }
}
const label = (e: SessionEntry): string => (e.kind === 'event' ? e.event : e.kind === 'marker' ? `marker:${e.marker}` : e.command)

/** A runtime port: what the background posts on it, and a way to post to the background. */
function fakePort(name: string, sender: PortLike['sender']) {
  const listeners: ((m: unknown) => void)[] = []
  const sent: unknown[] = []
  const port: PortLike = {
    name,
    sender,
    postMessage: (m) => void sent.push(structuredClone(m)),
    disconnect: () => {},
    onMessage: { addListener: (fn) => void listeners.push(fn) },
    onDisconnect: { addListener: () => {} },
  }
  return { port, sent, emit: (m: unknown) => listeners.forEach((fn) => fn(structuredClone(m))) }
}

/** A background (app.ts) on `area`, as index.ts wires it, minus the browser. */
async function startWorker(mods: Awaited<ReturnType<typeof freshWorkerModules>>, area: StorageArea) {
  let connect: (p: PortLike) => void = () => {}
  const bg = mods.createBackground({
    extensionId: EXT,
    extensionOrigin: ORIGIN,
    onConnect: (l) => (connect = l),
    onMessage: () => {},
    onTabRemoved: () => {},
    sessionStorage: area,
    readSettings: async () => undefined,
    onSettingsChanged: () => {},
    action: null,
    userAgent: 'test',
    log: () => {},
  })
  await bg.ready
  const relay = (tabId: number, pageLoadId = 'p1') => {
    const r = fakePort(RELAY_PORT, { id: EXT, url: PAGE, tab: { id: tabId } })
    connect(r.port)
    r.emit({ type: 'hello', pageLoadId, frameUrl: PAGE, top: true, time: 1 })
    return r
  }
  const panel = (tabId: number) => {
    const p = fakePort(panelPortName(tabId), { id: EXT, url: `${ORIGIN}devtools/panel.html` })
    connect(p.port)
    p.emit({ type: 'hello', afterSeq: -1 })
    const lastState = () => (p.sent as BackgroundToPanel[]).filter((m) => m.type === 'state').at(-1)
    return {
      ...p,
      entries: () => (p.sent as BackgroundToPanel[]).flatMap((m) => (m.type === 'entries' ? m.entries : [])),
      storageError: () => { const m = lastState(); return m?.type === 'state' ? m.state.storageError : 'no state' },
    }
  }
  return { bg, relay, panel }
}

describe('IndexedDB area (idb.ts)', () => {
  it('stores, reads and removes keys; a restarted worker opens the same data', async () => {
    const factory = new IDBFactory()
    const session = memoryArea()
    const fallback = memoryArea()
    const a1 = await (await freshWorkerModules()).openIdbArea(factory, session, fallback)
    await a1.set({ 'cx:m:1': { n: 1 }, 'cx:c:1:0': [{ seq: 0 }], 'cx:m:2': { n: 2 } })
    expect(await a1.get(['cx:m:1', 'cx:m:9'])).toEqual({ 'cx:m:1': { n: 1 } })
    expect(await a1.get('cx:c:1:0')).toEqual({ 'cx:c:1:0': [{ seq: 0 }] })
    await a1.remove(['cx:m:2'])

    const a2 = await (await freshWorkerModules()).openIdbArea(factory, session, fallback)
    expect(a2).not.toBe(a1)
    expect(await a2.get(null)).toEqual({ 'cx:m:1': { n: 1 }, 'cx:c:1:0': [{ seq: 0 }] })
    expect(fallback.data.size).toBe(0) // IndexedDB worked: storage.session holds only the marker
    expect([...session.data.keys()]).toEqual(['cx:boot'])
  })

  it('write() removes and sets in one go: a restarted worker sees both', async () => {
    const factory = new IDBFactory()
    const session = memoryArea()
    const area = await (await freshWorkerModules()).openIdbArea(factory, session, memoryArea())
    await area.set({ 'cx:m:1': { v: 1 }, 'cx:c:1:0': [{ seq: 0 }], 'cx:c:1:1': [{ seq: 1 }] })
    await area.write({ remove: ['cx:c:1:0', 'cx:m:1'], set: { 'cx:m:1': { v: 2 }, 'cx:c:1:2': [{ seq: 2 }] } })
    const expected = { 'cx:m:1': { v: 2 }, 'cx:c:1:1': [{ seq: 1 }], 'cx:c:1:2': [{ seq: 2 }] } // a key in both: set wins
    expect(await area.get(null)).toEqual(expected)
    const again = await (await freshWorkerModules()).openIdbArea(factory, session, memoryArea())
    expect(await again.get(null)).toEqual(expected)
  })

  it('a write() that fails stores nothing of it: the removals are undone with the values', async () => {
    const factory = new IDBFactory()
    const session = memoryArea()
    const area = await (await freshWorkerModules()).openIdbArea(factory, session, memoryArea())
    const before = { 'cx:m:1': { v: 1 }, 'cx:c:1:0': [{ seq: 0 }], 'cx:c:1:1': [{ seq: 1 }] }
    await area.set(before)
    // The deletes and a good put are queued before the value that cannot be cloned.
    const failed = area.write({
      remove: ['cx:c:1:0', 'cx:c:1:1'],
      set: { 'cx:m:1': { v: 2 }, 'cx:c:1:2': [{ seq: 2, data: { fn: () => {} } }] },
    })
    await expect(failed).rejects.toMatchObject({ name: 'DataCloneError' })
    await io()
    expect(await area.get(null)).toEqual(before)
    const again = await (await freshWorkerModules()).openIdbArea(factory, session, memoryArea())
    expect(await again.get(null)).toEqual(before) // nothing of it was committed either
    // The area still works after the aborted transaction.
    await area.write({ remove: ['cx:c:1:0'], set: { 'cx:m:1': { v: 3 } } })
    expect(await again.get(null)).toEqual({ 'cx:m:1': { v: 3 }, 'cx:c:1:1': [{ seq: 1 }] })
  })

  it('keeps each tab\'s entries across a worker restart, and forgets a closed tab on disk', async () => {
    const factory = new IDBFactory()
    const session = memoryArea()
    const w1 = await freshWorkerModules()
    const area1 = await w1.openIdbArea(factory, session, memoryArea())
    const stores = new Map([1, 2].map((id) => [id, new w1.TabStore(id)]))
    const persister = new w1.Persister(area1, (id) => stores.get(id))
    const tab1 = (stores.get(1) as InstanceType<typeof w1.TabStore>).ingest('p1', [pageLoad('p1'), ev(1, 'Callback.ready', 'p1'), ev(2, 'Callback.opened', 'p1')])
    const tab2 = (stores.get(2) as InstanceType<typeof w1.TabStore>).ingest('q1', [pageLoad('q1'), ev(1, 'Callback.completed', 'q1')])
    await Promise.all([persister.save(1, tab1.added), persister.save(2, tab2.added)])

    const w2 = await freshWorkerModules()
    const restored = await new w2.Persister(await w2.openIdbArea(factory, session, memoryArea()), () => undefined).restore()
    expect([...restored.keys()].sort()).toEqual([1, 2])
    expect(restored.get(1)?.entries.toArray().map((e) => [e.seq, label(e), e.pageLoadId])).toEqual([
      [0, 'marker:page-load', 'p1'],
      [1, 'Callback.ready', 'p1'],
      [2, 'Callback.opened', 'p1'],
    ])
    expect(restored.get(2)?.entries.toArray().map(label)).toEqual(['marker:page-load', 'Callback.completed'])
    expect(restored.get(1)?.nextSeq).toBe(3) // numbering goes on where it stopped
    expect(restored.get(1)?.state.url).toBe(PAGE)

    // Tab 1 is closed in the restarted worker: gone from disk, tab 2 untouched.
    const p2 = new w2.Persister(await w2.openIdbArea(factory, session, memoryArea()), (id) => restored.get(id))
    await p2.restore()
    await p2.forget(1)
    const w3 = await freshWorkerModules()
    const area3 = await w3.openIdbArea(factory, session, memoryArea())
    expect(Object.keys(await area3.get(null)).filter((k) => /^cx:[mc]:1\b/.test(k))).toEqual([])
    expect([...(await new w3.Persister(area3, () => undefined).restore()).keys()]).toEqual([2])
  })

  it('a new browser session (no storage.session marker) starts empty; a worker restart keeps', async () => {
    const factory = new IDBFactory()
    const session1 = memoryArea()
    const { openIdbArea } = await freshWorkerModules()
    await (await openIdbArea(factory, session1, memoryArea())).set({ 'cx:m:4': { old: true } })
    const boot = session1.data.get('cx:boot')
    expect(typeof boot).toBe('number')

    // Worker restart: storage.session survives, so does the marker, so does the data.
    const again = await openIdbArea(factory, session1, memoryArea())
    expect(await again.get(null)).toEqual({ 'cx:m:4': { old: true } })
    expect(session1.data.get('cx:boot')).toBe(boot)

    // Browser restarted or extension reloaded: storage.session is empty, the old tab ids mean nothing.
    const session2 = memoryArea()
    const fresh = await openIdbArea(factory, session2, memoryArea())
    expect(await fresh.get(null)).toEqual({})
    expect(typeof session2.data.get('cx:boot')).toBe('number')
    await fresh.set({ 'cx:m:5': { now: true } })
    expect(await (await openIdbArea(factory, session2, memoryArea())).get(null)).toEqual({ 'cx:m:5': { now: true } })
  })

  it('falls back to storage.session when IndexedDB is missing or cannot be opened', async () => {
    const { openIdbArea } = await freshWorkerModules()
    const session = memoryArea()
    const fallback = memoryArea()
    await fallback.set({ 'cx:m:1': { kept: true } })
    expect(await openIdbArea(undefined, session, fallback)).toBe(fallback)
    const throwing = { open: () => { throw new DOMException('denied', 'SecurityError') } } as unknown as IDBFactory
    expect(await openIdbArea(throwing, session, fallback)).toBe(fallback)
    // Firefox private windows: open() returns a request that fails.
    const failing = {
      open: () => {
        const r = { error: new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError') } as { error: DOMException; onerror?: () => void }
        setImmediate(() => r.onerror?.())
        return r
      },
    } as unknown as IDBFactory
    const area = await openIdbArea(failing, session, fallback)
    expect(area).toBe(fallback)
    // The fallback is storage.session itself: it is never wiped by the new-session logic.
    expect(await area.get(null)).toEqual({ 'cx:m:1': { kept: true } })
    expect(session.data.has('cx:boot')).toBe(false)
  })
})

describe('saving failures (persist.ts + app.ts)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    vi.clearAllTimers()
    vi.useRealTimers()
  })

  it('a failed save is neither acked nor shown; it is retried with backoff, then acked and shown', async () => {
    const mods = await freshWorkerModules()
    const { area, ctl } = breakable(await mods.openIdbArea(new IDBFactory(), memoryArea(), memoryArea()))
    const w = await startWorker(mods, area)
    ctl.broken = true
    const relay = w.relay(5)
    relay.emit(relayBatch('p1', [pageLoad(), ev(1, 'Callback.ready'), ev(2, 'Callback.opened')]))
    const panel = w.panel(5)
    await io()
    expect(ctl.failures).toBe(1)
    expect(relay.sent).toEqual([]) // the relay keeps them: a worker restart now would lose nothing
    expect(panel.entries()).toEqual([]) // panels see only what is stored (seqs are never reused)
    expect(w.bg.stores.get(5)?.state.count).toBe(3) // kept in memory for the retry
    expect(panel.storageError()).toMatch(/^cannot save captured events \(The quota has been exceeded\.\); retrying$/) // the panel says why

    await vi.advanceTimersByTimeAsync(999)
    await io()
    expect(ctl.failures).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await io()
    expect(ctl.failures).toBe(2) // retried after 1 s, failed again; next try in 2 s
    expect(relay.sent).toEqual([])

    ctl.broken = false
    await vi.advanceTimersByTimeAsync(2_000)
    await io()
    expect(relay.sent).toEqual([{ type: 'ack', pageLoadId: 'p1', seq: 2 }])
    expect(panel.entries().map((e) => [e.seq, label(e)])).toEqual([
      [0, 'marker:page-load'],
      [1, 'Callback.ready'],
      [2, 'Callback.opened'],
    ])
    expect(Object.keys(await area.get(null)).filter((k) => k.startsWith('cx:c:5:'))).toHaveLength(2) // the markers' chunk and the events'
    expect(w.bg.stores.get(5)?.state.dropped).toBe(0)
    expect(panel.storageError()).toBeUndefined() // saving works again: the banner goes
  })

  it('a persist that fails leaves the stored tab as it was (not its old chunks removed), and its retry writes both', async () => {
    const mods = await freshWorkerModules()
    const area = await mods.openIdbArea(new IDBFactory(), memoryArea(), memoryArea())
    const store = new mods.TabStore(1)
    const persister = new mods.Persister(area, (id) => (id === 1 ? store : undefined))
    await persister.save(1, store.ingest('p1', [pageLoad(), ev(1, 'Callback.started')]).added)
    const before = await area.get(null)
    expect(Object.keys(before).sort()).toEqual(['cx:c:1:0', 'cx:c:1:1', 'cx:m:1']) // the markers' chunk and the events'

    // A clear (its write removes chunk 0) and a new entry that IndexedDB cannot store (a function).
    store.clear()
    const bad = ev(2, 'Callback.opened')
    bad.data = { seq: 2, fn: () => {} } as unknown as SessionEntry['data']
    let saved = false
    void persister.save(1, store.ingest('p1', [bad]).added, true).then(() => (saved = true))
    await io()
    expect(persister.errors).toBe(1)
    expect(saved).toBe(false) // not stored, so not acked
    expect(persister.persistedSeq(1)).toBe(1)
    expect(await area.get(null)).toEqual(before) // chunk 0 is still there, and the meta naming it

    await vi.advanceTimersByTimeAsync(1_000)
    await io()
    expect(persister.errors).toBe(2) // retried after the backoff, still failing
    expect(await area.get(null)).toEqual(before)

    delete (bad.data as { fn?: unknown }).fn // now it can be stored (the queued entry shares this object)
    await vi.advanceTimersByTimeAsync(2_000)
    await io()
    expect(saved).toBe(true)
    expect(persister.persistedSeq(1)).toBe(2)
    const after = Object.keys(await area.get(null))
    expect(after).not.toContain('cx:c:1:0') // the removal and the new values, together
    expect(after.filter((k) => k.startsWith('cx:c:1:'))).toHaveLength(1)
    const restored = await new mods.Persister(area, () => undefined).restore()
    expect(restored.get(1)?.entries.toArray().map((e) => [e.seq, label(e)])).toEqual([[2, 'Callback.opened']])
  })

  it('a worker restarted before a failed save was retried loses nothing: the relay resends it', async () => {
    const factory = new IDBFactory()
    const session = memoryArea()
    const mods1 = await freshWorkerModules()
    const { area, ctl } = breakable(await mods1.openIdbArea(factory, session, memoryArea()))
    const w1 = await startWorker(mods1, area)
    const r1 = w1.relay(5)
    r1.emit(relayBatch('p1', [pageLoad(), ev(1, 'Callback.ready')]))
    await io()
    expect(r1.sent).toEqual([{ type: 'ack', pageLoadId: 'p1', seq: 1 }])
    ctl.broken = true
    r1.emit(relayBatch('p1', [ev(2, 'Callback.opened'), ev(3, 'Callback.started')]))
    await io()
    expect(ctl.failures).toBe(1)
    expect(r1.sent).toHaveLength(1) // seq 2 and 3 not acked

    // Chrome stops the worker (its pending retry dies with it) and starts a new one; the relay
    // reconnects and resends what was not acked (content/relay-core.ts).
    vi.clearAllTimers()
    const mods2 = await freshWorkerModules()
    const w2 = await startWorker(mods2, await mods2.openIdbArea(factory, session, memoryArea()))
    const r2 = w2.relay(5)
    r2.emit(relayBatch('p1', [ev(2, 'Callback.opened'), ev(3, 'Callback.started')]))
    const panel = w2.panel(5)
    await io()
    expect(r2.sent).toEqual([{ type: 'ack', pageLoadId: 'p1', seq: 3 }])
    expect(panel.entries().map((e) => [e.seq, label(e)])).toEqual([
      [0, 'marker:page-load'],
      [1, 'Callback.ready'],
      [2, 'Callback.opened'],
      [3, 'Callback.started'],
    ])
    expect(w2.bg.stores.get(5)?.state.dropped).toBe(0)
  })

  it('a clear or a tab close that comes while a write fails wins over its retry; a failed removal is retried', async () => {
    const mods = await freshWorkerModules()
    const { area, ctl } = breakable(await mods.openIdbArea(new IDBFactory(), memoryArea(), memoryArea()))
    const stores = new Map([1, 2].map((id) => [id, new mods.TabStore(id)]))
    const store1 = stores.get(1) as InstanceType<typeof mods.TabStore>
    const store2 = stores.get(2) as InstanceType<typeof mods.TabStore>
    const persister = new mods.Persister(area, (id) => stores.get(id))
    ctl.broken = true
    const saved1 = persister.save(1, store1.ingest('p1', [pageLoad(), ev(1, 'Callback.ready')]).added)
    const saved2 = persister.save(2, store2.ingest('q1', [pageLoad('q1')]).added)
    let done = 0
    void saved1.then(() => done++)
    void saved2.then(() => done++)
    await nextTask() // the write is in flight now; these come while it fails
    store1.clear()
    void persister.save(1, [], true)
    stores.delete(2)
    void persister.forget(2)
    await io()
    expect(ctl.failures).toBe(1)
    expect(done).toBe(0) // nothing resolves before it is stored
    expect(persister.errors).toBe(1)

    ctl.broken = false
    await vi.advanceTimersByTimeAsync(1_000)
    await io()
    expect(done).toBe(2)
    // The cleared entries were not written later (not even as chunks no meta refers to), and
    // nothing of the closed tab 2 is on disk: only tab 1's meta is left.
    expect(Object.keys(await area.get(null))).toEqual(['cx:m:1'])
    const restored = await new mods.Persister(area, () => undefined).restore()
    expect([...restored.keys()]).toEqual([1])
    expect(restored.get(1)?.entries.length).toBe(0)

    // A removal that fails is retried too: a closed tab does not come back after a restart.
    ctl.broken = true
    void persister.forget(1)
    await io()
    expect(ctl.failures).toBe(2)
    ctl.broken = false
    await vi.advanceTimersByTimeAsync(1_000)
    await io()
    expect(await area.get(null)).toEqual({})
  })
})
