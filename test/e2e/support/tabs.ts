// Node (end-to-end tests). Which tab id a page has, asked from one of the extension's own pages, the
// same way in both browsers: without the "tabs" permission (we ask only for "storage") tabs.query()
// may hide URLs, so ask the background which tab's captured top-frame URL is the page's. This also
// waits until the extension has seen the page (its relay connected).
import type { TestPage } from './types.ts'

export async function findTabId(extensionPage: TestPage, url: string, timeoutMs = 15_000): Promise<number> {
  const id = await extensionPage.evaluate(
    async ({ u, timeout }) => {
      const t0 = Date.now()
      while (Date.now() - t0 < timeout) {
        for (const tab of await chrome.tabs.query({})) {
          if (tab.id === undefined) continue
          const state = (await chrome.runtime.sendMessage({ type: 'get-tab-state', tabId: tab.id })) as { url?: string } | null
          if (state?.url === u) return tab.id
        }
        await new Promise((r) => setTimeout(r, 100))
      }
      return null
    },
    { u: url, timeout: timeoutMs },
  )
  if (id == null) throw new Error(`no tab with url ${url} known to the extension`)
  return id
}
