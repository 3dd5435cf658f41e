// Node (`npm run bench`, after the build). The test kit's cost to the page: the overhead page of
// capture.bench.ts (a Genesys-style bus, three page handlers, Callback metadata) in two tabs of one
// plain Chromium (no extension), one with captureCxbus(page) from the built cxbus-devtools/playwright
// (the hook, its batches through the exposed function to Node) and one without. Publish-to-handlers
// time, rounds interleaved in alternating order, each ending when its page is idle again; the figure
// is the ratio of medians, with the p10-p90 of the paired per-round ratios (stats.ts, no best-of);
// and the page main thread's CPU time per event for the kit (ThreadTime, with minus without).
import { chromium } from 'playwright-core'
import { captureCxbus, type CxbusCapture } from 'cxbus-devtools/playwright'
import { hooked, overheadFigures, overheadPage, servePage, side } from './capture.bench.ts'

export const name = 'testkit'
export const targets: Record<string, string> = {
  testkitOverheadRatio: '<= 1.10 (page handlers doing typical analytics work; the extension\'s target)',
  testkitOverheadRatioTrivialHandlers: 'report (worst case: handlers that do nothing)',
  testkitMainThreadUsPerEvent: 'report (CPU time; the extension\'s target is <= 12)',
}

export async function run(): Promise<Record<string, number | string>> {
  const { url, server } = await servePage(overheadPage('public'))
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
  try {
    // Two contexts: two renderer processes, so each tab's main-thread figures are its own.
    let cx: CxbusCapture | undefined
    const withKit = await side(await browser.newContext(), url, async (page) => (cx = await captureCxbus(page)))
    const without = await side(await browser.newContext(), url)
    if (!(await hooked(withKit.page)) || (await hooked(without.page))) throw new Error('bench: the hook must run in the kit tab only')
    await withKit.page.waitForTimeout(300) // the hook's first scan is done
    const out: Record<string, number | string> = {}
    // a round ends when its page is idle again (the kit's batches have left it), as in capture.bench.ts
    for (const mode of ['analytics', 'trivial'] as const) Object.assign(out, await overheadFigures(withKit, without, mode, 'WithKit'))
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
