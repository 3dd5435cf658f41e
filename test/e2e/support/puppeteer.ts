// Node (end-to-end tests). puppeteer-core pages as TestPages, for the Firefox adapter (firefox.ts,
// WebDriver BiDi) and the real DevTools window in Chromium (devtools.ts, CDP).
import type { Browser, CDPSession, Page } from 'puppeteer-core'
import { findTabId } from './tabs.ts'
import type { TestPage } from './types.ts'

/** The puppeteer-internal BiDi browsing context behind a Firefox page (two calls puppeteer does not offer). */
export interface BidiContext {
  navigate(url: string, wait?: 'none' | 'interactive' | 'complete'): Promise<void>
  setViewport(o: { viewport: { width: number; height: number } | null }): Promise<void>
}
export const contextOf = (page: Page): BidiContext => (page.mainFrame() as unknown as { browsingContext: BidiContext }).browsingContext

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls check until it resolves to a truthy value (Firefox: waitForFunction is unreliable right after an extension-page navigation). */
export async function poll(check: () => Promise<unknown>, what: string, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now()
  let last: unknown = null
  for (;;) {
    if (await check().catch((e: unknown) => ((last = e), false))) return
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)
    await sleep(50)
  }
}

/**
 * A puppeteer Page seen as a TestPage. Firefox's moz-extension:// pages send no navigation events:
 * they are opened with BiDi's browsingContext.navigate and polled until loaded (puppeteer
 * internals: puppeteer-core is pinned).
 */
export function testPage(page: Page): TestPage & { raw: Page } {
  let extensionUrl: string | null = null // page.url() stays about:blank on extension pages
  const goto = async (url: string): Promise<void> => {
    if (!url.startsWith('moz-extension://')) {
      extensionUrl = null
      await page.goto(url)
      return
    }
    await contextOf(page).navigate(url, 'complete')
    extensionUrl = url
    await page.evaluate('1') // the new document's realm is ready
    const loaded = new Function(`return location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`) as () => boolean
    await poll(() => page.evaluate(loaded), `${url} to load`)
  }
  return {
    raw: page,
    evaluate: ((fn: string | ((a: unknown) => unknown), arg?: unknown) => page.evaluate(fn as never, arg)) as TestPage['evaluate'],
    goto,
    reload: () => page.reload(),
    close: () => page.close(),
    url: () => extensionUrl ?? page.url(),
    screenshot: (o) => page.screenshot({ path: o.path as `${string}.png` }),
    waitForFunction: (fn) => poll(() => page.evaluate(fn), `a condition in ${page.url()}`),
  }
}

/**
 * A document reached only through a CDP session (the extension's panel inside the DevTools window
 * is an iframe target that puppeteer cannot turn into a Page) seen as a TestPage: functions are
 * sent as source text, like the drivers do. It cannot navigate; reload() reloads the document.
 */
export function cdpTestPage(session: CDPSession, url: string): TestPage {
  const run = async <R,>(expression: string): Promise<R> => {
    const r = await session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
    if (r.exceptionDetails) throw new Error(`in ${url}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`)
    return r.result.value as R
  }
  // Source text of a function the test bundler may have wrapped in __name() (esbuild keepNames).
  const call = (fn: string | ((a: unknown) => unknown), arg?: unknown): string =>
    typeof fn === 'string' ? fn : `(globalThis.__name ??= (f) => f, (${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)}))`
  const evaluate = ((fn: string | ((a: unknown) => unknown), arg?: unknown) => run(call(fn, arg))) as TestPage['evaluate']
  return {
    evaluate,
    goto: () => Promise.reject(new Error('a DevTools panel cannot be navigated')),
    reload: () => run('location.reload()'),
    close: () => session.detach().catch(() => {}),
    url: () => url,
    screenshot: () => Promise.reject(new Error('screenshot the DevTools window instead')),
    waitForFunction: (fn) => poll(() => evaluate(fn as () => unknown), `a condition in ${url}`),
  }
}


/**
 * The page helpers both puppeteer adapters need (Chromium's DevTools browser, Firefox): a new tab,
 * one of the extension's pages as a tab, and a page's tab id, looked up from one extension page kept
 * open for that (also for other lookups).
 */
export function extensionPages(browser: Browser, extensionUrl: (path: string) => string) {
  const newPage = async (): Promise<TestPage & { raw: Page }> => testPage(await browser.newPage())
  const openExtensionPage = async (path: string): Promise<TestPage & { raw: Page }> => {
    const page = await newPage()
    await page.goto(extensionUrl(path))
    return page
  }
  let helper: (TestPage & { raw: Page }) | null = null
  const helperPage = async (): Promise<TestPage> => {
    if (!helper || helper.raw.isClosed()) helper = await openExtensionPage('popup/index.html')
    return helper
  }
  const tabIdOf = async (page: TestPage): Promise<number> => findTabId(await helperPage(), page.url())
  return { newPage, openExtensionPage, helperPage, tabIdOf }
}
