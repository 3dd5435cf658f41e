// Node (`npm run bench`, after the build). Capture pipeline figures in real Chromium:
// 1. hook overhead: on a page with a bus that dispatches like Genesys (one setTimeout(0) per handler,
//    fresh envelope, shared data) and three page handlers, the time from the first publish until the
//    page's handlers have handled N events carrying typical Callback metadata, with the hook divided
//    by the same without it (one browser, two tabs, fastest of several rounds). Two kinds of page
//    handlers: analytics-like (serialise + push to a data layer: the target) and trivial (read one
//    field: the worst case). Measured with the Callback plugin registered through CXBus (the hook
//    captures at publish time) and, for the record, through a path the hook cannot see (it then
//    subscribes: one more bus timer per event, about as costly as a page handler);
// 2. a 10 000-event burst from the demo page to an extension page on the panel port: events lost,
//    events per second (first publish to last arrival), p50/p99 latency (envelope time at publish to
//    arrival; both Date.now() on this machine; it includes the page's own dispatch queue).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { startDemoServer } from '../demo/server.ts'
import type { SessionEntry } from '../src/core/model.ts'
import { launchWithExtension } from '../test/e2e/support/browser.ts'
import { openCollector } from '../test/e2e/support/collector.ts'
import { openDemo } from '../test/e2e/support/demo.ts'
import { best, percentile } from './stats.ts'

export const name = 'capture'
export const targets: Record<string, string> = {
  hookOverheadRatio: '<= 1.10 (page handlers doing typical analytics work)',
  hookOverheadRatioTrivialHandlers: 'report (worst case: handlers that do nothing)',
  hookOverheadRatioSubscribedOnly: 'report (plugin registered where the hook cannot see it)',
  mainThreadUsPerEvent: 'report (all capture work on the page thread, mostly in idle time)',
  burstLost: '0',
}

const EVENTS_PER_ROUND = 2_000
const ROUNDS = 25

type Register = 'public' | 'private'

/**
 * The overhead page: a Genesys-style bus on window.CXBus (SPEC.md §1: subscribe returns an id,
 * plugin interfaces with publish/unsubscribe/before/registry, every handler in its own
 * setTimeout(0), a fresh envelope, shared data), three page handlers and a publish loop. The
 * Callback plugin registers through CXBus.registerPlugin, as widgets plugins do ('public'), or,
 * for the worst case, through a path the hook cannot see ('private': the hook then has only its
 * subscriptions, one more timer per event).
 */
export const overheadPage = (register: Register): string => `<!doctype html><meta charset="utf-8"><title>overhead</title><script>
(function () {
  var subs = {}, plugins = {}, handled = 0, nextId = 0;
  function dispatch(fn, env) { setTimeout(function () { fn(env); }, 0); }
  function subscribe(e, fn) { var id = 'sub' + (++nextId); (subs[e] = subs[e] || []).push({ id: id, fn: fn }); return id; }
  function unsubscribe(id) {
    for (var e in subs) subs[e] = subs[e].filter(function (s) { return s.id !== id; });
    return true;
  }
  function publish(name, event, data) {
    var full = name + '.' + event, list = (subs[full] || []).slice(), time = Date.now();
    for (var i = 0; i < list.length; i++) dispatch(list[i].fn, { time: time, publisher: name, event: full, data: data });
    return true;
  }
  function registerPlugin(name) {
    if (plugins[name]) return false;
    plugins[name] = { events: [], commands: [] };
    return { before: function () { return true; }, subscribe: subscribe, unsubscribe: unsubscribe,
      publish: function (event, data) { return publish(name, event, data); },
      registry: function () { return JSON.parse(JSON.stringify(plugins)); } };
  }
  var bus = { version: '9.0.018.07', subscribe: subscribe, command: function () { return {}; }, registerPlugin: registerPlugin };
  window.CXBus = bus;
  var callback = '${register}' === 'private' ? registerPlugin('Callback') : window.CXBus.registerPlugin('Callback');
  plugins.Callback.events = ['Callback.opened'];
  var sink = 0, analytics = false, dataLayer = [];
  // Three page handlers. 'trivial': read one field (the worst case for a relative overhead).
  // 'analytics': what real pages attach to Callback events: serialise the metadata and push it to a
  // tag-manager style data layer.
  for (var h = 0; h < 3; h++) bus.subscribe('Callback.opened', function (e) {
    if (analytics) {
      dataLayer.push({ event: 'callback_' + e.event.split('.')[1], payload: JSON.parse(JSON.stringify(e.data)) });
      if (dataLayer.length > 1000) dataLayer = [];
    } else sink += e.data.elapsed;
    handled++;
  });
  function metadata(now, i) {
    return { proactive: false, prefilled: false, autoSubmitted: false, errors: false,
      form: { firstname: 'Ada', lastname: 'Lovelace', _customer_number: '+44 20 7946 0000', subject: 'Billing question', _desired_time: '2026-01-01T10:00:00Z' },
      opened: now - 5000, started: now - 4000, cancelled: false, completed: false, closed: false, elapsed: 5000 + i };
  }
  window.measure = function (n, mode) {
    analytics = mode === 'analytics';
    return new Promise(function (resolve) {
      handled = 0;
      var target = n * 3, t0 = performance.now(), now = Date.now();
      for (var i = 0; i < n; i++) callback.publish('opened', metadata(now, i));
      (function poll() { if (handled >= target) resolve(performance.now() - t0); else setTimeout(poll, 0); })();
    });
  };
  // n events no page handler listens to: what capturing them costs the page's thread in all
  window.publishOnly = function (n) {
    var now = Date.now();
    for (var i = 0; i < n; i++) callback.publish('started', metadata(now, i));
  };
})();
</script>`

async function servePage(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(html)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}

/** The same page where content scripts never run (the extension's manifest matches no data: URL). */
const dataUrl = (html: string): string => `data:text/html;base64,${Buffer.from(html).toString('base64')}`

type Mode = 'trivial' | 'analytics'
type Measure = { measure(n: number, mode: Mode): Promise<number> }
const MODES: Mode[] = ['analytics', 'trivial']

const measure = (page: Page, n: number, mode: Mode): Promise<number> =>
  page.evaluate(([k, m]) => (window as unknown as Measure).measure(k, m), [n, mode] as const)
const hooked = (page: Page): Promise<boolean> => page.evaluate(() => '__cxbusDevtoolsHook__' in window)

/**
 * One browser with the extension, two tabs with the same page: from http (the hook runs there)
 * and from a data: URL (content scripts never run there). The tabs take turns, round by round,
 * with a pause between, so load from other processes hits both alike; the figure per side is the
 * fastest round (noise only ever adds time), the ratio of medians is kept alongside.
 */
async function hookOverhead(register: Register): Promise<Record<string, number>> {
  const html = overheadPage(register)
  const { url, server } = await servePage(html)
  const b = await launchWithExtension()
  try {
    const withHook = await b.context.newPage()
    const without = await b.context.newPage()
    await withHook.goto(url)
    await without.goto(dataUrl(html))
    if (!(await hooked(withHook)) || (await hooked(without))) throw new Error('bench: the hook must run in the http tab only')
    await withHook.waitForTimeout(300) // the hook's subscriptions are in place (its first scan)
    const out: Record<string, number> = {}
    for (const mode of MODES) {
      const t: Record<'without' | 'with', number[]> = { without: [], with: [] }
      await measure(without, 500, mode) // warm-up
      await measure(withHook, 500, mode)
      for (let r = 0; r < ROUNDS; r++) {
        for (const side of ['without', 'with'] as const) {
          await withHook.waitForTimeout(100) // what the last round queued (our relay's work) is done
          t[side].push(await measure(side === 'with' ? withHook : without, EVENTS_PER_ROUND, mode))
        }
      }
      out[`${mode}MsWithout`] = +best(t.without).toFixed(1)
      out[`${mode}MsWithHook`] = +best(t.with).toFixed(1)
      out[`${mode}Ratio`] = +(best(t.with) / best(t.without)).toFixed(3)
      out[`${mode}RatioOfMedians`] = +(percentile(t.with, 0.5) / percentile(t.without, 0.5)).toFixed(3)
    }
    return out
  } finally {
    await b.close()
    server.close()
  }
}

/**
 * All the page's main-thread time capture costs per event (the hook at publish time, the batch to
 * the relay, the relay's post to the background; most of it in idle time): Chromium's TaskDuration
 * for the tab, over 2 000 published events no page handler listens to, with the hook minus without,
 * median of several rounds.
 */
async function mainThreadCost(): Promise<Record<string, number>> {
  const html = overheadPage('public')
  const { url, server } = await servePage(html)
  const b = await launchWithExtension()
  try {
    const per: Record<'with' | 'without', number[]> = { with: [], without: [] }
    for (const side of ['with', 'without'] as const) {
      const page = await b.context.newPage()
      await page.goto(side === 'with' ? url : dataUrl(html))
      await page.waitForTimeout(300)
      const cdp = await b.context.newCDPSession(page)
      await cdp.send('Performance.enable')
      const taskSeconds = async (): Promise<number> =>
        (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0
      for (let r = 0; r < 7; r++) {
        const t0 = await taskSeconds()
        await page.evaluate((n) => (window as unknown as { publishOnly(n: number): void }).publishOnly(n), EVENTS_PER_ROUND)
        await page.waitForTimeout(800) // the relay has posted everything
        per[side].push((await taskSeconds()) - t0)
      }
      await page.close()
    }
    const us = (s: number): number => +((s * 1e6) / EVENTS_PER_ROUND).toFixed(1)
    return { mainThreadUsPerEvent: us(percentile(per.with, 0.5) - percentile(per.without, 0.5)) }
  } finally {
    await b.close()
    server.close()
  }
}

async function burst(n = 10_000): Promise<Record<string, number>> {
  const demo = await startDemoServer({ port: 0 })
  const b = await launchWithExtension()
  try {
    const tab = await openDemo(b, demo.url)
    await tab.call('whenReady')
    const c = await openCollector(b, tab.tabId)
    const isBurst = (e: SessionEntry): boolean => e.kind === 'event' && /^Callback\.(un)?minimized$/.test(e.event)
    await tab.call('burst', n)
    const t0 = Date.now()
    // Count in the page until every burst event is there, or until nothing more arrives for 10 s.
    let last = -1
    let lastChange = Date.now()
    for (;;) {
      // burst events only: the demo page's housekeeping plugins publish besides them
      const count = await c.page.evaluate(() =>
        (window as unknown as { __cx: { entries: SessionEntry[] } }).__cx.entries.filter((e) => e.kind === 'event' && /^Callback\.(un)?minimized$/.test(e.event)).length,
      )
      if (count !== last) lastChange = Date.now()
      last = count
      if (count >= n || Date.now() - lastChange > 10_000 || Date.now() - t0 > 120_000) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const { entries, receivedAt } = await c.get()
    const got = entries.map((e, i) => ({ e, at: receivedAt[i] as number })).filter((x) => isBurst(x.e))
    const unique = new Set(got.map((x) => (x.e.data as { i: number }).i))
    const latencies = got.map((x) => x.at - x.e.time)
    const first = Math.min(...got.map((x) => x.e.time))
    const end = Math.max(...got.map((x) => x.at))
    return {
      burstEvents: n,
      burstLost: n - unique.size,
      burstDuplicates: got.length - unique.size,
      burstEventsPerSecond: Math.round(got.length / ((end - first) / 1000)),
      burstP50LatencyMs: percentile(latencies, 0.5),
      burstP99LatencyMs: percentile(latencies, 0.99),
    }
  } finally {
    await b.close()
    await demo.close()
  }
}

export async function run(): Promise<Record<string, number | string>> {
  const tap = await hookOverhead('public')
  const sub = await hookOverhead('private')
  const figures: Record<string, number | string> = {
    overheadEventsPerRound: EVENTS_PER_ROUND,
    analyticsHandlersMsWithout: tap.analyticsMsWithout as number,
    analyticsHandlersMsWithHook: tap.analyticsMsWithHook as number,
    hookOverheadRatio: tap.analyticsRatio as number,
    hookOverheadRatioOfMedians: tap.analyticsRatioOfMedians as number,
    trivialHandlersMsWithout: tap.trivialMsWithout as number,
    trivialHandlersMsWithHook: tap.trivialMsWithHook as number,
    hookOverheadRatioTrivialHandlers: tap.trivialRatio as number,
    hookOverheadRatioSubscribedOnly: sub.analyticsRatio as number,
    hookOverheadRatioSubscribedOnlyTrivialHandlers: sub.trivialRatio as number,
    ...(await mainThreadCost()),
  }
  Object.assign(figures, await burst())
  return figures
}
