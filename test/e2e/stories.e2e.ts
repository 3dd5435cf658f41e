// End-to-end: the shipped 9.x behaviours played on the noisy demo page (housekeeping plugins
// publishing every second), told by the panel as interaction stories. The panel is opened at the
// size of DevTools docked to the right (480 x 800): without scrolling or filtering it must show the
// Callback interactions with their verdicts, and no housekeeping row.
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useDemoAndExtension } from './support/setup.ts'
import { openDemo } from './support/demo.ts'

const env = useDemoAndExtension()

/** The story sentences of the Interactions tab, in order. */
const sentences = (panel: Page) => panel.getByTestId('interaction-sentence').allTextContents()

describe('interaction stories in the panel', () => {
  it('tells each shipped behaviour: failed then retried, failed then cancelled, auto-submit, minimize, two in a row', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast')
    await tab.call('scenario', 'fail-retry', { status: 500 })
    await tab.call('scenario', 'fail-cancel', { status: 500, failures: 2 })
    await tab.call('scenario', 'autosubmit')
    await tab.call('scenario', 'minimize')
    await tab.call('scenario', 'two-in-a-row')
    // A second of housekeeping (Watchman uptime and tick) after the last interaction.
    await tab.page.waitForTimeout(1200)

    const panel = await env.b.openPanel(tab.tabId, { viewport: { width: 480, height: 800 } })
    await expect.poll(async () => (await sentences(panel)).length, { timeout: 20_000 }).toBe(6)
    const told = await sentences(panel)
    expect(told[0]).toMatch(/^Completed after 1 failed submission \(HTTP 500 Internal Server Error\), 1 retry, [\d.]+ m?s$/)
    expect(told[1]).toMatch(/^Cancelled after 2 failed submissions \(HTTP 500\), 1 retry, [\d.]+ m?s$/)
    expect(told[2]).toMatch(/^Completed, auto-submitted, [\d.]+ m?s$/)
    expect(told[3]).toMatch(/^Cancelled after typing, minimized 1×, [\d.]+ m?s$/)
    expect(told[4]).toMatch(/^Completed, [\d.]+ m?s$/)
    expect(told[5]).toMatch(/^Cancelled without typing, [\d.]+ m?s$/)

    // Docked right, nothing scrolled or filtered: the lanes' verdicts and the Interactions tab are in view.
    const inView = async (selector: string, n: number) => {
      const boxes = await panel.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom, width: r.width })))
      return boxes.slice(0, n).every((b) => b.width > 0 && b.top >= 0 && b.bottom <= 800)
    }
    expect(await panel.getByTestId('lane-verdict').first().textContent()).toBe('completed · 1 failed')
    expect(await inView('[data-testid=lane-verdict]', 3)).toBe(true)
    expect(await inView('[data-testid=interaction-sentence]', 1)).toBe(true)
    // The event column is shown at this width (it was the first to go before), housekeeping is not.
    expect(await panel.locator('.row.head .c-event').isVisible()).toBe(true)
    const events = await panel.locator('[data-testid=event-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.event!))
    expect(events.length).toBeGreaterThan(5)
    expect(events.every((e) => /^Callback(Service)?\./.test(e))).toBe(true)
    const others = panel.getByTestId('filter-others')
    expect(await others.textContent()).toMatch(/^\+\d+ other bus entries: show$/)
    await others.click()
    await expect.poll(async () => (await panel.locator('[data-testid=event-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.event!))).some((e) => e.startsWith('Watchman.'))).toBe(true)

    // Clicking a story selects its interaction: its lane is outlined, its rows highlighted.
    await panel.getByTestId('interaction-row').nth(1).click()
    const id = await panel.getByTestId('interaction-row').nth(1).getAttribute('data-interaction')
    expect(await panel.locator('.lane.current').getAttribute('data-lane')).toBe(id)
    expect(await panel.locator('[data-testid=timeline-lane].current [data-kind=failure]').count()).toBe(2)
    await panel.close()
    await tab.page.close()
  })
})
