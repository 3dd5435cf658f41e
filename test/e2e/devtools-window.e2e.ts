// End-to-end: the panel inside the real DevTools window of Chromium (support/devtools.ts), the path
// users take: DevTools opened on the demo page, devtools_page creating the panel, the panel learning
// the inspected tab and DevTools' theme. Saves test-results/devtools-right.png (DevTools' default,
// docked right), devtools-bottom.png and devtools-dark.png for the README.
// Chromium only: Firefox's toolbox cannot be opened over WebDriver BiDi (README, Development).
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { useDemoAnd } from './support/setup.ts'
import { openDemo, type DemoTab } from './support/demo.ts'
import { launchChromiumForDevTools, LAYOUTS, openDevToolsPanel } from './support/devtools.ts'
import { clickTestId, eventRows, testIdProp, waitForRows, type PanelRow } from './support/panel.ts'

const SHOTS = resolve('test-results')
const env = useDemoAnd(() => launchChromiumForDevTools())
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true })
})

const demoPage = (query = 'speed=fast') => openDemo(env.b, env.demo.url, query)
const callbackSeen = async (tab: DemoTab): Promise<string[]> => (await tab.pageEvents()).map((e) => e.event).filter((e) => e.startsWith('Callback.'))
const pageLoads = (rows: PanelRow[]): PanelRow[] => rows.filter((r) => r.kind === 'page-load-marker')
const closed = (rows: PanelRow[]): number => eventRows(rows, 'Callback.closed').length
const theme = (dt: { panel: { evaluate<R>(fn: () => R): Promise<R> } }) => dt.panel.evaluate(() => document.documentElement.dataset.theme)

describe('the panel in the real DevTools window (chromium)', () => {
  it('opened after the interaction, docked right: learns the inspected tab and replays everything', async () => {
    const tab = await demoPage()
    await tab.call('scenario', 'complete')
    const seen = await callbackSeen(tab)
    const dt = await openDevToolsPanel(env.b, tab.page, { layout: 'right' })
    expect(dt.panelTabId).toBe(tab.tabId) // devtools_page passed inspectedWindow.tabId
    const rows = await waitForRows(dt.panel, (r) => eventRows(r, 'Callback.').length >= seen.length, `${seen.length} Callback rows`)
    expect(eventRows(rows, 'Callback.').map((r) => r.event)).toEqual(seen)
    expect(await dt.panel.evaluate(() => ({ width: innerWidth, height: innerHeight }))).toEqual(LAYOUTS.right)
    expect(await theme(dt)).toBe('light')
    await dt.screenshot(join(SHOTS, 'devtools-right.png'))
    await dt.close()
    await tab.page.close()
  })

  it('shows live events while open, and keeps both page loads across a reload with preserve log', async () => {
    const tab = await demoPage()
    const dt = await openDevToolsPanel(env.b, tab.page, { layout: 'right' })
    await waitForRows(dt.panel, (r) => pageLoads(r).length === 1, 'the page load')
    await tab.call('scenario', 'abandon-untouched')
    await waitForRows(dt.panel, (r) => closed(r) === 1, 'the live Callback.closed')
    await clickTestId(dt.panel, 'preserve-log')
    await expect.poll(() => testIdProp(dt.panel, 'preserve-log', 'checked')).toBe(true)
    await tab.page.reload()
    await tab.page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
    await tab.call('scenario', 'abandon-untouched')
    await waitForRows(dt.panel, (r) => closed(r) === 2 && pageLoads(r).length === 2, 'two page loads, two closed')
    await dt.close()
    await tab.page.close()
  })

  it("DevTools' dark theme reaches the panel", async () => {
    const tab = await demoPage('speed=fast&nosubmit=1')
    await tab.call('scenario', 'complete')
    const dt = await openDevToolsPanel(env.b, tab.page, { theme: 'dark', layout: 'right' })
    await waitForRows(dt.panel, (r) => closed(r) === 1, 'Callback.closed')
    expect(await theme(dt)).toBe('dark')
    // the dark palette is applied, not only the attribute: a dark page background
    const bg = await dt.panel.evaluate(() => getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.slice(0, 3).map(Number))
    expect(Math.max(...bg)).toBeLessThan(80)
    await dt.screenshot(join(SHOTS, 'devtools-dark.png'))
    await dt.close()
    await tab.page.close()
  })

  it('docked bottom (1280 x 400): toolbar, timeline and list fit the width', async () => {
    const tab = await demoPage('speed=fast&nosubmit=1')
    await tab.call('scenario', 'all')
    const dt = await openDevToolsPanel(env.b, tab.page, { layout: 'bottom' })
    await waitForRows(dt.panel, (r) => closed(r) >= 3, 'the interactions')
    const box = await dt.panel.evaluate(() => {
      const r = document.querySelector('[data-testid=event-list]')!.getBoundingClientRect()
      return {
        width: innerWidth,
        height: innerHeight,
        overflow: document.documentElement.scrollWidth - innerWidth,
        list: { height: r.height, bottom: r.bottom },
        lanes: document.querySelectorAll('[data-testid=timeline-lane]').length,
      }
    })
    expect({ width: box.width, height: box.height }).toEqual(LAYOUTS.bottom)
    expect(box.overflow).toBeLessThanOrEqual(0)
    expect(box.lanes).toBeGreaterThan(0)
    expect(box.list.height).toBeGreaterThan(100) // the list keeps room under the timeline
    expect(box.list.bottom).toBeLessThanOrEqual(box.height + 0.5)
    await dt.screenshot(join(SHOTS, 'devtools-bottom.png'))
    await dt.close()
    await tab.page.close()
  })
})
