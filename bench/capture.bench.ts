// Node (`npm run bench`, after the build). Capture pipeline figures in real Chromium:
// 1. hook overhead: on a page with a bus that dispatches like Genesys (one setTimeout(0) per handler,
//    fresh envelope, shared data) and three page handlers, the time from the first publish until the
//    page's handlers have handled N events carrying typical Callback metadata, with the extension
//    over without it. "Without" is the same page from the same server in an incognito context of the
//    same browser, where the extension is not allowed: a normal tab without the extension. Rounds
//    are interleaved, the side that goes first alternating; each round ends only when the page's
//    thread is idle again (the hook's idle-time batch and the relay's posts are done), so the
//    deferred work is counted in its own round, never in the next. Each figure is the ratio of the
//    medians, with the p10-p90 spread of the paired (same round) ratios. Two kinds of page handlers:
//    analytics-like (serialise + push to a data layer: the target) and trivial (read one field: the
//    worst case). Measured with the Callback plugin registered through CXBus (the hook captures at
//    publish time) and through a path the hook cannot see (it then subscribes);
// 2. the page main thread's CPU per event: Chromium's ThreadTime (the CPU time of the tab's main
//    thread, which the relay's isolated world shares) over the same rounds (publish, handlers and
//    everything deferred), with minus without, per round; and the same with TaskDuration (the wall
//    time of its tasks, which also counts the time another process had the core: on a loaded
//    machine it swings much more);
// 3. issue 11's flood: 100 000 events published in one tight loop (three page handlers each), the
//    loop's own time with the extension over without (the hook's per-event path under a flood);
// 4. a 10 000-event burst from the demo page to an extension page on the panel port: events lost,
//    events per second (first publish to last arrival), p50/p99 latency (envelope time at publish to
//    arrival; both Date.now() on this machine; it includes the page's own dispatch queue).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer as createNetServer } from 'node:net'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startDemoServer } from '../demo/server.ts'
import type { SessionEntry } from '../src/core/model.ts'
import { launchWithExtension, type ExtensionBrowser } from '../test/e2e/support/browser.ts'
import { openCollector } from '../test/e2e/support/collector.ts'
import { openDemo } from '../test/e2e/support/demo.ts'
import { interleaved, median, paired, percentile, ratioText } from './stats.ts'

export const name = 'capture'
export const targets: Record<string, string> = {
  hookOverheadRatio: '<= 1.10 (page handlers doing typical analytics work)',
  hookOverheadRatioTrivialHandlers: '~1.35 (handlers that do nothing: no more delay than one copy)',
  hookOverheadRatioSubscribedOnly: 'report (plugin registered where the hook cannot see it)',
  mainThreadUsPerEvent: '<= 12 (CPU time)',
  floodPublishRatio: 'report (100 000 publishes in one loop: the loop\'s time with the extension / without)',
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
  // n publishes in one tight loop (issue 11's flood): the loop's own time; the handlers then drain
  window.flood = function (n) {
    return new Promise(function (resolve) {
      handled = 0;
      var target = n * 3, now = Date.now(), t0 = performance.now();
      for (var i = 0; i < n; i++) callback.publish('opened', metadata(now, i));
      var ms = performance.now() - t0;
      (function poll() { if (handled >= target) resolve(ms); else setTimeout(poll, 20); })();
    });
  };
  // Resolves once the thread has been idle for two full idle periods in a row: whatever the round
  // deferred (the hook's batch, the relay's posts) has run.
  window.settle = function () {
    return new Promise(function (resolve) {
      var calm = 0, t0 = performance.now();
      requestIdleCallback(function check(d) {
        calm = d.timeRemaining() >= 40 ? calm + 1 : 0;
        if (calm >= 2 || performance.now() - t0 > 3000) resolve(); else requestIdleCallback(check);
      });
    });
  };
})();
</script>`

/** Serves one page on a free local port. */
export async function servePage(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(html)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}

export type Mode = 'trivial' | 'analytics'
type PageApi = { measure(n: number, mode: Mode): Promise<number>; settle(): Promise<void> }
const MODES: Mode[] = ['analytics', 'trivial']

/** Whether the hook (the extension's, or the test kit's) runs in the page. */
export const hooked = (page: Page): Promise<boolean> => page.evaluate(() => '__cxbusDevtoolsHook__' in window)

/** A free TCP port on this machine. */
const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createNetServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port
      s.close(() => resolve(port))
    })
  })

/** The browser with the extension, and an incognito context of the same browser (the extension is not allowed there). */
export async function launchPair(): Promise<{ ext: ExtensionBrowser; incognito: BrowserContext; close(): Promise<void> }> {
  const port = await freePort()
  const ext = await launchWithExtension({ args: [`--remote-debugging-port=${port}`] })
  let cdp: Browser | undefined
  try {
    cdp = await chromium.connectOverCDP(`http://127.0.0.1:${port}`)
    const incognito = await cdp.newContext()
    const close = async (): Promise<void> => {
      await cdp?.close().catch(() => {})
      await ext.close()
    }
    return { ext, incognito, close }
  } catch (err) {
    await ext.close()
    throw err
  }
}

/** The tab's main thread so far, ms: CPU time (ThreadTime) and the wall time of its tasks (TaskDuration). */
export type Thread = { cpuMs: number; busyMs: number }
type Side = { page: Page; thread(): Promise<Thread> }

/** One side of the comparison: a tab (`before` runs before it loads the page), and its main thread's figures. */
export async function side(context: BrowserContext, url: string, before?: (page: Page) => Promise<unknown>): Promise<Side> {
  const page = await context.newPage()
  await before?.(page)
  await page.goto(url)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable')
  const thread = async (): Promise<Thread> => {
    const m = (await cdp.send('Performance.getMetrics')).metrics
    const ms = (name: string): number => (m.find((x) => x.name === name)?.value ?? 0) * 1000
    return { cpuMs: ms('ThreadTime'), busyMs: ms('TaskDuration') }
  }
  return { page, thread }
}

/** One round on one side: ms until the page's handlers are done, and the thread's figures until it is idle again. */
export async function round(s: Side, n: number, mode: Mode): Promise<{ ms: number } & Thread> {
  const t0 = await s.thread()
  const ms = await s.page.evaluate(([k, m]) => (window as unknown as PageApi).measure(k, m), [n, mode] as const)
  await s.page.evaluate(() => (window as unknown as PageApi).settle())
  const t1 = await s.thread()
  return { ms, cpuMs: t1.cpuMs - t0.cpuMs, busyMs: t1.busyMs - t0.busyMs }
}

/**
 * One mode's with / without comparison (the extension's and the test kit's): a warm-up, ROUNDS
 * interleaved rounds of EVENTS_PER_ROUND events, the medians, the ratio of medians with the spread
 * of the paired ratios, and the page's CPU and busy time per event, with minus without, round by
 * round. Keys: `${mode}MsWithout`, `${mode}Ms${withName}`, `${mode}Ratio`, `${mode}Spread`,
 * `${mode}UsPerEvent`, `${mode}BusyUsPerEvent` (each with its Spread).
 */
export async function overheadFigures(withSide: Side, without: Side, mode: Mode, withName: string): Promise<Record<string, number | string>> {
  for (const s of [withSide, without]) await round(s, 500, mode) // warm-up
  const runs = await interleaved(ROUNDS, () => round(withSide, EVENTS_PER_ROUND, mode), () => round(without, EVENTS_PER_ROUND, mode))
  const r = paired(runs.a.map((x) => x.ms), runs.b.map((x) => x.ms))
  const out: Record<string, number | string> = {
    [`${mode}MsWithout`]: +median(runs.b.map((x) => x.ms)).toFixed(1),
    [`${mode}Ms${withName}`]: +median(runs.a.map((x) => x.ms)).toFixed(1),
    [`${mode}Ratio`]: +r.ratio.toFixed(3),
    [`${mode}Spread`]: ratioText(r),
  }
  for (const [key, of] of [['UsPerEvent', (x: Thread) => x.cpuMs], ['BusyUsPerEvent', (x: Thread) => x.busyMs]] as const) {
    const us = runs.a.map((x, i) => ((of(x) - of(runs.b[i]!)) * 1000) / EVENTS_PER_ROUND)
    out[`${mode}${key}`] = +median(us).toFixed(1)
    out[`${mode}${key}Spread`] = `${percentile(us, 0.1).toFixed(1)}–${percentile(us, 0.9).toFixed(1)}`
  }
  return out
}

/**
 * The overhead page in two tabs of one browser: with the extension, and in the incognito context
 * without it. Rounds alternate which side goes first; each ends when its page is idle again.
 */
async function hookOverhead(register: Register): Promise<Record<string, number | string>> {
  const { url, server } = await servePage(overheadPage(register))
  const pair = await launchPair()
  try {
    const withExt = await side(pair.ext.context, url)
    const without = await side(pair.incognito, url)
    if (!(await hooked(withExt.page)) || (await hooked(without.page))) throw new Error('bench: the hook must run in the extension\'s tab only')
    await withExt.page.waitForTimeout(300) // the hook's subscriptions are in place (its first scan)
    const out: Record<string, number | string> = {}
    for (const mode of MODES) Object.assign(out, await overheadFigures(withExt, without, mode, 'With'))
    return out
  } finally {
    await pair.close()
    server.close()
  }
}

const FLOOD_EVENTS = 100_000
const FLOOD_ROUNDS = 4

/**
 * Issue 11's flood: FLOOD_EVENTS publishes in one tight loop, the loop's own time (the hook's
 * per-event path) with the extension and without (incognito), interleaved rounds, each ending when
 * the page is idle again; the ratio of medians with the p10-p90 of the paired ratios.
 */
export async function flood(): Promise<Record<string, number | string>> {
  const { url, server } = await servePage(overheadPage('public'))
  const pair = await launchPair()
  try {
    const withExt = await side(pair.ext.context, url)
    const without = await side(pair.incognito, url)
    await withExt.page.waitForTimeout(300)
    const one = async (s: { page: Page }): Promise<number> => {
      const ms = await s.page.evaluate((n) => (window as unknown as { flood(n: number): Promise<number> }).flood(n), FLOOD_EVENTS)
      await s.page.evaluate(() => (window as unknown as PageApi).settle())
      return ms
    }
    const runs = await interleaved(FLOOD_ROUNDS, () => one(withExt), () => one(without))
    const r = paired(runs.a, runs.b)
    return {
      floodEvents: FLOOD_EVENTS,
      floodPublishMsWithout: +median(runs.b).toFixed(1),
      floodPublishMsWith: +median(runs.a).toFixed(1),
      floodPublishRatio: +r.ratio.toFixed(2),
      floodPublishRatioSpread: ratioText(r),
    }
  } finally {
    await pair.close()
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
    rounds: ROUNDS,
    analyticsHandlersMsWithout: tap.analyticsMsWithout!,
    analyticsHandlersMsWith: tap.analyticsMsWith!,
    hookOverheadRatio: tap.analyticsRatio!,
    hookOverheadRatioSpread: tap.analyticsSpread!,
    trivialHandlersMsWithout: tap.trivialMsWithout!,
    trivialHandlersMsWith: tap.trivialMsWith!,
    hookOverheadRatioTrivialHandlers: tap.trivialRatio!,
    hookOverheadRatioTrivialHandlersSpread: tap.trivialSpread!,
    hookOverheadRatioSubscribedOnly: sub.analyticsRatio!,
    hookOverheadRatioSubscribedOnlySpread: sub.analyticsSpread!,
    hookOverheadRatioSubscribedOnlyTrivialHandlers: sub.trivialRatio!,
    hookOverheadRatioSubscribedOnlyTrivialHandlersSpread: sub.trivialSpread!,
    mainThreadUsPerEvent: tap.analyticsUsPerEvent!,
    mainThreadUsPerEventSpread: tap.analyticsUsPerEventSpread!,
    mainThreadUsPerEventTrivialHandlers: tap.trivialUsPerEvent!,
    mainThreadUsPerEventSubscribedOnly: sub.analyticsUsPerEvent!,
    mainThreadBusyUsPerEvent: tap.analyticsBusyUsPerEvent!,
    mainThreadBusyUsPerEventSpread: tap.analyticsBusyUsPerEventSpread!,
  }
  Object.assign(figures, await flood())
  Object.assign(figures, await burst())
  return figures
}
