// cxbus-devtools/playwright: the extension's capture and checks in a Playwright test, without the
// extension. Adapter only: the binding and the hook go in before page scripts, in every frame.
import type { Page } from 'playwright-core'
import { TESTKIT_BINDING } from '../src/core/protocol.ts'
import { claimPage, CxbusCapture, type CaptureOptions } from './capture.ts'
import { initScript } from './hook-source.ts'

export { CxbusCapture, entryName, type CaptureOptions, type CheckConfig, type WaitOptions } from './capture.ts'

/** Minimal Page surface used (playwright and playwright-core pages both have it). */
export type PlaywrightPage = Pick<Page, 'exposeBinding' | 'addInitScript' | 'evaluate' | 'on'>

/** Starts capturing on `page`: call it before page.goto, once per page (a second call rejects). */
export async function captureCxbus(page: PlaywrightPage, options: CaptureOptions = {}): Promise<CxbusCapture> {
  let userAgent = ''
  const cx = new CxbusCapture(() => userAgent, options) // bad options: a TypeError before the page is claimed
  claimPage(page, 'Playwright')
  // Nothing more can arrive: waits fail at once, saying so.
  page.on('close', () => cx.pageClosed('the page was closed'))
  page.on('crash', () => cx.pageClosed('the page crashed'))
  await page.exposeBinding(TESTKIT_BINDING, (_source: unknown, text: unknown) => cx.collector.receive(text))
  await page.addInitScript({ content: await initScript(cx.collector.key) })
  userAgent = await browserUserAgent(page)
  return cx
}

/** The browser's own user agent (what the extension's export records), read before the page runs. */
async function browserUserAgent(page: PlaywrightPage): Promise<string> {
  try {
    return await page.evaluate(() => navigator.userAgent)
  } catch {
    return ''
  }
}
