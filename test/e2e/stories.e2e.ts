// End-to-end, in Chromium and Firefox: the shipped 9.x behaviours played on the noisy demo page
// (housekeeping plugins publishing every second), told by the panel inside the browser's real
// DevTools window as interaction stories. Docked right (DevTools' default, the panel 480 x 800) it
// must show the Callback interactions with their verdicts without scrolling or filtering, and no
// housekeeping row until asked. Saves the README pictures (Chromium) to out/screenshots/:
// devtools-right.png and devtools-bottom.png (docs/ holds copies).
import { describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { BROWSER, useDemoAndDevTools } from './support/setup.ts'
import { openDemo } from './support/demo.ts'
import { eventRows, readRows } from './support/panel.ts'
import type { TestPage } from './support/types.ts'

const env = useDemoAndDevTools()

/** What the panel shows of its stories, lanes and list, read from the DOM (both browsers). */
function read(panel: TestPage) {
  return panel.evaluate(() => {
    const all = (sel: string) => [...document.querySelectorAll<HTMLElement>(sel)]
    const inView = (e: HTMLElement) => {
      const r = e.getBoundingClientRect()
      return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight
    }
    return {
      sentences: all('[data-testid=interaction-sentence]').map((e) => e.textContent ?? ''),
      verdicts: all('[data-testid=lane-verdict]').map((e) => ({ text: e.textContent ?? '', inView: inView(e) })),
      firstStoryInView: all('[data-testid=interaction-sentence]').slice(0, 1).every(inView),
      eventColumn: all('.row.head .c-event').some((e) => e.getBoundingClientRect().width > 0),
      others: document.querySelector('[data-testid=filter-others]')?.textContent ?? '',
    }
  })
}

const click = (panel: TestPage, selector: string) =>
  panel.evaluate((s) => (document.querySelector(s) as HTMLElement | null)?.click(), selector)

async function poll<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = await get()
    if (ok(v)) return v
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe(`interaction stories in the real DevTools window (${BROWSER})`, () => {
  it('tells each shipped behaviour: failed then retried, failed then cancelled, auto-submit, minimize, two in a row', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast')
    await tab.call('scenario', 'fail-retry', { status: 500 })
    await tab.call('scenario', 'fail-cancel', { status: 500, failures: 2 })
    await tab.call('scenario', 'autosubmit')
    await tab.call('scenario', 'minimize')
    await tab.call('scenario', 'two-in-a-row')
    // Housekeeping (Watchman uptime and tick every second) goes on after the last interaction.
    await new Promise((r) => setTimeout(r, 1200))

    const dt = await env.b.openDevTools(tab.page, { layout: 'right' })
    const shown = await poll('six stories', () => read(dt.panel), (v) => v.sentences.length === 6)
    expect(shown.sentences[0]).toMatch(/^Completed after 1 failed submission \(HTTP 500 Internal Server Error\), 1 retry, [\d.]+ m?s$/)
    expect(shown.sentences[1]).toMatch(/^Cancelled after 2 failed submissions \(HTTP 500\), 1 retry, [\d.]+ m?s$/)
    expect(shown.sentences[2]).toMatch(/^Completed, auto-submitted, [\d.]+ m?s$/)
    expect(shown.sentences[3]).toMatch(/^Cancelled after typing, minimized 1×, [\d.]+ m?s$/)
    expect(shown.sentences[4]).toMatch(/^Completed, [\d.]+ m?s$/)
    expect(shown.sentences[5]).toMatch(/^Cancelled without typing, [\d.]+ m?s$/)

    // Docked right, nothing scrolled or filtered: the first lanes' verdicts and the first story are in view.
    expect(shown.verdicts.slice(0, 3)).toEqual([
      { text: 'completed · 1 failed', inView: true },
      { text: 'cancelled · 2 failed', inView: true },
      { text: 'completed · auto', inView: true },
    ])
    expect(shown.firstStoryInView).toBe(true)
    // The event column stays at this width; the list holds Callback entries only until the switch.
    expect(shown.eventColumn).toBe(true)
    const rows = eventRows(await readRows(dt.panel))
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.every((r) => /^Callback(Service)?\./.test(r.event ?? ''))).toBe(true)
    expect(shown.others).toMatch(/^\+\d+ other bus entries: show$/)
    if (BROWSER === 'chromium') {
      mkdirSync(resolve('out/screenshots'), { recursive: true })
      await dt.screenshot(resolve('out/screenshots/devtools-right.png'))
      await dt.layout('bottom')
      await new Promise((r) => setTimeout(r, 500))
      await dt.screenshot(resolve('out/screenshots/devtools-bottom.png'))
      await dt.layout('right')
    }

    await click(dt.panel, '[data-testid=filter-others]')
    await poll('housekeeping rows', async () => eventRows(await readRows(dt.panel)).map((r) => r.event ?? ''), (e) => e.some((x) => x.startsWith('Watchman.')))

    // Clicking a story selects its interaction: its lane is outlined, with its two failure marks.
    await click(dt.panel, '[data-testid=interaction-row]:nth-child(2)')
    const selected = await dt.panel.evaluate(() => {
      const row = document.querySelectorAll<HTMLElement>('[data-testid=interaction-row]')[1]
      const lane = document.querySelector<HTMLElement>('.lane.current')
      return { id: row?.dataset.interaction, lane: lane?.dataset.lane, failures: lane?.querySelectorAll('[data-kind=failure]').length }
    })
    expect(selected.lane).toBe(selected.id)
    expect(selected.failures).toBe(2)
    await dt.close()
    await tab.page.close()
  })
})
