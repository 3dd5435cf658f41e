// The test kit's answers to typical mistakes (QA report): no page, the other driver's page, a
// browser instead of a page, save() without a path, a misspelt waitFor option. Each is a TypeError
// that starts "cxbus:" and names what was expected, not the runner's or Node's own message.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as puppeteer from 'puppeteer-core'
import { describe, expect, it, vi } from 'vitest'
import { CxbusCapture } from '../../testkit/capture.ts'
import { captureCxbus, type PlaywrightPage } from '../../testkit/playwright.ts'
import { captureCxbus as captureWithPuppeteer, type PuppeteerPage } from '../../testkit/puppeteer.ts'

vi.mock('../../testkit/hook-source.ts', () => ({ initScript: async () => '/* hook */' }))

/** A page of Puppeteer's own Chrome page class (exported at run time, not in its types); none of its methods run. */
const puppeteerPage = () => Object.create((puppeteer as unknown as { CdpPage: { prototype: object } }).CdpPage.prototype) as PuppeteerPage
/** The methods of a Playwright page that matter here (playwright-core does not export its class). */
const playwrightPage = () => {
  const page = { exposeBinding: async () => {}, exposeFunction: async () => {}, addInitScript: async () => {}, evaluate: async () => 'UA', on: () => page }
  return page as unknown as PlaywrightPage
}

const refusal = (p: Promise<unknown>): Promise<unknown> => p.then(() => new Error('resolved'), (e: unknown) => e)

describe('captureCxbus refuses what is not a page of its driver', () => {
  it('no page', async () => {
    for (const [capture, driver] of [[captureCxbus, 'playwright'], [captureWithPuppeteer, 'puppeteer']] as const) {
      for (const [page, got] of [[null, 'null'], [undefined, 'nothing \\(missing\\)'], ['page', '"page"']] as const) {
        const err = await refusal(capture(page as unknown as PlaywrightPage & PuppeteerPage))
        expect(err).toBeInstanceOf(TypeError)
        expect((err as Error).message).toMatch(new RegExp(`^cxbus: captureCxbus \\(cxbus-devtools/${driver}\\) needs a \\w+ page, got ${got}$`))
      }
    }
  })

  it("the other driver's page: says which kit takes it", async () => {
    const a = await refusal(captureCxbus(puppeteerPage() as unknown as PlaywrightPage))
    expect(a).toBeInstanceOf(TypeError)
    expect((a as Error).message).toBe('cxbus: captureCxbus (cxbus-devtools/playwright) needs a Playwright page, got a Puppeteer page: use captureCxbus from cxbus-devtools/puppeteer')
    const b = await refusal(captureWithPuppeteer(playwrightPage() as unknown as PuppeteerPage))
    expect(b).toBeInstanceOf(TypeError)
    expect((b as Error).message).toBe('cxbus: captureCxbus (cxbus-devtools/puppeteer) needs a Puppeteer page, got a Playwright page: use captureCxbus from cxbus-devtools/playwright')
  })

  it('a browser or browser context, or any other object: says what it is, or which methods it lacks', async () => {
    const browser = { newPage: async () => playwrightPage(), close: async () => {} }
    expect(await refusal(captureCxbus(browser as unknown as PlaywrightPage))).toMatchObject({
      message: 'cxbus: captureCxbus (cxbus-devtools/playwright) needs a Playwright page, got a browser or browser context (it has newPage()): pass a page, e.g. await browser.newPage()',
    })
    // a Playwright context has every method the kit calls on a page, and would mix its pages in one capture
    const context = { ...playwrightPage(), newPage: async () => playwrightPage() }
    expect(await refusal(captureCxbus(context as unknown as PlaywrightPage))).toMatchObject({
      message: 'cxbus: captureCxbus (cxbus-devtools/playwright) needs a Playwright page, got a browser or browser context (it has newPage()): pass a page, e.g. await browser.newPage()',
    })
    expect(await refusal(captureWithPuppeteer({ on() {} } as unknown as PuppeteerPage))).toMatchObject({
      message: 'cxbus: captureCxbus (cxbus-devtools/puppeteer) needs a Puppeteer page, got an object without exposeFunction(), evaluateOnNewDocument(), browser()',
    })
  })

  it('a page of its driver is taken', async () => {
    await expect(captureCxbus(playwrightPage())).resolves.toBeInstanceOf(CxbusCapture)
  })
})

describe('the capture refuses wrong arguments', () => {
  it('save() without a path', async () => {
    const cx = new CxbusCapture(() => 'UA')
    for (const [path, got] of [[undefined, 'nothing (missing)'], ['', '""'], [42, '42']] as const) {
      const err = await refusal(cx.save(path as unknown as string))
      expect(err).toBeInstanceOf(TypeError)
      expect((err as Error).message).toBe(`cxbus: save needs a file path (.json: the session file, .html: the report), got ${got}`)
    }
    // a path still writes
    const file = join(mkdtempSync(join(tmpdir(), 'cxbus-save-')), 's.json')
    await expect(cx.save(file)).resolves.toBe(file)
  })

  it('waitFor with an unknown option (a typo would be ignored): refused at once, as captureCxbus refuses one', async () => {
    const cx = new CxbusCapture(() => 'UA')
    const err = await refusal(cx.waitFor('Callback.closed', { timeot: 10 } as never))
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toBe('cxbus: waitFor: unknown option "timeot" (known: timeout, count)')
  })
})
