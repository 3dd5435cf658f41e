// Unit tests of the background (src/background/*) with in-memory fakes for ports, storage and the
// action API: per-tab store, dedupe, preserve log, recording, bounds, persistence across a worker
// restart, late panels, tab removal, request/port sender checks, badge.
import { describe, expect, it } from 'vitest'
import { DROPPED_SETTLE_MS, createBackground, type BackgroundDeps, type PortLike } from '../../src/background/app.ts'
import { badgeText, badgeTitle, Findings } from '../../src/background/badge.ts'
import { sequentialWrite, type StorageArea, type StorageWrite } from '../../src/background/persist.ts'
import { TabStore } from '../../src/background/store.ts'
import { check } from '../../src/core/check.ts'
import type { Json, Session, SessionEntry } from '../../src/core/model.ts'
import { loadFixture } from '../support/fixtures.ts'
import { memoryArea } from '../support/memory-area.ts'
import { HOOK_TEXT_LIMIT, RELAY_PORT, panelPortName, type BackgroundToPanel } from '../../src/core/protocol.ts'
import { relayBatch } from '../support/relay-batch.ts'

const EXT = 'ext-id'
const ORIGIN = 'chrome-extension://ext-id/'

function ev(seq: number, event: string, data: SessionEntry['data'] = {}, pageLoadId = 'p1'): SessionEntry {
  return { kind: 'event', seq, time: 1000 + seq, publisher: event.split('.')[0] as string, event, data, pageLoadId, frameUrl: 'https://x.test/' }
}
function pageLoad(seq: number, pageLoadId = 'p1', top = true, url = 'https://x.test/'): SessionEntry {
  return { kind: 'marker', marker: 'page-load', seq, time: 1000, data: { url, top }, pageLoadId, frameUrl: url }
}
class FakePort implements PortLike {
  sent: unknown[] = []
  disconnected = false
  private msgFns: ((m: unknown) => void)[] = []
  private discFns: (() => void)[] = []
  constructor(public name: string, public sender: PortLike['sender']) {}
  postMessage(m: unknown): void {
    if (this.disconnected) throw new Error('disconnected')
    this.sent.push(structuredClone(m))
  }
  disconnect(): void {
    this.disconnected = true
  }
  onMessage = { addListener: (fn: (m: unknown) => void) => void this.msgFns.push(fn) }
  onDisconnect = { addListener: (fn: () => void) => void this.discFns.push(fn) }
  emit(m: unknown): void {
    for (const f of this.msgFns) f(structuredClone(m))
  }
  close(): void {
    this.disconnected = true
    for (const f of this.discFns) f()
  }
}

function setup(area = memoryArea(), extra: Partial<BackgroundDeps> = {}) {
  let connect: (p: PortLike) => void = () => {}
  let message: (m: unknown, s: { id?: string; url?: string }) => Promise<unknown> | undefined = () => undefined
  let removed: (id: number) => void = () => {}
  const badges: { tabId: number; text: string }[] = []
  const titles: string[] = []
  const bg = createBackground({
    extensionId: EXT,
    extensionOrigin: ORIGIN,
    onConnect: (l) => (connect = l),
    onMessage: (l) => (message = l),
    onTabRemoved: (l) => (removed = l),
    sessionStorage: area,
    readSettings: async () => undefined,
    onSettingsChanged: () => {},
    action: {
      setBadgeText: async (d) => void badges.push(d),
      setBadgeBackgroundColor: async () => {},
      setTitle: async (d) => void titles.push(d.title),
    },
    userAgent: 'test-agent',
    log: () => {},
    ...extra,
  })
  const relay = (tabId: number, pageLoadId = 'p1') => {
    const p = new FakePort(RELAY_PORT, { id: EXT, url: 'https://x.test/', tab: { id: tabId } })
    connect(p)
    p.emit({ type: 'hello', pageLoadId, frameUrl: 'https://x.test/', top: true, time: 1 })
    return p
  }
  const panel = (tabId: number, afterSeq = -1, url = `${ORIGIN}devtools/panel.html`) => {
    const p = new FakePort(panelPortName(tabId), { id: EXT, url })
    connect(p)
    p.emit({ type: 'hello', afterSeq })
    return p
  }
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await bg.idle()
      await new Promise((r) => setTimeout(r, 0))
    }
  }
  const panelEntries = (p: FakePort) => (p.sent as BackgroundToPanel[]).flatMap((m) => (m.type === 'entries' ? m.entries : []))
  return { bg, area, relay, panel, settle, panelEntries, badges, titles, removed: (id: number) => removed(id), message: (m: unknown, s = { id: EXT, url: `${ORIGIN}popup/index.html` }) => message(m, s), connect: (p: PortLike) => connect(p) }
}

describe('TabStore', () => {
  it('numbers entries per tab, drops resends, keeps pageLoadId and frameUrl', () => {
    const s = new TabStore(1)
    const r1 = s.ingest('p1', [pageLoad(0), ev(1, 'Callback.ready')])
    const r2 = s.ingest('p1', [ev(1, 'Callback.ready'), ev(2, 'Callback.opened')]) // 1 is a resend
    expect(r1.added.map((e) => e.seq)).toEqual([0, 1])
    expect(r2.added.map((e) => e.seq)).toEqual([2])
    expect(r2.added[0]).toMatchObject({ event: 'Callback.opened', pageLoadId: 'p1', frameUrl: 'https://x.test/' })
    expect(s.state.count).toBe(3)
    expect(s.state.url).toBe('https://x.test/')
  })

  it('preserve log off: a new top-frame page load clears; frames do not; on: keeps', () => {
    const s = new TabStore(1)
    s.ingest('p1', [pageLoad(0), ev(1, 'Callback.ready')])
    expect(s.ingest('f1', [pageLoad(0, 'f1', false)]).cleared).toBe(false)
    const r = s.ingest('p2', [pageLoad(0, 'p2')])
    expect(r.cleared).toBe(true)
    expect(s.entries.toArray().map((e) => e.seq)).toEqual([3]) // seq never restarts
    s.state.preserveLog = true
    expect(s.ingest('p3', [pageLoad(0, 'p3')]).cleared).toBe(false)
    expect(s.state.count).toBe(2)
  })

  it('widgets in an iframe: the second bus marker of the frame gives the version (popup, export); the bus of the top page wins', () => {
    const bus = (seq: number, pageLoadId: string, data: Json): SessionEntry => ({ kind: 'marker', marker: 'bus', seq, time: 1000, data, pageLoadId, frameUrl: 'https://x.test/frame' })
    const s = new TabStore(1)
    s.ingest('p1', [pageLoad(0)])
    s.ingest('f1', [pageLoad(0, 'f1', false, 'https://x.test/frame'), bus(1, 'f1', { via: 'CXBus' })])
    s.ingest('f2', [pageLoad(0, 'f2', false, 'https://x.test/other'), bus(1, 'f2', { via: 'widgets', widgetsVersion: '8.5' })])
    expect(s.state.bus).toEqual({ via: 'CXBus' })
    s.ingest('f1', [bus(2, 'f1', { via: 'CXBus', widgetsVersion: '9.0.018.07' })]) // widgets-core answered
    expect(s.state.bus).toEqual({ via: 'CXBus', widgetsVersion: '9.0.018.07' })
    expect(s.toSession('UA').source?.widgetsVersion).toBe('9.0.018.07')
    s.ingest('p1', [bus(1, 'p1', { via: 'CXBus', widgetsVersion: '9.1' })])
    expect(s.state.bus).toEqual({ via: 'CXBus', widgetsVersion: '9.1' })
  })

  it('recording off stores nothing but still de-duplicates', () => {
    const s = new TabStore(1)
    s.setRecording(false)
    expect(s.ingest('p1', [ev(0, 'Callback.ready')]).added).toEqual([])
    expect(s.setRecording(true).map((e) => e.seq)).toEqual([0]) // the paused marker
    expect(s.ingest('p1', [ev(0, 'Callback.ready'), ev(1, 'Callback.opened')]).added.map((e) => e.seq)).toEqual([1])
  })

  it('paused: counts per page load what it does not store, and marks the gap when recording resumes', () => {
    const s = new TabStore(1)
    s.ingest('p1', [pageLoad(0), ev(1, 'Callback.ready')])
    expect(s.setRecording(false)).toEqual([])
    s.ingest('p1', [ev(2, 'Callback.opened'), ev(3, 'Callback.started')])
    s.ingest('f1', [pageLoad(0, 'f1', false, 'https://x.test/frame'), { ...ev(1, 'Callback.ready', {}, 'f1'), frameUrl: 'https://x.test/frame' }])
    expect(s.state.count).toBe(3) // the frame's page-load marker is stored: Pause is about events
    const added = s.setRecording(true)
    expect(added).toEqual([
      { kind: 'marker', marker: 'dropped', seq: 3, time: 1002, pageLoadId: 'p1', frameUrl: 'https://x.test/', data: { count: 2, where: 'paused' } },
      { kind: 'marker', marker: 'dropped', seq: 4, time: 1001, pageLoadId: 'f1', frameUrl: 'https://x.test/frame', data: { count: 1, where: 'paused' } },
    ])
    expect(s.state).toMatchObject({ recording: true, count: 5, dropped: 0 }) // dropped: buffer overflows only
    expect(s.ingest('p1', [ev(4, 'Callback.cancelled')]).added.map((e) => e.seq)).toEqual([5]) // marked once
    expect(s.setRecording(true)).toEqual([])
  })

  it('paused: an entry published before Pause but arriving after it is recorded (page time decides, not arrival)', () => {
    const s = new TabStore(1)
    const clicked = 1_764_000_000_000
    const at = (e: SessionEntry, time: number): SessionEntry => ({ ...e, time })
    s.ingest('p1', [at(pageLoad(0), clicked - 5_000), at(ev(1, 'Callback.ready'), clicked - 4_000)])
    s.setRecording(false, clicked)
    // The page's action 80 ms before the click; its batch comes after it. Then one really paused,
    // and one claiming a time long before Pause (a page's made-up time does not slip past it).
    const r = s.ingest('p1', [at(ev(2, 'Callback.opened'), clicked - 80), at(ev(3, 'Callback.started'), clicked + 500), at(ev(4, 'Callback.submitted'), clicked - 60_000)])
    expect(r.added.map((e) => (e.kind === 'event' ? e.event : e.kind))).toEqual(['Callback.opened'])
    const resumed = clicked + 10_000
    expect(s.setRecording(true, resumed).map((e) => e.data)).toEqual([{ count: 2, where: 'paused' }])
    // The same at Resume: published just before it, arriving after it, not recorded (and said so).
    const late = s.ingest('p1', [at(ev(5, 'Callback.cancelled'), resumed - 70), at(ev(6, 'Callback.closed'), resumed + 30)])
    expect(late.added.map((e) => (e.kind === 'event' ? e.event : e.data))).toEqual(['Callback.closed', { count: 1, where: 'paused' }])
  })

  it('paused: the counts survive a worker restart; a new top-frame document without preserve log forgets them', () => {
    const s = new TabStore(1)
    s.ingest('p1', [pageLoad(0)])
    s.setRecording(false)
    s.ingest('p1', [ev(1, 'Callback.ready'), ev(2, 'Callback.opened')])
    const restored = TabStore.restore(structuredClone(s.meta()), s.entries.toArray())
    expect(restored.setRecording(true).map((e) => e.data)).toEqual([{ count: 2, where: 'paused' }])
    s.ingest('p2', [pageLoad(0, 'p2'), ev(1, 'Callback.ready', {}, 'p2')])
    expect(s.setRecording(true).map((e) => [e.pageLoadId, e.data])).toEqual([['p2', { count: 1, where: 'paused' }]])
  })

  it('paused with preserve log: a reload stores its page-load and bus markers; each paused marker has its page load and the time its gap began', () => {
    const s = new TabStore(1, undefined, { preserveLog: true })
    const clicked = 1_764_000_000_000
    const at = (e: SessionEntry, time: number): SessionEntry => ({ ...e, time })
    s.ingest('p1', [at(pageLoad(0), clicked - 5_000), at(ev(1, 'Callback.ready'), clicked - 4_000)])
    s.setRecording(false, clicked)
    s.ingest('p1', [at(ev(2, 'Callback.opened'), clicked + 1_000), at(ev(3, 'Callback.cancelled'), clicked + 2_000)])
    const bus: SessionEntry = { kind: 'marker', marker: 'bus', seq: 1, time: clicked + 3_100, data: { via: 'CXBus' }, pageLoadId: 'p2', frameUrl: 'https://x.test/?b' }
    const reload = s.ingest('p2', [at(pageLoad(0, 'p2', true, 'https://x.test/?b'), clicked + 3_000), bus, at(ev(2, 'Callback.ready', {}, 'p2'), clicked + 3_200)])
    // The kept document's gap is marked before the new page load's row; the markers are stored though paused.
    expect(reload.added.map((e) => [e.pageLoadId, e.kind === 'marker' ? e.marker : e.kind, e.time])).toEqual([
      ['p1', 'dropped', clicked + 1_000],
      ['p2', 'page-load', clicked + 3_000],
      ['p2', 'bus', clicked + 3_100],
    ])
    expect(s.state.url).toBe('https://x.test/?b')
    const resumed = s.setRecording(true, clicked + 9_000)
    expect(resumed.map((e) => [e.pageLoadId, e.frameUrl, e.time, e.data])).toEqual([['p2', 'https://x.test/', clicked + 3_200, { count: 1, where: 'paused' }]])
    expect(s.entries.toArray().filter((e) => e.kind === 'marker' && e.marker === 'page-load').map((e) => e.pageLoadId)).toEqual(['p1', 'p2'])
    // The time of the first one survives a worker restart.
    s.setRecording(false, clicked + 10_000)
    s.ingest('p2', [at(ev(3, 'Callback.opened', {}, 'p2'), clicked + 11_000)])
    const restored = TabStore.restore(structuredClone(s.meta()), s.entries.toArray())
    expect(restored.setRecording(true, clicked + 12_000).map((e) => e.time)).toEqual([clicked + 11_000])
  })

  it('clear with preserve log: one marker per Clear, what THIS Clear removed, split between this page load and earlier ones', () => {
    const s = new TabStore(1, undefined, { preserveLog: true })
    /** The events and commands in the store: what a Clear removes. */
    const held = () => s.entries.toArray().filter((e) => e.kind !== 'marker').length
    const said = (markers: SessionEntry[]) => markers.reduce((n, e) => n + (e.data as { count: number }).count, 0)
    s.ingest('p1', [pageLoad(0), ev(1, 'Callback.ready'), ev(2, 'Callback.opened')])
    s.ingest('f1', [pageLoad(0, 'f1', false, 'https://x.test/frame'), ev(1, 'Callback.ready', {}, 'f1')]) // a frame of the first document: not a page
    s.ingest('p2', [pageLoad(0, 'p2'), ev(1, 'Callback.ready', {}, 'p2')])
    s.ingest('p3', [pageLoad(0, 'p3'), ev(1, 'Callback.ready', {}, 'p3'), ev(2, 'Callback.opened', {}, 'p3')])
    s.ingest('f3', [pageLoad(0, 'f3', false, 'https://x.test/frame'), ev(1, 'Callback.ready', {}, 'f3')]) // a frame of the current document
    expect(held()).toBe(7)
    const first = s.clearByUser()
    expect(first.map((e) => [e.pageLoadId, e.data])).toEqual([
      ['p3', { count: 6, where: 'cleared', earlier: { count: 4, pages: 2 } }],
      ['f3', { count: 1, where: 'cleared' }],
    ])
    expect(said(first)).toBe(7)
    // Two more events, then Clear again: it says those two, not what the first Clear had removed.
    s.ingest('p3', [ev(3, 'Callback.started', {}, 'p3'), ev(4, 'Callback.cancelled', {}, 'p3')])
    const second = s.clearByUser()
    expect(second.map((e) => [e.pageLoadId, e.data])).toEqual([
      ['p3', { count: 2, where: 'cleared' }],
      ['f3', { count: 0, where: 'cleared' }], // nothing removed, but its gap goes on (its ready is gone)
    ])
    // A reload, events in both documents, Clear: the earlier document's are counted once, in the new page load's marker.
    s.ingest('p3', [ev(5, 'Callback.opened', {}, 'p3')])
    s.ingest('p4', [pageLoad(0, 'p4'), ev(1, 'Callback.ready', {}, 'p4')])
    const third = s.clearByUser()
    expect(third.map((e) => [e.pageLoadId, e.data])).toEqual([['p4', { count: 2, where: 'cleared', earlier: { count: 1, pages: 1 } }]])
    // Nothing of the current page load: the earlier documents' count goes with the last of them.
    s.ingest('p4', [ev(2, 'Callback.opened', {}, 'p4')])
    s.ingest('p5', [pageLoad(0, 'p5')])
    expect(s.clearByUser().map((e) => [e.pageLoadId, e.data])).toEqual([['p4', { count: 1, where: 'cleared', earlier: { count: 1, pages: 1 } }]])
  })

  it('clear by the user: the capture begins with a cleared marker per page load it had entries of; paused entries keep their own marker', () => {
    const s = new TabStore(1)
    s.ingest('p1', [pageLoad(0), ev(1, 'Callback.ready'), ev(2, 'Callback.opened')])
    s.ingest('f1', [pageLoad(0, 'f1', false, 'https://x.test/frame'), ev(1, 'Callback.ready', {}, 'f1')])
    s.setRecording(false)
    s.ingest('p1', [ev(3, 'Callback.started')])
    const added = s.clearByUser()
    expect(added.map((e) => [e.seq, e.pageLoadId, e.data])).toEqual([[5, 'p1', { count: 2, where: 'cleared' }], [6, 'f1', { count: 1, where: 'cleared' }]])
    expect(s.entries.toArray()).toEqual(added)
    expect(s.state).toMatchObject({ count: 2, dropped: 0 })
    expect(s.setRecording(true).map((e) => [e.pageLoadId, e.data])).toEqual([['p1', { count: 1, where: 'paused' }]])
    // Clearing again removes no event: each page load's gap is kept, with nothing counted twice.
    expect(s.clearByUser().map((e) => e.data)).toEqual([{ count: 0, where: 'cleared' }, { count: 0, where: 'cleared' }])
  })

  it('is bounded by events and commands: markers use no budget, and what is gone is counted exactly', () => {
    const s = new TabStore(1, 5)
    const load: SessionEntry = { ...pageLoad(0), pageLoadId: 'p1' }
    const r = s.ingest('p1', [load, ...Array.from({ length: 8 }, (_, i) => ev(i + 1, 'Callback.minimized', { i }))])
    expect(s.hasPendingDropped()).toBe(true)
    expect(s.state.dropped).toBe(3) // counted at once; the marker waits for the end of the burst
    s.flushDropped()
    const stored = s.entries.toArray()
    // 5 events kept (the newest), then one marker: 3 events gone; the page-load marker went with
    // them but counts 0 (it is no captured entry), so events + counts = the 8 published
    expect(stored.filter((e) => e.kind === 'event').map((e) => (e.data as { i: number }).i)).toEqual([3, 4, 5, 6, 7])
    const marker = stored[stored.length - 1] as SessionEntry
    expect(marker).toMatchObject({ kind: 'marker', marker: 'dropped', data: { count: 3, where: 'background' } })
    expect(s.state.dropped).toBe(3)
    expect(r.added.every((e) => e.seq >= (stored[0] as SessionEntry).seq)).toBe(true)
    // a burst of exactly the budget is stored whole, however many markers came before
    const t = new TabStore(2, 10)
    const markers: SessionEntry[] = Array.from({ length: 4 }, (_, i) => ({ kind: 'marker', marker: 'bus', seq: i, time: 1, data: { via: 'CXBus' }, pageLoadId: 'p1' }))
    t.ingest('p1', [...markers, ...Array.from({ length: 10 }, (_, i) => ev(i + 4, 'Callback.minimized', { i }))])
    expect(t.entries.toArray()).toHaveLength(14)
    expect(t.state.dropped).toBe(0)
    // an evicted `dropped` marker's count is carried on, not lost and not counted twice
    const u = new TabStore(3, 3)
    const relayLoss: SessionEntry = { kind: 'marker', marker: 'dropped', seq: 1, time: 1, data: { count: 40, where: 'relay' }, pageLoadId: 'p1' }
    u.ingest('p1', [ev(0, 'Callback.ready'), relayLoss, ev(2, 'Callback.opened'), ev(3, 'Callback.started')])
    u.ingest('p1', [ev(4, 'Callback.submitted'), ev(5, 'Callback.completed')])
    u.flushDropped()
    const kept = u.entries.toArray()
    const lost = kept.reduce((n, e) => n + (e.kind === 'marker' && e.marker === 'dropped' ? (e.data as { count: number }).count : 0), 0)
    // the budget's 3, and the ready, kept with the markers (the opened went)
    expect(kept.filter((e) => e.kind === 'event').map((e) => e.seq)).toEqual([0, 3, 4, 5])
    expect(kept.filter((e) => e.kind === 'event').length + lost).toBe(5 + 40)
    expect(u.state.dropped).toBe(41)
  })

  it('a flood past the budget, batch after batch, is said by one marker; the count survives a worker restart', () => {
    const s = new TabStore(1, 100)
    let seq = 0
    for (let b = 0; b < 40; b++) s.ingest('p1', Array.from({ length: 50 }, () => ev(seq, 'Callback.minimized', { i: seq++ })))
    expect(s.entries.toArray().filter((e) => e.kind === 'marker')).toEqual([])
    const restored = TabStore.restore(s.meta(), s.entries.toArray(), 100)
    for (const t of [s, restored]) {
      const marker = t.flushDropped()
      expect(marker).toEqual([expect.objectContaining({ kind: 'marker', marker: 'dropped', data: { count: 1_900, where: 'background', plugin: 'Callback', floors: expect.any(Array) }, pageLoadId: 'p1' })])
      expect(t.entries.toArray().filter((e) => e.kind === 'event')).toHaveLength(100)
      expect(t.hasPendingDropped()).toBe(false)
    }
  })

  it('counts the relay\'s own overflow markers in TabState.dropped, not paused or cleared ones', () => {
    const s = new TabStore(1, 100)
    const relayLoss: SessionEntry = { kind: 'marker', marker: 'dropped', seq: 1, time: 1001, data: { count: 7, where: 'relay' }, pageLoadId: 'p1' }
    s.ingest('p1', [ev(0, 'Callback.ready'), relayLoss, ev(2, 'Callback.opened')])
    expect(s.state.dropped).toBe(7)
    s.setRecording(false)
    s.ingest('p1', [ev(3, 'Callback.started')])
    s.setRecording(true)
    s.clearByUser()
    expect(s.entries.toArray().map((e) => e.kind === 'marker' && (e.data as { where: string }).where)).toEqual(['cleared'])
    expect(s.state.dropped).toBe(0) // cleared: the losses went with the entries
  })
})

describe('background', () => {
  it('acks the relay only after persisting, and a late panel gets everything from before', async () => {
    const t = setup()
    const r = t.relay(7)
    r.emit(relayBatch('p1', [pageLoad(0), ev(1, 'Callback.ready'), ev(2, 'Callback.opened')]))
    await t.settle()
    expect(r.sent).toEqual([{ type: 'ack', pageLoadId: 'p1', seq: 2 }])
    expect([...t.area.data.keys()].some((k) => k.startsWith('cx:c:7:'))).toBe(true)
    const p = t.panel(7)
    await t.settle()
    expect(t.panelEntries(p).map((e) => e.seq)).toEqual([0, 1, 2])
    expect((p.sent[0] as BackgroundToPanel).type).toBe('state')
    r.emit(relayBatch('p1', [ev(3, 'Callback.cancelled')]))
    await t.settle()
    expect(t.panelEntries(p).map((e) => e.seq)).toEqual([0, 1, 2, 3]) // live, no duplicates
  })

  it('a panel reconnecting with afterSeq gets only what it missed', async () => {
    const t = setup()
    const r = t.relay(1)
    r.emit(relayBatch('p1', [pageLoad(0), ev(1, 'Callback.ready'), ev(2, 'Callback.opened')]))
    await t.settle()
    const p = t.panel(1, 1)
    await t.settle()
    expect(t.panelEntries(p).map((e) => e.seq)).toEqual([2])
  })

  it('survives a worker restart: restores the store, drops resent entries, keeps numbering', async () => {
    const area = memoryArea()
    const t1 = setup(area)
    const r1 = t1.relay(3)
    r1.emit(relayBatch('p1', [pageLoad(0), ev(1, 'Callback.ready')]))
    await t1.settle()
    // worker stopped: a new instance on the same storage; the relay reconnects and resends un-acked
    const t2 = setup(area)
    const r2 = t2.relay(3)
    r2.emit(relayBatch('p1', [ev(1, 'Callback.ready'), ev(2, 'Callback.opened')]))
    await t2.settle()
    const p = t2.panel(3)
    await t2.settle()
    expect(t2.panelEntries(p).map((e) => [e.seq, e.kind === 'event' ? e.event : 'marker'])).toEqual([
      [0, 'marker'],
      [1, 'Callback.ready'],
      [2, 'Callback.opened'],
    ])
    expect(r2.sent).toEqual([{ type: 'ack', pageLoadId: 'p1', seq: 2 }])
  })

  it('ignores malformed relay messages and batches of another page load on the port', async () => {
    const t = setup()
    const r = t.relay(1)
    r.emit({ ...relayBatch('p1', [ev(0, 'Callback.ready')]), seq: -1 })
    r.emit({ ...relayBatch('p1', [ev(0, 'Callback.ready')]), count: 0 })
    r.emit({ ...relayBatch('p1', [ev(0, 'Callback.ready')]), text: 'x'.repeat(HOOK_TEXT_LIMIT + 1) })
    r.emit(relayBatch('other', [ev(0, 'Callback.completed', {}, 'other')]))
    r.emit('garbage')
    await t.settle()
    expect(t.bg.stores.get(1)?.state.count ?? 0).toBe(0)
    expect(r.sent).toEqual([])
  })

  it('parses each batch and checks each entry: malformed ones counted in one marker, the rest stored, the batch acked', async () => {
    const t = setup()
    const r = t.relay(1)
    const ready = { kind: 'event', time: 5, publisher: 'Callback', event: 'Callback.ready', data: {} }
    const text = JSON.stringify([{ kind: 'event', time: 'x' }, ready, 42])
    r.emit({ type: 'batch', pageLoadId: 'p1', seq: 0, count: 3, lost: 3, frameUrl: 'https://x.test/', text })
    r.emit({ type: 'batch', pageLoadId: 'p1', seq: 3, count: 2, lost: 2, frameUrl: 'https://x.test/', text: '{"not":"json' })
    await t.settle()
    const stored = t.bg.stores.get(1)?.entries.toArray() ?? []
    expect(stored.map((e) => (e.kind === 'marker' ? e.data : e.kind === 'event' ? e.event : ''))).toEqual([
      { count: 2, where: 'background' },
      'Callback.ready',
      { count: 2, where: 'background' },
    ])
    expect(t.bg.stores.get(1)?.state.dropped).toBe(4)
    expect(r.sent).toEqual([{ type: 'ack', pageLoadId: 'p1', seq: 2 }, { type: 'ack', pageLoadId: 'p1', seq: 4 }])
  })

  it('rejects relay ports without a tab and panel ports from non-extension pages', async () => {
    const t = setup()
    const noTab = new FakePort(RELAY_PORT, { id: EXT, url: 'https://x.test/' })
    t.connect(noTab)
    expect(noTab.disconnected).toBe(true)
    const fakePanel = t.panel(1, -1, 'https://evil.test/')
    expect(fakePanel.disconnected).toBe(true)
    expect(await t.message({ type: 'get-tab-state', tabId: 1 }, { id: EXT, url: 'https://evil.test/' })).toBeUndefined()
  })

  it('clear, preserve log and recording from a panel', async () => {
    const t = setup()
    const r = t.relay(1)
    r.emit(relayBatch('p1', [pageLoad(0), ev(1, 'Callback.ready')]))
    await t.settle()
    const p = t.panel(1)
    p.emit({ type: 'set-preserve-log', value: true })
    p.emit({ type: 'clear' })
    await t.settle()
    expect(p.sent.some((m) => (m as BackgroundToPanel).type === 'cleared')).toBe(true)
    const st = (await t.message({ type: 'get-tab-state', tabId: 1 })) as { count: number; preserveLog: boolean }
    expect(st).toMatchObject({ count: 1, preserveLog: true }) // the cleared marker
    p.emit({ type: 'set-recording', value: false })
    r.emit(relayBatch('p1', [ev(2, 'Callback.opened')]))
    await t.settle()
    expect(((await t.message({ type: 'get-tab-state', tabId: 1 })) as { count: number }).count).toBe(1)
    expect(r.sent.at(-1)).toEqual({ type: 'ack', pageLoadId: 'p1', seq: 2 }) // acked anyway
  })

  // QA repro: demo page, open, type, Pause, type more, submit, Record, close.
  it('pause and resume mid-interaction: a paused marker, no false error on the badge', async () => {
    const fx = loadFixture('documented-submitted').events // 0 page-load .. 4 opened, 5 started, 6 submitted .. 9 completed, 10 closed
    const t = setup()
    const r = t.relay(1)
    const p = t.panel(1)
    r.emit(relayBatch('p1', fx.slice(0, 6)))
    await t.settle()
    p.emit({ type: 'set-recording', value: false })
    r.emit(relayBatch('p1', fx.slice(6, 10)))
    await t.settle()
    p.emit({ type: 'set-recording', value: true })
    await t.settle()
    r.emit(relayBatch('p1', fx.slice(10)))
    await t.settle()
    const st = (await t.message({ type: 'get-tab-state', tabId: 1 })) as { findings: Record<string, number>; dropped: number }
    expect(st.findings).toMatchObject({ error: 0, warning: 0 }) // was meta/premature and order/no-terminal
    expect(t.badges.at(-1)).toEqual({ tabId: 1, text: '' })
    expect(st.dropped).toBe(0)
    const got = t.panelEntries(p)
    expect(got.map((e) => (e.kind === 'event' ? e.event : e.kind === 'marker' ? e.marker : e.command)).slice(5))
      .toEqual(['Callback.started', 'dropped', 'Callback.closed'])
    expect(got[6]).toMatchObject({ pageLoadId: 'p1', data: { count: 4, where: 'paused' } })
  })

  // QA repro: Clear after the page is ready, then a whole interaction.
  it('clear after ready: the next interaction gives no order/before-ready', async () => {
    const fx = loadFixture('documented-submitted').events
    const t = setup()
    const r = t.relay(1)
    const p = t.panel(1)
    r.emit(relayBatch('p1', fx.slice(0, 4))) // up to the open command
    await t.settle()
    p.emit({ type: 'clear' })
    await t.settle()
    r.emit(relayBatch('p1', fx.slice(4)))
    await t.settle()
    const st = (await t.message({ type: 'get-tab-state', tabId: 1 })) as { findings: Record<string, number>; count: number }
    expect(st.findings).toMatchObject({ error: 0, warning: 0 }) // was order/before-ready
    expect(st.count).toBe(8)
    const afterClear = (p.sent as BackgroundToPanel[]).slice((p.sent as BackgroundToPanel[]).findIndex((m) => m.type === 'cleared'))
    const entries = afterClear.flatMap((m) => (m.type === 'entries' ? m.entries : []))
    expect(entries[0]).toMatchObject({ kind: 'marker', marker: 'dropped', pageLoadId: 'p1', data: { count: 2, where: 'cleared' } }) // the ready and the open command (markers are not counted)
    expect(entries.slice(1).map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10, 11])
    // The same from the stored entries (what an export and a restarted worker check).
    const session = (await t.message({ type: 'export-session', tabId: 1 })) as Session
    expect(check(session).findings.filter((f) => f.severity !== 'info')).toEqual([])
  })

  it('forgets a closed tab, in memory and in storage; its panels are told, not cleared', async () => {
    const t = setup()
    t.relay(9).emit(relayBatch('p1', [pageLoad(0)]))
    await t.settle()
    const p = t.panel(9)
    await t.settle()
    t.removed(9)
    await t.settle()
    expect(t.bg.stores.has(9)).toBe(false)
    expect([...t.area.data.keys()].filter((k) => k.includes(':9'))).toEqual([])
    const types = (p.sent as BackgroundToPanel[]).map((m) => m.type)
    expect(types).toContain('tab-closed')
    expect(types).not.toContain('cleared')
  })

  it('tells a panel opened for a tab that is not open, and only that one', async () => {
    const t = setup(memoryArea(), { tabExists: async (id) => id === 1 })
    const gone = t.panel(77)
    const open = t.panel(1)
    await t.settle()
    expect((gone.sent as BackgroundToPanel[]).map((m) => m.type)).toContain('tab-closed')
    expect((open.sent as BackgroundToPanel[]).map((m) => m.type)).not.toContain('tab-closed')
  })

  it('persists a clear and what follows in one write(): removals and new values together', async () => {
    const mem = memoryArea()
    const calls: [string, StorageWrite | unknown][] = []
    const area: StorageArea & { data: Map<string, unknown> } = {
      data: mem.data,
      get: (keys) => mem.get(keys),
      set: (items) => (calls.push(['set', items]), mem.set(items)),
      remove: (keys) => (calls.push(['remove', keys]), mem.remove(keys)),
      write: (change) => (calls.push(['write', change]), mem.write(change)),
    }
    const t = setup(area)
    const r = t.relay(1)
    r.emit(relayBatch('p1', [pageLoad(0), ev(1, 'Callback.opened')]))
    await t.settle()
    const p = t.panel(1)
    await t.settle()
    calls.length = 0
    p.emit({ type: 'clear' })
    await t.settle()
    expect(calls.map(([m]) => m)).toEqual(['write'])
    const change = calls[0]?.[1] as StorageWrite
    // Markers have a lane (and chunks) of their own: page-load 0 and opened 1 are two chunks.
    expect(change.remove?.slice().sort()).toEqual(['cx:c:1:0', 'cx:c:1:1']) // the chunks of the cleared entries...
    expect(Object.keys(change.set ?? {}).sort()).toEqual(['cx:c:1:2', 'cx:m:1']) // ...and the cleared marker with its meta
    expect([...mem.data.keys()].sort()).toEqual(['cx:c:1:2', 'cx:m:1'])
  })

  it('sequentialWrite gives an area without transactions (the storage.session fallback) write(): remove, then set', async () => {
    const mem = memoryArea()
    await mem.set({ a: 1, b: 2, c: 3 })
    const { write: _, ...basic } = mem
    const area = sequentialWrite(basic)
    await area.write({ remove: ['a', 'b'], set: { b: 20, d: 4 } })
    expect(Object.fromEntries(mem.data)).toEqual({ b: 20, c: 3, d: 4 })
  })

  it('a flood past the tab budget: one dropped marker once the batches stop, to panels and in the export', async () => {
    const t = setup(memoryArea(), { maxEntries: 1_000 })
    const r = t.relay(4)
    const p = t.panel(4)
    let seq = 0
    for (let b = 0; b < 10; b++) r.emit(relayBatch('p1', Array.from({ length: 500 }, () => ev(seq, 'Callback.minimized', { i: seq++ }))))
    await t.settle()
    expect(t.panelEntries(p).filter((e) => e.kind === 'marker')).toEqual([]) // not one per batch
    // an export in the meantime is exact already: it stores the marker first
    const s = (await t.message({ type: 'export-session', tabId: 4 })) as Session
    const lost = s.events.filter((e) => e.kind === 'marker' && e.marker === 'dropped')
    expect(lost.map((e) => e.data)).toEqual([{ count: 4_000, where: 'background', plugin: 'Callback', floors: expect.any(Array) }])
    expect(s.events.filter((e) => e.kind === 'event')).toHaveLength(1_000)
    await new Promise((res) => setTimeout(res, DROPPED_SETTLE_MS + 50))
    await t.settle()
    expect(t.panelEntries(p).filter((e) => e.kind === 'marker').map((e) => e.data)).toEqual([{ count: 4_000, where: 'background', plugin: 'Callback', floors: expect.any(Array) }])
  })

  it('a full store evicting housekeeping: the first marker once the batches settle, then none for a while, the export exact', async () => {
    const t = setup(memoryArea(), { maxEntries: 100 })
    const r = t.relay(5)
    const p = t.panel(5)
    let seq = 0
    const batch = (n: number) => r.emit(relayBatch('p1', Array.from({ length: n }, () => ev(seq++, 'Watchman.tick'))))
    r.emit(relayBatch('p1', [ev(seq++, 'Callback.ready'), ev(seq++, 'Callback.opened')]))
    batch(150)
    await t.settle()
    await new Promise((res) => setTimeout(res, DROPPED_SETTLE_MS + 50))
    await t.settle()
    const markers = () => t.panelEntries(p).filter((e) => e.kind === 'marker')
    // 152 events, a budget of 100: the ready is kept with the markers, so 51 Watchman ticks go
    expect(markers().map((e) => e.data)).toEqual([{ count: 51, where: 'background', plugin: 'Watchman', floors: expect.any(Array) }])
    for (let i = 0; i < 5; i++) batch(3) // a page going on: nothing marked before the housekeeping pace allows
    await new Promise((res) => setTimeout(res, DROPPED_SETTLE_MS + 50))
    await t.settle()
    expect(markers()).toHaveLength(1)
    const s = (await t.message({ type: 'export-session', tabId: 5 })) as Session
    const lost = s.events.filter((e) => e.kind === 'marker' && e.marker === 'dropped').map((e) => (e.data as { count: number }).count)
    expect(lost).toEqual([51, 15])
    expect(s.events.filter((e) => e.kind === 'event').map((e) => e.kind === 'event' && e.event).slice(0, 2)).toEqual(['Callback.ready', 'Callback.opened'])
    expect(s.events.filter((e) => e.kind === 'event').length + 51 + 15).toBe(seq)
  })

  it('exports a session with source and events', async () => {
    const t = setup()
    t.relay(2).emit(relayBatch('p1', [pageLoad(0), { kind: 'marker', marker: 'bus', seq: 1, time: 1, data: { via: 'CXBus', widgetsVersion: '9.0.018.07' }, pageLoadId: 'p1', frameUrl: 'https://x.test/' }]))
    await t.settle()
    const s = (await t.message({ type: 'export-session', tabId: 2 })) as { format: string; source: unknown; events: unknown[] }
    expect(s.format).toBe('cxbus-devtools/session')
    expect(s.source).toEqual({ url: 'https://x.test/', widgetsVersion: '9.0.018.07', userAgent: 'test-agent', extensionVersion: '0.1.0' })
    expect(s.events).toHaveLength(2)
  })

  it('shows the error count on the badge and nothing when there is none', async () => {
    const t = setup()
    const r = t.relay(4)
    // closed right after opened: no cancelled/completed -> an error finding (order/no-terminal)
    r.emit(relayBatch('p1', [pageLoad(0), ev(1, 'Callback.ready'), ev(2, 'Callback.opened', { opened: 1002 }), ev(3, 'Callback.closed', { opened: 1002, closed: 1003 })]))
    await t.settle()
    const st = (await t.message({ type: 'get-tab-state', tabId: 4 })) as { findings: { error: number } }
    expect(st.findings.error).toBeGreaterThan(0)
    expect(t.badges.at(-1)).toEqual({ tabId: 4, text: String(st.findings.error) })
    expect(t.titles.at(-1)).toMatch(/^cxbus-devtools: \d+ errors?/)
  })

  it('rebuilt from a store that evicted (restore, new settings): the store-full marker is a gap, no false error', () => {
    const store = new TabStore(7, 4)
    const s = loadFixture('shipped-two-in-a-row')
    store.ingest('p1', s.events)
    store.flushDropped(true)
    // What was kept, read without the marker where its gap is: errors.
    expect(check(store.entries.toArray().filter((e) => e.kind !== 'marker' || e.marker !== 'dropped')).findings.some((f) => f.severity === 'error')).toBe(true)
    const findings = new Findings(null)
    findings.rebuild(store)
    expect(store.state.findings.error).toBe(0)
    expect(store.state.findings).toEqual(check(store.toSession('UA')).findings.reduce((c, f) => ((c[f.severity]++), c), { error: 0, warning: 0, info: 0 }))
  })

  it('badge text and title', () => {
    expect(badgeText({ error: 0, warning: 3, info: 1 })).toBe('')
    expect(badgeText({ error: 2, warning: 0, info: 0 })).toBe('2')
    expect(badgeText({ error: 5000, warning: 0, info: 0 })).toBe('999+')
    expect(badgeTitle({ error: 2, warning: 1, info: 0 }, true)).toBe('cxbus-devtools: 2 errors, 1 warning on this page')
    expect(badgeTitle({ error: 0, warning: 0, info: 0 }, true)).toBe('cxbus-devtools: no problems found on this page')
    // "info" as the panel and the popup say it, not "notes"
    expect(badgeTitle({ error: 1, warning: 0, info: 3 }, true)).toBe('cxbus-devtools: 1 error, 3 info on this page')
    expect(badgeTitle({ error: 0, warning: 0, info: 0 }, false)).toBe('cxbus-devtools')
  })
})

describe('background: panel commands (issue 15)', () => {
  const busMarker = (seq: number, pageLoadId: string): SessionEntry =>
    ({ kind: 'marker', marker: 'bus', seq, time: 1000, data: { via: 'CXBus' }, pageLoadId, frameUrl: 'https://x.test/' })
  const results = (p: FakePort) => (p.sent as BackgroundToPanel[]).filter((m) => m.type === 'command-result')
  const cmd = (id: string, name = 'Callback.open', confirmed = false) => ({ type: 'command', id, name, options: { form: { firstname: 'Ada' } }, confirmed })

  it('goes to the relay of the page load whose hook found a bus; only that relay answers it', async () => {
    const t = setup()
    const frame = t.relay(1, 'frameload')
    const other = t.relay(1, 'otherload')
    frame.emit(relayBatch('frameload', [pageLoad(0, 'frameload', false), busMarker(1, 'frameload')]))
    await t.settle()
    const panel = t.panel(1)
    await t.settle()
    panel.emit(cmd('a1'))
    await t.settle()
    expect(frame.sent).toContainEqual({ type: 'command', pageLoadId: 'frameload', id: 'a1', name: 'Callback.open', options: { form: { firstname: 'Ada' } } })
    expect(other.sent.some((m) => (m as { type: string }).type === 'command')).toBe(false)
    other.emit({ type: 'command-result', pageLoadId: 'otherload', id: 'a1', outcome: 'resolved', detail: null }) // not its command
    frame.emit({ type: 'command-result', pageLoadId: 'frameload', id: 'a1', outcome: 'rejected', detail: 'User must confirm close' })
    await t.settle()
    expect(results(panel)).toEqual([{ type: 'command-result', id: 'a1', outcome: 'rejected', detail: 'User must confirm close', target: 'https://x.test/' }])
  })

  it('refuses while paused, without a bus, and a CallbackService command not confirmed; times out a silent page', async () => {
    const t = setup()
    const panel = t.panel(1)
    await t.settle()
    panel.emit(cmd('n1'))
    const relay = t.relay(1, 'p1')
    relay.emit(relayBatch('p1', [pageLoad(0), busMarker(1, 'p1')]))
    await t.settle()
    panel.emit(cmd('s1', 'CallbackService.schedule'))
    panel.emit({ type: 'set-recording', value: false })
    panel.emit(cmd('p1'))
    panel.emit({ type: 'set-recording', value: true })
    await t.settle()
    const r = results(panel)
    expect(r.map((m) => [m.type === 'command-result' && m.id, m.type === 'command-result' && m.outcome])).toEqual([['n1', 'not-sent'], ['s1', 'not-sent'], ['p1', 'not-sent']])
    expect(JSON.stringify(r)).toMatch(/No bus.*books a real callback.*paused/)
    expect(relay.sent.some((m) => (m as { type: string }).type === 'command')).toBe(false)
    panel.emit(cmd('s2', 'CallbackService.schedule', true))
    await t.settle()
    expect(relay.sent.some((m) => (m as { id?: string }).id === 's2')).toBe(true)
    await new Promise((res) => setTimeout(res, 5_100))
    expect(results(panel).at(-1)).toMatchObject({ id: 's2', outcome: 'timeout' })
  }, 10_000)
})
