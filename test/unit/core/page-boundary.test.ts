// @vitest-environment node
// Node (vitest). One page boundary for the checker, the stories, the labels, the numbering and the
// coverage (src/core/pages.ts PageLoads). Without pageLoadIds a top-level `page-load` marker is the
// boundary: what it leaves open is a page left, numbering starts again on the new page, and "in a
// row" pairs only interactions of one page, as with pageLoadIds. A frame's reload is no new page:
// its interactions count on with the page's and follow its closed ones "in a row".
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import { computeCoverage, type Coverage } from '../../../src/core/coverage.ts'
import type { SessionEntry } from '../../../src/core/model.ts'
import { buildStories, lifecycleSteps, type InteractionStory } from '../../../src/core/story.ts'
import { createStreamedCheck } from '../../../src/report/analyze.ts'
import { columnTexts } from '../../../devtools/panel/lib/columns.ts'
import { interactionLabelOf, viewOfSession } from '../../../devtools/panel/state/view.ts'
import { loadFixture, renumber } from '../../support/fixtures.ts'
import { faultySession } from '../../support/faults.ts'
import { generateSession } from '../../support/generate.ts'

const T = 1_764_000_000_000
const FRAME = 'https://shop.example/frame.html'

/** The fixture's events and commands (2 ready, 3 open, 4 opened, 5 started, ..., 10 closed) in document `pageLoadId` (none: undefined), from `time` on. */
function doc(pageLoadId: string | undefined, time: number, keep: (e: SessionEntry) => boolean = () => true, frameUrl?: string): SessionEntry[] {
  const s = loadFixture('documented-submitted')
  const t0 = s.events[0]!.time
  return s.events.filter((e) => e.kind !== 'marker' && keep(e)).map((e) => {
    const { pageLoadId: _, ...rest } = e
    return { ...rest, time: e.time - t0 + time, ...(pageLoadId === undefined ? {} : { pageLoadId }), ...(frameUrl ? { frameUrl } : {}) } as SessionEntry
  })
}
const load = (pageLoadId: string | undefined, time: number, url: string, top: boolean): SessionEntry =>
  ({ seq: 0, kind: 'marker', marker: 'page-load', time, ...(pageLoadId === undefined ? {} : { pageLoadId }), data: { url, top } }) as SessionEntry

/** Page 1: one interaction opened and typed in, left open by a reload; page 2: two complete ones. */
function reloaded(ids: boolean): SessionEntry[] {
  const [a, b] = ids ? ['p1', 'p2'] : [undefined, undefined]
  return renumber([
    load(a, T, 'https://shop.example/', true),
    ...doc(a, T + 200, (e) => e.seq <= 5),
    load(b, T + 30_000, 'https://shop.example/', true),
    ...doc(b, T + 30_100),
    ...doc(b, T + 60_100, (e) => e.seq >= 3),
  ])
}

const covered = (c: Coverage): Record<string, string[]> => Object.fromEntries(c.items.filter((i) => i.status === 'covered').map((i) => [i.id, i.interactions]))

/** Stories and coverage as the panel and the report make them, and as the CLI streams them. */
function analyses(entries: SessionEntry[]) {
  const stories = buildStories(entries, check(entries))
  const streamedCheck = createStreamedCheck({}, (story: InteractionStory) => story)
  for (const e of entries) streamedCheck.push(e)
  const streamed = streamedCheck.finish({ format: 'cxbus-devtools/session', version: 1 })
  return [
    { stories, labels: stories.map((s) => s.label), coverage: computeCoverage(entries, stories) },
    { stories: streamed.interactions, labels: streamed.labels, coverage: streamed.coverage },
  ]
}

/** What people read of a session, interaction ids replaced by their labels (ids differ with and without pageLoadIds). */
function told(entries: SessionEntry[]) {
  return analyses(entries).map(({ stories, labels, coverage }) => {
    const labelOf = new Map(stories.map((s, i) => [s.id, labels[i]]))
    return {
      stories: stories.map((s, i) => ({ label: labels[i], sentence: s.sentence, steps: lifecycleSteps(s), page: s.summary.page.number, pageLeft: s.pageLeft })),
      coverage: Object.fromEntries(Object.entries(covered(coverage)).map(([id, list]) => [id, list.map((x) => labelOf.get(x))])),
    }
  })
}

describe('a capture without pageLoadIds: the top-level page-load markers are the boundary', () => {
  it('an interaction left open by a reload is a page left; each page numbers its own interactions', () => {
    const entries = reloaded(false)
    const reload = entries.findLastIndex((e) => e.kind === 'marker')
    expect(check(entries).findings.filter((f) => f.rule === 'order/unclosed').map((f) => f.message))
      .toEqual([`a page load (seq ${reload}) left Callback #1 open (last: started, no closed)`])
    for (const a of told(entries)) {
      expect(a.stories).toEqual([
        { label: 'Callback #1 · page 1', sentence: 'Left open by a page load, 846 ms until its last event', steps: ['opened #3 +0 ms', 'started #4 +846 ms', '(page left)'], page: 1, pageLeft: true },
        expect.objectContaining({ label: 'Callback #1 · page 2', sentence: 'Completed, 6.1 s', page: 2, pageLeft: false }),
        expect.objectContaining({ label: 'Callback #2 · page 2', sentence: 'Completed, 6.1 s', page: 2, pageLeft: false }),
      ])
      // In a row: the two of page 2 only, not page 1's with page 2's first.
      expect(a.coverage).toEqual({
        'Callback/submitted': ['Callback #1 · page 2', 'Callback #2 · page 2'],
        'Callback/in-a-row': ['Callback #1 · page 2', 'Callback #2 · page 2'],
        'Callback/page-left': ['Callback #1 · page 1'],
      })
    }
  })

  it('the panel\'s list labels them as the stories do', () => {
    const entries = reloaded(false)
    const report = check(entries)
    const view = viewOfSession(entries, report)
    expect(report.interactions.map((i) => interactionLabelOf(view, i.events[0]!.seq))).toEqual(['Callback #1 · page 1', 'Callback #1 · page 2', 'Callback #2 · page 2'])
    expect(columnTexts(view).inter).toEqual(['Callback #1 · page 1'])
  })

  it('ids stay unique and name the page from the second page of a plugin on', () => {
    const report = check(reloaded(false))
    expect(report.interactions.map((i) => [i.id, i.index, i.page])).toEqual([['Callback#1', 1, 1], ['Callback#1@page2', 1, 2], ['Callback#2@page2', 2, 2]])
  })

  it('tells the same as the capture with pageLoadIds', () => {
    expect(told(reloaded(false))).toEqual(told(reloaded(true)))
  })

  it('a closed interaction on one page and one on the next are not "in a row"', () => {
    for (const ids of [false, true]) {
      const [a, b] = ids ? ['p1', 'p2'] : [undefined, undefined]
      const entries = renumber([load(a, T, 'https://shop.example/', true), ...doc(a, T + 200), load(b, T + 30_000, 'https://shop.example/', true), ...doc(b, T + 30_100)])
      for (const x of analyses(entries)) expect(covered(x.coverage)['Callback/in-a-row'], `pageLoadIds: ${ids}`).toBeUndefined()
    }
  })

  it('a generated capture of six pages tells the same with and without pageLoadIds', () => {
    const session = (noPageLoadId: boolean) => generateSession({ seed: 5, interactions: 3, pageLoads: 6, noPageLoadId, plugins: ['Callback', 'SendMessage'] }).events
    const without = told(session(true))
    expect(without[0]!.stories.some((s) => s.label?.endsWith(' · page 6'))).toBe(true)
    expect(without).toEqual(told(session(false)))
  })
})

describe('the checker and the stories read one boundary', () => {
  it('a story is a page left exactly where order/unclosed says a page load left it open', () => {
    const noIds = (entries: SessionEntry[]): SessionEntry[] => entries.map(({ pageLoadId: _, ...e }) => e as SessionEntry)
    const sessions = [reloaded(false), reloaded(true), faultySession(1).events, noIds(faultySession(2).events)]
    for (const [i, entries] of sessions.entries()) {
      const report = check(entries)
      const left = new Set(report.findings.filter((f) => f.rule === 'order/unclosed' && f.message.startsWith('a page load')).map((f) => f.interaction))
      expect(left.size, `session ${i}`).toBeGreaterThan(0)
      const stories = buildStories(entries, report)
      expect(stories.filter((s) => s.pageLeft).map((s) => s.id), `session ${i}`).toEqual(stories.filter((s) => left.has(s.id)).map((s) => s.id))
    }
  })
})

describe('a frame reloaded between two interactions of one page', () => {
  /** Two top pages; on the second, the widget's frame document f1 has a closed interaction, its reload f2 the next one. */
  function frameReloaded(): SessionEntry[] {
    return renumber([
      load('t1', T, 'https://shop.example/', true),
      load('t2', T + 10_000, 'https://shop.example/?iframe=1', true),
      load('f1', T + 10_100, FRAME, false),
      ...doc('f1', T + 10_200, () => true, FRAME),
      load('f2', T + 30_000, FRAME, false),
      ...doc('f2', T + 30_100, () => true, FRAME),
    ])
  }

  it('the second follows the first "in a row", on the page their labels name', () => {
    for (const a of analyses(frameReloaded())) {
      expect(a.labels).toEqual(['Callback #1 · page 2', 'Callback #2 · page 2'])
      expect(a.stories.map((s) => s.summary.page.number)).toEqual([2, 2])
      expect(covered(a.coverage)['Callback/in-a-row']).toEqual(['Callback#1@f1', 'Callback#2@f2'])
    }
  })
})

describe('a page whose page-load marker is not in the capture (Clear took it)', () => {
  it('is page 1 and the next page loads are 2 and 3: no two interactions share a label, in the stories and the panel', () => {
    const cleared = { seq: 0, kind: 'marker', marker: 'dropped', time: T, pageLoadId: 'p1', data: { count: 40, where: 'cleared' } } as SessionEntry
    const events = renumber([
      cleared,
      ...doc('p1', T + 100),
      load('p2', T + 30_000, 'https://shop.example/b', true),
      ...doc('p2', T + 30_100),
      load('p3', T + 60_000, 'https://shop.example/c', true),
      ...doc('p3', T + 60_100),
    ])
    const report = check(events)
    const labels = buildStories(events, report).map((st) => st.label)
    expect(labels).toEqual(['Callback #1 · page 1', 'Callback #1 · page 2', 'Callback #1 · page 3'])
    expect(report.interactions.map((ia) => ia.page)).toEqual([1, 2, 3])
    const view = viewOfSession(events, report)
    expect(report.interactions.map((i) => interactionLabelOf(view, i.events[0]!.seq))).toEqual(labels)
  })

  it('also with no marker at all for it (the capture began after it loaded): the panel counts it from its entries, as the checker does', () => {
    const events = renumber([...doc('p1', T + 100), load('p2', T + 30_000, 'https://shop.example/b', true), ...doc('p2', T + 30_100)])
    const report = check(events)
    const labels = buildStories(events, report).map((st) => st.label)
    expect(labels).toEqual(['Callback #1 · page 1', 'Callback #1 · page 2'])
    const view = viewOfSession(events, report)
    expect(report.interactions.map((i) => interactionLabelOf(view, i.events[0]!.seq))).toEqual(labels)
  })
})
