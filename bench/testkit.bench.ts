// Node (`npm run bench`, after the build). The test kit's cost to the page: the overhead page of
// capture.bench.ts (a Genesys-style bus, three page handlers, Callback metadata) in two tabs of one
// plain Chromium (no extension), one with captureCxbus(page) from the built cxbus-devtools/playwright
// (the hook, its batches through the exposed function to Node) and one without; publish-to-handlers
// time with / without, as for the extension (same rounds, same fastest-round and median ratios).
import { chromium } from 'playwright-core'
import { captureCxbus } from 'cxbus-devtools/playwright'
import { compareOverhead, overheadPage, servePage } from './capture.bench.ts'

export const name = 'testkit'
export const targets: Record<string, string> = {
  testkitOverheadRatio: '<= 1.10 (page handlers doing typical analytics work; the extension\'s target)',
  testkitOverheadRatioTrivialHandlers: 'report (worst case: handlers that do nothing)',
}

export async function run(): Promise<Record<string, number>> {
  const { url, server } = await servePage(overheadPage('public'))
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
  try {
    const withKit = await browser.newPage()
    const without = await browser.newPage()
    const cx = await captureCxbus(withKit)
    await withKit.goto(url)
    await without.goto(url)
    await withKit.waitForTimeout(300) // the hook's first scan is done
    const hooked = await withKit.evaluate(() => '__cxbusDevtoolsHook__' in window)
    if (!hooked || (await without.evaluate(() => '__cxbusDevtoolsHook__' in window))) throw new Error('bench: the hook must run in the kit tab only')
    const figures = await compareOverhead(withKit, without)
    const captured = cx.entries().filter((e) => e.kind === 'event').length
    if (captured === 0) throw new Error('bench: the kit captured nothing')
    return {
      ...figures,
      testkitOverheadRatio: figures.analyticsRatio as number,
      testkitOverheadRatioTrivialHandlers: figures.trivialRatio as number,
      eventsCaptured: captured,
    }
  } finally {
    await browser.close()
    server.close()
  }
}
