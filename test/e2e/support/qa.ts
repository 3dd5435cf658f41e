// Node (end-to-end tests, scripts/demo-fixture.ts). A whole QA pass on the demo page through the real
// extension: every demo scenario (documented paths, auto-submit, failures, minimize, two in a row),
// then, with Preserve log on, a reload while the window is open (the interaction left with the page),
// then one more completed interaction on the new page. Every Callback coverage path is exercised.
import type { Page } from 'playwright-core'
import type { DemoTab } from './demo.ts'

export async function playQaPass(panel: Page, demoTab: DemoTab): Promise<void> {
  await panel.getByTestId('preserve-log').check()
  await demoTab.call('scenario', 'all')
  await demoTab.call('open')
  await demoTab.call('type', 'firstname', 'Ada')
  // Reload only once the open interaction is stored, as a tester would after a moment: events
  // published in the last few ms before a reload can be lost without a marker (seen in 2 of 3 runs
  // at the demo's normal speed: Callback.open, opened and started missing, no dropped marker).
  await waitForLastCallbackEvent(panel, demoTab.tabId, 'Callback.started')
  const { page } = demoTab
  await page.reload()
  await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
  await demoTab.call('scenario', 'complete')
}

interface CapturedSession {
  source?: Record<string, unknown>
  events: { kind: string; event?: string }[]
}

/** The tab's session once its last Callback event is `event` (stored by the background). */
async function waitForLastCallbackEvent(panel: Page, tabId: number, event: string): Promise<CapturedSession> {
  const t0 = Date.now()
  for (;;) {
    const s = (await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tabId)) as CapturedSession
    const last = s.events.filter((e) => e.kind === 'event' && e.event?.startsWith('Callback.')).pop()
    if (last?.event === event) return s
    if (Date.now() - t0 > 10_000) throw new Error(`capture not settled: last Callback event ${last?.event}, expected ${event}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The tab's session once its last Callback event, the closing of the last interaction, is stored. */
export const settledSession = (panel: Page, tabId: number): Promise<CapturedSession> => waitForLastCallbackEvent(panel, tabId, 'Callback.closed')
