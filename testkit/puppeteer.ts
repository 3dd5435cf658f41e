// cxbus-devtools/puppeteer: the extension's capture and checks in a Puppeteer test (Chrome over
// CDP, Firefox over WebDriver BiDi), without the extension. Adapter only: the exposed function and
// the hook go in before page scripts, in every frame.
import type { Page } from 'puppeteer-core'
import { TESTKIT_BINDING } from '../src/core/protocol.ts'
import { claimPage, CxbusCapture, type CaptureOptions } from './capture.ts'
import { hookSource } from './hook-source.ts'

export { CxbusCapture, entryName, type CaptureOptions, type CheckConfig, type WaitOptions } from './capture.ts'

/** Minimal Page surface used (puppeteer and puppeteer-core pages both have it). */
export type PuppeteerPage = Pick<Page, 'exposeFunction' | 'evaluateOnNewDocument' | 'browser' | 'on'>

/** Starts capturing on `page`: call it before page.goto, once per page (a second call rejects). */
export async function captureCxbus(page: PuppeteerPage, options: CaptureOptions = {}): Promise<CxbusCapture> {
  let userAgent = ''
  const cx = new CxbusCapture(() => userAgent, options) // bad options: a TypeError before the page is claimed
  claimPage(page)
  // Nothing more can arrive: waits fail at once, saying so.
  page.on('close', () => cx.pageClosed('the page was closed'))
  // The function first: the hook takes it when it installs, before any page script.
  await page.exposeFunction(TESTKIT_BINDING, (text: unknown) => cx.collector.receive(text))
  await page.evaluateOnNewDocument(await hookSource())
  try {
    userAgent = await page.browser().userAgent()
  } catch {
    // a browser that does not say: the session's source has an empty userAgent
  }
  return cx
}
