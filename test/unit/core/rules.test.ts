// @vitest-environment node
// Node (vitest). For every rule of RULES.md: a case that fires it (rule id, seqs, expected/actual)
// and a near miss that does not, built by editing the hand-written fixtures.
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import { RULES } from '../../../src/core/rules.ts'
import type { Report, SessionEntry } from '../../../src/core/model.ts'
import { data, ev, findingsOf, loadFixture, renumber } from '../../support/fixtures.ts'

const B = 1764000000000
const only = (r: Report, rule: string) => findingsOf(r, rule)
const errors = (r: Report) => r.findings.filter((f) => f.severity === 'error')

// documented-submitted: 2 ready, 4 opened, 5 started, 6 submitted, 9 completed, 10 closed
// documented-close-untouched: 2 ready, 3 opened, 4 cancelled, 5 closed
// shipped-auto-submit: 4 submitted, 5 opened, 6 started, 9 completed, 10 closed
const submitted = () => loadFixture('documented-submitted')
const untouched = () => loadFixture('documented-close-untouched')

describe('order rules', () => {
  it('order/before-ready fires once when the plugin ready was never seen', () => {
    const s = submitted()
    s.events = s.events.filter((e) => e.seq !== 2)
    const f = only(check(s), 'order/before-ready')
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'warning', seq: [4], interaction: 'Callback#1@p1', expected: 'ready', actual: 'opened' })
  })
  it('near miss: ready late but before the first lifecycle event (after the open command)', () => {
    const s = submitted()
    const ready = s.events.splice(2, 1)[0]!
    s.events.splice(3, 0, ready) // page-load, bus, command, ready, opened
    expect(only(check(renumber(s.events)), 'order/before-ready')).toEqual([])
  })

  it('order/transition: completed without submitted', () => {
    const s = submitted()
    s.events = s.events.filter((e) => e.seq !== 6)
    const f = only(check(s), 'order/transition')
    expect(f).toEqual([expect.objectContaining({ severity: 'error', seq: [5, 9], actual: 'completed', expected: ['submitted', 'cancelled', 'closed'] })])
  })
  it('order/transition: started after submitted, and a first event other than opened', () => {
    const s = submitted()
    const started = ev(s, 5)
    s.events.splice(s.events.indexOf(started), 1)
    s.events.splice(s.events.indexOf(ev(s, 6)) + 1, 0, started)
    renumber(s.events) // ... opened 4, submitted 5, started 6
    expect(only(check(s), 'order/transition').map((f) => [f.seq, f.actual])).toEqual([[[5, 6], 'started']])

    const u = untouched()
    u.events = u.events.filter((e) => e.seq !== 3) // cancelled first
    const first = only(check(u), 'order/transition')
    expect(first).toEqual([expect.objectContaining({ seq: [4], actual: 'cancelled', expected: ['opened'] })])
  })
  it('order/transition: a new opened while the interaction was never closed', () => {
    const s = loadFixture('shipped-two-in-a-row')
    s.events = s.events.filter((e) => e.seq !== 5) // first closed lost
    const r = check(s)
    expect(only(r, 'order/transition')).toEqual([expect.objectContaining({ seq: [4, 7], interaction: 'Callback#2@p1', actual: 'opened', expected: 'closed' })])
    expect(r.interactions.map((i) => [i.id, i.closed])).toEqual([['Callback#1@p1', false], ['Callback#2@p1', true]])
    expect(only(r, 'order/unclosed')).toEqual([]) // superseded, not "capture ends inside"
    expect(errors(r).map((f) => f.rule)).toEqual(['order/transition']) // no cascade into metadata rules
  })
  it('near miss: completed after started is fine when an auto-submit came first', () => {
    expect(only(check(loadFixture('shipped-auto-submit')), 'order/transition')).toEqual([])
  })

  it('order/duplicate: started twice; near miss: submitted twice (retry)', () => {
    const s = submitted()
    s.events.splice(s.events.indexOf(ev(s, 5)) + 1, 0, structuredClone(ev(s, 5)))
    renumber(s.events)
    expect(only(check(s), 'order/duplicate')).toEqual([expect.objectContaining({ severity: 'warning', seq: [5, 6], expected: 'no second started', actual: 'started' })])
    expect(only(check(loadFixture('shipped-failed-retry')), 'order/duplicate')).toEqual([])
  })

  it('order/duplicate: opened published twice with the same metadata stays one interaction', () => {
    const s = submitted()
    s.events.splice(s.events.indexOf(ev(s, 4)) + 1, 0, structuredClone(ev(s, 4)))
    renumber(s.events) // opened 4, opened again 5
    const r = check(s)
    expect(only(r, 'order/duplicate')).toEqual([expect.objectContaining({ severity: 'warning', seq: [4, 5], actual: 'opened' })])
    expect(r.interactions).toHaveLength(1)
    expect(errors(r)).toEqual([])
  })

  it('order/duplicate: an opened repeated with an unusable timestamp (a string, seconds) is still one interaction', () => {
    for (const bad of ['soon', Math.floor(B / 1000)]) {
      const s = submitted()
      data(s, 4).opened = bad
      s.events.splice(s.events.indexOf(ev(s, 4)) + 1, 0, structuredClone(ev(s, 4)))
      renumber(s.events) // opened 4, opened again 5
      const r = check(s)
      expect(r.interactions, String(bad)).toHaveLength(1)
      expect(only(r, 'order/duplicate'), String(bad)).toEqual([expect.objectContaining({ seq: [4, 5], actual: 'opened' })])
      expect(only(r, 'order/transition'), String(bad)).toEqual([])
    }
  })

  it('order/no-terminal: closed without cancelled; near miss: cancelled then closed', () => {
    const u = untouched()
    u.events = u.events.filter((e) => e.seq !== 4)
    data(u, 5).cancelled = false
    const r = check(u)
    expect(only(r, 'order/no-terminal')).toEqual([expect.objectContaining({ severity: 'error', seq: [3, 5], actual: 'closed', expected: ['completed', 'cancelled'] })])
    expect(errors(r).map((f) => f.rule)).toEqual(['order/no-terminal'])
    expect(only(check(untouched()), 'order/no-terminal')).toEqual([])
  })

  it('order/both-terminal: cancelled after completed', () => {
    const s = submitted()
    const cancelled = structuredClone(ev(s, 9))
    cancelled.event = 'Callback.cancelled'
    s.events.splice(s.events.indexOf(ev(s, 9)) + 1, 0, cancelled)
    renumber(s.events) // completed 9, cancelled 10, closed 11
    const r = check(s)
    expect(only(r, 'order/both-terminal')).toEqual([expect.objectContaining({ seq: [9, 10], expected: 'completed', actual: 'cancelled' })])
    expect(only(r, 'order/transition')).toEqual([])
  })

  it('order/autosubmit-first: info on an auto-submitted submitted; near miss: submitted first without the flag is a transition', () => {
    const r = check(loadFixture('shipped-auto-submit'))
    expect(only(r, 'order/autosubmit-first')).toEqual([expect.objectContaining({ severity: 'info', seq: [4], expected: 'opened', actual: 'submitted' })])
    const s = loadFixture('shipped-auto-submit')
    for (const e of s.events) if (e.kind === 'event' && e.publisher === 'Callback' && e.event !== 'Callback.ready') {
      Object.assign(e.data as object, { autoSubmitted: false })
    }
    const r2 = check(s)
    expect(only(r2, 'order/autosubmit-first')).toEqual([])
    expect(only(r2, 'order/transition').map((f) => [f.seq, f.actual])).toEqual([[[4], 'submitted']])
  })

  it('order/unclosed when the capture ends inside an interaction; near miss: closed', () => {
    const s = submitted()
    s.events = s.events.filter((e) => e.seq !== 10)
    const r = check(s)
    expect(r.findings.at(-1)).toMatchObject({ rule: 'order/unclosed', severity: 'info', seq: [4, 9], interaction: 'Callback#1@p1', actual: 'completed' })
    expect(r.findings.at(-1)!.message).toBe('capture ends inside Callback #1 (last: completed, no closed)')
    expect(only(check(submitted()), 'order/unclosed')).toEqual([])
  })
  it('order/unclosed names the page load that left the interaction open; a frame\'s page load does not', () => {
    const marker = (top: boolean): SessionEntry => ({ seq: 0, kind: 'marker', time: B + 9000, marker: 'page-load', pageLoadId: top ? 'p2' : 'f1', data: { url: 'https://x.test/', top } })
    for (const top of [true, false]) {
      const s = submitted()
      s.events = s.events.filter((e) => e.seq !== 10)
      s.events.push(marker(top))
      renumber(s.events)
      const f = only(check(s), 'order/unclosed')
      expect(f).toHaveLength(1)
      expect(f[0]!.message).toBe(top ? `a page load (seq ${s.events.at(-1)!.seq}) left Callback #1 open (last: completed, no closed)` : 'capture ends inside Callback #1 (last: completed, no closed)')
    }
  })
  it('order/unclosed names the first page load after the interaction, not the capture\'s last one', () => {
    const s = submitted()
    s.events = s.events.filter((e) => e.seq !== 10)
    for (const [i, id] of ['p2', 'p3'].entries()) s.events.push({ seq: 0, kind: 'marker', time: B + 9000 + i, marker: 'page-load', pageLoadId: id, data: { url: `https://x.test/${id}`, top: true } })
    renumber(s.events)
    const f = only(check(s), 'order/unclosed')
    expect(f.map((x) => x.message)).toEqual([`a page load (seq ${s.events.at(-2)!.seq}) left Callback #1 open (last: completed, no closed)`])
  })
})

describe('metadata rules', () => {
  it('meta/shape: ill-typed timestamp, missing field, empty errors array, data not an object', () => {
    const s = submitted()
    data(s, 5).started = String(B + 1605)
    delete data(s, 6).prefilled
    data(s, 9).errors = []
    ev(s, 10).data = 'closed'
    const f = only(check(s), 'meta/shape')
    expect(f.map((x) => [x.seq, x.actual])).toEqual([[[5], String(B + 1605)], [[6], null], [[9], []], [[10], 'closed']])
    expect(f[0]!.expected).toBe('an integer ms timestamp or false')
    expect(f[1]!.message).toContain('prefilled missing')
  })
  it('meta/shape: a bad field the plugin carries on every later event is reported once, where it first appears', () => {
    const s = submitted()
    for (const seq of [5, 6, 9, 10]) data(s, seq).started = 'soon' // started 5 ... closed 10
    const f = only(check(s), 'meta/shape')
    expect(f.map((x) => x.seq)).toEqual([[5]])
  })
  it('near miss: errors as a non-empty array of messages, elapsed false', () => {
    const s = submitted()
    data(s, 9).errors = ['unknown']
    data(s, 10).errors = ['unknown']
    data(s, 10).elapsed = false
    const r = check(s)
    expect(only(r, 'meta/shape')).toEqual([])
    expect(r.events[10]!.elapsed).toBe('not-applicable')
  })

  it('meta/timestamp-unit: seconds, and more than a day away; near miss: 23 h is still ms', () => {
    const s = submitted()
    data(s, 10).closed = Math.floor((B + 6826) / 1000)
    const f = only(check(s), 'meta/timestamp-unit')
    expect(f).toEqual([expect.objectContaining({ seq: [10], actual: Math.floor((B + 6826) / 1000), expected: ev(s, 10).time })])
    expect(f[0]!.message).toContain('looks like seconds')

    const far = submitted()
    data(far, 10).closed = B + 6826 + 2 * 86_400_000
    expect(only(check(far), 'meta/timestamp-unit').map((x) => x.seq)).toEqual([[10]])
    expect(only(check(far), 'meta/timestamp-unit')[0]!.message).toBe(`closed = ${B + 6826 + 2 * 86_400_000} is more than a day from the envelope time ${ev(far, 10).time}`)
    const small = submitted()
    data(small, 10).closed = 12345
    expect(only(check(small), 'meta/timestamp-unit')[0]!.message).toBe(`closed = 12345 is not epoch milliseconds (envelope time ${ev(small, 10).time})`)

    const near = submitted()
    data(near, 10).closed = B + 6826 - 23 * 3_600_000
    expect(only(check(near), 'meta/timestamp-unit')).toEqual([])
  })

  it('meta/timestamp-unit is reported once per field and interaction, where the bad value first appears', () => {
    // The plugin carries every timestamp on every later event: `opened` in seconds is on 4, 5, 6, 9, 10.
    const s = submitted()
    const secs = (t: number) => Math.floor(t / 1000)
    for (const seq of [4, 5, 6, 9, 10]) data(s, seq).opened = secs(data(s, 4).opened as number)
    for (const seq of [5, 6, 9, 10]) data(s, seq).started = secs(data(s, 5).started as number)
    const f = only(check(s), 'meta/timestamp-unit')
    expect(f.map((x) => [x.seq, x.message.split(' ')[0]])).toEqual([[[4], 'opened'], [[5], 'started']])
    // Each interaction reports its own: a second interaction with the same fault is reported again.
    const two = loadFixture('shipped-two-in-a-row')
    const opens = two.events.filter((e) => e.kind === 'event' && e.event === 'Callback.opened').map((e) => e.seq)
    let current = 0
    for (const e of two.events) {
      if (e.kind !== 'event' || e.publisher !== 'Callback' || e.event === 'Callback.ready') continue
      const d = e.data as Record<string, unknown>
      if (opens.includes(e.seq)) current = d.opened as number
      if (typeof d.opened === 'number' && d.opened === current) d.opened = secs(current)
    }
    const r = check(two)
    expect(only(r, 'meta/timestamp-unit').map((x) => [x.seq, x.interaction])).toEqual(opens.map((seq, i) => [[seq], `Callback#${i + 1}@p1`]))
  })

  it('meta/own-timestamp: started event with started false; near miss: started set', () => {
    const s = submitted()
    data(s, 5).started = false
    expect(only(check(s), 'meta/own-timestamp')).toEqual([expect.objectContaining({ seq: [5], actual: false })])
    expect(only(check(submitted()), 'meta/own-timestamp')).toEqual([])
  })

  it('meta/premature: opened event already carrying completed; near miss: started on started', () => {
    const s = submitted()
    data(s, 4).completed = B + 5189
    const f = only(check(s), 'meta/premature')
    expect(f).toEqual([expect.objectContaining({ seq: [4], expected: false, actual: B + 5189 })])
    expect(only(check(submitted()), 'meta/premature')).toEqual([])
  })

  it('meta/changed: opened rewritten on completed; near miss: errors growing is allowed', () => {
    const s = submitted()
    data(s, 9).opened = B + 761
    const f = only(check(s), 'meta/changed')
    expect(f.map((x) => [x.seq, x.expected, x.actual])).toEqual([[[4, 9], B + 760, B + 761], [[9, 10], B + 761, B + 760]])
    const retry = loadFixture('shipped-failed-retry')
    data(retry, 11).errors = ['Please enter a valid phone number.', 'unknown']
    expect(only(check(retry), 'meta/changed')).toEqual([])
  })

  it('meta/chronology: started before opened; near miss: started equal to opened', () => {
    const s = submitted()
    for (const seq of [5, 6, 9, 10]) data(s, seq).started = B + 700
    const f = only(check(s), 'meta/chronology')
    expect(f).toEqual([expect.objectContaining({ seq: [4, 5], expected: 'opened <= started', actual: { opened: B + 760, started: B + 700 } })])
    const eq = submitted()
    for (const seq of [5, 6, 9, 10]) data(eq, seq).started = B + 760
    expect(only(check(eq), 'meta/chronology')).toEqual([])
  })

  it('meta/elapsed: matches neither; near miss: within the dispatch tolerance, and exact ±1 on closed', () => {
    const s = submitted()
    data(s, 9).elapsed = 4000
    data(s, 10).elapsed = 6068
    const f = only(check(s), 'meta/elapsed')
    expect(f.map((x) => [x.seq, x.expected, x.actual])).toEqual([
      [[9], { documented: 3584, shipped: 4433 }, 4000],
      [[10], { documented: 3584, shipped: 6066 }, 6068],
    ])
    const near = submitted()
    data(near, 9).elapsed = 4433 - 250
    data(near, 10).elapsed = 6067
    const r = check(near)
    expect(only(r, 'meta/elapsed')).toEqual([])
    expect([r.events[9]!.elapsed, r.events[10]!.elapsed]).toEqual(['shipped', 'shipped'])
  })
  it('meta/elapsed honours a configured dispatch tolerance', () => {
    const s = submitted()
    data(s, 9).elapsed = 4433 - 300
    expect(only(check(s), 'meta/elapsed').length).toBe(1)
    expect(only(check(s, { dispatchToleranceMs: 400 }), 'meta/elapsed')).toEqual([])
  })

  it('meta/elapsed-definition: shipped elapsed is an info note with both values; near miss: documented value', () => {
    const r = check(submitted())
    expect(only(r, 'meta/elapsed-definition').find((f) => f.seq[0] === 9)).toMatchObject({ severity: 'info', expected: { documented: 3584, shipped: 4433 }, actual: 4432 })
    const s = submitted()
    data(s, 9).elapsed = 3584
    const r2 = check(s)
    expect(only(r2, 'meta/elapsed-definition').map((f) => f.seq)).toEqual([[10]]) // the note moves to closed
    expect(r2.events[9]!.elapsed).toBe('documented')
    expect(r.events[4]!.elapsed).toBe('both') // fresh metadata at opened: elapsed 0
  })

  it('meta/elapsed-absolute: auto-submit elapsed is the publish time; near miss: elapsed 0 before opened', () => {
    const r = check(loadFixture('shipped-auto-submit'))
    expect(only(r, 'meta/elapsed-absolute')).toEqual([expect.objectContaining({ severity: 'warning', seq: [4], actual: B + 1002 })])
    expect(r.events[4]!.elapsed).toBe('absolute')
    const s = loadFixture('shipped-auto-submit')
    data(s, 4).elapsed = 0
    expect(only(check(s), 'meta/elapsed-absolute')).toEqual([])
  })

  it('meta/terminal-exclusive: completed and cancelled both set; near miss: only completed', () => {
    const s = submitted()
    data(s, 10).cancelled = B + 6825
    const f = only(check(s), 'meta/terminal-exclusive')
    expect(f).toEqual([expect.objectContaining({ seq: [10], actual: { completed: B + 5189, cancelled: B + 6825 } })])
    expect(only(check(submitted()), 'meta/terminal-exclusive')).toEqual([])
  })

  it('meta/flags: autoSubmitted without prefilled, and proactive changing; near miss: auto-submit with prefilled', () => {
    const s = loadFixture('shipped-auto-submit')
    for (const seq of [4, 5, 6, 9, 10]) data(s, seq).prefilled = false
    data(s, 9).proactive = true
    data(s, 10).proactive = true
    const f = only(check(s), 'meta/flags')
    expect(f.map((x) => [x.seq, x.actual])).toEqual([[[4], { prefilled: false }], [[4, 9], true]])
    expect(only(check(loadFixture('shipped-auto-submit')), 'meta/flags')).toEqual([])
  })

  it('meta/form-empty: submitted with an empty form; near miss: started with an empty form', () => {
    const s = submitted()
    data(s, 6).form = {}
    expect(only(check(s), 'meta/form-empty')).toEqual([expect.objectContaining({ severity: 'warning', seq: [6] })])
    expect(only(check(submitted()), 'meta/form-empty')).toEqual([])
  })

  it('meta/errors-before-submit: errors on started; near miss: errors after a failed submit', () => {
    const s = submitted()
    data(s, 5).errors = ['unknown']
    expect(only(check(s), 'meta/errors-before-submit')).toEqual([expect.objectContaining({ seq: [5], actual: ['unknown'] })])
    expect(only(check(loadFixture('shipped-failed-retry')), 'meta/errors-before-submit')).toEqual([])
    // Near miss: the first submitted was lost (paused away): the errors after it are no finding.
    const lost = loadFixture('shipped-failed-retry')
    const at = lost.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.submitted')
    const sub = lost.events[at]!
    lost.events.splice(at, 1, { seq: sub.seq, kind: 'marker', marker: 'dropped', time: sub.time, pageLoadId: sub.pageLoadId, data: { count: 1, where: 'paused' } })
    expect(only(check(lost), 'meta/errors-before-submit')).toEqual([])
  })

  it('meta/stale: second opened still carrying the previous timestamps; near miss: fresh metadata', () => {
    const s = loadFixture('shipped-two-in-a-row')
    Object.assign(data(s, 7), { cancelled: B + 4310, closed: B + 4310 })
    const r = check(s)
    expect(only(r, 'meta/stale')).toEqual([expect.objectContaining({ seq: [7], interaction: 'Callback#2@p1', actual: { cancelled: B + 4310, closed: B + 4310 } })])
    expect(only(r, 'meta/premature')).toEqual([]) // reported once, as stale
    expect(only(check(loadFixture('shipped-two-in-a-row')), 'meta/stale')).toEqual([])
  })

  it('meta/clock: own timestamp 6 s before the envelope time; near miss: 4.9 s (and 8 ms in the fixture)', () => {
    const s = submitted()
    ev(s, 5).time = B + 1605 + 6000
    expect(only(check(s), 'meta/clock')).toEqual([expect.objectContaining({ severity: 'warning', seq: [5], expected: B + 7605, actual: B + 1605 })])
    const near = submitted()
    ev(near, 5).time = B + 1605 + 4900
    expect(only(check(near), 'meta/clock')).toEqual([])
    expect(only(check(s, { clockToleranceMs: 7000 }), 'meta/clock')).toEqual([])
  })
})

describe('severities', () => {
  it('are configurable per rule, and off drops a rule', () => {
    const s = submitted()
    s.events = s.events.filter((e) => e.seq !== 6)
    expect(only(check(s, { severities: { 'order/transition': 'warning' } }), 'order/transition')[0]!.severity).toBe('warning')
    expect(only(check(s, { severities: { 'order/transition': 'off' } }), 'order/transition')).toEqual([])
    expect(only(check(submitted(), { severities: { 'meta/elapsed-definition': 'off' } }), 'meta/elapsed-definition')).toEqual([])
  })
  it('every catalogue rule has a test above and an explanation and fix', () => {
    for (const r of RULES) {
      expect(r.explanation.length).toBeGreaterThan(20)
      expect(r.fix.length).toBeGreaterThan(10)
    }
    expect(RULES.map((r) => r.id)).toHaveLength(22)
  })
})
