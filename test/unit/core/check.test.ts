// @vitest-environment node
// Node (vitest). The checker as a whole: fixtures of the documented scenarios and shipped 9.x
// behaviours give no error, segmentation into interactions, report order, incremental = batch.
import { describe, expect, it } from 'vitest'
import { check, compareFindings, createChecker } from '../../../src/core/check.ts'
import type { Session, SessionEntry } from '../../../src/core/model.ts'
import { faultySession } from '../../support/faults.ts'
import { generateSession } from '../../support/generate.ts'
import { data, ev, fixtureNames, loadFixture, renumber } from '../../support/fixtures.ts'

const notInfo = (s: Session | SessionEntry[]) => check(s).findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}@${f.seq.join(',')}`)

describe('fixtures', () => {
  it('has the documented, shipped and faulty sets', () => {
    expect(fixtureNames()).toEqual([
      'documented-close-untouched', 'documented-submitted', 'documented-typed-cancel',
      'faulty-completed-without-submit', 'faulty-seconds-no-terminal',
      'shipped-auto-submit', 'shipped-failed-cancel', 'shipped-failed-retry', 'shipped-two-in-a-row',
    ])
  })
  it.each([
    ['documented-close-untouched', []],
    ['documented-typed-cancel', []],
    ['documented-submitted', []],
    ['shipped-auto-submit', ['meta/elapsed-absolute@4']],
    ['shipped-failed-retry', []],
    ['shipped-failed-cancel', []],
    ['shipped-two-in-a-row', []],
  ])('%s: no error, only the expected warnings', (name, expected) => {
    expect(notInfo(loadFixture(name))).toEqual(expected)
  })
  it('documented-submitted follows the SPEC example: shipped elapsed on every event after opened', () => {
    const r = check(loadFixture('documented-submitted'))
    expect(r.interactions).toEqual([{
      id: 'Callback#1@p1', plugin: 'Callback', index: 1, page: 1, pageLoadId: 'p1', closed: true,
      events: [4, 5, 6, 9, 10].map((seq) => ({ seq, event: expect.stringMatching(/^Callback\./), time: expect.any(Number) })),
    }])
    expect(Object.fromEntries(Object.entries(r.events).map(([k, v]) => [k, v.elapsed]))).toEqual({ 4: 'both', 5: 'shipped', 6: 'shipped', 9: 'shipped', 10: 'shipped' })
    // one note per interaction, where both definitions have a value (SPEC §3: 4432 shipped, 3584 documented)
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'meta/elapsed-definition', seq: [9], expected: { documented: 3584, shipped: 4433 }, actual: 4432 })])
  })
  it('faulty fixtures give their errors', () => {
    expect(notInfo(loadFixture('faulty-completed-without-submit'))).toEqual(['order/transition@4,5'])
    expect(notInfo(loadFixture('faulty-seconds-no-terminal'))).toEqual(['meta/timestamp-unit@5', 'order/no-terminal@3,5'])
  })
})

describe('segmentation', () => {
  it('interactions in a row get their own ids and fresh state', () => {
    const r = check(loadFixture('shipped-two-in-a-row'))
    expect(r.interactions.map((i) => [i.id, i.index, i.events.map((e) => e.event.split('.')[1])])).toEqual([
      ['Callback#1@p1', 1, ['opened', 'cancelled', 'closed']],
      ['Callback#2@p1', 2, ['opened', 'started', 'submitted', 'completed', 'closed']], // minimized/unminimized are not steps
    ])
    expect(r.events[8]).toBeUndefined() // minimized
  })
  it('auto-submit before opened belongs to the interaction opened continues', () => {
    const r = check(loadFixture('shipped-auto-submit'))
    expect(r.interactions).toHaveLength(1)
    expect(r.interactions[0]!.events.map((e) => e.seq)).toEqual([4, 5, 6, 9, 10])
  })
  it('several plugins interleaved and several page loads: each (pageLoadId, plugin) is its own stream', () => {
    const s = generateSession({ seed: 7, interactions: 3, plugins: ['Callback', 'SendMessage'], pageLoads: 2 })
    const r = check(s)
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(r.interactions.map((i) => i.id).sort()).toEqual([
      'Callback#1@p1', 'Callback#1@p2', 'Callback#2@p1', 'Callback#2@p2', 'Callback#3@p1', 'Callback#3@p2',
      'SendMessage#1@p1', 'SendMessage#1@p2', 'SendMessage#2@p1', 'SendMessage#2@p2', 'SendMessage#3@p1', 'SendMessage#3@p2',
    ])
    // really interleaved: some SendMessage event lies between two events of one Callback interaction
    const overlaps = r.interactions.filter((i) => i.plugin === 'Callback').some((i) => {
      const [first, last] = [i.events[0]!.seq, i.events.at(-1)!.seq]
      return s.events.some((e) => e.seq > first && e.seq < last && e.kind === 'event' && e.publisher === 'SendMessage')
    })
    expect(overlaps).toBe(true)
  })
  it('without pageLoadId, a page-load marker resets plugin state (ready needed again, open interaction left unclosed)', () => {
    const s = generateSession({ seed: 3, interactions: 2, pageLoads: 2, noPageLoadId: true, scenarios: ['complete'] })
    expect(check(s).findings.filter((f) => f.severity !== 'info')).toEqual([])
    // cut the first page load inside its last interaction: the second page starts clean
    const secondPage = s.events.findLastIndex((e) => e.kind === 'marker' && e.marker === 'page-load')
    const lastClosed = s.events.slice(0, secondPage).findLastIndex((e) => e.kind === 'event' && e.event === 'Callback.closed')
    s.events.splice(lastClosed, 1)
    const r = check(renumber(s.events))
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([])
    expect(r.findings.filter((f) => f.rule === 'order/unclosed').map((f) => f.interaction)).toEqual(['Callback#2'])
    // Numbered per page, as with pageLoadIds: the second page's ids name it (unique, stable).
    expect(r.interactions.map((i) => i.id)).toEqual(['Callback#1', 'Callback#2', 'Callback#1@page2', 'Callback#2@page2'])
    expect(r.interactions.map((i) => i.page)).toEqual([1, 1, 2, 2])
  })
  it('other publishers, commands and markers pass through without findings', () => {
    const entries: SessionEntry[] = [
      { seq: 0, kind: 'marker', time: 1, marker: 'dropped', data: { count: 3 } },
      { seq: 1, kind: 'command', time: 2, command: 'Callback.open', data: 'nonsense' },
      { seq: 2, kind: 'event', time: 3, publisher: 'WebChat', event: 'WebChat.opened', data: 'nonsense' },
      { seq: 3, kind: 'event', time: 4, publisher: 'CallbackService', event: 'CallbackService.scheduleError', data: { status: 400 } },
      { seq: 4, kind: 'event', time: 5, publisher: 'Callback', event: 'Callback.minimized', data: {} },
    ]
    const r = check(entries)
    expect(r).toEqual({ interactions: [], findings: [], events: [] })
  })
  it('the same profile rules apply to SendMessage', () => {
    const s = loadFixture('faulty-completed-without-submit')
    for (const e of s.events) if (e.kind === 'event' && e.publisher === 'Callback') {
      e.publisher = 'SendMessage'
      e.event = e.event.replace('Callback.', 'SendMessage.')
    }
    expect(notInfo(s)).toEqual(['order/transition@4,5'])
    expect(check(s).interactions[0]!.id).toBe('SendMessage#1@p1')
  })
})

describe('report', () => {
  it('sorts findings by last seq, then rule', () => {
    const s = loadFixture('documented-submitted')
    data(s, 6).form = {}
    data(s, 6).elapsed = 1
    ev(s, 6).time += 6000
    const r = check(s)
    const sorted = [...r.findings].sort(compareFindings)
    expect(r.findings).toEqual(sorted)
    expect(r.findings.filter((f) => f.seq.at(-1) === 6).map((f) => f.rule)).toEqual(['meta/elapsed', 'meta/form-empty'])
  })

  it('names interactions in messages as people read them ("Callback #2"), never by their raw id', () => {
    const messages = [1, 2, 3].flatMap((seed) => check(faultySession(seed)).findings).map((f) => `${f.rule}: ${f.message}`)
    const naming = messages.filter((m) => /#\d/.test(m))
    // the rules whose messages name an interaction all occur in these sessions
    for (const rule of ['order/duplicate', 'meta/flags', 'meta/premature', 'meta/stale']) expect(naming.some((m) => m.startsWith(rule)), rule).toBe(true)
    expect(naming.filter((m) => /#\d+@|[A-Za-z]#\d/.test(m))).toEqual([])
  })
})

describe('incremental checker', () => {
  const sessions = [
    ...fixtureNames().map(loadFixture),
    generateSession({ seed: 11, interactions: 4, plugins: ['Callback', 'SendMessage'], pageLoads: 2 }),
  ]
  it('report() after each push equals check() of that prefix, and pushed findings are definite', () => {
    for (const s of sessions) {
      const checker = createChecker()
      const pushed = []
      const final = check(s)
      for (let k = 0; k < s.events.length; k++) {
        pushed.push(...checker.push(s.events[k]!))
        const prefix = check(s.events.slice(0, k + 1))
        expect(checker.report()).toEqual(prefix)
        expect(checker.counts()).toEqual({
          error: prefix.findings.filter((f) => f.severity === 'error').length,
          warning: prefix.findings.filter((f) => f.severity === 'warning').length,
          info: prefix.findings.filter((f) => f.severity === 'info').length,
        })
      }
      for (const f of pushed) expect(final.findings).toContainEqual(f)
    }
  })
  it('reset() starts over', () => {
    const s = loadFixture('shipped-two-in-a-row')
    const checker = createChecker()
    for (const e of s.events) checker.push(e)
    checker.reset()
    expect(checker.report()).toEqual({ interactions: [], findings: [], events: [] })
    for (const e of s.events) checker.push(e)
    expect(checker.report()).toEqual(check(s))
  })
  it('a report is a snapshot: later pushes do not change it', () => {
    const s = loadFixture('documented-submitted')
    const checker = createChecker()
    for (const e of s.events.slice(0, 6)) checker.push(e)
    const before = checker.report()
    const copy = structuredClone(before)
    for (const e of s.events.slice(6)) checker.push(e)
    expect(before).toEqual(copy)
  })
})

describe('profiles as data', () => {
  it('a new plugin profile (ClickToCall-like: expired outcome, no elapsed/errors/form) needs no rule code', async () => {
    const { CALLBACK } = await import('../../../src/core/lifecycle/profiles.ts')
    const CLICK_TO_CALL = {
      ...CALLBACK,
      plugin: 'ClickToCall',
      steps: ['opened', 'completed', 'cancelled', 'expired', 'closed'],
      terminals: ['completed', 'cancelled', 'expired'],
      repeatable: [],
      transitions: { '': ['opened'], opened: ['completed', 'cancelled', 'expired', 'closed'], completed: ['closed'], cancelled: ['closed'], expired: ['closed'] },
      requires: {},
      earlyStart: undefined,
      fields: { proactive: 'boolean', opened: 'timestamp', completed: 'timestamp', cancelled: 'timestamp', expired: 'timestamp', closed: 'timestamp' },
      chronology: [['opened'], ['completed', 'cancelled', 'expired'], ['closed']],
      stableFlags: ['proactive'],
      elapsed: undefined,
      formOn: [],
    } as const
    const T = 1764000000000
    const m = (o: object) => ({ proactive: false, opened: false, completed: false, cancelled: false, expired: false, closed: false, ...o })
    const e = (seq: number, step: string, data: object): SessionEntry => ({ seq, kind: 'event', time: T + seq * 1000, publisher: 'ClickToCall', event: `ClickToCall.${step}`, data: data as never })
    const good = [e(0, 'ready', {}), e(1, 'opened', m({ opened: T + 1000 })), e(2, 'expired', m({ opened: T + 1000, expired: T + 2000 })), e(3, 'closed', m({ opened: T + 1000, expired: T + 2000, closed: T + 3000 }))]
    const r = check(good, { profiles: [CLICK_TO_CALL] })
    expect(r.findings).toEqual([])
    expect(r.interactions.map((i) => [i.id, i.closed])).toEqual([['ClickToCall#1', true]])
    expect(check(good).interactions).toEqual([]) // not a default profile: passes through
    const bad = [good[0]!, good[1]!, e(2, 'closed', m({ opened: T + 1000, closed: T + 2000 }))]
    expect(check(bad, { profiles: [CLICK_TO_CALL] }).findings.map((f) => [f.rule, f.seq])).toEqual([['order/no-terminal', [1, 2]]])
  })
})

describe('lost entries (dropped marker)', () => {
  const dropped = (seq: number): SessionEntry => ({ seq, kind: 'marker', time: 0, marker: 'dropped', pageLoadId: 'p1', data: { count: 1 } })
  it('a step lost inside an interaction gives no order or premature error', () => {
    const s = loadFixture('documented-submitted')
    s.events = s.events.filter((e) => e.seq !== 6) // submitted lost: completed "without submitted"
    expect(notInfo(s)).toEqual(['order/transition@5,9'])
    s.events.splice(s.events.findIndex((e) => e.seq === 7), 0, { ...dropped(6), time: ev(s, 7).time })
    expect(notInfo(s)).toEqual([])
  })
  it('a lost closed, and an interaction whose beginning was lost, give no error', () => {
    const s = loadFixture('shipped-two-in-a-row')
    s.events = s.events.filter((e) => e.seq !== 5 && e.seq !== 7) // first closed and second opened lost
    expect(notInfo(s).length).toBeGreaterThan(0)
    s.events.splice(s.events.findIndex((e) => e.seq === 6), 0, dropped(5))
    const r = check(s)
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([])
    expect(r.interactions.map((i) => [i.id, i.closed])).toEqual([['Callback#1@p1', false], ['Callback#2@p1', true]])
  })
  const marker = (seq: number, time: number, where: string, count = 1, pageLoadId = 'p1'): SessionEntry =>
    ({ seq, kind: 'marker', time, marker: 'dropped', pageLoadId, data: { count, where } })
  it('a capture cleared (or paused) mid-page-load: no before-ready, no error for the interaction cut in two', () => {
    // Clear after `started`: the capture restarts with a `cleared` marker, then submitted, completed, closed.
    const s = loadFixture('documented-submitted')
    const after = s.events.filter((e) => e.seq > 5)
    const cut = [marker(0, ev(s, 6).time, 'cleared', 6), ...after]
    expect(notInfo(renumber(after.map((e) => ({ ...e }))))).toContain('order/before-ready@0')
    expect(notInfo(renumber(cut))).toEqual([])
    // Paused from before `ready` to after `opened`: the page-load marker is there, ready is not.
    const p = loadFixture('documented-submitted')
    const paused = renumber([...p.events.filter((e) => e.seq < 2), marker(-1, ev(p, 5).time, 'paused', 3), ...p.events.filter((e) => e.seq >= 5)])
    expect(notInfo(paused)).toEqual([])
  })
  it('after a cleared marker a whole new interaction is still checked in full, and a page-load marker restores the ready check', () => {
    const s = loadFixture('documented-close-untouched') // 2 ready, 3 opened, 4 cancelled, 5 closed
    data(s, 5).cancelled = false // closed without an outcome, as the page's own code would publish it
    const noTerminal = [marker(0, ev(s, 3).time, 'cleared', 3), ...s.events.filter((e) => e.seq === 3 || e.seq === 5)]
    expect(notInfo(renumber(noTerminal))).toEqual(['order/no-terminal@1,2'])
    // A new document of the same pageLoadId key starts clean: its ready is expected again.
    const again = loadFixture('documented-close-untouched')
    const entries = renumber([marker(0, 1, 'cleared'), ...again.events.filter((e) => e.seq !== 2)])
    expect(notInfo(entries)).toEqual(['order/before-ready@3'])
  })
  it('a marker of lost housekeeping (a plugin without a profile) is no gap; one of Callback, or of no plugin, is', () => {
    const s = loadFixture('documented-submitted')
    s.events = s.events.filter((e) => e.seq !== 6) // submitted missing: a real order error
    const withMarker = (plugin?: string) => {
      const c = structuredClone(s)
      c.events.splice(c.events.findIndex((e) => e.seq === 7), 0, { ...dropped(6), data: { count: 40, where: 'background', ...(plugin ? { plugin } : {}) } })
      return notInfo(c)
    }
    expect(withMarker('Watchman')).toEqual(['order/transition@5,9'])
    expect(withMarker('Callback')).toEqual([])
    expect(withMarker('CallbackService')).toEqual([])
    expect(withMarker()).toEqual([])
  })
  it('a store-full marker written after the survivors is a gap where its entries were (its floor), not after them', () => {
    // maxEntries 3: the open command, opened and started went (KEPT floor 6); the store writes their
    // marker at the next flush, after the survivors (seq 11), as the test kit's store does.
    const s = loadFixture('documented-submitted')
    s.events = s.events.filter((e) => e.seq < 3 || e.seq > 5)
    s.events.push({ seq: 11, kind: 'marker', time: ev(s, 10).time, marker: 'dropped', pageLoadId: 'p1', data: { count: 3, where: 'background', plugin: 'Callback', floors: [6, 11, 0] } })
    expect(notInfo(s)).toEqual([])
    // Without floors (an older capture) nothing says where the gap was: it stays at the marker.
    const old = structuredClone(s)
    delete (old.events.at(-1)!.data as Record<string, unknown>).floors
    expect(notInfo(old)).toContain('order/transition@6')
    // A marker of another page load is not moved among this one's entries.
    const other = structuredClone(s)
    other.events.at(-1)!.pageLoadId = 'p0'
    expect(notInfo(other)).toContain('order/transition@6')
  })
  it('only the stream of the marker\'s page load is affected', () => {
    const s = loadFixture('documented-submitted')
    s.events = s.events.filter((e) => e.seq !== 6)
    s.events.splice(s.events.findIndex((e) => e.seq === 7), 0, { ...dropped(6), pageLoadId: 'other' })
    expect(notInfo(s)).toEqual(['order/transition@5,9'])
  })
})
