// End-to-end: the capture pipeline (hook -> relay -> background -> panel port) in real Chromium with
// dist/chrome loaded and in Firefox with dist/firefox (one vitest project each), on the demo page.
// What the background delivers is observed with the collector (an extension page on the panel
// port), independently of the panel UI.
// One browser for the whole file; each test uses its own tab, so tab stores do not mix.
import { describe, expect, it } from 'vitest'
import type { SessionEntry } from '../../src/core/model.ts'
import { BROWSER, useDemoAndBrowser } from './support/setup.ts'
import { openCollector } from './support/collector.ts'
import { openDemo } from './support/demo.ts'
import { expectLastEventsOnce, publishAndLeave } from './support/leave.ts'
import { eventsOfLastPageLoad, exportComplete } from '../../scripts/export-complete.ts'

const env = useDemoAndBrowser()

const events = (entries: SessionEntry[], prefix = 'Callback.') =>
  entries.filter((e): e is Extract<SessionEntry, { kind: 'event' }> => e.kind === 'event' && e.event.startsWith(prefix))
const markers = (entries: SessionEntry[], m: string) => entries.filter((e) => e.kind === 'marker' && e.marker === m)

/** Every event the page's own subscriber saw, in the same order and with the same data. */
async function expectSameAsPage(tab: Awaited<ReturnType<typeof openDemo>>, entries: SessionEntry[], prefix = 'Callback'): Promise<void> {
  const seen = (await tab.pageEvents()).filter((e) => e.event.startsWith(prefix))
  const got = events(entries, prefix).map((e) => ({ event: e.event, data: e.data }))
  expect(seen.length).toBeGreaterThan(0)
  expect(got.map((e) => e.event)).toEqual(seen.map((e) => e.event))
  expect(got).toEqual(seen)
}

describe(`capture (${BROWSER})`, () => {
  it('DevTools opened after the interaction gets everything, commands and version included', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'complete')
    const c = await openCollector(env.b, tab.tabId) // the "panel" opens only now
    const n = await tab.call<number>('published') // every publish on the bus, housekeeping included
    const got = await c.waitFor((x) => events(x.entries, '').length >= n, `${n} events`)
    const entries = got.entries
    expect(entries[0]).toMatchObject({ kind: 'marker', marker: 'page-load', data: { top: true } })
    // 9.0.018.07: no version property when window.CXBus appears; widgets-core's
    // common.data("version") answers once it is ready: a second bus marker carries it
    expect(markers(entries, 'bus').map((m) => m.data)).toEqual([{ via: 'CXBus' }, { via: 'CXBus', widgetsVersion: '9.0.018.07' }])
    const state = await c.page.evaluate((id) => chrome.runtime.sendMessage({ type: 'get-tab-state', tabId: id }), tab.tabId) as { bus?: { widgetsVersion?: string } }
    expect(state.bus?.widgetsVersion).toBe('9.0.018.07') // what the popup shows
    // the page's housekeeping traffic is captured too, as on a real page
    const names = events(entries, '').map((e) => e.event)
    for (const n of ['Watchman.ready', 'StatsService.ready', 'CoBrowse.ready', 'App.theme', 'App.language', 'App.ready', 'WindowManager.changed', 'App.focus']) expect(names).toContain(n)
    expect(names.filter((n) => /^WindowManager\.(added|removed)\.Callback#[0-9a-f-]{36}$/.test(n))).toHaveLength(2)
    expect(entries.filter((e) => e.kind === 'command' && e.command.endsWith('.configure')).length).toBeGreaterThanOrEqual(6)
    await expectSameAsPage(tab, entries, 'Callback')
    expect(events(entries).map((e) => e.event)).toEqual([
      'Callback.ready', 'Callback.opened', 'Callback.started', 'Callback.submitted', 'Callback.completed', 'Callback.closed',
    ].filter((n) => events(entries).some((e) => e.event === n)))
    expect(entries.some((e) => e.kind === 'command' && e.command === 'Callback.open')).toBe(true)
    // the submit's command loads CallbackService lazily and is still recorded (registerCommand tap)
    expect(entries.filter((e) => e.kind === 'command' && e.command === 'CallbackService.schedule')).toHaveLength(1)
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => entries[0]!.seq + i)) // session seq, no gaps
    expect(new Set(entries.map((e) => e.pageLoadId)).size).toBe(1)
    expect(entries.every((e) => e.frameUrl?.startsWith(env.demo.url))).toBe(true)
    expect(await tab.pageErrors()).toEqual([])
    await c.close()
    await tab.page.close()
  })

  it('reload: preserve log keeps both page loads; without it the log is cleared', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    const c = await openCollector(env.b, tab.tabId)
    await tab.call('scenario', 'abandon-untouched')
    await c.waitFor((x) => events(x.entries).some((e) => e.event === 'Callback.closed'), 'first closed')
    await c.send({ type: 'set-preserve-log', value: true })
    await c.waitFor((x) => x.states.at(-1)?.preserveLog === true, 'preserve log on')
    await tab.page.reload()
    await tab.page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
    await tab.call('scenario', 'abandon-untouched')
    let got = await c.waitFor((x) => events(x.entries).filter((e) => e.event === 'Callback.closed').length >= 2, 'second closed')
    const loads = markers(got.entries, 'page-load')
    expect(loads).toHaveLength(2) // the panel marks the navigation with it
    expect(new Set(got.entries.map((e) => e.pageLoadId)).size).toBe(2)
    expect(got.cleared).toBe(0)
    // preserve log off: the next top-frame load clears the tab store and tells the panel
    await c.send({ type: 'set-preserve-log', value: false })
    await c.waitFor((x) => x.states.at(-1)?.preserveLog === false, 'preserve log off')
    await tab.page.reload()
    got = await c.waitFor((x) => x.cleared >= 1, 'cleared')
    await c.close()
    const fresh = await openCollector(env.b, tab.tabId)
    const after = await fresh.waitFor((x) => markers(x.entries, 'page-load').length >= 1, 'new page load')
    expect(markers(after.entries, 'page-load')).toHaveLength(1)
    expect(events(after.entries).filter((e) => e.event === 'Callback.closed')).toHaveLength(0)
    await fresh.close()
    await tab.page.close()
  })

  // A page's last events wait for an idle moment; when the page goes away first, the hook flushes
  // them at pagehide and hands them to the relay synchronously (README "Reliability"): they arrive
  // exactly once, with no `dropped` marker. Before that hand-over they went as a port message that
  // could still be queued when the old document went away (lost in 5 of 16 runs of these two
  // flows in Chromium).
  async function leaveAndCheck(how: 'cross-site' | 'reload', open: boolean): Promise<void> {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    await c.send({ type: 'set-preserve-log', value: true })
    await c.waitFor((x) => x.states.at(-1)?.preserveLog === true, 'preserve log on')
    await tab.page.evaluate(publishAndLeave, [how, open, 3] as const)
    await expectLastEventsOnce(c, 3)
    if (open) expect((await c.get()).entries.filter((e) => e.kind === 'command' && e.command === 'Callback.open')).toHaveLength(1)
    await c.close()
    await tab.page.close()
  }

  it('events published in the same task as a navigation to another site still arrive, once', () => leaveAndCheck('cross-site', false))

  it('events published a few ms after Callback.open, then a reload in the same task, arrive once', () => leaveAndCheck('reload', true))

  it('late load (widgets 2 s after load) and the legacy 8.5 bus', async () => {
    const late = await openDemo(env.b, env.demo.url, 'speed=fast&late=1')
    const legacy = await openDemo(env.b, env.demo.url, 'speed=fast&legacy=1')
    await Promise.all([late.call('scenario', 'abandon-typed'), legacy.call('scenario', 'abandon-typed')])
    for (const [tab, via, version] of [[late, 'CXBus', '9.0.018.07'], [legacy, 'cxwidget', '8.5.006.07']] as const) {
      const c = await openCollector(env.b, tab.tabId)
      const got = await c.waitFor((x) => events(x.entries).some((e) => e.event === 'Callback.closed'), `${via} closed`)
      expect(markers(got.entries, 'bus')[0]?.data).toMatchObject({ via })
      expect(markers(got.entries, 'bus').some((m) => (m.data as { widgetsVersion?: string }).widgetsVersion === version)).toBe(true)
      await expectSameAsPage(tab, got.entries)
      // 9.x: Callback registers through CXBus, the hook records at publish time and holds no
      // subscription to it (no extra bus timer per event); 8.5: the bus shows up only at onReady,
      // after the plugins registered, so the hook subscribes.
      const handlers = await tab.call<string[]>('subscribers', 'Callback.opened')
      expect(handlers.filter((n) => n === 'cxbusDevtoolsHandler')).toHaveLength(via === 'CXBus' ? 0 : 1)
      await c.close()
      await tab.page.close()
    }
  })

  it('widgets inside an iframe: events carry the frame URL', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&iframe=1')
    await tab.call('scenario', 'abandon-untouched')
    const c = await openCollector(env.b, tab.tabId)
    const got = await c.waitFor((x) => events(x.entries).some((e) => e.event === 'Callback.closed'), 'closed from the frame')
    const cb = events(got.entries)
    expect(cb.every((e) => e.frameUrl?.includes('/frame.html'))).toBe(true)
    const loads = markers(got.entries, 'page-load')
    expect(loads.map((m) => (m.data as { top: boolean }).top).sort()).toEqual([false, true])
    await expectSameAsPage(tab, got.entries)
    await c.close()
    await tab.page.close()
  })

  it('a 10 000-event burst arrives complete and in order', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    await tab.call('burst', 10_000)
    const got = await c.waitFor((x) => events(x.entries, 'Callback.').filter((e) => e.event.endsWith('minimized')).length >= 10_000, '10 000 burst events', 60_000)
    const burst = events(got.entries).filter((e) => e.event.endsWith('minimized'))
    expect(burst).toHaveLength(10_000)
    expect(burst.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
    expect(markers(got.entries, 'dropped')).toEqual([])
    await c.close()
    await tab.page.close()
  })

  it('an export made right after the page published holds every event of it (npm start)', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    await tab.call('burst', 3000)
    const published = await tab.call<number>('published')
    const session = await exportComplete(c.page, tab.tabId, published)
    expect(eventsOfLastPageLoad(session.events)).toBeGreaterThanOrEqual(published)
    expect(session.events.filter((e) => e.kind === 'event' && e.event.endsWith('minimized'))).toHaveLength(3000)
    await c.close()
    await tab.page.close()
  })

  it('a hostile page cannot spoof entries, crash the extension, lose real events or see errors', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    await tab.call('hostile')
    await tab.call('scenario', 'abandon-untouched') // the pipeline still works afterwards
    const seenCount = (await tab.pageEvents()).filter((e) => e.event.startsWith('Callback')).length
    const got = await c.waitFor((x) => events(x.entries).length >= seenCount, `${seenCount} Callback events`)
    expect(await tab.pageErrors()).toEqual([])
    const all = JSON.stringify(got.entries)
    expect(all).not.toContain('spoofed')
    // the hostile srcdoc frame has its own relay (page-load top:false) but cannot write into ours
    expect(markers(got.entries, 'page-load').filter((m) => (m.data as { top: boolean }).top)).toHaveLength(1)
    // every real publish arrived: the page saw the same Callback events (hostile ones included)
    const seen = (await tab.pageEvents()).filter((e) => e.event.startsWith('Callback'))
    expect(events(got.entries).map((e) => e.event)).toEqual(seen.map((e) => e.event))
    const hostile = events(got.entries).slice(1, 12).map((e) => JSON.stringify(e.data))
    expect(hostile.some((h) => h.includes('"opened":"[Getter]"'))).toBe(true) // a throwing getter is never run
    expect(hostile.some((h) => h.includes('[Circular]'))).toBe(true)
    expect(hostile.some((h) => h.includes('[Node BODY'))).toBe(true)
    expect(hostile.some((h) => h.includes('truncated, 10485760 chars'))).toBe(true)
    expect(hostile.some((h) => h.includes('[__proto__]'))).toBe(true)
    expect(Math.max(...hostile.map((h) => h.length))).toBeLessThan(200_000)
    await c.close()
    await tab.page.close()
  })

  it('the copy names document.all and a cross-origin window, and never runs a Symbol.toStringTag getter', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    const other = env.demo.url.replace('127.0.0.1', 'localhost') // another origin
    await tab.page.evaluate(async (src: string) => {
      const w = window as unknown as { CXBus: { registerPlugin(n: string): { publish(e: string, d: unknown): void; registerEvents?(e: string[]): void }; subscribe(e: string, fn: () => void): void }; __changed: number }
      const frame = document.createElement('iframe')
      frame.src = src
      await new Promise((resolve) => { frame.onload = resolve; document.body.append(frame) })
      const probe = w.CXBus.registerPlugin('Probe')
      probe.registerEvents?.(['data', 'changed'])
      w.__changed = 0
      w.CXBus.subscribe('Probe.changed', () => void w.__changed++)
      // A getter on the prototype that publishes: reading the type through it would run it.
      const proto = Object.defineProperty({}, Symbol.toStringTag, { get() { probe.publish('changed', {}); return 'Date' } })
      probe.publish('data', { all: document.all, frame: frame.contentWindow, self: window, tagged: Object.assign(Object.create(proto) as object, { a: 1 }) })
    }, `${other}frame.html`)
    const got = await c.waitFor((x) => events(x.entries, 'Probe.').length >= 1, 'Probe.data')
    await new Promise((r) => setTimeout(r, 500))
    expect(await tab.page.evaluate(() => (window as unknown as { __changed: number }).__changed)).toBe(0)
    expect(events((await c.get()).entries, 'Probe.').map((e) => e.event)).toEqual(['Probe.data'])
    expect(events(got.entries, 'Probe.')[0]?.data).toEqual({ all: '[HTMLAllCollection]', frame: '[Window]', self: '[Window]', tagged: { a: 1 } })
    await c.close()
    await tab.page.close()
  })
})

describe(`capture across a background restart (${BROWSER})`, () => {
  // Its own browser: Firefox suspends the idle background page after 2 s here (30 s by default).
  const idle = useDemoAndBrowser({ idleTimeoutMs: 2_000 })

  it('survives the background being unloaded in the middle of a session (Chromium stops the worker, Firefox suspends the idle page)', async () => {
    const tab = await openDemo(idle.b, idle.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(idle.b, tab.tabId)
    await tab.call('burst', 500)
    await c.waitFor((x) => events(x.entries).filter((e) => e.event.endsWith('minimized')).length >= 500, 'first 500')
    // Firefox unloads only an idle background: the housekeeping plugins' events every second keep
    // it awake (on a busy page it is never suspended while the page is open). Quiet the page first.
    await tab.page.evaluate(() => (window as unknown as { __cxbusSim: { housekeeping: { stop(): void } } }).__cxbusSim.housekeeping.stop())
    await idle.b.suspendBackground() // the background really went away (all its memory with it)
    // keep publishing while it is down and while it restarts
    await tab.call('burst', 1500)
    await tab.call('scenario', 'abandon-untouched')
    const got = await c.waitFor(
      (x) => events(x.entries).filter((e) => e.event.endsWith('minimized')).length >= 2000 && events(x.entries).some((e) => e.event === 'Callback.closed'),
      'everything after the restart',
      30_000,
    )
    expect(got.disconnects).toBeGreaterThan(0) // the collector's port did drop
    const burst = events(got.entries).filter((e) => e.event.endsWith('minimized')).map((e) => (e.data as { i: number }).i)
    expect(burst).toEqual([...Array.from({ length: 500 }, (_, i) => i), ...Array.from({ length: 1500 }, (_, i) => i)])
    const seqs = got.entries.map((e) => e.seq)
    expect(new Set(seqs).size).toBe(seqs.length) // no duplicates
    expect(seqs).toEqual([...seqs].sort((a, z) => a - z))
    await expectSameAsPage(tab, got.entries)
    await c.close()
    await tab.page.close()
  })
})
