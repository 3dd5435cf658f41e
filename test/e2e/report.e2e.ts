// End-to-end: a QA pass on the demo page through the built extension (every scenario, a reload during
// an open interaction with Preserve log), a note added in the panel, then the toolbar's Report. The
// downloaded file is opened in a separate Chromium from file:// with the network off: it must make no
// request, run no script, show the verdict, the stories with their SVG timelines, the coverage and the
// note; its screenshot is the README's picture (docs/report.png is a copy of out/screenshots/report.png).
// The popup's Report gives the same session with the note; imported back into the panel, the report
// gives the same findings as the live capture.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { parseSession } from '../../src/core/session.ts'
import { findChrome, QUIET_FLAGS } from './support/browser.ts'
import { openDemo } from './support/demo.ts'
import { playQaPass, settledSession } from './support/qa.ts'
import { useDemoAndExtension } from './support/setup.ts'

const SHOTS = resolve('out/screenshots')
const env = useDemoAndExtension()

describe('the QA report', () => {
  it('Report in the panel gives one file that works offline from file://, and imports back', async () => {
    // At a person's pace (the demo's normal speed): the report's picture shows real-looking timings.
    const tab = await openDemo(env.b, env.demo.url, 'speed=normal')
    const panel = await env.b.openPanel(tab.tabId, { colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    panel.on('pageerror', (e) => errors.push(e.message))
    await playQaPass(panel, tab)
    await settledSession(panel, tab.tabId)

    // A note on the failed request, as a tester would write it.
    // (The busy demo keeps publishing housekeeping events, so the timeline keeps refitting: the mark
    // is never "stable" for a pointer click; the click event itself is what a tester's click sends.)
    await panel.locator('[data-testid=timeline-mark][data-kind=failure]').first().dispatchEvent('click')
    await panel.getByTestId('note-text').fill('Phone number refused: the message under the field said "unknown"')
    await panel.getByTestId('note-add').click()
    await expect.poll(() => panel.locator('[data-testid=row-note]').count()).toBe(1)
    await panel.getByTestId('tab-coverage').click()
    // The panel applies entries once per frame: poll until the last ones are in.
    const missing = () => panel.locator('[data-testid=coverage-item][data-status=missing]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))
    await expect.poll(missing, { timeout: 10_000 }).toEqual([])
    expect(await panel.getByTestId('coverage-count').textContent()).toBe('9 of 9 paths covered')
    const live = Number(await panel.getByTestId('count-error').getAttribute('data-count'))
    const liveWarnings = Number(await panel.getByTestId('count-warning').getAttribute('data-count'))

    const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByTestId('report').click()])
    expect(download.suggestedFilename()).toMatch(/^cxbus-report-127\.0\.0\.1_\d+-\d{8}-\d{6}\.html$/)
    const file = join(mkdtempSync(join(tmpdir(), 'cxbus-report-')), download.suggestedFilename())
    await download.saveAs(file)
    const html = readFileSync(file, 'utf8')
    expect(html).not.toMatch(/<img[^>]+src\s*=\s*["']?http/i)

    // Another browser, offline, no extension: the file alone.
    const browser = await chromium.launch({ executablePath: findChrome(), headless: true, args: QUIET_FLAGS })
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1000, height: 1400 }, colorScheme: 'light' })
      const page = await context.newPage()
      const requests: string[] = []
      const messages: string[] = []
      page.on('request', (r) => requests.push(r.url()))
      page.on('console', (m) => messages.push(m.text()))
      const url = pathToFileURL(file).href
      await page.goto(url)
      expect(requests).toEqual([url])
      expect(messages).toEqual([])
      const shown = await page.evaluate(() => ({
        verdict: document.querySelector('[data-testid=verdict]')?.textContent ?? '',
        scripts: [...document.scripts].map((s) => s.type),
        svgs: document.querySelectorAll('section.story svg.timeline').length,
        stories: document.querySelectorAll('section.story').length,
        covered: document.querySelectorAll('table.coverage tr[data-status=covered]').length,
        notes: [...document.querySelectorAll('.note-text')].map((n) => n.textContent),
        // Inline styles applied: the verdict box has its colour without any fetched stylesheet.
        styled: getComputedStyle(document.querySelector('[data-testid=verdict]')!).borderLeftStyle,
      }))
      expect(shown.verdict).toContain('cxbus-devtools QA report')
      expect(shown.verdict).toContain('9 of 9 paths covered')
      expect(shown.scripts).toEqual(['application/json'])
      expect(shown.stories).toBe(11)
      expect(shown.svgs).toBe(11)
      expect(shown.covered).toBe(9)
      expect(shown.notes).toContain('Phone number refused: the message under the field said "unknown"')
      expect(shown.styled).toBe('solid')
      mkdirSync(SHOTS, { recursive: true })
      await page.screenshot({ path: join(SHOTS, 'report.png'), clip: { x: 0, y: 0, width: 1000, height: 1400 } })
      // On a phone-sized screen the timelines keep a readable size and scroll sideways; the page itself does not.
      await page.setViewportSize({ width: 420, height: 900 })
      const narrow = await page.evaluate(() => {
        const box = document.querySelector('section.story .timeline-box')!
        return {
          svg: document.querySelector('section.story svg.timeline')!.getBoundingClientRect().width,
          scrolls: box.scrollWidth > box.clientWidth,
          page: document.documentElement.scrollWidth,
        }
      })
      expect(narrow.svg).toBeGreaterThanOrEqual(640)
      expect(narrow.scrolls).toBe(true)
      expect(narrow.page).toBeLessThanOrEqual(420)
      await page.locator('section.story').nth(1).scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SHOTS, 'report-420.png') })
      await context.close()
    } finally {
      await browser.close()
    }

    // The popup's Report: the same session, with the note the panel stored for the tab.
    const popup = await env.b.context.newPage()
    await popup.goto(`chrome-extension://${env.b.extensionId}/popup/index.html?tabId=${tab.tabId}`)
    await popup.getByTestId('popup-report').waitFor()
    await expect.poll(() => popup.getByTestId('popup-report').isEnabled()).toBe(true)
    const [fromPopup] = await Promise.all([popup.waitForEvent('download'), popup.getByTestId('popup-report').click()])
    const popupFile = join(mkdtempSync(join(tmpdir(), 'cxbus-report-')), fromPopup.suggestedFilename())
    await fromPopup.saveAs(popupFile)
    const popupSession = parseSession(readFileSync(popupFile, 'utf8'))
    const panelSession = parseSession(html)
    // The busy page goes on publishing housekeeping events: the popup's capture has a few more.
    expect(popupSession.events.slice(0, panelSession.events.length)).toEqual(panelSession.events)
    expect(popupSession.notes?.map((n) => n.text)).toEqual(['Phone number refused: the message under the field said "unknown"'])
    await popup.close()

    // The panel's Import takes the report and finds the same.
    await panel.locator('[data-testid=import-input]').setInputFiles(file)
    await panel.locator('[data-testid=imported-banner]').waitFor()
    await expect.poll(() => panel.getByTestId('count-warning').getAttribute('data-count')).toBe(String(liveWarnings))
    expect(Number(await panel.getByTestId('count-error').getAttribute('data-count'))).toBe(live)
    expect(await panel.locator('[data-testid=row-note]').count()).toBe(1)
    expect(errors).toEqual([])
    await panel.close()
    await tab.page.close()
  })
})
