// The panel store: dedupe on seq, batching per frame, incremental checking, import and back to live,
// clear, settings re-check.
import { describe, expect, it, vi } from 'vitest'
import { check, createChecker } from '../../../src/core/check.ts'
import { CHECK_SLICE, STORY_SLICE, createPanelStore, currentView, PARSE_UPDATE_MS, type Engine } from '../../../devtools/panel/state/store.ts'
import { createActions, parseInSlices } from '../../../devtools/panel/state/actions.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { buildStories } from '../../../src/core/story.ts'
import { generateSession } from '../../support/generate.ts'
import { fixture } from './helpers.ts'
import type { TabState } from '../../../src/core/protocol.ts'
import { TabStore } from '../../../src/background/store.ts'
import { droppedCount, type Session, type SessionEntry } from '../../../src/core/model.ts'

function setup(engine: Engine = { createChecker }) {
  // Every update waits for runFrame(), also one the store spaces out (its delay is recorded): on a
  // loaded machine an update can take over 8 ms, and the test must not depend on that.
  const frames: (() => void)[] = []
  const delays: (number | undefined)[] = []
  const store = createPanelStore({ engine, schedule: (fn, delayMs) => (frames.push(fn), delays.push(delayMs)), defer: (fn) => fn() })
  const runFrame = (): void => frames.splice(0).forEach((f) => f())
  return { store, frames, delays, runFrame }
}

const session = fixture('shipped-two-in-a-row')

describe('panel store', () => {
  it('applies entries once per frame and checks them incrementally', () => {
    const engine = { createChecker: vi.fn(createChecker) }
    const { store, frames, runFrame } = setup(engine)
    const listener = vi.fn()
    store.subscribe(listener)
    store.receive({ type: 'entries', entries: session.events.slice(0, 5) })
    store.receive({ type: 'entries', entries: session.events.slice(5) })
    expect(frames).toHaveLength(1) // one frame for both messages
    expect(store.getState().live.entries).toHaveLength(0)
    runFrame()
    expect(listener).toHaveBeenCalledTimes(1)
    const live = store.getState().live
    expect(live.entries).toHaveLength(session.events.length)
    expect(live.report).toEqual(check(session))
    expect(engine.createChecker).toHaveBeenCalledTimes(1) // never re-checks from scratch on new events
  })

  it('spaces live updates out once they become expensive', () => {
    const { store, delays, runFrame } = setup()
    const now = vi.spyOn(performance, 'now')
    now.mockReturnValueOnce(0).mockReturnValueOnce(50) // the first update "takes" 50 ms
    store.receive({ type: 'entries', entries: session.events.slice(0, 5) })
    expect(delays).toEqual([undefined]) // the first at the next frame
    runFrame()
    now.mockRestore()
    store.receive({ type: 'entries', entries: session.events.slice(5) })
    expect(delays.at(-1)).toBe(200) // the next not at the next frame, but 4 x 50 ms later
    expect(store.getState().live.entries).toHaveLength(5)
    runFrame()
    expect(store.getState().live.entries).toHaveLength(session.events.length)
  })

  it('drops entries whose seq it already holds (replay after a reconnect)', () => {
    const { store, runFrame } = setup()
    store.receive({ type: 'entries', entries: session.events.slice(0, 6) })
    runFrame()
    store.receive({ type: 'entries', entries: session.events.slice(3) })
    runFrame()
    const seqs = store.getState().live.entries.map((e) => e.seq)
    expect(seqs).toEqual(session.events.map((e) => e.seq))
    expect(store.lastSeq()).toBe(session.events[session.events.length - 1]!.seq)
  })

  it('reports the highest queued seq for hello even before the frame runs', () => {
    const { store } = setup()
    expect(store.lastSeq()).toBe(-1)
    store.receive({ type: 'entries', entries: session.events.slice(0, 4) })
    expect(store.lastSeq()).toBe(session.events[3]!.seq)
  })

  it('clears the live view on cleared', () => {
    const { store, runFrame } = setup()
    store.receive({ type: 'entries', entries: session.events })
    runFrame()
    store.receive({ type: 'cleared' })
    expect(store.getState().live.entries).toHaveLength(0)
    expect(store.lastSeq()).toBe(-1)
  })

  it('keeps the tab state', () => {
    const { store } = setup()
    const state: TabState = { tabId: 1, url: 'https://x.test/', preserveLog: false, recording: true, bus: null, dropped: 0, count: 0, findings: { error: 0, warning: 0, info: 0 } }
    store.receive({ type: 'state', state })
    expect(store.getState().tabState).toEqual(state)
  })

  it('shows an imported session instead of the live one, and goes back to live', () => {
    const { store, runFrame } = setup()
    store.receive({ type: 'entries', entries: session.events.slice(0, 3) })
    runFrame()
    const faulty = fixture('faulty-completed-without-submit')
    store.importSession('bug.json', faulty)
    const s = store.getState()
    expect(s.imported?.name).toBe('bug.json')
    expect(currentView(s).entries).toHaveLength(faulty.events.length)
    expect(currentView(s).counts.error).toBeGreaterThan(0)
    // live capture continues underneath
    store.receive({ type: 'entries', entries: session.events.slice(3) })
    runFrame()
    store.backToLive()
    expect(currentView(store.getState()).entries).toHaveLength(session.events.length)
  })

  it('re-checks live and imported sessions with new settings', () => {
    const { store, runFrame } = setup()
    store.receive({ type: 'entries', entries: session.events })
    runFrame()
    expect(store.getState().live.counts.info).toBeGreaterThan(0)
    store.importSession('f.json', fixture('faulty-completed-without-submit'))
    const off = Object.fromEntries(['meta/elapsed-definition', 'order/transition', 'meta/form-empty'].map((r) => [r, 'off' as const]))
    store.setOptions({ severities: off })
    const s = store.getState()
    expect(s.live.report.findings.filter((f) => f.rule === 'meta/elapsed-definition')).toHaveLength(0)
    expect(s.imported!.view.report.findings.filter((f) => f.rule === 'order/transition')).toHaveLength(0)
    expect(s.live.entries).toHaveLength(session.events.length)
  })

  it('shows an import at once and checks it in slices, the latest import winning', () => {
    const slices: (() => void)[] = []
    const store = createPanelStore({ engine: { createChecker }, defer: (fn) => slices.push(fn), sliceMs: 0 })
    const big = fixture('shipped-two-in-a-row')
    const events = Array.from({ length: CHECK_SLICE * 2 + 1 }, (_, i) => ({ ...big.events[2]!, seq: i, event: 'Callback.minimized', data: {} }))
    store.importSession('big.json', { ...big, events })
    expect(currentView(store.getState()).entries).toHaveLength(events.length) // rendered before any check
    expect(store.getState().imported!.progress).toBe(0)
    slices.shift()!()
    expect(store.getState().imported!.progress).toBeCloseTo(CHECK_SLICE / events.length)
    store.importSession('small.json', big) // supersedes the running check
    while (slices.length) slices.shift()!()
    const s = store.getState()
    expect(s.imported!.name).toBe('small.json')
    expect(s.imported!.progress).toBe(1)
    expect(s.imported!.view.report).toEqual(check(big))
  })

  it('lists an import while it is parsed, slice by slice, then checks it; stories are told in the check slices', async () => {
    const text = serializeSession(generateSession({ events: 3000, seed: 5, plugins: ['Callback', 'SendMessage'] }))
    const slices: (() => void)[] = []
    const store = createPanelStore({ engine: { createChecker }, defer: (fn) => slices.push(fn), sliceMs: 0 })
    const shown: number[] = []
    const sink = store.beginImport('gen.json')
    const now = vi.spyOn(performance, 'now')
    let clock = 0
    now.mockImplementation(() => (clock += PARSE_UPDATE_MS)) // every slice is worth an update
    try {
      const head = await parseInSlices(text, (entries, restart) => {
        sink.add(entries, restart)
        shown.push(currentView(store.getState()).entries.length)
      }, async () => {}, 20_000)
      expect(store.getState().imported!.progress).toBe(0) // listed, not checked
      sink.finish(head)
    } finally {
      now.mockRestore()
    }
    expect(shown.length).toBeGreaterThan(5)
    expect(shown[0]).toBeLessThan(shown.at(-1)!) // the first entries were listed before the last ones were parsed
    while (slices.length) slices.shift()!()
    const session = parseSession(text)
    const view = store.getState().imported!.view
    expect(view.entries).toEqual(session.events)
    expect(view.report).toEqual(check(session))
    expect(view.stories).toEqual(buildStories(session.events, check(session)))
    expect(store.getState().imported!.source).toEqual(session.source)
  })

  it('tells the stories of a checked import a few hundred interactions per task, then shows them all', () => {
    const session = generateSession({ events: 9000, seed: 6, plugins: ['Callback', 'SendMessage'] })
    const report = check(session)
    expect(report.interactions.length).toBeGreaterThan(STORY_SLICE * 2)
    const tasks: (() => void)[] = []
    const store = createPanelStore({ engine: { createChecker }, defer: (fn) => tasks.push(fn), sliceMs: 0 })
    store.importSession('many.json', session)
    let ran = 0
    while (tasks.length) {
      tasks.shift()!()
      ran++
    }
    // Check slices, the report, one task per STORY_SLICE stories, the view, the findings on screen.
    expect(ran).toBe(Math.ceil(session.events.length / CHECK_SLICE) + 1 + Math.ceil(report.interactions.length / STORY_SLICE) + 2)
    const view = store.getState().imported!.view
    expect(view.report).toEqual(report)
    expect(view.stories).toEqual(buildStories(session.events, report))
  })

  it('an import that fails while parsed puts back what was shown', () => {
    const store = createPanelStore({ engine: { createChecker }, defer: (fn) => fn() })
    store.importSession('first.json', session)
    const before = store.getState().imported
    const sink = store.beginImport('bad.json')
    sink.add(session.events.slice(0, 3), false)
    expect(store.getState().imported!.name).toBe('bad.json')
    sink.fail()
    expect(store.getState().imported).toBe(before)
  })

  it('a checker failure while an import is checked in slices leaves the events listed and says why', () => {
    const slices: (() => void)[] = []
    const failing: Engine = {
      createChecker: () => ({ ...createChecker(), push: () => { throw new Error('boom') } }),
    }
    const store = createPanelStore({ engine: failing, defer: (fn) => slices.push(fn), sliceMs: 0 })
    const big = fixture('shipped-two-in-a-row')
    store.importSession('bad.json', big)
    expect(() => slices.shift()!()).not.toThrow() // the slice runs in a timer: nothing may escape
    const s = store.getState()
    expect(s.error).toEqual({ title: 'Cannot check bad.json:', message: 'boom' })
    expect(s.imported!.progress).toBe(1)
    expect(currentView(s).entries).toHaveLength(big.events.length)
  })

  it('looks entries up by seq, also in a file whose seqs are out of order', () => {
    const { store } = setup()
    const s = fixture('shipped-two-in-a-row')
    store.importSession('a', s)
    const view = currentView(store.getState())
    expect(view.indexOf(s.events[5]!.seq)).toBe(5)
    expect(view.indexOf(123456)).toBeUndefined()
    const shuffled = { ...s, events: [s.events[1]!, s.events[0]!, ...s.events.slice(2)] }
    store.importSession('b', shuffled)
    expect(currentView(store.getState()).indexOf(s.events[0]!.seq)).toBe(1)
  })

  it('indexes findings by the event they are about', () => {
    const { store } = setup()
    store.importSession('f.json', fixture('faulty-completed-without-submit'))
    const view = currentView(store.getState())
    for (const f of view.report.findings) expect(view.findingsBySeq.get(f.seq[f.seq.length - 1]!)).toContain(f)
    expect(view.widgetsVersion).toBe('9.0.018.07')
    expect(view.plugins).toContain('Callback')
  })

  it('gives no "+opened" zero to an interaction whose opened was not captured (paused, cleared)', () => {
    const { store } = setup()
    const s = fixture('documented-submitted')
    const openedSeq = s.events.find((e) => e.kind === 'event' && e.event === 'Callback.opened')!.seq
    // The same capture with `opened` paused away: a paused marker stands in its place.
    const paused = s.events.map((e) => (e.seq === openedSeq ? { seq: e.seq, time: e.time, kind: 'marker' as const, marker: 'dropped' as const, data: { count: 1, where: 'paused' } } : e))
    store.importSession('paused.json', { ...s, events: paused })
    const view = currentView(store.getState())
    const [ia] = view.report.interactions
    expect(ia).toBeDefined()
    expect(view.openedAt.has(ia!.id)).toBe(false)
    store.importSession('whole.json', s)
    const whole = currentView(store.getState())
    expect(whole.openedAt.get(whole.report.interactions[0]!.id)).toBe(s.events.find((e) => e.seq === openedSeq)!.time)
  })

  it('a store-full marker after the survivors is checked as a gap where its entries were, live and imported', () => {
    // The tab store kept `closed` of the first interaction and the second one; its marker comes last.
    const firstClosed = session.events.find((e) => e.kind === 'event' && e.event === 'Callback.closed')!
    const kept = session.events.filter((e) => e.kind === 'marker' || (e.kind === 'event' && e.event === 'Callback.ready') || e.seq >= firstClosed.seq)
    const last = session.events.at(-1)!
    const marker: SessionEntry = { seq: last.seq + 1, kind: 'marker', marker: 'dropped', time: last.time, pageLoadId: last.pageLoadId, data: { count: 3, where: 'background', plugin: 'Callback', floors: [firstClosed.seq, last.seq + 1, 0] } }
    const errors = (r: { findings: { severity: string; rule: string }[] }) => r.findings.filter((f) => f.severity === 'error').map((f) => f.rule)
    expect(errors(check(kept))).toContain('order/transition') // what the survivors alone give
    const { store, runFrame } = setup()
    store.receive({ type: 'entries', entries: kept }) // the panel opened after the eviction: nothing of its own to drop
    runFrame()
    store.receive({ type: 'entries', entries: [marker] })
    runFrame()
    const live = store.getState().live
    expect(live.entries.map((e) => e.seq)).toEqual([...kept, marker].map((e) => e.seq)) // listed in seq order
    expect(errors(live.report)).toEqual([])
    store.importSession('lost.json', { ...session, events: [...kept, marker] })
    expect(errors(currentView(store.getState()).report)).toEqual([])
  })

  it('drops what the background evicted when its dropped marker comes: entries + lost = published, each entry once', () => {
    const { store, runFrame } = setup()
    // A tab store of 100 events fed a flood of 250 (and Watchman ticks), as the background pumps it.
    const tab = new TabStore(1, 100)
    const forward = (added: SessionEntry[]): void => {
      store.receive({ type: 'entries', entries: added })
      runFrame()
    }
    let seq = 0
    let published = 0
    const event = (publisher: string, event: string): SessionEntry => {
      published++
      return { kind: 'event', seq: seq++, time: 1_764_000_000_000 + seq, publisher, event, data: {}, pageLoadId: 'p1' }
    }
    forward(tab.ingest('p1', [{ kind: 'marker', marker: 'page-load', seq: seq++, time: 1_764_000_000_000, data: { url: 'https://x.test/', top: true }, pageLoadId: 'p1' }, event('Callback', 'Callback.ready')]).added)
    for (let b = 0; b < 25; b++) {
      forward(tab.ingest('p1', Array.from({ length: 10 }, (_, i) => (i % 5 === 0 ? event('Watchman', 'Watchman.tick') : event('Callback', 'Callback.minimized')))).added)
    }
    forward(tab.flushDropped(true))
    const counts = (events: readonly SessionEntry[]): number => events.reduce((n, e) => n + (e.kind === 'marker' ? droppedCount(e) : 1), 0)
    const live = store.getState().live.entries
    expect(counts(tab.toSession('UA').events)).toBe(published)
    expect(counts(live)).toBe(published) // the evicted entries were counted twice: listed, and in the marker
    expect(live.map((e) => e.seq)).toEqual(tab.entries.toArray().map((e) => e.seq))
    // Export writes the same.
    let exported: Session | undefined
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    createActions({ store, serializeSession: (x) => ((exported = x), '{}'), doc: document, userAgent: 'UA' }).exportSession()
    click.mockRestore()
    expect(counts(exported!.events)).toBe(published)
    // More after the eviction: appended as before, nothing else dropped.
    forward(tab.ingest('p1', [event('Callback', 'Callback.minimized')]).added)
    forward(tab.flushDropped(true))
    expect(counts(store.getState().live.entries)).toBe(published)
  })
})
