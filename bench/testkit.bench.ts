// Node (`npm run bench`, after the build). The test kit's cost to the page: the overhead page of
// capture.bench.ts (a Genesys-style bus, three page handlers, Callback metadata) in two tabs of one
// plain Chromium (no extension), one with captureCxbus(page) from the built cxbus-devtools/playwright
// (the hook, its batches through the exposed function to Node) and one without. Publish-to-handlers
// time, rounds interleaved in alternating order, each ending when its page is idle again; the figure
// is the ratio of medians, with the p10-p90 of the paired per-round ratios (stats.ts, no best-of);
// and the page main thread's CPU time per event for the kit (ThreadTime, with minus without).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Page } from 'playwright-core'
import { captureCxbus, type CxbusCapture } from 'cxbus-devtools/playwright'
import { overheadPage, round, side } from './capture.bench.ts'
import { interleaved, median, paired, percentile, ratioText } from './stats.ts'

export const name = 'testkit'
export const targets: Record<string, string> = {
  testkitOverheadRatio: '<= 1.10 (page handlers doing typical analytics work; the extension\'s target)',
  testkitOverheadRatioTrivialHandlers: 'report (worst case: handlers that do nothing)',
  testkitMainThreadUsPerEvent: 'report (CPU time; the extension\'s target is <= 12)',
}

const EVENTS_PER_ROUND = 2_000
const ROUNDS = 25

const hooked = (page: Page): Promise<boolean> => page.evaluate(() => '__cxbusDevtoolsHook__' in window)

export async function run(): Promise<Record<string, number | string>> {
  const html = overheadPage('public')
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(html)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
  try {
    // Two contexts: two renderer processes, so each tab's main-thread figures are its own.
    let cx: CxbusCapture | undefined
    const withKit = await side(await browser.newContext(), url, async (page) => (cx = await captureCxbus(page)))
    const without = await side(await browser.newContext(), url)
    if (!(await hooked(withKit.page)) || (await hooked(without.page))) throw new Error('bench: the hook must run in the kit tab only')
    await withKit.page.waitForTimeout(300) // the hook's first scan is done
    const out: Record<string, number | string> = {}
    for (const mode of ['analytics', 'trivial'] as const) {
      for (const s of [withKit, without]) await round(s, 500, mode) // warm-up
      // a round ends when its page is idle again (the kit's batches have left it), as in capture.bench.ts
      const runs = await interleaved(ROUNDS, () => round(withKit, EVENTS_PER_ROUND, mode), () => round(without, EVENTS_PER_ROUND, mode))
      const r = paired(runs.a.map((x) => x.ms), runs.b.map((x) => x.ms))
      out[`${mode}MsWithout`] = +median(runs.b.map((x) => x.ms)).toFixed(1)
      out[`${mode}MsWithKit`] = +median(runs.a.map((x) => x.ms)).toFixed(1)
      out[`${mode}Ratio`] = +r.ratio.toFixed(3)
      out[`${mode}Spread`] = ratioText(r)
      const us = runs.a.map((x, i) => ((x.cpuMs - runs.b[i]!.cpuMs) * 1000) / EVENTS_PER_ROUND)
      out[`${mode}UsPerEvent`] = +median(us).toFixed(1)
      out[`${mode}UsPerEventSpread`] = `${percentile(us, 0.1).toFixed(1)}–${percentile(us, 0.9).toFixed(1)}`
    }
    const captured = cx?.entries().filter((e) => e.kind === 'event').length ?? 0
    if (captured === 0) throw new Error('bench: the kit captured nothing')
    return {
      ...out,
      testkitOverheadRatio: out.analyticsRatio!,
      testkitOverheadRatioTrivialHandlers: out.trivialRatio!,
      testkitMainThreadUsPerEvent: out.analyticsUsPerEvent!,
      eventsCaptured: captured,
    }
  } finally {
    await browser.close()
    server.close()
  }
}
