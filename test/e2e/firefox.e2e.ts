// End-to-end, Firefox only: site access of an MV3 add-on, what the README's install steps say.
import { describe, expect, it } from 'vitest'
import { useDemoAnd } from './support/setup.ts'
import { openDemo } from './support/demo.ts'
import type { TestPage } from './support/types.ts'
import { launchFirefoxWithExtension } from './support/firefox.ts'

const env = useDemoAnd(() => launchFirefoxWithExtension())

/** What the extension holds: its granted origins, and the URLs of the tabs it captured. */
const extensionView = (page: TestPage) =>
  page.evaluate(async () => {
    const tabs = await chrome.tabs.query({})
    const states = await Promise.all(tabs.map((t) => chrome.runtime.sendMessage({ type: 'get-tab-state', tabId: t.id }) as Promise<{ url: string } | null>))
    return { origins: (await chrome.permissions.getAll()).origins ?? [], captured: states.map((s) => s?.url ?? null) }
  })

describe('site access (firefox)', () => {
  it("is granted at install, Firefox's default: the demo is captured", async () => {
    const tab = await openDemo(env.b, env.demo.url) // waits until the extension captured the page
    const view = await extensionView(await env.b.openExtensionPage('popup/index.html'))
    expect(view.origins).toContain('<all_urls>')
    expect(view.captured).toContain(tab.page.url())
    await tab.page.close()
  })

  describe('withheld (a user can revoke it in about:addons)', () => {
    const withheld = useDemoAnd(() => launchFirefoxWithExtension({ prefs: { 'extensions.originControls.grantByDefault': false } }))
    it('the content scripts do not run: nothing is captured', async () => {
      const page = await withheld.b.newPage()
      await page.goto(`${withheld.demo.url}?speed=fast`)
      await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
      await page.evaluate(() => (window as unknown as { demo: { scenario(s: string): Promise<void> } }).demo.scenario('complete'))
      const view = await extensionView(await withheld.b.openExtensionPage('popup/index.html'))
      expect(view.origins).toEqual([])
      expect(view.captured).not.toContain(page.url())
    })
  })
})
