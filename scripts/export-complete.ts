// Node (start script, end-to-end tests). Exports a tab's session only once the background holds
// every event the page published: the hook batches entries until the page is idle, so an export
// made right after a scenario could miss the last ones (npm start once saved 79 entries while the
// panel showed 80).
import type { TestPage } from '../test/e2e/support/types.ts'
import type { Session, SessionEntry } from '../src/core/model.ts'

/** The events of the latest top-frame page load in a session. */
export function eventsOfLastPageLoad(entries: readonly SessionEntry[]): number {
  let load: string | undefined
  for (const e of entries) {
    const d = e.data
    if (e.kind === 'marker' && e.marker === 'page-load' && d !== null && typeof d === 'object' && !Array.isArray(d) && d.top === true) load = e.pageLoadId
  }
  return entries.filter((e) => e.kind === 'event' && e.pageLoadId === load).length
}

/**
 * `extensionPage` is any extension page (the panel); `published` how many events the current page
 * load published (the demo's `window.demo.published()`). Throws after timeoutMs, saying what is missing.
 */
export async function exportComplete(extensionPage: TestPage, tabId: number, published: number, timeoutMs = 15_000): Promise<Session> {
  const t0 = Date.now()
  for (;;) {
    const session = (await extensionPage.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tabId)) as Session
    const got = eventsOfLastPageLoad(session.events)
    if (got >= published) return session
    if (Date.now() - t0 > timeoutMs) throw new Error(`the extension holds ${got} of the ${published} events the page published`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
