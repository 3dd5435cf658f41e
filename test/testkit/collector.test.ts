// The test kit's Node side (testkit/collector.ts): numbering, markers and the session file as the
// relay and the background make them for the extension.
import { describe, expect, it, vi } from 'vitest'
import { DROPPED_SETTLE_MS } from '../../src/background/store.ts'
import { check } from '../../src/core/check.ts'
import { validateSession } from '../../src/core/session.ts'
import { Collector } from '../../testkit/collector.ts'
import { loadFixture } from '../support/fixtures.ts'
import { batch, feedSession, send } from './feed.ts'

const ev = (event: string, time = 1000) => ({ kind: 'event' as const, time, publisher: event.split('.')[0]!, event, data: {} })

describe('test kit collector', () => {
  it('numbers per page load behind a page-load marker, session-wide seq, frameUrl from the hello', () => {
    const c = new Collector()
    send(c, { type: 'hello', load: 'top1', url: 'https://a.example/', top: true, time: 1 })
    send(c, { type: 'hello', load: 'frame1', url: 'https://a.example/frame', top: false, time: 2 })
    send(c, batch('frame1', [ev('Callback.ready')]))
    send(c, batch('top1', [ev('App.ready')]))
    const s = c.session('UA')
    expect(s.events.map((e) => [e.seq, e.pageLoadId, e.frameUrl, e.kind === 'marker' ? e.marker : e.kind === 'event' ? e.event : ''])).toEqual([
      [0, 'top1', 'https://a.example/', 'page-load'],
      [1, 'frame1', 'https://a.example/frame', 'page-load'],
      [2, 'frame1', 'https://a.example/frame', 'Callback.ready'],
      [3, 'top1', 'https://a.example/', 'App.ready'],
    ])
    expect(s.events[1]).toMatchObject({ data: { url: 'https://a.example/frame', top: false } })
    expect(s.source).toEqual({ url: 'https://a.example/', userAgent: 'UA' })
    expect(() => validateSession(JSON.parse(JSON.stringify(s)))).not.toThrow()
  })

  it("a frame's hook installed in its initial about:blank: the marker and entries carry the URL its batches report", () => {
    const c = new Collector()
    send(c, { type: 'hello', load: 'f', url: 'about:blank', top: false, time: 1 })
    send(c, batch('f', [ev('Callback.ready')], 'https://a.example/frame.html'))
    send(c, batch('f', [ev('Callback.opened')], 'https://a.example/frame.html#step2')) // a later change: entries only
    expect(c.entries().map((e) => [e.frameUrl, e.kind === 'marker' ? (e.data as { url: string }).url : ''])).toEqual([
      ['https://a.example/frame.html', 'https://a.example/frame.html'],
      ['https://a.example/frame.html', ''],
      ['https://a.example/frame.html#step2', ''],
    ])
  })

  it("a frame's initial about:blank whose page came in a window of its own (cross-origin in Firefox) leaves no marker", () => {
    const c = new Collector()
    send(c, { type: 'hello', load: 't', url: 'https://shop.example/', top: true, time: 1 })
    send(c, { type: 'hello', load: 'blank', url: '', top: false, time: 2 })
    send(c, { type: 'hello', load: 'f', url: 'https://other.example/frame.html', top: false, time: 3 })
    expect(c.entries().map((e) => (e.kind === 'marker' ? (e.data as { url: string }).url : ''))).toEqual(['https://shop.example/', 'https://other.example/frame.html'])
  })

  it('a malformed entry costs itself, counted in a dropped marker; a message that is not the protocol is refused', () => {
    const c = new Collector()
    send(c, { type: 'hello', load: 'l', url: 'u', top: true, time: 1 })
    send(c, batch('l', [ev('Callback.opened'), { kind: 'event', event: '' }, 42, ev('Callback.started')]))
    c.receive('not json')
    send(c, batch('../../x', [ev('Callback.opened')]))
    c.receive({ type: 'hello' })
    c.receive(JSON.stringify({ ...batch('l', [ev('Callback.opened')]), count: 0 }))
    // a batch whose entries are not `count` of them: one marker for what it carried
    send(c, { ...batch('l', [ev('Callback.closed')]), count: 2, lost: 2 })
    const names = c.entries().map((e) => (e.kind === 'marker' ? `${e.marker}:${JSON.stringify(e.data)}` : e.kind === 'event' ? e.event : ''))
    expect(names).toEqual(['page-load:{"url":"u","top":true}', 'Callback.opened', 'dropped:{"count":2,"where":"background"}', 'Callback.started', 'dropped:{"count":2,"where":"background"}'])
    expect(c.entries().map((e) => e.seq)).toEqual([0, 1, 2, 3, 4])
    expect(c.rejected).toBe(4)
  })

  it('keeps earlier documents by default; with preserveLog false a new top-frame load starts over, as the panel', () => {
    for (const preserveLog of [true, false]) {
      const c = new Collector({ preserveLog })
      feedSession(c, loadFixture('shipped-two-in-a-row'), { load: 'first' })
      send(c, { type: 'hello', load: 'second', url: 'https://shop.example/next', top: true, time: 5 })
      const loads = new Set(c.entries().map((e) => e.pageLoadId))
      expect([...loads]).toEqual(preserveLog ? ['first', 'second'] : ['second'])
    }
  })

  it('past its budget the oldest entries go, said by one dropped marker in the session', () => {
    const c = new Collector({ maxEntries: 5 })
    send(c, { type: 'hello', load: 'l', url: 'u', top: true, time: 1 })
    send(c, batch('l', Array.from({ length: 8 }, (_, i) => ev('Callback.minimized', i))))
    const s = c.session('UA')
    const last = s.events.at(-1)!
    expect(last).toMatchObject({ kind: 'marker', marker: 'dropped', data: { where: 'background' } })
    // stored events + the marker's count = what the page published (the page-load marker counts 0)
    const stored = s.events.filter((e) => e.kind === 'event').length
    expect(stored + (last.data as { count: number }).count).toBe(8)
  })

  it('every burst past the budget is counted, housekeeping too: entries plus dropped counts = what the page sent, at every export', () => {
    const c = new Collector({ maxEntries: 1000 })
    send(c, { type: 'hello', load: 'l', url: 'u', top: true, time: 1 })
    const burst = (from: number) => {
      for (let i = 0; i < 3000; i += 500) send(c, batch('l', Array.from({ length: 500 }, (_, k) => ev('DemoBurst.tick', from + i + k))))
    }
    const counted = () => {
      const s = c.session('UA')
      const stored = s.events.filter((e) => e.kind === 'event').length
      const dropped = s.events.reduce((n, e) => n + (e.kind === 'marker' && e.marker === 'dropped' ? (e.data as { count: number }).count : 0), 0)
      return stored + dropped
    }
    burst(10)
    expect(counted()).toBe(3000)
    burst(10_000) // housekeeping markers are paced: an export still says every one
    expect(counted()).toBe(6000)
  })

  it('the dropped markers come on their own once the batches stop (as the background stores them), not only at an export', () => {
    vi.useFakeTimers()
    try {
      const c = new Collector({ maxEntries: 10 })
      const seen: string[] = []
      c.onEntries((added) => added.forEach((e) => e.kind === 'marker' && e.marker === 'dropped' && seen.push(`${(e.data as { plugin?: string }).plugin}:${(e.data as { count: number }).count}`)))
      send(c, { type: 'hello', load: 'l', url: 'u', top: true, time: 1 })
      send(c, batch('l', Array.from({ length: 30 }, (_, i) => ev('Callback.minimized', i))))
      expect(seen).toEqual([])
      vi.advanceTimersByTime(DROPPED_SETTLE_MS + 10)
      expect(seen).toEqual(['Callback:20'])
      // A housekeeping plugin's bursts too, each on its own (the background paces them for a tab left open for hours; a test does not wait that long).
      for (const burst of [1, 2]) {
        send(c, batch('l', Array.from({ length: 30 }, (_, i) => ev('DemoBurst.tick', 100 * burst + i))))
        vi.advanceTimersByTime(DROPPED_SETTLE_MS + 10)
      }
      expect(seen).toEqual(['Callback:20', 'DemoBurst:30', 'DemoBurst:30'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('keeps the plugin\'s ready however small the budget: what is left checks without order/before-ready', () => {
    const c = new Collector({ maxEntries: 3 })
    send(c, { type: 'hello', load: 'l', url: 'u', top: true, time: 1 })
    send(c, batch('l', [ev('Callback.ready', 1), ...Array.from({ length: 8 }, (_, i) => ev('Callback.minimized', 2 + i))]))
    const s = c.session('UA')
    expect(s.events.filter((e) => e.kind === 'event').map((e) => e.kind === 'event' && e.event)).toEqual(['Callback.ready', 'Callback.minimized', 'Callback.minimized', 'Callback.minimized'])
    send(c, batch('l', [ev('Callback.opened', 20)]))
    expect(check(c.session('UA')).findings.map((f) => f.rule)).not.toContain('order/before-ready')
  })
})
