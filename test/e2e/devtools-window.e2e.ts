// End-to-end: the panel inside the browser's real DevTools window, the path users take: DevTools
// opened on the demo page, devtools_page creating the panel, the panel learning the inspected tab
// and DevTools' theme. Chromium's DevTools (support/devtools.ts) and Firefox's toolbox
// (support/firefox-toolbox.ts), one vitest project each. Saves the DevTools window docked right
// (DevTools' default), docked bottom and dark to test-results/: devtools-right.png,
// devtools-bottom.png, devtools-dark.png, the Interactions tab at 800 px wide
// devtools-interactions-<size>.png, and with the Commands drawer open at each size
// devtools-commands-<size>.png in Chromium, firefox-devtools-*.png in Firefox.
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { BROWSER, useDemoAndDevTools } from './support/setup.ts'
import { openDemo, type DemoTab } from './support/demo.ts'
import { LAYOUTS, type DevToolsWindow } from './support/devtools-window.ts'
import { clickTestId, eventRows, testIdProp, waitForRows, type PanelRow } from './support/panel.ts'
import { readPng } from './support/png.ts'

const SHOTS = resolve('test-results')
const shot = (layout: string): string => join(SHOTS, `${BROWSER === 'firefox' ? 'firefox-' : ''}devtools-${layout}.png`)
const env = useDemoAndDevTools()
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true })
})

const callbackSeen = async (tab: DemoTab): Promise<string[]> => (await tab.pageEvents()).map((e) => e.event).filter((e) => e.startsWith('Callback.'))
const pageLoads = (rows: PanelRow[]): PanelRow[] => rows.filter((r) => r.kind === 'page-load-marker')
const closed = (rows: PanelRow[]): number => eventRows(rows, 'Callback.closed').length
const theme = (dt: DevToolsWindow) => dt.panel.evaluate(() => document.documentElement.dataset.theme)
const panelSize = (dt: DevToolsWindow) => dt.panel.evaluate(() => ({ width: innerWidth, height: innerHeight }))

describe(`the panel in the real DevTools window (${BROWSER})`, () => {
  it('opened after the interaction, docked right: learns the inspected tab and replays everything', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('scenario', 'complete')
    const seen = await callbackSeen(tab)
    const dt = await env.b.openDevTools(tab.page, { layout: 'right' })
    expect(dt.panelTabId).toBe(tab.tabId) // devtools_page passed inspectedWindow.tabId
    const rows = await waitForRows(dt.panel, (r) => eventRows(r, 'Callback.').length >= seen.length, `${seen.length} Callback rows`)
    expect(eventRows(rows, 'Callback.').map((r) => r.event)).toEqual(seen)
    expect(await panelSize(dt)).toEqual(LAYOUTS.right)
    expect(await theme(dt)).toBe('light')
    await dt.screenshot(shot('right'))
    await dt.close()
    await tab.page.close()
  })

  it('shows live events while open, and keeps both page loads across a reload with preserve log', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    const dt = await env.b.openDevTools(tab.page, { layout: 'right' })
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
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&nosubmit=1')
    await tab.call('scenario', 'complete')
    const dt = await env.b.openDevTools(tab.page, { theme: 'dark', layout: 'right' })
    await waitForRows(dt.panel, (r) => closed(r) === 1, 'Callback.closed')
    expect(await theme(dt)).toBe('dark')
    // the dark palette is applied, not only the attribute: a dark page background
    const bg = await dt.panel.evaluate(() => getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.slice(0, 3).map(Number))
    expect(Math.max(...bg)).toBeLessThan(80)
    await dt.screenshot(shot('dark'))
    await dt.close()
    await tab.page.close()
  })

  it('docked bottom (1280 x 400): toolbar, timeline and list fit the width', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&nosubmit=1')
    await tab.call('scenario', 'all')
    const dt = await env.b.openDevTools(tab.page, { layout: 'bottom' })
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
    await dt.screenshot(shot('bottom'))
    expect({ width: box.width, height: box.height }).toEqual(LAYOUTS.bottom)
    expect(box.overflow).toBeLessThanOrEqual(0)
    expect(box.lanes).toBeGreaterThan(0)
    expect(box.list.height).toBeGreaterThan(100) // the list keeps room under the timeline
    expect(box.list.bottom).toBeLessThanOrEqual(box.height + 0.5)
    await dt.close()
    await tab.page.close()
  })

  it('docked bottom at 800 x 400 and 800 x 300: the Interactions table fits its pane, Time column included', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&nosubmit=1')
    const dt = await env.b.openDevTools(tab.page, { layout: 'narrow' })
    await waitForRows(dt.panel, (r) => pageLoads(r).length === 1, 'the page load')
    // Two pages: the longest labels ("Callback #3 · page 2"), and failed submissions in the stories.
    await clickTestId(dt.panel, 'preserve-log')
    await expect.poll(() => testIdProp(dt.panel, 'preserve-log', 'checked')).toBe(true)
    await tab.page.reload()
    await tab.page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
    await tab.call('scenario', 'all')
    await waitForRows(dt.panel, (r) => closed(r) >= 3 && pageLoads(r).length === 2, 'the interactions of page 2')
    await clickTestId(dt.panel, 'tab-interactions')
    for (const layout of ['narrow', 'narrowLow'] as const) {
      await dt.layout(layout)
      await dt.panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
      await dt.screenshot(shot(`interactions-${layout}`))
      const fit = await dt.panel.evaluate(() => {
        const body = document.querySelector('.side-body')!
        const time = [...document.querySelectorAll('[data-testid=interactions-table] thead th')].find((th) => th.textContent === 'Time')!
        return { scroll: body.scrollWidth, client: body.clientWidth, timeRight: time.getBoundingClientRect().right, bodyRight: body.getBoundingClientRect().right, width: innerWidth }
      })
      expect(fit.scroll, `${layout}: ${JSON.stringify(fit)}`).toBeLessThanOrEqual(fit.client)
      expect(fit.timeRight, layout).toBeLessThanOrEqual(Math.min(fit.bodyRight, fit.width))
      // The side pane's tabs too, with two-digit counts ("Findings (14)"): no tab cut, no scrollbar under them.
      const tabs = await dt.panel.evaluate(() => {
        const t = document.querySelector('.tabs')!
        return { scroll: t.scrollWidth, client: t.clientWidth, text: t.textContent }
      })
      expect(tabs.text).toMatch(/Findings \(\d\d+\)/)
      expect(tabs.scroll, `${layout}: ${JSON.stringify(tabs)}`).toBeLessThanOrEqual(tabs.client)
    }
    await dt.close()
    await tab.page.close()
  })

  it('the Commands drawer open takes a bounded share: the list header and the side tabs stay in view at each size', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&nosubmit=1')
    await tab.call('scenario', 'all')
    const dt = await env.b.openDevTools(tab.page, { layout: 'right' })
    await waitForRows(dt.panel, (r) => closed(r) >= 3, 'the interactions')
    await clickTestId(dt.panel, 'commands-toggle')
    for (const layout of ['right', 'bottom', 'low', 'window'] as const) {
      await dt.layout(layout)
      await dt.panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
      await dt.screenshot(shot(`commands-${layout}`))
      // Each must be inside the panel and on top at its middle (not covered by the drawer); the list shows rows.
      const seen = await dt.panel.evaluate(() => {
        const drawer = document.querySelector('[data-testid=commands-drawer]')!.getBoundingClientRect()
        const check = (sel: string, above = drawer.top) => {
          const el = document.querySelector(sel)
          if (!el) return `${sel}: missing`
          const r = el.getBoundingClientRect()
          if (r.height < 4 || r.top < 0 || r.bottom > innerHeight || r.bottom > above + 0.5) return `${sel}: at ${Math.round(r.top)}-${Math.round(r.bottom)}, the drawer from ${Math.round(drawer.top)}, the panel ${innerHeight} high`
          const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), (r.top + r.bottom) / 2)
          return el.contains(hit) ? null : `${sel}: covered by ${hit?.className}`
        }
        const list = document.querySelector('[data-testid=event-list]')!.getBoundingClientRect()
        return {
          problems: [check('[data-testid=event-list] .row.head'), check('.side .tabs'), check('[data-testid=commands-toggle]', innerHeight)].filter((p) => p !== null),
          listBody: Math.round(Math.min(list.bottom, drawer.top) - list.top - 22),
          drawerShare: drawer.height / innerHeight,
          bodyScrolls: (() => { const b = document.querySelector('.commands-body')!; return b.scrollHeight > b.clientHeight ? getComputedStyle(b).overflowY : 'fits' })(),
        }
      })
      expect(seen.problems, layout).toEqual([])
      expect(seen.listBody, `${layout}: room for list rows`).toBeGreaterThanOrEqual(44)
      expect(seen.drawerShare, layout).toBeLessThanOrEqual(0.46)
      expect(['fits', 'auto'], layout).toContain(seen.bodyScrolls)
    }
    await dt.close()
    await tab.page.close()
  })

  it('a disabled button (the timeline\'s Fit) is drawn legibly in both themes', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&nosubmit=1')
    await tab.call('scenario', 'complete')
    for (const t of ['light', 'dark'] as const) {
      const dt = await env.b.openDevTools(tab.page, { theme: t, layout: 'right' })
      await waitForRows(dt.panel, (r) => closed(r) === 1, 'Callback.closed')
      const fit = await dt.panel.evaluate(() => {
        const b = document.querySelector<HTMLButtonElement>('[data-testid=zoom-fit]')!
        const r = b.getBoundingClientRect()
        return { disabled: b.disabled, left: r.left, top: r.top, right: r.right, bottom: r.bottom, innerHeight, ratio: devicePixelRatio }
      })
      expect(fit.disabled).toBe(true)
      await dt.screenshot(shot(`disabled-${t}`))
      // The panel fills the bottom of the DevTools window; inside the button's border, its darkest and
      // lightest pixels are the text and the face: Firefox drew a half-transparent button not at all.
      const png = readPng(shot(`disabled-${t}`))
      const top = png.height - fit.innerHeight * fit.ratio
      const lum = ([r, g, b]: number[]): number => {
        const [R, G, B] = [r!, g!, b!].map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 })
        return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!
      }
      let lo = 1
      let hi = 0
      for (let y = Math.ceil(top + (fit.top + 3) * fit.ratio); y < top + (fit.bottom - 3) * fit.ratio; y++) {
        for (let x = Math.ceil((fit.left + 3) * fit.ratio); x < (fit.right - 3) * fit.ratio; x++) {
          const l = lum(png.at(x, y))
          lo = Math.min(lo, l)
          hi = Math.max(hi, l)
        }
      }
      expect((hi + 0.05) / (lo + 0.05), `${t}: the text of the disabled Fit against its face`).toBeGreaterThanOrEqual(3)
      await dt.close()
    }
    await tab.page.close()
  })
})
