// Unit tests of the tab store's eviction (src/background/store.ts, issue 13 item 5): a tab left open
// on a real page, where housekeeping plugins publish three times a second, keeps its Callback history
// once the store is full; evictions are said by a handful of markers per plugin, and the stored
// entries plus the markers' counts are exactly what the page published, also across a worker restart.
import { describe, expect, it } from 'vitest'
import { Persister } from '../../../src/background/persist.ts'
import { HOUSEKEEPING_MAX_WAIT_MS, HOUSEKEEPING_WAIT_MS, laneOf, MARKERS, TabStore } from '../../../src/background/store.ts'
import { check } from '../../../src/core/check.ts'
import { droppedCount, droppedPlugin, type SessionEntry } from '../../../src/core/model.ts'
import { describeMarker } from '../../../devtools/panel/lib/entries.ts'
import { loadFixture } from '../../support/fixtures.ts'
import { memoryArea } from '../../support/memory-area.ts'

const T0 = 1764000000000

function hk(seq: number, time: number, event: string): SessionEntry {
  return { kind: 'event', seq, time, publisher: event.slice(0, event.indexOf('.')), event, data: { at: time }, pageLoadId: 'p1', frameUrl: 'https://shop.example.test/contact' }
}

const droppedMarkers = (entries: readonly SessionEntry[]) => entries.filter((e) => e.kind === 'marker' && e.marker === 'dropped')
const captured = (entries: readonly SessionEntry[]) => entries.filter((e) => e.kind !== 'marker')
const lost = (entries: readonly SessionEntry[]) => droppedMarkers(entries).reduce((n, e) => n + droppedCount(e), 0)
const callbackHistory = (entries: readonly SessionEntry[]) =>
  entries.filter((e) => e.kind !== 'marker' && (e.kind === 'event' ? e.publisher.startsWith('Callback') : e.command.startsWith('Callback'))).map(({ seq: _seq, ...rest }) => rest)

/**
 * A page like the demo's housekeeping simulation: Watchman.uptime:N, Watchman.tick and
 * WindowManager.updated every second, and one whole Callback interaction (a fixture) at its start.
 * Yields one relay batch per simulated second.
 */
function* longLivedPage(seconds: number): Generator<{ now: number; batch: SessionEntry[] }> {
  const callback = loadFixture('documented-submitted').events // page-load, bus, ready ... closed
  let seq = 0
  let c = 0
  for (let sec = 0; sec < seconds; sec++) {
    const batch: SessionEntry[] = []
    const end = T0 + (sec + 1) * 1000
    const housekeeping = [
      [T0 + sec * 1000 + 100, `Watchman.uptime:${sec}`],
      [T0 + sec * 1000 + 433, 'Watchman.tick'],
      [T0 + sec * 1000 + 766, 'WindowManager.updated'],
    ] as const
    for (const [time, name] of housekeeping) {
      while (c < callback.length && (callback[c] as SessionEntry).time < time) batch.push({ ...(callback[c++] as SessionEntry), seq: seq++ })
      batch.push(hk(seq++, time, name))
    }
    while (c < callback.length && (callback[c] as SessionEntry).time < end) batch.push({ ...(callback[c++] as SessionEntry), seq: seq++ })
    yield { now: end, batch }
  }
}

describe('TabStore: a tab left open on a page publishing housekeeping', () => {
  it('ten hours of Watchman traffic: the Callback history survives whole, a handful of markers, the counts add up', () => {
    const max = 3_000 // full after about 17 minutes at three events a second
    const s = new TabStore(1, max)
    let published = 0
    let flushes = 0
    for (const { now, batch } of longLivedPage(10 * 3600)) {
      s.ingest('p1', batch)
      published += captured(batch).length
      // The background flushes once the batches settle: here after every batch, more often than it would.
      if (s.hasPendingDropped() && s.droppedDueIn(now) === 0) {
        s.flushDropped(false, now)
        flushes++
      }
    }
    const before = s.entries.toArray()
    // Not yet marked (housekeeping waits its pace), but already in the banner's count.
    expect(s.hasPendingDropped()).toBe(true)
    expect(s.state.dropped).toBe(published - captured(before).length)
    s.flushDropped(true) // as an export does
    const all = s.entries.toArray()
    const callback = callbackHistory(loadFixture('documented-submitted').events)
    expect(callback).toHaveLength(9)
    expect(callbackHistory(all)).toEqual(callback)
    expect(all.filter((e) => e.kind === 'marker' && e.marker !== 'dropped').map((e) => e.kind === 'marker' && e.marker)).toEqual(['page-load', 'bus'])
    // 36 000 seconds of evictions: not 36 000 markers, at most a few dozen (two plugins, paced).
    const markers = droppedMarkers(all)
    const perPlugin = (p: string) => markers.filter((m) => droppedPlugin(m) === p).length
    expect(perPlugin('Watchman')).toBeGreaterThan(1)
    expect(perPlugin('Watchman')).toBeLessThanOrEqual(20)
    expect(perPlugin('WindowManager')).toBeLessThanOrEqual(20)
    expect(markers.length).toBe(perPlugin('Watchman') + perPlugin('WindowManager'))
    expect(flushes).toBeLessThanOrEqual(markers.length)
    // Exact: stored + the markers' counts = published, and the banner says the same.
    expect(captured(all).filter((e) => laneOf(e) !== MARKERS)).toHaveLength(max) // the readies are kept with the markers
    expect(captured(all).length + lost(all)).toBe(published)
    expect(s.state.dropped).toBe(lost(all))
    expect(s.hasPendingDropped()).toBe(false)
    expect(markers[0]).toMatchObject({ pageLoadId: 'p1', data: { where: 'background', plugin: 'Watchman' } })
    const first = droppedCount(markers[0] as SessionEntry)
    expect(describeMarker(markers[0] as SessionEntry)).toMatch(new RegExp(`^${first} Watchman ${first === 1 ? 'entry' : 'entries'} evicted \\(store full: the oldest, before #\\d+\\)$`))
    // The checker sees a clean interaction: lost housekeeping is no gap in Callback's history.
    const report = check(s.toSession('test'))
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([])
    expect(report.interactions.map((i) => [i.plugin, i.closed])).toEqual([['Callback', true]])
  })

  it('housekeeping goes first; with none left the oldest checked entries go; one marker per plugin and page load', () => {
    const s = new TabStore(1, 10)
    const cb = (seq: number, event: string, pageLoadId = 'p1'): SessionEntry => ({ kind: 'event', seq, time: T0 + seq, publisher: event.split('.')[0] as string, event, data: {}, pageLoadId })
    const r = s.ingest('p1', [
      hk(0, T0, 'Watchman.uptime:0'), cb(1, 'Callback.ready'), hk(2, T0 + 2, 'Watchman.tick'), cb(3, 'Callback.opened'),
      ...Array.from({ length: 10 }, (_, i) => hk(4 + i, T0 + 4 + i, `WindowManager.added.w${i}`)),
    ])
    // 14 published, budget 10 (the ready is kept with the markers): the three oldest housekeeping entries went, Callback stayed
    expect(s.entries.toArray().map((e) => e.kind === 'event' && e.event).slice(0, 3)).toEqual(['Callback.ready', 'Callback.opened', 'WindowManager.added.w1'])
    expect(r.added.map((e) => e.seq)).toEqual(s.entries.toArray().map((e) => e.seq)) // nothing evicted reported as added
    // Callback floods: the remaining housekeeping goes first, then the oldest Callback entries
    s.ingest('p1', Array.from({ length: 12 }, (_, i) => cb(14 + i, 'Callback.minimized')))
    expect(s.entries.toArray().map((e) => e.kind === 'event' && e.event)).toEqual(['Callback.ready', ...Array.from({ length: 10 }, () => 'Callback.minimized')])
    const markers = s.flushDropped(false, T0 + 100)
    expect(markers.map((m) => [m.pageLoadId, m.data])).toEqual([
      ['p1', { count: 2, where: 'background', plugin: 'Watchman', floors: expect.any(Array) }],
      ['p1', { count: 10, where: 'background', plugin: 'WindowManager', floors: expect.any(Array) }],
      ['p1', { count: 3, where: 'background', plugin: 'Callback', floors: expect.any(Array) }],
    ])
    expect(s.state.dropped).toBe(15)
    expect(captured(s.entries.toArray()).length + lost(s.entries.toArray())).toBe(26)
    // the seq order of what is read (replay, export, panel increments) is the capture's order
    const seqs = s.entries.toArray().map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(s.since(30).map((e) => e.seq)).toEqual(seqs.filter((q) => q > 30))
  })

  it('evicting events never takes a page-load or bus marker: markers have their own slots', () => {
    const s = new TabStore(1, 10)
    const marker = (seq: number, kind: 'page-load' | 'bus'): SessionEntry => ({ kind: 'marker', seq, time: T0 + seq, marker: kind, data: kind === 'bus' ? { via: 'CXBus' } : { url: 'https://x.test/', top: true }, pageLoadId: 'p1' })
    s.ingest('p1', [marker(0, 'page-load'), marker(1, 'bus')])
    let seq = 2
    for (let i = 0; i < 5; i++) s.ingest('p1', Array.from({ length: 10 }, () => ({ kind: 'event', seq, time: T0 + seq++, publisher: 'Callback', event: 'Callback.minimized', data: {}, pageLoadId: 'p1' }) as SessionEntry))
    s.flushDropped(true, T0 + 60_000)
    const kept = s.entries.toArray()
    expect(kept.filter((e) => e.kind === 'marker' && (e.marker === 'page-load' || e.marker === 'bus')).map((e) => e.seq)).toEqual([0, 1])
    expect(kept.filter((e) => e.kind === 'event')).toHaveLength(10) // the budget holds events only
  })

  it('evicting Callback history never takes its ready: what is left checks without order/before-ready', () => {
    const s = new TabStore(1, 10)
    const one = loadFixture('documented-submitted').events // page-load, bus, ready, opened ... closed
    let seq = 0
    for (const e of one) s.ingest('p1', [{ ...e, seq: seq++ }])
    // Nine more interactions of the same page load: 50+ Callback events through a budget of 10.
    const lifecycle = one.filter((e) => e.kind !== 'marker' && !(e.kind === 'event' && e.event.endsWith('.ready')))
    for (let i = 1; i < 10; i++) for (const e of lifecycle) s.ingest('p1', [{ ...e, seq: seq++, time: e.time + i * 60_000 }])
    s.flushDropped(true, T0 + 3600_000)
    const session = s.toSession('test')
    expect(session.events.some((e) => e.kind === 'event' && e.event === 'Callback.ready')).toBe(true)
    expect(session.events.filter((e) => e.kind !== 'marker' && !(e.kind === 'event' && e.event.endsWith('.ready')))).toHaveLength(10) // the budget
    expect(check(session).findings.filter((f) => f.rule === 'order/before-ready')).toEqual([])
  })

  it('housekeeping markers are paced: at once, then after 1 min, 2 min, ... at most hourly; an export forces them', () => {
    const s = new TabStore(1, 5)
    let seq = 0
    const evict = (n: number) => s.ingest('p1', Array.from({ length: n }, () => hk(seq, T0 + seq++, 'Watchman.tick')))
    evict(5) // full
    const at: number[] = []
    let pending = 0
    for (let t = 0; t <= 4 * 3600_000; t += 10_000) {
      evict(3)
      pending += 3
      const m = s.flushDropped(false, T0 + t)
      if (m.length) {
        at.push(t)
        expect(m.map((x) => x.data)).toEqual([{ count: pending, where: 'background', plugin: 'Watchman', floors: expect.any(Array) }]) // the count grew meanwhile
        pending = 0
      } else expect(s.droppedDueIn(T0 + t)).toBeGreaterThan(0)
    }
    const waits = at.slice(1).map((t, i) => t - (at[i] as number))
    expect(waits.slice(0, 6)).toEqual([1, 2, 4, 8, 16, 32].map((k) => k * HOUSEKEEPING_WAIT_MS))
    expect(waits.slice(6).every((w) => w === HOUSEKEEPING_MAX_WAIT_MS)).toBe(true)
    expect(at.length).toBeLessThan(12) // four hours
    evict(3)
    expect(s.flushDropped(false, T0 + 4 * 3600_000 + 10_000)).toEqual([])
    expect(s.flushDropped(true, T0 + 4 * 3600_000 + 10_000).map((m) => m.data)).toEqual([{ count: pending + 3, where: 'background', plugin: 'Watchman', floors: expect.any(Array) }])
    expect(s.state.dropped).toBe(lost(s.entries.toArray()))
  })

  it('restores an older save (one lane, no floors, one pending count) with the same policy and exact counts', () => {
    const s = new TabStore(3, 100)
    const entries = [hk(0, T0, 'Watchman.tick'), { ...hk(1, T0 + 1, 'Callback.opened'), publisher: 'Callback' }, hk(2, T0 + 2, 'Watchman.tick'), hk(3, T0 + 3, 'Watchman.tick')]
    const meta = { ...s.meta(), nextSeq: 4, floors: undefined, drops: undefined, evicted: { entries: 5, carried: 2 } }
    const r = TabStore.restore(meta, entries, 2) // a smaller budget than the save had: housekeeping goes
    expect(r.entries.toArray().map((e) => e.seq)).toEqual([1, 3])
    expect(r.flushDropped(true, T0 + 10).map((m) => m.data)).toEqual([{ count: 7, where: 'background', floors: expect.any(Array) }])
  })

  it('an eviction marker comes after the events that evicted them, and its row names the # where the gap is', () => {
    const s = new TabStore(1, 3)
    const cb = (seq: number): SessionEntry => ({ ...hk(seq, T0 + seq, 'Callback.minimized'), data: {} })
    s.ingest('p1', [{ ...hk(0, T0, 'Callback.ready') }, ...[1, 2, 3, 4, 5].map(cb)]) // 1 and 2 go
    const [marker] = s.flushDropped(false, T0 + 1000)
    const list = s.entries.toArray().map((e) => e.seq)
    expect(list).toEqual([0, 3, 4, 5, 6]) // the ready kept, the # jumps from 0 to 3, the marker last
    expect(describeMarker(marker as SessionEntry)).toBe('2 Callback entries evicted (store full: the oldest, before #3)')
  })

  it('Clear counts the entries it removed, not housekeeping evicted before (marked or not): no eviction marker waits after it', () => {
    const s = new TabStore(1, 4)
    let seq = 0
    s.ingest('p1', Array.from({ length: 4 }, () => hk(seq, T0 + seq++, 'Watchman.tick')))
    s.flushDropped(false, T0) // nothing evicted yet
    s.ingest('p1', Array.from({ length: 2 }, () => hk(seq, T0 + seq++, 'Watchman.tick')))
    s.flushDropped(false, T0 + 1000) // the first Watchman marker: 2
    s.ingest('p1', Array.from({ length: 3 }, () => hk(seq, T0 + seq++, 'Watchman.tick'))) // 3 more, paced: not marked yet
    expect(s.flushDropped(false, T0 + 2000)).toEqual([])
    const added = s.clearByUser()
    // removed from p1: the 4 stored (the marked 2 and the 3 not yet marked were gone before)
    expect(added.map((m) => [m.pageLoadId, m.data])).toEqual([['p1', { count: 4, where: 'cleared' }]])
    expect(s.hasPendingDropped()).toBe(false)
  })

  it('survives a worker restart: the same entries, counts and pace; evicted housekeeping leaves the disk', async () => {
    const area = memoryArea()
    const max = 300
    const s = new TabStore(7, max)
    const persist = new Persister(area, () => s)
    let published = 0
    for (const { now, batch } of longLivedPage(1200)) {
      const { added } = s.ingest('p1', batch)
      published += captured(batch).length
      if (s.hasPendingDropped() && s.droppedDueIn(now) === 0) added.push(...s.flushDropped(false, now))
      await persist.save(7, added)
    }
    const onDisk = [...area.data].filter(([k]) => k.startsWith('cx:c:')).reduce((n, [, v]) => n + (v as unknown[]).length, 0)
    expect(onDisk).toBeLessThanOrEqual(s.entries.length + 3) // not the 3 600 published, nor each evicted batch
    const restored = (await new Persister(area, () => undefined).restore(max)).get(7) as TabStore
    expect(restored.entries.toArray()).toEqual(s.entries.toArray())
    expect(restored.state.dropped).toBe(s.state.dropped)
    const now = T0 + 1_300_000
    expect(restored.droppedDueIn(now)).toBe(s.droppedDueIn(now))
    for (const t of [s, restored]) {
      t.flushDropped(true, now)
      const all = t.entries.toArray()
      expect(callbackHistory(all)).toHaveLength(9)
      expect(captured(all).length + lost(all)).toBe(published)
    }
    expect(restored.entries.toArray()).toEqual(s.entries.toArray())
  })
})
