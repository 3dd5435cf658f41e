// @vitest-environment node
// Node (vitest). Interaction stories (src/core/story.ts): outcome, failures attributed with status,
// code and message, retries, minimize/restore, flags, elapsed, page, the sentence; on the shipped
// 9.x fixtures and on edited ones.
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import type { Session, SessionEntry } from '../../../src/core/model.ts'
import { buildStories, describeFailure, failureDetail, lifecycleSteps, readFailure } from '../../../src/core/story.ts'
import { data, ev, inFrame, loadFixture, renumber } from '../../support/fixtures.ts'

const storiesOf = (s: Session) => buildStories(s.events, check(s), { source: s.source })

/** A scheduleError like 9.0.018.07 publishes it (jqXHR-like). */
function scheduleError(after: SessionEntry, status: number, statusText: string, body?: object): SessionEntry {
  return {
    seq: after.seq, kind: 'event', time: after.time + 300, publisher: 'CallbackService', event: 'CallbackService.scheduleError', pageLoadId: after.pageLoadId,
    data: { readyState: status === 0 ? 0 : 4, status, statusText, responseText: body ? JSON.stringify(body) : '', ...(body ? { responseJSON: body } : {}) } as never,
  }
}


/**
 * What Pause around an event leaves in the capture: the event (and `count - 1` after it) replaced by the
 * paused marker the background stores on resume, `afterMs` later. Returns the marker's index (= its seq).
 */
function pauseAway(s: Session, event: string, count: number, afterMs: number): number {
  const at = s.events.findIndex((e) => e.kind === 'event' && e.event === event)
  const first = s.events[at]!
  s.events.splice(at, count, { seq: 0, kind: 'marker', marker: 'dropped', time: first.time + afterMs, pageLoadId: first.pageLoadId, data: { count, where: 'paused' } })
  renumber(s.events)
  return at
}
describe('interaction stories on the shipped 9.x behaviours', () => {
  it('failed submission then a successful retry', () => {
    const [st] = storiesOf(loadFixture('shipped-failed-retry'))
    expect(st!.summary).toMatchObject({
      outcome: 'completed', submits: 2, retries: 1, minimized: 0,
      failures: [{ seq: 7, status: 400, code: 7030, message: 'Callback parameter _customer_number is not a valid phone number' }],
      page: { number: 1, url: 'https://shop.example.test/contact', pageLoadId: 'p1' },
    })
    expect(st!.sentence).toBe('Completed after 1 failed submission (HTTP 400 Bad Request code 7030), 1 retry, 12.4 s')
    expect(lifecycleSteps(st!).join(' -> ')).toBe(
      'opened #3 +0 ms -> started #4 +801 ms -> submitted #5 +5.3 s -> scheduleError 400 #7 +5.7 s -> submitted #8 +10.3 s -> completed #10 +10.8 s -> closed #11 +12.4 s',
    )
  })

  it('failed submissions then cancel: not a user who changed their mind', () => {
    const s = loadFixture('shipped-failed-cancel')
    // A second submit that fails the same way (the user tried again, then gave up).
    const firstError = s.events.findIndex((e) => e.kind === 'event' && e.event === 'CallbackService.scheduleError')
    const submit = structuredClone(s.events.find((e) => e.kind === 'event' && e.event === 'Callback.submitted')!)
    const error = structuredClone(s.events[firstError]!)
    submit.time = error.time + 2000
    error.time = submit.time + 200
    s.events.splice(firstError + 1, 0, submit, error)
    renumber(s.events)
    const [st] = storiesOf(s)
    expect(st!.summary.outcome).toBe('cancelled')
    expect(st!.summary.submits).toBe(2)
    expect(st!.summary.retries).toBe(1)
    expect(st!.summary.failures.map((f) => [f.status, f.code, f.message])).toEqual([[500, null, 'Internal Server Error'], [500, null, 'Internal Server Error']])
    expect(st!.sentence).toMatch(/^Cancelled after 2 failed submissions \(HTTP 500\), 1 retry, /)
  })

  it('auto-submit: flags and elapsed from the last event, documented and shipped', () => {
    const [st] = storiesOf(loadFixture('shipped-auto-submit'))
    expect(st!.summary).toMatchObject({ outcome: 'completed', submits: 1, autoSubmitted: true, prefilled: true, proactive: false, elapsed: { documented: 583, shipped: 2170 } })
    expect(st!.sentence).toBe('Completed, auto-submitted, 2.2 s')
    expect(st!.steps[0]!.label).toBe('submitted')
  })

  it('two in a row with minimize and restore in the second', () => {
    const stories = storiesOf(loadFixture('shipped-two-in-a-row'))
    expect(stories.map((s) => [s.label, s.summary.outcome, s.summary.minimized, s.restored])).toEqual([
      ['Callback #1', 'cancelled', 0, 0],
      ['Callback #2', 'completed', 1, 1],
    ])
    expect(stories[1]!.minimizedSpans).toHaveLength(1)
    expect(stories[1]!.minimizedSpans[0]!.to).toBeGreaterThan(stories[1]!.minimizedSpans[0]!.from)
    expect(lifecycleSteps(stories[1]!)).toContain('minimized #8 +1.4 s')
    expect(stories[1]!.sentence).toBe('Completed, minimized 1×, 12.9 s')
    expect(stories[0]!.sentence).toBe('Cancelled without typing, 3.1 s')
  })

  it('documented scenarios read as such', () => {
    expect(storiesOf(loadFixture('documented-typed-cancel'))[0]!.sentence).toBe('Cancelled after typing, 9.0 s')
    const [done] = storiesOf(loadFixture('documented-submitted'))
    expect(done!.sentence).toBe('Completed, 6.1 s')
    expect(done!.summary.elapsed).toEqual({ documented: 3584, shipped: 6066 })
  })
})

describe('interaction stories: edges', () => {
  it('closed without an outcome, and open at the end of the capture', () => {
    const s = loadFixture('documented-typed-cancel')
    const noOutcome = { ...s, events: s.events.filter((e) => !(e.kind === 'event' && e.event === 'Callback.cancelled')) }
    expect(storiesOf(noOutcome)[0]!.summary.outcome).toBe('no-outcome')
    expect(storiesOf(noOutcome)[0]!.sentence).toMatch(/^Closed without completed or cancelled/)
    const open = { ...s, events: s.events.filter((e) => !(e.kind === 'event' && /cancelled|closed/.test(e.event))) }
    const [st] = storiesOf(open)
    expect(st!.summary.outcome).toBe('open')
    expect(st!.sentence).toMatch(/^Open at the end of the capture/)
    expect(lifecycleSteps(st!).at(-1)).toBe('(not closed)')
  })

  it('an outcome not captured because of Pause is read from closed, and the pause marker is cited', () => {
    const s = loadFixture('documented-submitted')
    // Paused around `completed`: the capture has the paused marker (stored on resume) instead.
    const at = pauseAway(s, 'Callback.completed', 1, 50)
    const [st] = storiesOf(s)
    expect(st!.summary.outcome).toBe('completed')
    expect(st!.gap).toEqual({ seq: at, why: 'paused', outcome: 'completed', end: null })
    expect(st!.sentence).toMatch(new RegExp(`^Completed \\(completed not captured: paused at #${at}\\)`))
    expect(st!.sentence).not.toMatch(/without completed/)
  })

  it('an interaction whose start was cleared away keeps the gap; closed without an outcome in its metadata says it is unknown', () => {
    const s = loadFixture('documented-typed-cancel')
    const cancelled = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.cancelled')
    const closed = s.events[cancelled + 1]!
    expect(closed.kind === 'event' && closed.event).toBe('Callback.closed')
    // Clear after `cancelled`: the capture begins with the cleared marker, then `closed` only.
    const cleared: SessionEntry = { seq: 0, kind: 'marker', marker: 'dropped', time: closed.time - 10, pageLoadId: closed.pageLoadId, data: { count: cancelled + 1, where: 'cleared' } }
    const after = { ...s, events: renumber([cleared, structuredClone(closed)]) }
    const [st] = storiesOf(after)
    expect(st!.summary.outcome).toBe('cancelled') // closed's metadata has the cancelled timestamp
    // Its opened fell into the gap too; the duration is the page's own closed - opened (8 971 ms), not closed alone's 0 ms.
    expect(st!.sentence).toBe('Cancelled (opened and cancelled not captured: cleared at #0), 9.0 s')
    expect(lifecycleSteps(st!)).toEqual(['(opened not captured)', 'closed #1 +0 ms'])
    // The same with metadata that names no outcome: unknown, not "without completed or cancelled".
    const bare = structuredClone(after)
    const d = (bare.events[1] as SessionEntry & { data: Record<string, unknown> }).data
    d.cancelled = false
    d.completed = false
    const [st2] = storiesOf(bare)
    expect(st2!.summary.outcome).toBe('no-outcome')
    expect(st2!.sentence).toMatch(/^Closed, outcome unknown \(events cleared at #0\)/)
  })

  it('a store-full marker written after the survivors is the gap of the first one that survived (the test kit with maxEntries)', () => {
    // The store kept only `closed` of this interaction and then the next one; the marker of what it
    // evicted comes after all of them, its floor says where they were.
    const s = loadFixture('shipped-two-in-a-row')
    const firstClosed = s.events.find((e) => e.kind === 'event' && e.event === 'Callback.closed')!
    const kept = s.events.filter((e) => e.kind === 'marker' || (e.kind === 'event' && e.event === 'Callback.ready') || e.seq >= firstClosed.seq)
    const last = s.events.at(-1)!
    const marker: SessionEntry = { seq: last.seq + 1, kind: 'marker', marker: 'dropped', time: last.time, pageLoadId: last.pageLoadId, data: { count: 3, where: 'background', plugin: 'Callback', floors: [firstClosed.seq, last.seq + 1, 0] } }
    const lost = { ...s, events: [...kept, marker] }
    const [st, next] = storiesOf(lost)
    expect(st!.summary.outcome).toBe('cancelled') // closed's metadata has the cancelled timestamp
    expect(st!.sentence).toMatch(new RegExp(`^Cancelled \\(opened and cancelled not captured: lost at #${marker.seq}\\)`))
    expect(next!.sentence).not.toMatch(/not captured/)
    // Metadata that names no outcome: unknown, not "without completed or cancelled".
    const bare = structuredClone(lost)
    const d = (bare.events.find((e) => e.seq === firstClosed.seq) as SessionEntry & { data: Record<string, unknown> }).data
    d.cancelled = false
    d.completed = false
    expect(storiesOf(bare)[0]!.sentence).toMatch(new RegExp(`^Closed, outcome unknown \\(events lost at #${marker.seq}\\)`))
  })

  it('an interaction whose opened was paused away says so and takes its duration from the metadata', () => {
    const s = loadFixture('documented-typed-cancel')
    // Pause, open, Record: the paused marker (stored on resume) stands where opened was.
    const at = pauseAway(s, 'Callback.opened', 1, 400)
    const [st] = storiesOf(s)
    expect(st!.summary.outcome).toBe('cancelled')
    // closed - opened of the page's metadata: 1764000009871 - 1764000000900, not started -> closed's 7.6 s.
    expect(st!.sentence).toBe(`Cancelled (opened not captured: paused at #${at}) after typing, 9.0 s`)
    expect(st!.duration).toBe(8971)
    expect(lifecycleSteps(st!)[0]).toBe('(opened not captured)')
    // Metadata without an opened timestamp: no duration rather than one from the first captured event.
    for (const e of s.events) if (e.kind === 'event' && e.data && typeof e.data === 'object') delete (e.data as Record<string, unknown>).opened
    expect(storiesOf(s)[0]!.sentence).toBe(`Cancelled (opened not captured: paused at #${at}) after typing`)
  })

  it('an end paused away (outcome and closed) is said, before a new interaction or at the end of the capture', () => {
    const s = loadFixture('shipped-two-in-a-row')
    // Pause, close the widget (cancelled, closed), Record, open again.
    const at = pauseAway(s, 'Callback.cancelled', 2, 900)
    const [first, second] = storiesOf(s)
    expect(first!.summary.outcome).toBe('no-outcome')
    expect(first!.gap?.end).toEqual({ seq: at, why: 'paused' })
    expect(first!.sentence).toBe(`End not captured (paused at #${at}), outcome unknown`)
    expect(lifecycleSteps(first!).at(-1)).toBe('(end not captured)')
    expect(second!.gap).toBeNull()
    expect(second!.sentence).toMatch(/^Completed/)
    // Without the second interaction: not "Open at the end of the capture" either.
    const alone = { ...s, events: s.events.slice(0, at + 1) }
    const [st] = storiesOf(alone)
    expect(st!.summary.outcome).toBe('open')
    expect(st!.sentence).toBe(`End not captured (paused at #${at}), outcome unknown`)
    // A gap with a step after it is not the end: still open at the end of the capture.
    const later = structuredClone(s.events.find((e) => e.kind === 'event' && e.event === 'Callback.minimized')!) // the second's, now the first's
    const mid = renumber([...structuredClone(alone.events), later])
    const [st2] = storiesOf({ ...s, events: mid })
    expect(st2!.gap).toMatchObject({ seq: at, end: null })
    expect(st2!.sentence).toMatch(/^Open at the end of the capture, minimized 1× \(restored 0×\)/)
  })

  it('an interaction left open by a reload says so; the next page numbers its interactions anew', () => {
    const s = loadFixture('documented-typed-cancel')
    const cut = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.cancelled')
    const tail = s.events.slice(0, cut).map((e) => ({ ...structuredClone(e), pageLoadId: 'p2', time: e.time + 60_000 }))
    s.events = [...s.events.slice(0, cut), ...tail]
    renumber(s.events)
    const stories = storiesOf(s)
    expect(stories.map((x) => [x.label, x.summary.outcome, x.pageLeft])).toEqual([
      ['Callback #1 · page 1', 'open', true],
      ['Callback #1 · page 2', 'open', false],
    ])
    expect(stories[0]!.sentence).toMatch(/^Left open by a page load, .* until its last event$/) // not read as the time the page load came
    expect(stories[1]!.summary.page.number).toBe(2)
  })

  it('both outcomes in one interaction are told as such, never as a plain success', () => {
    const s = loadFixture('documented-submitted')
    const completed = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.completed')
    const cancelled = { ...structuredClone(s.events[completed]!), event: 'Callback.cancelled', time: s.events[completed]!.time + 1 } as SessionEntry
    s.events.splice(completed + 1, 0, cancelled)
    const [st] = storiesOf({ ...s, events: renumber(s.events) })
    expect(st!.summary.outcome).toBe('completed')
    expect(st!.sentence).toMatch(/^Completed and cancelled \(two outcomes\)/)
  })

  it('a new opened without closed ends the previous one without outcome', () => {
    const s = loadFixture('shipped-two-in-a-row')
    s.events = s.events.filter((e) => !(e.kind === 'event' && (e.event === 'Callback.closed' || e.event === 'Callback.cancelled') && e.seq < 7))
    const stories = storiesOf(renumber(s.events) && s)
    expect(stories[0]!.summary.outcome).toBe('no-outcome')
    expect(stories[0]!.superseded).toBe(true)
    expect(stories[0]!.sentence).toMatch(/a new one opened/)
  })

  it('a service failure while no interaction is open is attributed to none; one of another page load neither', () => {
    const s = loadFixture('documented-submitted')
    const closed = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.closed')
    s.events.push(scheduleError(s.events[closed]!, 500, 'Internal Server Error', { message: 'x' }))
    const submitted = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.submitted')
    s.events.splice(submitted + 1, 0, { ...scheduleError(s.events[submitted]!, 500, 'Internal Server Error'), pageLoadId: 'other' })
    renumber(s.events)
    const [st] = storiesOf(s)
    expect(st!.summary.failures).toEqual([])
    expect(st!.summary.outcome).toBe('completed')
  })

  it('hostile or odd failure payloads give nulls, never an exception', () => {
    const base = { seq: 1, time: 5, kind: 'event' as const, publisher: 'CallbackService', event: 'CallbackService.scheduleError' }
    expect(readFailure({ ...base, data: 'oops' })).toMatchObject({ status: null, code: null, message: null, statusText: null })
    expect(readFailure({ ...base, data: { status: '500', responseJSON: [1] } })).toMatchObject({ status: null, code: null, message: null })
    expect(readFailure({ ...base, data: { status: 0, statusText: 'error', readyState: 0 } })).toMatchObject({ status: 0, statusText: 'error' })
    expect(describeFailure(readFailure({ ...base, data: { status: 0, statusText: 'error' } }))).toBe('network error')
    expect(describeFailure(readFailure({ ...base, data: { status: 429, statusText: 'Too Many Requests' } }))).toBe('HTTP 429 Too Many Requests')
    expect(describeFailure(readFailure({ ...base, data: { status: 429, statusText: 'Too Many Requests' } }), true)).toBe('HTTP 429')
    expect(describeFailure(readFailure({ ...base, data: {} }))).toBe('failed request')
    // The message is added only when it says more than the status text.
    expect(failureDetail(readFailure({ ...base, data: { status: 500, statusText: 'Internal Server Error', responseJSON: { message: 'Internal Server Error' } } }))).toBe('HTTP 500 Internal Server Error')
    expect(failureDetail(readFailure({ ...base, data: { status: 400, statusText: 'Bad Request', responseJSON: { code: 7030, message: 'bad phone' } } }))).toBe('HTTP 400 Bad Request code 7030: bad phone')
  })

  it('the summary is plain JSON (the --json output) and the elapsed agrees with the checker', () => {
    const s = loadFixture('documented-submitted')
    const [st] = storiesOf(s)
    expect(JSON.parse(JSON.stringify(st!.summary))).toEqual(st!.summary)
    // completed 5189 − started 1605 in the SPEC's example: the documented value the checker names too.
    const f = check(s).findings.find((x) => x.rule === 'meta/elapsed-definition')!
    expect((f.expected as { documented: number }).documented).toBe(st!.summary.elapsed.documented)
    expect(data(s, 10).elapsed).toBe(st!.summary.elapsed.shipped)
    expect(ev(s, 10).event).toBe('Callback.closed')
  })

  it('an interaction in a frame: its page is the top-level page (number and URL), the frame URL apart', () => {
    const frame = 'https://widgets.example.test/frame.html'
    const [st] = storiesOf(inFrame(loadFixture('documented-submitted'), frame))
    expect(st!.summary.page).toEqual({ number: 1, url: 'https://shop.example.test/contact', pageLoadId: 'f1', frameUrl: frame })
    // In the page itself: no frame.
    expect(storiesOf(loadFixture('documented-submitted'))[0]!.summary.page.frameUrl).toBeNull()
  })

  it('a timestamp the checker cannot use (seconds) counts as not set in the elapsed, as in the checker', () => {
    // closed in seconds: the shipped value runs to the publish time, as the checker's does (not closed - opened < 0).
    const s = loadFixture('faulty-seconds-no-terminal')
    expect(ev(s, 5).time - (data(s, 5).opened as number)).toBe(8975)
    expect(storiesOf(s)[0]!.summary.elapsed).toEqual({ documented: null, shipped: 8975 })
    expect(check(s).findings.filter((f) => f.rule === 'meta/elapsed')).toEqual([])
    // Every timestamp in seconds (the demo's ?seconds=1): neither value applies.
    for (const e of s.events) {
      if (e.kind !== 'event') continue
      const d = e.data as Record<string, unknown>
      for (const k of ['opened', 'started', 'closed']) if (typeof d[k] === 'number') d[k] = Math.floor((d[k] as number) / 1000)
    }
    expect(storiesOf(s)[0]!.summary.elapsed).toEqual({ documented: null, shipped: null })
  })
})
