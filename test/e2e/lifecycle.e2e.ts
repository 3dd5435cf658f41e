// End-to-end: the whole product promise in one place. The demo page (a faithful 9.x simulation) is
// captured through the real extension (hook -> relay -> background), in Chromium and in Firefox (one
// vitest project each), and what arrives is checked by
// the same engine the panel and the CLI use: shipped 9.x behaviour gives no error finding, and each
// fault switch of the demo gives the rule it is meant to show.
import { describe, expect, it } from 'vitest'
import { check } from '../../src/core/check.ts'
import { buildStories } from '../../src/core/story.ts'
import type { Finding, SessionEntry } from '../../src/core/model.ts'
import { BROWSER, useDemoAndBrowser } from './support/setup.ts'
import { openCollector } from './support/collector.ts'
import { openDemo, DEMO_FAULTS } from './support/demo.ts'

const env = useDemoAndBrowser()

/** Plays scenarios on the demo with the given switches and checks everything the extension captured. */
async function captureAndCheck(query: string, scenarios: (string | [string, { status?: number; failures?: number }])[]): Promise<{ entries: SessionEntry[]; findings: Finding[] }> {
  const tab = await openDemo(env.b, env.demo.url, `speed=fast&${query}`)
  for (const s of scenarios) await (typeof s === 'string' ? tab.call('scenario', s) : tab.call('scenario', ...s))
  const pageCount = (await tab.pageEvents()).filter((e) => e.event.startsWith('Callback')).length
  const c = await openCollector(env.b, tab.tabId)
  const got = await c.waitFor(
    (x) => x.entries.filter((e) => e.kind === 'event' && e.event.startsWith('Callback')).length >= pageCount,
    `${pageCount} Callback events`,
  )
  expect(await tab.pageErrors()).toEqual([])
  await c.close()
  await tab.page.close()
  return { entries: got.entries, findings: check(got.entries).findings }
}

const rules = (findings: Finding[], severity?: string) =>
  [...new Set(findings.filter((f) => !severity || f.severity === severity).map((f) => f.rule))].sort()

describe(`lifecycle of the demo page, captured and checked (${BROWSER})`, () => {
  it('shipped 9.x behaviour (every scenario, twice) gives no error finding', async () => {
    const { findings } = await captureAndCheck('', ['all', 'all'])
    expect(findings.filter((f) => f.severity === 'error')).toEqual([])
    // The expected notes: auto-submit (once per 'all') and the shipped elapsed definition.
    expect(findings.filter((f) => f.rule === 'meta/elapsed-absolute')).toHaveLength(2)
    expect(findings.filter((f) => f.rule === 'order/autosubmit-first')).toHaveLength(2)
    expect(rules(findings, 'info')).toContain('meta/elapsed-definition')
  })

  it('failed submissions of every kind (400 code 7030, 429, 500, network), then a retry or a cancel, give no error finding', async () => {
    const plays: [string, { status: number; failures?: number }][] = []
    for (const status of [400, 429, 500, 0]) plays.push(['fail-retry', { status }], ['fail-cancel', { status, failures: 2 }])
    const { entries, findings } = await captureAndCheck('', plays)
    expect(findings.filter((f) => f.severity === 'error')).toEqual([])
    const errors = entries.filter((e) => e.kind === 'event' && e.event === 'CallbackService.scheduleError').map((e) => e.data as { status: number; readyState: number; responseJSON?: { code?: number } })
    expect(errors.map((d) => d.status)).toEqual([400, 400, 400, 429, 429, 429, 500, 500, 500, 0, 0, 0])
    expect(errors[0]?.responseJSON?.code).toBe(7030)
    expect(errors.at(-1)?.readyState).toBe(0)
    expect(entries.filter((e) => e.kind === 'event' && e.event === 'Callback.completed')).toHaveLength(4)
    // each failure is attributed to its interaction with its status and the service's code and message
    const summaries = buildStories(entries, check(entries)).map((s) => s.summary)
    const expected = [400, 429, 500, 0].flatMap((status) => {
      const code = status === 400 ? 7030 : null
      const message = status === 400 ? 'Callback parameter _customer_number is not a valid phone number' : status === 500 ? 'Internal Server Error' : null
      const failure = { status, code, message }
      return [
        { outcome: 'completed', submits: 2, retries: 1, failures: [failure] },
        { outcome: 'cancelled', submits: 2, retries: 1, failures: [failure, failure] },
      ]
    })
    expect(summaries.map((m) => ({ outcome: m.outcome, submits: m.submits, retries: m.retries, failures: m.failures.map(({ status, code, message }) => ({ status, code, message })) }))).toEqual(expected)
  })

  it('?play= plays a shipped behaviour from the URL alone (fail-cancel, two refusals 400 code 7030)', async () => {
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&play=fail-cancel&failstatus=400&failures=2')
    expect(await tab.page.evaluate(() => (window as unknown as { demo: { played: Promise<boolean> } }).demo.played)).toBe(true)
    const c = await openCollector(env.b, tab.tabId)
    const got = await c.waitFor((x) => x.entries.some((e) => e.kind === 'event' && e.event === 'Callback.closed'), 'closed')
    const names = got.entries.filter((e) => e.kind === 'event' && /^Callback(Service)?\.(?!ready)/.test(e.event)).map((e) => (e.kind === 'event' ? e.event : ''))
    expect(names).toEqual(['Callback.opened', 'Callback.started', 'Callback.submitted', 'CallbackService.scheduleError', 'Callback.submitted', 'CallbackService.scheduleError', 'Callback.cancelled', 'Callback.closed'])
    expect(check(got.entries).findings.filter((f) => f.severity === 'error')).toEqual([])
    await c.close()
    await tab.page.close()
  })

  it('the documented elapsed formula is accepted too, without the shipped-definition note', async () => {
    const { findings } = await captureAndCheck('elapsed=documented', ['complete', 'abandon-typed'])
    expect(rules(findings)).toEqual([])
  })

  for (const [query, scenario, rule] of DEMO_FAULTS) {
    it(`?${query} shows ${rule}`, async () => {
      const { findings } = await captureAndCheck(query, [scenario])
      expect(rules(findings)).toContain(rule)
    })
  }
})
