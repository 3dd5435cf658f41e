// @vitest-environment node
// Node (vitest). Widgets in an iframe that is reloaded mid-interaction (demo ?iframe=1, as the QA
// tester did with the test kit): the frame's new document is a page load of that frame. What its
// earlier document left open was left by that page load, not open at the end of the capture, and
// the interactions of the new document count on with the page's (no second "Callback #1").
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import type { SessionEntry } from '../../../src/core/model.ts'
import { buildStories, lifecycleSteps } from '../../../src/core/story.ts'
import { loadFixture, renumber } from '../../support/fixtures.ts'

const FRAME = 'https://shop.example/frame.html'

/** The fixture's events and commands as published in the document `pageLoadId`, from `time` on. */
function doc(pageLoadId: string, time: number, keep: (e: SessionEntry) => boolean = () => true): SessionEntry[] {
  const s = loadFixture('documented-submitted') // 2 ready, 3 open, 4 opened, 5 started, 6 submitted, ..., 9 completed, 10 closed
  const t0 = s.events[0]!.time
  return s.events.filter((e) => e.kind !== 'marker' && keep(e)).map((e) => ({ ...e, pageLoadId, time: e.time - t0 + time, frameUrl: FRAME }))
}
const load = (pageLoadId: string, time: number, url: string, top: boolean): SessionEntry =>
  ({ seq: 0, kind: 'marker', marker: 'page-load', time, pageLoadId, data: { url, top } })

/** Top page t, frame document f1 (one interaction closed, the next opened and typed in), the frame reloaded (f2, one interaction). */
function frameReloaded(secondUrl = FRAME): SessionEntry[] {
  const T = 1_764_000_000_000
  return renumber([
    load('t', T, 'https://shop.example/?iframe=1', true),
    load('f1', T + 100, FRAME, false),
    ...doc('f1', T + 200),
    ...doc('f1', T + 20_000, (e) => e.seq >= 3 && e.seq <= 5),
    load('f2', T + 30_000, secondUrl, false),
    ...doc('f2', T + 30_100),
  ])
}

describe('an iframe reloaded mid-interaction', () => {
  it('the interaction it left open was left by a page load; labels stay unique', () => {
    const entries = frameReloaded()
    const report = check(entries)
    const reload = entries.find((e) => e.pageLoadId === 'f2')!.seq
    expect(report.interactions.map((i) => i.id)).toEqual(['Callback#1@f1', 'Callback#2@f1', 'Callback#3@f2'])
    const unclosed = report.findings.filter((f) => f.rule === 'order/unclosed')
    expect(unclosed.map((f) => f.message)).toEqual([`a page load (seq ${reload}) left Callback #2 open (last: started, no closed)`])
    const stories = buildStories(entries, report)
    expect(stories.map((s) => s.label)).toEqual(['Callback #1', 'Callback #2', 'Callback #3'])
    expect(stories[1]!.pageLeft).toBe(true)
    expect(stories[1]!.sentence).toMatch(/^Left open by a page load, /)
    expect(lifecycleSteps(stories[1]!).at(-1)).toBe('(page left)')
    expect(stories[2]!.sentence).toMatch(/^Completed, /)
  })

  it('a frame loading another URL (another frame, as far as the markers tell) leaves nothing: its interaction is open at the end', () => {
    const entries = frameReloaded('https://shop.example/other-frame.html')
    const report = check(entries)
    expect(report.findings.filter((f) => f.rule === 'order/unclosed').map((f) => f.message)).toEqual(['capture ends inside Callback #2 (last: started, no closed)'])
    expect(buildStories(entries, report)[1]!.sentence).toMatch(/^Open at the end of the capture/)
  })
})
