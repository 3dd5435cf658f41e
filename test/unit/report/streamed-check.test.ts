// @vitest-environment node
// Node (vitest). The check that drops each interaction once it is over (createReleasingChecker,
// StoryBuilder.take, createStreamedCheck: what `cxbus-devtools check` prints from) says what the
// whole-session analysis says: same stories, same findings per interaction, same labels (made at the
// end, when every page load is known), same coverage and counts; the checker hands each interaction
// over exactly once, when nothing later can change it.
import { describe, expect, it } from 'vitest'
import { checkText, main } from '../../../cli/main.ts'
import { check, createReleasingChecker } from '../../../src/core/check.ts'
import type { Finding, Interaction, Session } from '../../../src/core/model.ts'
import { serializeSession } from '../../../src/core/session.ts'
import { lifecycleSteps, type InteractionStory } from '../../../src/core/story.ts'
import { analyzeSession, createStreamedCheck, settingsOf, type AnalyzeOptions } from '../../../src/report/analyze.ts'
import { fixtureNames, loadFixture } from '../../support/fixtures.ts'
import { faultySession } from '../../support/faults.ts'
import { generateSession } from '../../support/generate.ts'

const config = settingsOf({
  severities: { 'order/autosubmit-first': 'off', 'meta/elapsed-definition': 'warning' },
  coverage: [{ id: 'double-submit', label: 'two submits', howTo: 'Submit twice.', plugins: ['Callback'], match: { submits: 2 } }],
  require: ['double-submit', 'Callback/page-left'],
})
const OPTIONS: Omit<AnalyzeOptions, 'report'>[] = [{}, { options: config.options, paths: config.paths, require: config.require }]

/** Interactions of page 1 are over before page 2 loads: their labels gain " · page 1" only at the end. */
const laterPage = (): Session => generateSession({ seed: 11, interactions: 2, pageLoads: 2, plugins: ['Callback', 'SendMessage'] })
/** Cut in the middle of interactions: some are still open when the capture ends. */
const endsOpen = (): Session => generateSession({ seed: 3, events: 1_003, pageLoads: 3, plugins: ['Callback', 'SendMessage'] })

const sessions = (): [string, Session][] => [
  ...fixtureNames().map((n): [string, Session] => [n, loadFixture(n)]),
  ['faulty 1', faultySession(1)],
  ['faulty 2', faultySession(2)],
  ['no pageLoadId', generateSession({ seed: 5, events: 3000, pageLoads: 6, noPageLoadId: true, plugins: ['Callback', 'SendMessage'] })],
  ['later page', laterPage()],
  ['ends open', endsOpen()],
]

function streamed(session: Session, o: Omit<AnalyzeOptions, 'report'>, keep?: (f: Finding) => boolean) {
  const a = createStreamedCheck(o, (story: InteractionStory, findings: Finding[], ia: Interaction) => ({ story, findings, ia }), keep)
  for (const e of session.events) a.push(e)
  const { events: _events, ...head } = session
  return a.finish(head)
}

describe('the streamed check (interactions dropped once over)', () => {
  it('the test sessions have what they are meant to test', () => {
    const later = analyzeSession(laterPage())
    expect(later.env.pageLoads).toHaveLength(2)
    expect(later.stories.every((s) => s.label.includes(' · page '))).toBe(true)
    const open = analyzeSession(endsOpen())
    expect(open.stories.filter((s) => s.summary.outcome === 'open').length).toBeGreaterThan(1)
    expect(open.report.findings.some((f) => f.rule === 'order/unclosed')).toBe(true)
    // Interactions of both plugins interleave, and some are left open by a page load.
    const faulty = analyzeSession(faultySession(1))
    expect(faulty.stories.some((s) => s.pageLeft)).toBe(true)
    const order = faulty.report.interactions.map((ia) => ia.plugin)
    expect(order.some((p, i) => i > 0 && p !== order[i - 1])).toBe(true)
  })

  it('gives the stories, findings, labels, coverage and counts of analyzeSession', () => {
    for (const [name, session] of sessions()) {
      for (const o of OPTIONS) {
        const whole = analyzeSession(session, o)
        const s = streamed(session, o)
        expect(s.ids, name).toEqual(whole.stories.map((x) => x.id))
        expect(s.labels, name).toEqual(whole.stories.map((x) => x.label))
        s.interactions.forEach(({ story, findings, ia }, i) => {
          const st = whole.stories[i] as InteractionStory
          expect(ia, `${name} ${st.id}`).toEqual(whole.report.interactions[i])
          // Label and page are the ones known when the interaction ended; the final ones are s.labels.
          expect({ ...story, label: st.label, summary: { ...story.summary, page: st.summary.page } }, `${name} ${st.id}`).toEqual(st)
          expect(findings, `${name} ${st.id}`).toEqual(whole.report.findings.filter((f) => f.interaction === st.id))
        })
        expect(s.unattached, name).toEqual(whole.report.findings.filter((f) => f.interaction === null))
        const { session: _s, report: _r, stories: _st, ...summary } = whole
        const { interactions: _i, labels: _l, ids: _ids, unattached: _u, findings: kept, ...rest } = s
        expect(kept, name).toEqual([])
        expect(rest, name).toEqual(summary)
      }
    }
  })

  it('keeps the findings asked for in report order, the end-of-capture ones (ends open) among them (the --json list)', () => {
    for (const [name, session] of sessions()) {
      const whole = analyzeSession(session)
      expect(streamed(session, {}, () => true).findings, name).toEqual(whole.report.findings)
      const notInfo = (f: Finding): boolean => f.severity !== 'info'
      expect(streamed(session, {}, notInfo).findings, name).toEqual(whole.report.findings.filter(notInfo))
    }
  })

  it('labels change when a later page load comes: the ones known when an interaction ended are not the final ones', () => {
    const s = streamed(laterPage(), {})
    const early = s.interactions.filter(({ story }, i) => story.label !== s.labels[i])
    expect(early.length).toBeGreaterThan(0)
    expect(early.every(({ story }) => !story.label.includes('page'))).toBe(true)
  })

  it('the checker hands each interaction over once: when closed or ended by a new one, or at the end if still open', () => {
    for (const [name, session] of sessions()) {
      const report = check(session)
      const checker = createReleasingChecker()
      const ended = new Map<string, { ia: Interaction; events: number; closed: boolean }>()
      for (const e of session.events) {
        const found = checker.push(e)
        // Nothing adds findings to an interaction already handed over.
        for (const f of found) expect(ended.has(f.interaction as string), `${name} #${e.seq}`).toBe(false)
        for (const ia of checker.ended()) {
          expect(ended.has(ia.id), name).toBe(false)
          ended.set(ia.id, { ia, events: ia.events.length, closed: ia.closed })
        }
      }
      // Still open: what the report calls unclosed (in the report's order of interactions, not of findings).
      const order = report.interactions.map((ia) => ia.id)
      const unclosed = report.findings.filter((f) => f.rule === 'order/unclosed').sort((a, b) => order.indexOf(a.interaction as string) - order.indexOf(b.interaction as string))
      const remaining = checker.remaining()
      expect(remaining.map((r) => r.interaction.id), name).toEqual(unclosed.map((f) => f.interaction))
      expect(remaining.map((r) => r.unclosed), name).toEqual(unclosed)
      expect(new Set([...ended.keys(), ...unclosed.map((f) => f.interaction)]), name).toEqual(new Set(report.interactions.map((ia) => ia.id)))
      // Handed over complete: nothing pushed after changed it.
      for (const ia of report.interactions) {
        const e = ended.get(ia.id)
        if (e) expect({ events: e.events, closed: e.closed }, `${name} ${ia.id}`).toEqual({ events: ia.events.length, closed: ia.closed })
      }
    }
  })

  it('with the unclosed rule off, interactions still open at the end come without a finding', () => {
    const checker = createReleasingChecker({ severities: { 'order/unclosed': 'off' } })
    for (const e of endsOpen().events) checker.push(e)
    const remaining = checker.remaining()
    expect(remaining.length).toBeGreaterThan(1)
    expect(remaining.every((r) => r.unclosed === null)).toBe(true)
  })

  it('wraps a lifecycle at its steps on a narrow terminal: each continuation line starts with "->", no line is wider', () => {
    const a = analyzeSession(loadFixture('shipped-failed-retry'))
    const text = checkText('f', a, 60)
    const labelWidth = Math.max(...a.stories.map((s) => s.label.length))
    const pad = ' '.repeat(labelWidth + 4)
    expect(text).toContain(`\n${pad}-> `)
    const joined = text.replaceAll(`\n${pad}->`, ' ->')
    for (const st of a.stories) expect(joined).toContain(`  ${st.label.padEnd(labelWidth)}  ${lifecycleSteps(st).join(' -> ')}\n`)
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60)
  })

  it('the CLI prints what the whole-session analysis says, also with --min-severity and a narrow terminal', async () => {
    for (const [name, session] of sessions()) {
      const text = serializeSession(session)
      const whole = analyzeSession(session)
      for (const [args, columns, expected] of [
        [[], undefined, checkText('x.json', whole)],
        [[], 60, checkText('x.json', whole, 60)],
        [['--min-severity', 'warning'], undefined, undefined],
      ] as const) {
        let stdout = ''
        await main(['check', ...args, 'x.json'], { stdout: (s) => void (stdout += s), stderr: () => {}, readFile: async () => text, ...(columns ? { columns } : {}) })
        if (expected !== undefined) expect(stdout, `${name} ${columns}`).toBe(expected)
        else {
          // No info finding is printed, every warning and error is.
          const shown = whole.report.findings.filter((f) => f.severity !== 'info')
          expect(stdout.split('\n').filter((l) => /^ {4}(error|warning|info) /.test(l)).length, name).toBe(shown.length)
        }
      }
    }
  }, 60_000)
})
