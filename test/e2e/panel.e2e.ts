// End-to-end: the built extension in Chromium, the demo page driven through window.demo, and the
// panel opened as devtools/panel.html?tabId=ID. Checks that the timeline, the list, the detail diff
// and the findings show what happened, then saves the README screenshots (light, dark, 800x400).
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync, readFileSync, mkdtempSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import type { Page } from 'playwright-core'
import type { ExtensionBrowser } from './support/browser.ts'
import { useDemoAndExtension } from './support/setup.ts'
import { generateSession } from '../support/generate.ts'
import { serializeSession } from '../../src/core/session.ts'

const SHOTS = resolve('out/screenshots')
const env = useDemoAndExtension()
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true })
})

let pageCount = 0
/** Console lines of each panel page, for the failure messages. */
const consoleOf = new WeakMap<Page, string[]>()

async function openPanel(tabId: number, opts?: Parameters<ExtensionBrowser['openPanel']>[1]): Promise<Page> {
  const panel = await env.b.openPanel(tabId, opts)
  const lines: string[] = []
  consoleOf.set(panel, lines)
  panel.on('console', (m) => lines.push(m.text()))
  panel.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`))
  return panel
}

async function openDemo(query: string): Promise<{ page: Page; tabId: number }> {
  const page = await env.b.context.newPage()
  // A unique URL per page: tabIdOf() finds the tab by URL, so an earlier test's page with the same
  // query (closed or not) can never be picked instead.
  await page.goto(new URL(`?speed=fast${query}&e2e=${++pageCount}`, env.demo.url).href)
  await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object', undefined, { timeout: 10_000 })
  return { page, tabId: await env.b.tabIdOf(page) }
}

const scenario = (page: Page, name: string, opts: { status?: number } = {}) =>
  page.evaluate(([n, o]) => (window as unknown as { demo: { scenario(n: string, o: unknown): Promise<void> } }).demo.scenario(n, o), [name, opts] as const)

/** The list follows the bottom, where the demo's housekeeping plugins keep publishing: back to the first rows. */
const listToTop = (panel: Page) => panel.getByTestId('event-list').evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')) })

/** Waits for a selector in the panel; on timeout, fails with what the panel did show instead. */
async function waitInPanel(panel: Page, selector: string, timeout = 20_000): Promise<void> {
  try {
    await panel.locator(selector).first().waitFor({ timeout })
  } catch (err) {
    const rows = await panel.locator('[data-testid=event-row]').count()
    const shown = await panel.locator('.banner, [data-testid=empty-state], .tl-empty').allTextContents()
    // What the background itself holds for this tab tells a panel problem from a capture problem.
    const tabId = Number(new URL(panel.url()).searchParams.get('tabId'))
    const connection = await panel.locator('.app').getAttribute('data-connection')
    const visibility = await panel.evaluate(() => `${document.visibilityState}, focus ${document.hasFocus()}`)
    const background = await panel
      .evaluate((id) => chrome.runtime.sendMessage({ type: 'get-tab-state', tabId: id }), tabId)
      .catch((e: unknown) => String(e))
    throw new Error(
      `${selector} not shown after ${timeout} ms in ${panel.url()}; the panel (connection ${connection}, ${visibility}) has ${rows} event rows and shows ${JSON.stringify(shown)}; console ${JSON.stringify(consoleOf.get(panel) ?? [])}; the background has ${JSON.stringify(background)}`,
      { cause: err },
    )
  }
}

/** Rows of the list, read as (event name) in order. */
const rowEvents = (panel: Page) => panel.locator('[data-testid=event-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.event))

describe('panel on the demo page', () => {
  it('Callback.ready from the page arrives in the panel through hook, relay and background', async () => {
    const { tabId } = await openDemo('')
    const panel = await openPanel(tabId, { colorScheme: 'light' })
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.ready"]')
    // 9.0.018.07 has no version property: the hook asks widgets-core's common.data("version")
    await expect.poll(() => panel.getByTestId('widgets-version').textContent()).toContain('9.0.018.07')
    expect(consoleOf.get(panel)?.filter((l) => l.startsWith('pageerror'))).toEqual([])
  })

  it('shows a completed interaction live: lane with phases, list, detail diff, elapsed note', async () => {
    const { page, tabId } = await openDemo('')
    const panel = await openPanel(tabId, { colorScheme: 'light' })
    await scenario(page, 'complete')
    // live: the events arrive without a reload of the panel
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.closed"]')
    const events = await rowEvents(panel)
    const lifecycle = events.filter((e) => e && /^Callback\.(opened|started|submitted|completed|cancelled|closed)$/.test(e))
    expect(lifecycle).toEqual(['Callback.opened', 'Callback.started', 'Callback.submitted', 'Callback.completed', 'Callback.closed'])
    await listToTop(panel)
    await expect.poll(() => panel.locator('[data-testid=page-load-marker]').count()).toBeGreaterThan(0)

    const lane = panel.locator('[data-testid=timeline-lane]')
    await expect.poll(() => lane.count()).toBe(1)
    const marks = await lane.first().locator('[data-testid=timeline-mark]').evaluateAll((m) => m.map((x) => (x as HTMLElement).dataset.event))
    expect(marks).toEqual(['opened', 'started', 'submitted', 'completed', 'closed'])
    expect(await lane.locator('[data-testid=elapsed-shipped]').count()).toBe(1)
    expect(await lane.locator('[data-testid=elapsed-documented]').count()).toBe(1)

    // Every mark's centre is its own: a click there reaches it, not a neighbour drawn on top (the demo
    // closes about 1 ms after completing).
    const hidden = await lane.first().locator('[data-testid=timeline-mark]').evaluateAll((ms) =>
      ms.filter((m) => {
        const r = m.getBoundingClientRect()
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) !== m
      }).map((m) => (m as HTMLElement).dataset.event),
    )
    expect(hidden).toEqual([])
    // hover names the event, click selects it
    await lane.locator('[data-testid=timeline-mark][data-event=completed]').hover()
    await expect.poll(() => panel.locator('[data-testid=timeline-tooltip]').textContent()).toContain('Callback.completed')
    await lane.locator('[data-testid=timeline-mark][data-event=completed]').click()
    const detail = panel.locator('[data-testid=event-detail]')
    await expect.poll(() => detail.locator('h2').textContent()).toContain('Callback.completed')
    const diff = await detail.locator('[data-testid=diff-row]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.key, (r as HTMLElement).dataset.status])))
    expect(diff.completed).toBe('changed')
    expect(diff.opened).toBe('unchanged')
    expect(await detail.locator('[data-testid=elapsed-note]').getAttribute('data-definition')).toBe('shipped')
    expect(await panel.locator('[data-testid=count-error]').getAttribute('data-count')).toBe('0')
    await panel.close()
    await page.close()
  })

  it('shows a wrong elapsed as an error finding on its event, in the list, the timeline and the pane', async () => {
    const { page, tabId } = await openDemo('&elapsed=wrong')
    const panel = await openPanel(tabId, { colorScheme: 'light' })
    await scenario(page, 'complete')
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.closed"]')
    await expect.poll(async () => Number(await panel.locator('[data-testid=count-error]').getAttribute('data-count'))).toBeGreaterThan(0)
    expect(await panel.locator('[data-testid=timeline-mark][data-severity=error]').count()).toBeGreaterThan(0)
    await panel.locator('[data-testid=count-error]').click()
    const item = panel.locator('[data-testid=findings-error] [data-testid=finding-item][data-rule="meta/elapsed"]').first()
    await item.locator('button').first().click() // identical notes are one item with a link per event
    const card = panel.locator('[data-testid=detail-finding][data-rule="meta/elapsed"]')
    await card.waitFor()
    expect(await card.locator('[data-testid=finding-expected]').count()).toBe(1)
    // severity filter keeps only the events with errors
    await panel.locator('[data-testid=filter-severity]').selectOption('error')
    const rows = panel.locator('[data-testid=event-row]')
    expect(await rows.count()).toBeGreaterThan(0)
    expect(await rows.evaluateAll((r) => r.every((x) => x.classList.contains('has-error')))).toBe(true)
    await panel.close()
    await page.close()
  })

  it('reports completed without submitted as order/transition', async () => {
    const { page, tabId } = await openDemo('&nosubmit=1')
    const panel = await openPanel(tabId)
    await scenario(page, 'complete')
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.closed"]')
    await panel.locator('[data-testid=tab-findings]').click()
    await panel.locator('[data-testid=finding-item][data-rule="order/transition"]').first().waitFor()
    await panel.close()
    await page.close()
  })

  it('exports the session and imports it back; an invalid file shows the validator error', async () => {
    const { page, tabId } = await openDemo('')
    const panel = await openPanel(tabId)
    await scenario(page, 'two-in-a-row')
    await expect.poll(() => panel.locator('[data-testid=timeline-lane]').count()).toBe(2)
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.locator('[data-testid=export]').click()])
    expect(download.suggestedFilename()).toMatch(/^cxbus-session-127\.0\.0\.1_\d+-\d{8}-\d{6}\.json$/)
    const file = join(mkdtempSync(join(tmpdir(), 'cxbus-export-')), download.suggestedFilename())
    await download.saveAs(file)
    const exported = JSON.parse(readFileSync(file, 'utf8'))
    expect(exported.format).toBe('cxbus-devtools/session')
    expect(exported.source.url).toContain(env.demo.url)
    expect(exported.source.widgetsVersion).toBe('9.0.018.07')

    const bad = join(tmpdir(), `bad-${Date.now()}.json`)
    writeFileSync(bad, JSON.stringify({ ...exported, events: exported.events.map((e: { seq: number }, i: number) => (i === 2 ? { ...e, seq: String(e.seq) } : e)) }))
    await panel.locator('[data-testid=import-input]').setInputFiles(bad)
    await expect.poll(() => panel.locator('[data-testid=error-banner]').textContent()).toMatch(/events\[2\]\.seq/)
    expect(await panel.locator('[data-testid=event-row]').count()).toBeGreaterThan(0) // never a blank panel

    await panel.locator('[data-testid=import-input]').setInputFiles(file)
    await panel.locator('[data-testid=imported-banner]').waitFor()
    await expect.poll(() => panel.locator('[data-testid=timeline-lane]').count()).toBe(2) // drawn once the import's slices are checked
    await panel.locator('[data-testid=back-to-live]').click()
    await panel.close()
    await page.close()
  })

  it('on a page without widgets, says what was looked for on which URL, with the page load below', async () => {
    const page = await env.b.context.newPage()
    // A page of the demo's origin that loads no widgets at all.
    await page.route('**/no-widgets.html*', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>No widgets</title><h1>A page without Genesys Widgets</h1>' }))
    const url = new URL(`no-widgets.html?e2e=${++pageCount}`, env.demo.url).href
    await page.goto(url)
    const tabId = await env.b.tabIdOf(page)
    const panel = await openPanel(tabId, { colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    await waitInPanel(panel, '[data-testid=empty-marker]')
    expect(await panel.getByTestId('empty-title').textContent()).toBe(`No Genesys Widgets bus found yet on ${url}`)
    expect(await panel.getByTestId('empty-state').textContent()).toContain('window.CXBus')
    expect(await panel.getByTestId('empty-marker').first().textContent()).toContain(`Page load: ${url}`)
    expect(await panel.getByTestId('export').isDisabled()).toBe(true)
    await panel.screenshot({ path: join(SHOTS, 'panel-empty.png') })
    await panel.close()
    await page.close()
  })

  it('widgets in an iframe: the frame load is a lighter row without a page-load line; the lane is page 1', async () => {
    const { page, tabId } = await openDemo('&iframe=1')
    const panel = await openPanel(tabId, { colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    await scenario(page, 'complete')
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.closed"]')
    await listToTop(panel)
    expect(await panel.locator('[data-testid=frame-load-marker]').first().textContent()).toContain('Frame loaded: ')
    expect(await panel.locator('[data-testid=page-load-marker]').count()).toBe(1)
    expect(await panel.locator('[data-testid=timeline-pageload]').count()).toBe(1)
    expect(await panel.locator('[data-testid=timeline-lane]').first().textContent()).toContain('· p1')
    await panel.screenshot({ path: join(SHOTS, 'panel-iframe.png') })
    await panel.close()
    await page.close()
  })

  it('timestamps in seconds: no elapsed span is drawn from them', async () => {
    const { page, tabId } = await openDemo('&seconds=1')
    const panel = await openPanel(tabId, { colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    await scenario(page, 'complete')
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.closed"]')
    await expect.poll(() => panel.locator('[data-testid=timeline-lane]').count()).toBe(1)
    await expect.poll(async () => Number(await panel.locator('[data-testid=count-error]').getAttribute('data-count'))).toBeGreaterThan(0)
    expect(await panel.locator('[data-testid=elapsed-shipped], [data-testid=elapsed-documented]').count()).toBe(0)
    await panel.screenshot({ path: join(SHOTS, 'panel-seconds.png') })
    await panel.close()
    await page.close()
  })

  it('keeps the metadata table inside the pane and names the nested field that changed (fail-retry, 1280x800)', async () => {
    const { page, tabId } = await openDemo('')
    const panel = await openPanel(tabId, { colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    await scenario(page, 'fail-retry', { status: 400 }) // refused phone number: the user types another one
    await waitInPanel(panel, '[data-testid=event-row][data-event="Callback.closed"]')
    const submitted = panel.locator('[data-testid=event-row][data-event="Callback.submitted"]')
    await expect.poll(() => submitted.count()).toBe(2)
    await submitted.nth(1).click()
    const table = panel.locator('[data-testid=metadata-table]')
    await table.waitFor()
    const form = table.locator('[data-testid=diff-row][data-key=form]')
    expect(await form.getAttribute('data-status')).toBe('changed')
    expect(await form.locator('[data-testid=nested-changes]').textContent()).toContain('form._customer_number: "+1 555 0100" → "+44 20 7946 0000"')
    const box = await panel.evaluate(() => {
      const pane = document.querySelector('.side-body')!
      const t = document.querySelector('[data-testid=metadata-table]')!
      const cells = [...t.querySelectorAll('tbody td:nth-of-type(1)')].map((c) => c.getBoundingClientRect().width)
      return { pane: pane.getBoundingClientRect().right, table: t.getBoundingClientRect().right, scroll: pane.scrollWidth - pane.clientWidth, minValueWidth: Math.min(...cells) }
    })
    expect(box.table).toBeLessThanOrEqual(box.pane + 0.5) // nothing runs past the pane
    expect(box.scroll).toBeLessThanOrEqual(0)
    expect(box.minValueWidth).toBeGreaterThan(100) // the Value column is not squeezed to a few characters
    await panel.screenshot({ path: join(SHOTS, 'panel-detail-fail-retry.png') })
    await panel.close()
    await page.close()
  })

  it('saves screenshots of the panel in light and dark theme', async () => {
    // Every demo scenario on the demo's clean (shipped 9.x) page: no error, the notes real pages
    // give; the first completed interaction selected, with its elapsed note.
    const { page, tabId } = await openDemo('')
    await scenario(page, 'all')
    for (const [theme, width, height, name] of [
      ['light', 1280, 800, 'panel-light.png'],
      ['dark', 1280, 800, 'panel-dark.png'],
      ['light', 800, 400, 'panel-light-800x400.png'],
      ['dark', 800, 400, 'panel-dark-800x400.png'],
    ] as const) {
      const panel = await openPanel(tabId, { colorScheme: theme, viewport: { width, height } })
      await waitInPanel(panel, '[data-testid=timeline-lane]')
      expect(await panel.locator('[data-testid=count-error]').getAttribute('data-count')).toBe('0')
      await panel.locator('[data-testid=timeline-mark][data-event=completed]').first().click()
      await panel.locator('[data-testid=detail-finding]').first().waitFor()
      await panel.mouse.move(0, 0)
      await panel.screenshot({ path: join(SHOTS, name) })
      await panel.close()
    }
    await page.close()
  })
})

describe('popup', () => {
  it('renders the tab summary through the background, without errors', async () => {
    const popup = await env.b.context.newPage()
    const errors: string[] = []
    popup.on('pageerror', (e) => errors.push(e.message))
    // Opened as a tab, the popup's "active tab" is itself: an uncaptured extension page.
    await popup.goto(`chrome-extension://${env.b.extensionId}/popup/index.html`)
    await popup.locator('[data-testid=popup-bus], [data-testid=popup-failure]').first().waitFor()
    expect(await popup.locator('[data-testid=popup-failure]').count()).toBe(0)
    expect(await popup.locator('[data-testid=popup-events]').textContent()).toBe('0')
    expect(errors).toEqual([])
    await popup.close()
  })

  it('shows the Widgets version a 9.0.018.07 page answers through common.data("version")', async () => {
    const { page, tabId } = await openDemo('')
    const popup = await env.b.context.newPage()
    const url = `chrome-extension://${env.b.extensionId}/popup/index.html?tabId=${tabId}`
    // the popup reads the tab once when it opens: open it again until the version has arrived
    await expect.poll(async () => {
      await popup.goto(url)
      return popup.locator('[data-testid=popup-bus]').textContent()
    }).toContain('Widgets 9.0.018.07')
    await popup.close()
    await page.close()
  })
})

// QA report: on a 27 000-event, 3 000-interaction import the seq, Interaction and +opened cells were
// cut with "…". A generated session (seqs shifted to 6 digits, two page loads of 2 150 interactions)
// is imported at the README's layouts; at positions through the whole list no sized cell is cut.
// Saves out/screenshots/list-columns-<width>.png to look at.
const SIZED = ['c-seq', 'c-time', 'c-rel', 'c-plugin', 'c-inter']

function bigSessionFile(): string {
  const session = generateSession({ seed: 7, pageLoads: 2, interactions: 2150 })
  // 6-digit seqs, as a capture that ran for hours (ids stay unique and ascending).
  const events = session.events.map((e) => ({ ...e, seq: e.seq + 100_000 }))
  const file = join(mkdtempSync(join(tmpdir(), 'cxbus-columns-')), 'big.session.json')
  writeFileSync(file, serializeSession({ ...session, events }))
  return file
}

/** Cells of the rendered rows (and the header) whose text does not fit: "class: text". */
const truncated = (panel: Page): Promise<string[]> =>
  panel.evaluate((classes) => {
    const out: string[] = []
    for (const row of document.querySelectorAll('[data-testid=event-list] .row:not(.marker)')) {
      for (const c of classes) {
        const cell = row.querySelector<HTMLElement>(`.${c}`)
        if (cell && cell.offsetWidth > 0 && cell.scrollWidth > cell.clientWidth) out.push(`${c}: ${cell.textContent} (${cell.scrollWidth} > ${cell.clientWidth})`)
      }
    }
    return out
  }, SIZED)

describe('event list columns on a big session', () => {
  it('no seq, time, +opened, plugin or interaction cell is cut, at 1400, 800 and 480 px', async () => {
    const file = bigSessionFile()
    const tab = await openDemo('')
    for (const [width, height] of [[1400, 900], [800, 600], [480, 800]] as const) {
      const panel = await openPanel(tab.tabId, { viewport: { width, height } })
      await panel.getByTestId('import-input').setInputFiles(file)
      await panel.locator('[data-testid=imported-banner][data-checked=true]').waitFor({ timeout: 60_000 })
      const list = panel.getByTestId('event-list')
      const rows = await list.evaluate((el) => Number(el.getAttribute('aria-rowcount')))
      expect(rows).toBeGreaterThan(25_000)
      const bad: string[] = []
      let sawSixDigits = false
      let sawBigInteraction = false
      // Positions through the whole list, the end (highest seqs, "#2150 · page 2") included.
      for (let step = 0; step <= 20; step++) {
        await list.evaluate((el, f) => (el.scrollTop = f * (el.scrollHeight - el.clientHeight)), step / 20)
        await panel.waitForTimeout(50)
        bad.push(...(await truncated(panel)))
        const text = await list.evaluate((el) => el.textContent ?? '')
        sawSixDigits ||= /1\d{5}/.test(text)
        sawBigInteraction ||= /#21\d\d/.test(text)
      }
      expect(sawSixDigits && sawBigInteraction).toBe(true)
      expect(bad.slice(0, 10), `${width} px`).toEqual([])
      // The fixed parts still show at this width: the event and the findings are not pushed out.
      const event = await panel.locator('[data-testid=event-row] .c-event').first().evaluate((el) => el.getBoundingClientRect())
      const listBox = await list.evaluate((el) => el.getBoundingClientRect())
      expect(event.right, `${width} px`).toBeLessThanOrEqual(listBox.right)
      await panel.screenshot({ path: join(SHOTS, `list-columns-${width}.png`) })
      await panel.close()
    }
    await tab.page.close()
  }, 180_000)

  it('a plugin name of 48 or 100 characters: the event, interaction and findings columns stay, at 900, 800 and 480 px, also after Import', async () => {
    const session = generateSession({ seed: 3, pageLoads: 1, interactions: 3 })
    const last = session.events[session.events.length - 1]!
    const long = (n: number, seq: number) => ({ seq, kind: 'event' as const, time: last.time + seq, publisher: 'P'.repeat(n), event: `${'P'.repeat(n)}.did`, data: {} })
    const file = join(mkdtempSync(join(tmpdir(), 'cxbus-columns-')), 'long.session.json')
    writeFileSync(file, serializeSession({ ...session, events: [...session.events, long(48, last.seq + 1), long(100, last.seq + 2)] }))
    const tab = await openDemo('')
    for (const [width, height] of [[900, 600], [800, 600], [480, 800]] as const) {
      const panel = await openPanel(tab.tabId, { viewport: { width, height } })
      await panel.getByTestId('import-input').setInputFiles(file)
      await panel.locator('[data-testid=imported-banner][data-checked=true]').waitFor({ timeout: 60_000 })
      await panel.getByTestId('filter-others').click()
      const list = await panel.getByTestId('event-list').evaluate((el) => el.getBoundingClientRect().right)
      for (const cell of ['.row.head .c-event', '.row.head .c-find', '[data-event^="PPP"] .c-event']) {
        const box = await panel.locator(cell).first().evaluate((el) => { const r = el.getBoundingClientRect(); return { right: r.right, width: r.width, display: getComputedStyle(el).display } })
        expect(box.display, `${cell} at ${width} px`).not.toBe('none')
        expect(box.width, `${cell} at ${width} px`).toBeGreaterThanOrEqual(50)
        expect(box.right, `${cell} at ${width} px`).toBeLessThanOrEqual(list)
      }
      expect(await panel.locator('[data-event^="PPP"] .c-plugin').first().getAttribute('title')).toMatch(/^P{48,100}$/)
      await panel.screenshot({ path: join(SHOTS, `list-long-plugin-${width}.png`) })
      await panel.close()
    }
    await tab.page.close()
  }, 120_000)
})
