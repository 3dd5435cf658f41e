// End-to-end: the panel's main flows in Chromium and in Firefox (one vitest project each), read
// through plain DOM calls (support/panel.ts): the panel opened after the interaction replays it,
// live events and preserve log across a reload, the export file, and the popup for the demo tab.
// The panel is opened as devtools/panel.html?tabId=ID (the testing contract); the real DevTools
// window is devtools-window.e2e.ts.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSession } from '../../src/core/session.ts'
import type { Session } from '../../src/core/model.ts'
import { BROWSER, useDemoAndBrowser } from './support/setup.ts'
import { openDemo, type DemoTab } from './support/demo.ts'
import { clickTestId, commandRows, eventRows, exportFile, pageErrors, testIdProp, waitForRows, watchErrors, type PanelRow } from './support/panel.ts'
import type { TestPage } from './support/types.ts'

const env = useDemoAndBrowser()
const VIEWPORT = { width: 1280, height: 800 }

/** The panel as a tab, its uncaught errors recorded from its first paint on. */
async function openPanel(tabId: number): Promise<TestPage> {
  const panel = await env.b.openPanel(tabId, { viewport: VIEWPORT })
  await watchErrors(panel)
  return panel
}

const callbackSeen = async (tab: DemoTab): Promise<string[]> => (await tab.pageEvents()).map((e) => e.event).filter((e) => e.startsWith('Callback.'))
const pageLoads = (rows: PanelRow[]): PanelRow[] => rows.filter((r) => r.kind === 'page-load-marker')
const closedRows = (rows: PanelRow[]): number => eventRows(rows, 'Callback.closed').length

/** What the background holds for the tab, asked from an extension page (as the popup does). */
const backgroundSession = (page: TestPage, tabId: number): Promise<Session> =>
  page.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }) as Promise<Session>, tabId)

async function reloadDemo(tab: DemoTab): Promise<void> {
  await tab.page.reload()
  await tab.page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
}

describe(`panel on the demo page (${BROWSER})`, () => {
  it('opened after the interaction, it replays everything the page published', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'complete')
    await tab.call('scenario', 'abandon-typed')
    const seen = await callbackSeen(tab)
    const panel = await openPanel(tab.tabId)
    const rows = await waitForRows(panel, (r) => eventRows(r, 'Callback.').length >= seen.length, `${seen.length} Callback rows`)
    expect(eventRows(rows, 'Callback.').map((r) => r.event)).toEqual(seen)
    expect(pageLoads(rows)).toHaveLength(1)
    expect(commandRows(rows).some((r) => r.event === 'Callback.open')).toBe(true) // commands too
    // the rows are the background's entries for the tab, in order
    const session = await backgroundSession(panel, tab.tabId)
    const bySeq = new Map(session.events.map((e) => [e.seq, e]))
    for (const r of [...eventRows(rows), ...commandRows(rows)]) {
      const e = bySeq.get(r.seq)
      expect(e && (e.kind === 'event' ? e.event : e.kind === 'command' ? e.command : null)).toBe(r.event)
    }
    expect(await testIdProp(panel, 'widgets-version', 'textContent')).toContain('9.0.018.07')
    expect(await pageErrors(panel)).toEqual([])
    await panel.close()
    await tab.page.close()
  })

  it('shows live events, and keeps both page loads across a reload with preserve log (clears without it)', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    const panel = await openPanel(tab.tabId)
    await waitForRows(panel, (r) => pageLoads(r).length === 1, 'the page load')
    await tab.call('scenario', 'abandon-untouched')
    await waitForRows(panel, (r) => closedRows(r) === 1, 'the live Callback.closed')
    await clickTestId(panel, 'preserve-log')
    await expect.poll(() => testIdProp(panel, 'preserve-log', 'checked')).toBe(true)
    await reloadDemo(tab)
    await tab.call('scenario', 'abandon-untouched')
    const kept = await waitForRows(panel, (r) => closedRows(r) === 2 && pageLoads(r).length === 2, 'two page loads, two closed')
    expect(new Set(kept.map((r) => r.seq)).size).toBe(kept.length)
    // preserve log off: the next page load clears the list
    await clickTestId(panel, 'preserve-log')
    await expect.poll(() => testIdProp(panel, 'preserve-log', 'checked')).toBe(false)
    await reloadDemo(tab)
    const fresh = await waitForRows(panel, (r) => closedRows(r) === 0 && pageLoads(r).length === 1, 'a cleared list with the new page load')
    expect(fresh[0]?.kind).toBe('page-load-marker')
    expect(await pageErrors(panel)).toEqual([])
    await panel.close()
    await tab.page.close()
  })

  it('exports a valid session file with the same events as the panel', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'two-in-a-row')
    const seen = await callbackSeen(tab)
    const panel = await openPanel(tab.tabId)
    const rows = await waitForRows(panel, (r) => eventRows(r, 'Callback.').length >= seen.length, `${seen.length} Callback rows`)
    const file = await exportFile(panel)
    expect(file.fileName).toMatch(/^cxbus-session-127\.0\.0\.1_\d+-\d{8}-\d{6}\.json$/)
    const session = parseSession(file.text) // the validator the import and the CLI use
    expect(session.source?.url).toContain(env.demo.url)
    const name = (e: Session['events'][number]): string | undefined => (e.kind === 'event' ? e.event : e.kind === 'command' ? e.command : undefined)
    const exported = new Map(session.events.map((e) => [e.seq, e]))
    for (const r of rows) {
      expect(exported.has(r.seq)).toBe(true)
      if (r.kind === 'event-row') expect(name(exported.get(r.seq)!)).toBe(r.event)
    }
    expect(session.events.filter((e) => e.kind === 'event' && e.event.startsWith('Callback.')).map(name)).toEqual(eventRows(rows, 'Callback.').map((r) => r.event))
    expect(await pageErrors(panel)).toEqual([])
    await panel.close()
    await tab.page.close()
  })

  it('keeps and exports what it shows when the inspected tab closes, and says a tab is gone instead of waiting for a bus', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'complete')
    const seen = await callbackSeen(tab)
    const panel = await openPanel(tab.tabId)
    await waitForRows(panel, (r) => eventRows(r, 'Callback.').length >= seen.length, `${seen.length} Callback rows`)
    await tab.page.close()
    await panel.waitForFunction(() => document.querySelector('[data-testid="tab-closed-banner"]') !== null)
    await panel.screenshot({ path: resolve('out/screenshots', `panel-tab-closed-${BROWSER}.png`) })
    const rows = await waitForRows(panel, (r) => eventRows(r, 'Callback.').length === seen.length, `${seen.length} Callback rows still`)
    expect(eventRows(rows, 'Callback.').map((r) => r.event)).toEqual(seen)
    const session = parseSession((await exportFile(panel)).text)
    expect(session.events.filter((e) => e.kind === 'event' && e.event.startsWith('Callback.')).map((e) => (e.kind === 'event' ? e.event : ''))).toEqual(seen)
    expect(await pageErrors(panel)).toEqual([])
    await panel.close()
    // A panel opened as a page for a tab id no tab has.
    const nowhere = await openPanel(987_654)
    await nowhere.waitForFunction(() => document.querySelector('[data-testid="empty-title"]')?.textContent === 'The inspected tab is closed')
    expect(await pageErrors(nowhere)).toEqual([])
    await nowhere.close()
  })

  it('a command from the Commands drawer reaches the page\'s bus in the frame that has it, and ends resolved or with the bus\'s reason', async () => {
    // iframe=1: the bus lives in a same-origin frame, the command must find that frame's relay.
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&iframe=1')
    await tab.call('whenReady')
    const panel = await openPanel(tab.tabId)
    await clickTestId(panel, 'commands-toggle')
    await until(panel, () => !document.querySelector('[data-testid="commands-disabled"]') && document.querySelector('[data-testid="cmd-callback-open"]') !== null, 'the drawer enabled')
    const results = (): Promise<{ status: string | null; name: string | null; detail: string | null }[]> =>
      panel.evaluate(() => [...document.querySelectorAll('[data-testid="command-result"]')].map((r) => ({
        status: r.getAttribute('data-status'), name: r.getAttribute('data-name'), detail: r.querySelector('[data-testid="command-detail"]')?.textContent ?? null,
      })))
    const ended = async (n: number): Promise<{ status: string | null; name: string | null; detail: string | null }> => {
      await until(panel, (k) => { const rows = document.querySelectorAll('[data-testid="command-result"]'); return rows.length === k && rows[0]!.getAttribute('data-status') !== 'pending' }, `${n} ended commands`, n)
      return (await results())[0]! // newest first
    }
    await clickTestId(panel, 'cmd-callback-open')
    expect(await ended(1)).toMatchObject({ status: 'resolved', name: 'Callback.open' })
    await until(tab.page, () => (window as unknown as { demo: { events: { event: string }[] } }).demo.events.some((e) => e.event === 'Callback.opened'), 'Callback.opened on the page')
    // The form holds a typed name: 9.x refuses the close until the user confirms it, and the drawer says why.
    await tab.call('type', 'firstname', 'Ada')
    await clickTestId(panel, 'cmd-callback-close')
    expect(await ended(2)).toMatchObject({ status: 'rejected', name: 'Callback.close', detail: ': User must confirm close' })
    // The command entries come with the hook's next batch (idle time), not with the command's result.
    const sentOf = async () => (await backgroundSession(panel, tab.tabId)).events.filter((e) => e.kind === 'command' && e.origin === 'panel')
    let sent = await sentOf()
    for (const t0 = Date.now(); sent.length < 2 && Date.now() - t0 < 5_000; sent = await sentOf()) await new Promise((r) => setTimeout(r, 100))
    expect(sent.map((e) => (e.kind === 'command' ? e.command : ''))).toEqual(['Callback.open', 'Callback.close'])
    expect(sent.every((e) => e.frameUrl?.includes('frame.html'))).toBe(true)
    expect(await tab.pageErrors()).toEqual([])
    expect(await pageErrors(panel)).toEqual([])
    await panel.close()
    await tab.page.close()
  })
})

describe(`Detail pane at 800 px (${BROWSER})`, () => {
  it('metadata names and types break only between words, cut ones end in … with the whole text in their tooltip', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'complete')
    const panel = await env.b.openPanel(tab.tabId, { viewport: { width: 800, height: 600 } })
    await watchErrors(panel)
    await waitForRows(panel, (r) => closedRows(r) === 1, 'Callback.closed')
    // The Detail pane beside the list (about 330 px): "autoSubmitted" must not be cut into "autoSubmi" / "tted".
    await panel.evaluate(() => (document.querySelector('[data-event="Callback.opened"]') as HTMLElement).click())
    await clickTestId(panel, 'tab-detail')
    await until(panel, () => [...document.querySelectorAll('[data-testid=diff-row] th')].some((th) => th.textContent === 'autoSubmitted'), 'the Detail pane showing Callback.opened')
    const names = await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid=diff-row] th, [data-testid=diff-row] td.type')].map((th) => {
      const range = document.createRange()
      range.selectNodeContents(th)
      // One line box per word at most: a word split over two lines gives more rects than words.
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size
      const cut = th.scrollWidth > th.clientWidth
      return { name: th.textContent ?? '', lines, words: (th.textContent ?? '').split(/\s+/).length, title: th.title, cutWithoutEllipsis: cut && getComputedStyle(th).textOverflow !== 'ellipsis' }
    }))
    expect(names.filter((n) => n.cutWithoutEllipsis)).toEqual([])
    expect(names.map((n) => n.name)).toContain('autoSubmitted')
    expect(names.filter((n) => n.lines > n.words)).toEqual([])
    expect(names.every((n) => n.title === n.name)).toBe(true)
    await panel.evaluate(() => document.querySelector('[data-testid=metadata-table]')!.scrollIntoView())
    await panel.screenshot({ path: resolve('test-results', `${BROWSER}-metadata-names.png`) })
    expect(await pageErrors(panel)).toEqual([])
    await panel.close()
    await tab.page.close()
  })
})

/** Polls fn(arg) in the page until it is true (both drivers' waitForFunction differ in arguments). */
async function until<A>(page: TestPage, fn: (arg: A) => boolean, what: string, arg?: A, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now()
  while (!(await page.evaluate(fn, arg as A))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe(`popup (${BROWSER})`, () => {
  it('summarises the demo tab and exports the same session as the background holds', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'complete')
    // Opened as a tab the popup's active tab would be itself: ?tabId= names the demo tab.
    const popup = await env.b.openExtensionPage(`popup/index.html?tabId=${tab.tabId}`)
    await watchErrors(popup)
    await popup.waitForFunction(() => document.querySelector('[data-testid=popup-bus], [data-testid=popup-failure]') !== null)
    expect(await testIdProp(popup, 'popup-failure', 'textContent')).toBeNull()
    expect(await testIdProp(popup, 'popup-bus', 'textContent')).toContain('9.0.018.07')
    const session = await backgroundSession(popup, tab.tabId)
    expect(await testIdProp(popup, 'popup-events', 'textContent')).toBe(String(session.events.length))
    expect(await testIdProp(popup, 'popup-interactions', 'textContent')).toBe('1')
    expect(await testIdProp(popup, 'popup-error', 'textContent')).toBe('0')
    const file = await exportFile(popup, 'popup-export')
    expect(parseSession(file.text).events.map((e) => e.seq)).toEqual(session.events.map((e) => e.seq))
    expect(await pageErrors(popup)).toEqual([])
    await popup.close()
    await tab.page.close()
  })

  it('names the Widgets version when the widgets run in an iframe (the frame reports it in a second bus marker)', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&iframe=1')
    await tab.call('whenReady')
    const panel = await openPanel(tab.tabId)
    await until(panel, () => document.querySelector('[data-testid="widgets-version"]') !== null, 'the version in the panel')
    await panel.close()
    const popup = await env.b.openExtensionPage(`popup/index.html?tabId=${tab.tabId}`)
    await popup.waitForFunction(() => document.querySelector('[data-testid=popup-bus], [data-testid=popup-failure]') !== null)
    expect(await testIdProp(popup, 'popup-bus', 'textContent')).toContain('Widgets 9.0.018.07')
    expect((await backgroundSession(popup, tab.tabId)).source?.widgetsVersion).toBe('9.0.018.07')
    await popup.close()
    await tab.page.close()
  })
})
