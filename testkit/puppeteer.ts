// cxbus-devtools/puppeteer: the extension's capture and checks in a Puppeteer test (Chrome over
// CDP, Firefox over WebDriver BiDi), without the extension. Adapter only: the exposed function and
// the hook go in before page scripts, in every frame.
import type { Page } from 'puppeteer-core'
import { TESTKIT_BINDING } from '../src/core/protocol.ts'
import { claimPage, CxbusCapture, type CaptureOptions } from './capture.ts'
import { initScript } from './hook-source.ts'

export { CxbusCapture, entryName, type CaptureOptions, type CheckConfig, type WaitOptions } from './capture.ts'

/** Minimal Page surface used (puppeteer and puppeteer-core pages both have it). */
export type PuppeteerPage = Pick<Page, 'exposeFunction' | 'evaluateOnNewDocument' | 'browser' | 'on' | 'mainFrame'>

/** Starts capturing on `page`: call it before page.goto, once per page (a second call rejects). */
export async function captureCxbus(page: PuppeteerPage, options: CaptureOptions = {}): Promise<CxbusCapture> {
  let userAgent = ''
  const cx = new CxbusCapture(() => userAgent, options) // bad options: a TypeError before the page is claimed
  claimPage(page, 'Puppeteer')
  // Nothing more can arrive: waits fail at once, saying so.
  page.on('close', () => cx.pageClosed('the page was closed'))
  // The function first: the hook takes it when it installs, before any page script.
  const direct = bidiMessages(page, (text) => cx.collector.receive(text))
  await page.exposeFunction(TESTKIT_BINDING, (text: unknown) => direct || cx.collector.receive(text))
  await page.evaluateOnNewDocument(await initScript(cx.collector.key))
  try {
    userAgent = await page.browser().userAgent()
  } catch {
    // a browser that does not say: the session's source has an empty userAgent
  }
  return cx
}

/**
 * WebDriver BiDi (Firefox): Puppeteer hands an exposed function's call over only after asking the
 * calling document for its arguments, so a call made just before a reload or navigation was lost
 * with that document. Its BiDi message carries the argument itself (one string): read there, as the
 * message arrives. Puppeteer internals (its connection, the page's channel name); without them
 * (CDP, another version) false, and the exposed function receives.
 */
function bidiMessages(page: PuppeteerPage, receive: (text: unknown) => void): boolean {
  type Message = { channel?: unknown; data?: { value?: { value?: { value?: unknown }[] }[] } }
  type Emitter = { on(type: string, fn: (m: Message) => void): void; off(type: string, fn: (m: Message) => void): void }
  const browser = page.browser() as unknown as { protocol?: unknown; connection?: Partial<Emitter> }
  if (browser.protocol !== 'webDriverBiDi' || typeof browser.connection?.on !== 'function' || typeof browser.connection.off !== 'function') return false
  const frameId = (page.mainFrame() as unknown as { _id?: unknown })._id
  if (typeof frameId !== 'string') return false
  const connection = browser.connection as Emitter
  const channel = `__puppeteer__${frameId}_page_exposeFunction_${TESTKIT_BINDING}`
  const onMessage = (m: Message): void => {
    if (m?.channel === channel) receive(m.data?.value?.[2]?.value?.[0]?.value) // [resolve, reject, args]
  }
  connection.on('script.message', onMessage)
  page.on('close', () => connection.off('script.message', onMessage))
  return true
}
