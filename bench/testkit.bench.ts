// Node (`npm run bench`, after the build). The test kit's cost to the page: the overhead page of
// capture.bench.ts (a Genesys-style bus, three page handlers, Callback metadata) in two tabs of one
// plain Chromium (no extension), one with captureCxbus(page) from the built cxbus-devtools/playwright
// (the hook, its batches through the exposed function to Node) and one without. Publish-to-handlers
// time, rounds interleaved in alternating order, each ending when its page is idle again; the figure
// is the ratio of medians, with the p10-p90 of the paired per-round ratios (stats.ts, no best-of).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Page } from 'playwright-core'
import { captureCxbus } from 'cxbus-devtools/playwright'
import { overheadPage } from './capture.bench.ts'
import { interleaved, median, paired, ratioText } from './stats.ts'

export const name = 'testkit'
export const targets: Record<string, string> = {
  testkitOverheadRatio: '<= 1.10 (page handlers doing typical analytics work; the extension\'s target)',
  testkitOverheadRatioTrivialHandlers: 'report (worst case: handlers that do nothing)',
}

const EVENTS_PER_ROUND = 2_000
const ROUNDS = 25
type Mode = 'analytics' | 'trivial'

const measure = (page: Page, n: number, mode: Mode): Promise<number> =>
  page.evaluate(([k, m]) => (window as unknown as { measure(n: number, mode: string): Promise<number> }).measure(k, m), [n, mode] as const)
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
    const withKit = await browser.newPage()
    const without = await browser.newPage()
    const cx = await captureCxbus(withKit)
    await withKit.goto(url)
    await without.goto(url)
    if (!(await hooked(withKit)) || (await hooked(without))) throw new Error('bench: the hook must run in the kit tab only')
    await withKit.waitForTimeout(300) // the hook's first scan is done
    const out: Record<string, number | string> = {}
    for (const mode of ['analytics', 'trivial'] as const) {
      await measure(without, 500, mode) // warm-up
      await measure(withKit, 500, mode)
      // a round ends when its page is idle again (the kit's batches have left it), as in capture.bench.ts
      const timed = (page: Page) => async (): Promise<number> => {
        const ms = await measure(page, EVENTS_PER_ROUND, mode)
        await page.evaluate(() => (window as unknown as { settle(): Promise<void> }).settle())
        return ms
      }
      const runs = await interleaved(ROUNDS, timed(withKit), timed(without))
      const r = paired(runs.a, runs.b)
      out[`${mode}MsWithout`] = +median(runs.b).toFixed(1)
      out[`${mode}MsWithKit`] = +median(runs.a).toFixed(1)
      out[`${mode}Ratio`] = +r.ratio.toFixed(3)
      out[`${mode}Spread`] = ratioText(r)
    }
    const captured = cx.entries().filter((e) => e.kind === 'event').length
    if (captured === 0) throw new Error('bench: the kit captured nothing')
    return { ...out, testkitOverheadRatio: out.analyticsRatio!, testkitOverheadRatioTrivialHandlers: out.trivialRatio!, eventsCaptured: captured }
  } finally {
    await browser.close()
    server.close()
  }
}
