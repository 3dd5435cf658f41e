// End-to-end: the attacks of issue 11 against the built extension in real Chromium. Each page is the
// demo with a hostile first script (served by the test at the demo's origin, so the extension's
// content scripts run in it as on any page): it runs before the widgets and after our hook, as a
// page's own code would. What the background stored is read with the collector.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { SessionEntry } from '../../src/core/model.ts'
import { MAX_SESSION_BYTES, MAX_TIME } from '../../src/core/session.ts'
import { useDemoAndExtension } from './support/setup.ts'
import { openCollector } from './support/collector.ts'
import { demoTab, openDemo } from './support/demo.ts'
import { expectLastEventsOnce, publishAndLeave } from './support/leave.ts'

const env = useDemoAndExtension()

const events = (entries: SessionEntry[], suffix: string) =>
  entries.filter((e): e is Extract<SessionEntry, { kind: 'event' }> => e.kind === 'event' && e.event.endsWith(suffix))
const dropped = (entries: SessionEntry[]) => entries.filter((e) => e.kind === 'marker' && e.marker === 'dropped')
const lostCount = (entries: SessionEntry[]) => dropped(entries).reduce((n, e) => n + ((e.data as { count?: number }).count ?? 1), 0)

let served = 0
/** Opens the demo with `firstScript` running before anything else of the page. */
async function openHostile(firstScript: string, query = 'speed=fast', page?: Page, poisoned = false) {
  const p = page ?? (await env.b.context.newPage())
  const path = `hostile-${++served}.html`
  const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script>${firstScript}</script>
<link rel="stylesheet" href="demo.css"><script src="demo.js"></script></head><body></body></html>`
  await p.route(`${env.demo.url}${path}*`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }))
  await p.goto(`${env.demo.url}${path}?${query}&tab=h${served}`)
  // Playwright's page functions run in the page's world, which a poisoned page breaks; locators
  // run in an isolated world of their own.
  if (!poisoned) await p.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
  return demoTab(p, await env.b.tabIdOf(p))
}

/** The session the background would export for a tab (what it stores), read from an extension page. */
async function exported(page: Page, tabId: number): Promise<SessionEntry[]> {
  return page.evaluate(async (id) => ((await chrome.runtime.sendMessage({ type: 'export-session', tabId: id })) as { events: SessionEntry[] }).events, tabId)
}

describe('a hostile page (issue 11)', () => {
  it('index setters on Array.prototype and throwing iterators from its first script: nothing lost, nothing swallowed', async () => {
    // Setters for Array.prototype[0..63] that swallow any object with its own kind or time (every
    // entry the hook makes), a throwing Array iterator (spread, destructuring), Set methods and
    // instanceof for the page's constructors, all on while the widgets
    // load, the page publishes 70 events and sends Callback.open; off only once the hook's batches
    // have gone out. The page's own code (ES5, like the widgets) does not need any of them.
    const tab = await openHostile(`(function () {
      var hasOwn = Object.prototype.hasOwnProperty, dp = Object.defineProperty;
      var state = window.__hostile = { on: true, swallowed: 0, entries: 0, iteratorCalls: 0, done: false };
      for (var i = 0; i < 64; i++) (function (i) {
        dp(Array.prototype, i, { configurable: true, get: function () { return undefined; }, set: function (v) {
          if (state.on && v && typeof v === 'object' && (hasOwn.call(v, 'kind') || hasOwn.call(v, 'time'))) {
            state.swallowed++; // the page's own envelopes too (its log suffers, as the attacker wished)
            if (hasOwn.call(v, 'kind')) state.entries++; // what the hook's entries look like
            return;
          }
          dp(this, i, { value: v, writable: true, enumerable: true, configurable: true });
        } });
      })(i);
      function guard(proto, key) {
        var orig = proto[key];
        proto[key] = function () { if (state.on) { state.iteratorCalls++; throw new Error('hostile ' + key.toString()); } return orig.apply(this, arguments); };
      }
      guard(Array.prototype, Symbol.iterator);
      guard(Set.prototype, 'forEach'); guard(Set.prototype, 'has'); guard(Set.prototype, 'add');
      // instanceof with the page's constructors: each one throws while the attack is on
      [Array, Object, Function, MessagePort, MessageEvent, Event, Error].forEach(function (C) {
        Object.defineProperty(C, Symbol.hasInstance, { configurable: true, value: function () {
          if (state.on) { state.iteratorCalls++; throw new Error('hostile instanceof'); } return Function.prototype[Symbol.hasInstance].apply(this, arguments);
        } });
      });
      addEventListener('load', function () {
        window.demo.whenReady().then(function () {
          var sim = window.__cxbusSim;
          for (var j = 0; j < 70; j++) sim.publishAs('Callback', 'minimized', { i: j });
          window.CXBus.command('Callback.open', {});
          setTimeout(function () {
            state.on = false; state.done = true;
            document.body.setAttribute('data-hostile', JSON.stringify(state));
          }, 1000);
        });
      });
    })()`, 'speed=fast', undefined, true)
    const body = tab.page.locator('body[data-hostile]')
    await body.waitFor({ state: 'attached', timeout: 20_000 })
    const c = await openCollector(env.b, tab.tabId)
    const got = await c.waitFor((x) => events(x.entries, 'minimized').length >= 70 && x.entries.some((e) => e.kind === 'command' && e.command === 'Callback.open'), '70 events and Callback.open')
    const hostile = JSON.parse((await body.getAttribute('data-hostile')) as string) as { swallowed: number; entries: number }
    console.log('hostile page state', hostile)
    expect(hostile.swallowed).toBeGreaterThan(0) // the setters were live and working
    expect(hostile.entries).toBe(0) // none of them ever saw an entry of the hook
    expect(events(got.entries, 'minimized').map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 70 }, (_, i) => i))
    expect(got.entries.some((e) => e.kind === 'event' && e.event === 'Callback.ready')).toBe(true)
    expect(dropped(got.entries)).toEqual([])
    expect(await tab.pageErrors()).toEqual([])
    await c.close()
    await tab.page.close()
  })

  it('window.CXBus defined by the page as a getter (a new facade each read): still captured', async () => {
    const tab = await openHostile(`(function () {
      var real;
      Object.defineProperty(window, 'CXBus', { configurable: true, enumerable: true,
        get: function () { return real ? new Proxy(real, {}) : undefined; },
        set: function (v) { real = v; } });
    })()`)
    expect(await tab.page.evaluate(() => (window as unknown as { CXBus: unknown }).CXBus !== (window as unknown as { CXBus: unknown }).CXBus)).toBe(true)
    await tab.call('scenario', 'abandon-untouched')
    const c = await openCollector(env.b, tab.tabId)
    const seen = (await tab.pageEvents()).filter((e) => e.event.startsWith('Callback.'))
    const got = await c.waitFor((x) => events(x.entries, 'Callback.closed').length >= 1, 'Callback.closed')
    const cb = got.entries.filter((e) => e.kind === 'event' && e.event.startsWith('Callback.'))
    expect(cb.map((e) => (e as { event: string }).event)).toEqual(seen.map((e) => e.event))
    // The hook attached to the bus behind the page's getter: a plugin the page registers through
    // it now is recorded at publish time, even an event published in the same task (a subscription
    // from the registry would come too late for it).
    await tab.page.evaluate(() => {
      const w = window as unknown as { CXBus: { registerPlugin(n: string): { publish(e: string, d: unknown): void; registerEvents?(e: string[]): void } } }
      const probe = w.CXBus.registerPlugin('Probe')
      probe.registerEvents?.(['data'])
      probe.publish('data', { x: 1 })
    })
    await c.waitFor((x) => events(x.entries, 'Probe.data').length === 1, 'Probe.data')
    const handlers = await tab.call<string[]>('subscribers', 'Callback.opened')
    expect(handlers.filter((n) => n === 'cxbusDevtoolsHandler').length).toBeLessThanOrEqual(1)
    expect(got.entries.some((e) => e.kind === 'command' && e.command === 'Callback.open')).toBe(true)
    await c.close()
    await tab.page.close()
  })

  it('a getter on published data that publishes: the page sees no extra event, the copy says [Getter]', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    // A plugin of the page's own: its handler counts Probe.changed; nobody of the page reads `live`.
    await tab.page.evaluate(() => {
      const w = window as unknown as { CXBus: { registerPlugin(n: string): { publish(e: string, d: unknown): void; registerEvents?(e: string[]): void }; subscribe(e: string, fn: () => void): void }; __changed: number }
      const probe = w.CXBus.registerPlugin('Probe')
      probe.registerEvents?.(['data', 'changed'])
      w.__changed = 0
      w.CXBus.subscribe('Probe.changed', () => void w.__changed++)
      const data = { opened: 1, get live() { probe.publish('changed', {}); return 1 } }
      probe.publish('data', data)
    })
    const got = await c.waitFor((x) => events(x.entries, 'Probe.data').length >= 1, 'Probe.data')
    await new Promise((r) => setTimeout(r, 500))
    expect(await tab.page.evaluate(() => (window as unknown as { __changed: number }).__changed)).toBe(0) // as without the extension
    expect(events((await c.get()).entries, 'Probe.changed')).toEqual([])
    expect(events(got.entries, 'Probe.data')[0]?.data).toEqual({ opened: 1, live: '[Getter]' })
    await c.close()
    await tab.page.close()
  })

  it('100 000 events in one loop arrive whole: stored + lost = published, no marker per event', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&noise=0') // only the burst publishes
    await tab.call('whenReady')
    const c = await openCollector(env.b, tab.tabId)
    await new Promise((r) => setTimeout(r, 1000))
    // everything captured before the burst (the collector keeps what the store may evict later)
    const before = (await c.get()).entries.filter((e) => e.kind !== 'marker').length
    await tab.call('burst', 100_000)
    const got = await c.waitFor((x) => events(x.entries, '.minimized').length + events(x.entries, '.unminimized').length >= 100_000, '100 000 events', 150_000)
    await new Promise((r) => setTimeout(r, 1000)) // nothing more comes (no duplicates)
    // What the tab stores: the per-tab budget is 100 000 events, so the burst makes room for itself.
    const all = await exported(c.page, tab.tabId)
    const stored = all.filter((e) => e.kind !== 'marker').length
    const published = before + 100_000
    console.log(`published ${published} (burst 100000 after ${before}), stored ${stored}, dropped markers ${JSON.stringify(dropped(all).map((m) => m.data))}, lost ${lostCount(all)}`)
    expect(stored + lostCount(all)).toBe(published)
    expect(events(all, '.minimized').length + events(all, '.unminimized').length).toBe(100_000) // whole: within the per-tab cap
    // one marker per plugin whose entries went (and burst), not one per batch
    const plugins = dropped(all).map((m) => (m.data as { plugin?: string }).plugin)
    expect(new Set(plugins).size).toBe(plugins.length)
    expect(dropped(all).length).toBeLessThanOrEqual(before)
    expect(dropped(all).every((m) => (m.data as { where: string }).where === 'background')).toBe(true)
    expect(got.disconnects).toBe(0)
    await c.close()
    await tab.page.close()
  }, 240_000)

  it('the handshake cannot be raced: a page answering every port and flooding hellos, 50 runs in a row', async () => {
    // From its first script: listens for every message, answers `ready` on every port it sees (and
    // reads what comes on it), and posts relay hellos, 20 at a time, all through the page load.
    const script = `(function () {
      var seen = window.__race = { ports: 0, received: 0, hellos: 0 };
      addEventListener('message', function (ev) {
        for (var i = 0; i < ev.ports.length; i++) {
          var p = ev.ports[i]; seen.ports++;
          p.onmessage = function () { seen.received++; };
          p.postMessage({ type: 'ready' });
        }
      }, true);
      var n = 0;
      (function flood() {
        for (var i = 0; i < 20; i++) { postMessage({ source: 'cxbus-devtools:relay', v: 1, type: 'hello' }, '*'); seen.hellos++; }
        if (++n < 40) setTimeout(flood, 5);
      })();
    })()`
    const first = await openHostile(script)
    const page = first.page
    const c = await openCollector(env.b, first.tabId)
    await c.send({ type: 'set-preserve-log', value: true })
    await c.waitFor((x) => x.states.at(-1)?.preserveLog === true, 'preserve log on')
    const runs = 50
    for (let run = 0; run < runs; run++) {
      const tab = run === 0 ? first : await openHostile(script, 'speed=fast', page)
      await tab.page.evaluate((r) => {
        const sim = (window as unknown as { __cxbusSim: { publishAs(p: string, e: string, d: unknown): void } }).__cxbusSim
        return (window as unknown as { demo: { whenReady(): Promise<void> } }).demo.whenReady().then(() => {
          for (let i = 0; i < 5; i++) sim.publishAs('Callback', 'minimized', { run: r, i })
        })
      }, run)
      await tab.page.waitForFunction(() => (window as unknown as { __race: { hellos: number } }).__race.hellos >= 800)
      await c.waitFor((x) => events(x.entries, 'minimized').filter((e) => (e.data as { run: number }).run === run).length >= 5, `run ${run}`)
      const race = await tab.page.evaluate(() => (window as unknown as { __race: unknown }).__race)
      expect(race, `run ${run}`).toMatchObject({ ports: 0, received: 0 })
    }
    const all = (await c.get()).entries
    expect(all.filter((e) => e.kind === 'marker' && e.marker === 'page-load' && (e.data as { top: boolean }).top)).toHaveLength(runs)
    for (let run = 0; run < runs; run++) {
      expect(events(all, 'minimized').filter((e) => (e.data as { run: number }).run === run).map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4])
    }
    expect(dropped(all)).toEqual([])
    await c.close()
    await page.close()
  }, 240_000)
})

describe('hostile session files in the panel (issue 11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cxbus-hostile-'))
  const head = '{"format":"cxbus-devtools/session","version":1,"events":[{"seq":0,"kind":"event","time":1764000000000,"publisher":"Callback","event":"Callback.opened","data":'
  const file = (name: string, text: string): string => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  it('the hook hands its batches to the relay on an event type the page cannot see or spoof, even with the event built-ins patched, and a reload right after publishing loses nothing', async () => {
    // From its first script: wraps dispatchEvent, addEventListener, CustomEvent, preventDefault and
    // a CustomEvent detail getter, and plants Object.prototype getters a CustomEvent init is read
    // with; logs into sessionStorage (it survives the reload) every event type and detail they see.
    const script = `(function () {
      var log = function (what) { try { sessionStorage.setItem('seen', (sessionStorage.getItem('seen') || '') + '|' + String(what).slice(0, 80)); } catch (e) {} };
      var ET = EventTarget.prototype, dispatch = ET.dispatchEvent, listen = ET.addEventListener, CE = window.CustomEvent, prevent = Event.prototype.preventDefault;
      ET.dispatchEvent = function (e) { log('dispatch ' + e.type); return dispatch.call(this, e); };
      ET.addEventListener = function (t, f, o) { log('listen ' + t); return listen.call(this, t, f, o); };
      window.CustomEvent = function (t, i) { log('CustomEvent ' + t); return new CE(t, i); };
      Event.prototype.preventDefault = function () { log('preventDefault ' + this.type); return prevent.call(this); };
      var detail = Object.getOwnPropertyDescriptor(CE.prototype, 'detail');
      Object.defineProperty(CE.prototype, 'detail', { configurable: true, get: function () { var d = detail.get.call(this); log('detail ' + this.type + ' ' + d); return d; } });
      ['detail', 'cancelable', 'bubbles', 'composed'].forEach(function (k) {
        Object.defineProperty(Object.prototype, k, { configurable: true, get: function () { log('getter ' + k); return undefined; } });
      });
    })()`
    const tab = await openHostile(script)
    const c = await openCollector(env.b, tab.tabId)
    await c.send({ type: 'set-preserve-log', value: true })
    await c.waitFor((x) => x.states.at(-1)?.preserveLog === true, 'preserve log on')
    await tab.call('whenReady')
    await tab.page.evaluate(() => sessionStorage.setItem('seen', ''))
    await tab.page.evaluate(publishAndLeave, ['reload', false, 5] as const)
    await expectLastEventsOnce(c, 5)
    const seen = (await tab.page.evaluate(() => sessionStorage.getItem('seen') ?? '')).split('|').filter(Boolean)
    expect(seen.some((s) => s.startsWith('listen '))).toBe(true) // the patches were on (the page's own listeners)
    expect(seen.filter((s) => /[0-9a-f]{32}|minimized|getter/.test(s))).toEqual([])
    await c.close()
    await tab.page.close()
  })

  it('refuses deep nesting and absurd times with one message, imports the largest file the limit allows, and stays responsive', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    const panel = await env.b.openPanel(tab.tabId)
    const errors: string[] = []
    panel.on('pageerror', (e) => errors.push(e.message))
    let crashed = false
    panel.on('crash', () => (crashed = true))
    await panel.locator('[data-testid=import-input]').waitFor({ state: 'attached' })
    const banner = panel.locator('[data-testid=error-banner]')

    await panel.locator('[data-testid=import-input]').setInputFiles(file('deep.session.json', head + '['.repeat(200_000) + ']'.repeat(200_000) + '}]}'))
    await banner.waitFor()
    expect(await banner.textContent()).toContain('events[0].data: nested deeper than 64 levels')

    const times = JSON.stringify({ format: 'cxbus-devtools/session', version: 1, events: [0, 1, 2, 3].map((i) => ({ seq: i, kind: 'event', time: i % 2 ? 1e300 : 1764000000000, publisher: 'Callback', event: 'Callback.opened', data: {} })) })
    await panel.locator('[data-testid=import-input]').setInputFiles(file('times.session.json', times))
    await panel.waitForFunction(() => document.querySelector('[data-testid=error-banner]')?.textContent?.includes('events[1].time'))

    // the widest span of times accepted (0 and 2100-01-01) is drawn without sizing anything from it
    const span = JSON.stringify({ format: 'cxbus-devtools/session', version: 1, events: [0, 1, 2].map((i) => ({ seq: i, kind: 'event', time: i === 1 ? MAX_TIME : i, publisher: 'Callback', event: ['Callback.opened', 'Callback.started', 'Callback.closed'][i], data: { opened: 0, started: false, closed: false } })) })
    const t1 = Date.now()
    await panel.locator('[data-testid=import-input]').setInputFiles(file('span.session.json', span))
    await panel.locator('[data-testid=imported-banner][data-checked=true]', { hasText: 'span.session.json' }).waitFor()
    expect(await panel.evaluate(() => 1 + 1)).toBe(2)
    expect(Date.now() - t1).toBeLessThan(10_000)

    // one string filling the file up to the limit (100 MB of characters, all but the JSON around it)
    const around = head.length + '{"note":""}}]}'.length
    const big = file('big.session.json', `${head}{"note":"${'z'.repeat(MAX_SESSION_BYTES - around)}"}}]}`)
    const t0 = Date.now()
    await panel.locator('[data-testid=import-input]').setInputFiles(big)
    await panel.locator('[data-testid=imported-banner][data-checked=true]', { hasText: 'big.session.json' }).waitFor({ timeout: 60_000 })
    console.log(`100 MB file with one string imported in ${Date.now() - t0} ms`)
    // the panel still answers: a click reaches it and the page evaluates at once
    expect(await panel.evaluate(() => 1 + 1)).toBe(2)
    expect(crashed).toBe(false)
    expect(errors).toEqual([])
    await panel.close()
    await tab.page.close()
  })
})
