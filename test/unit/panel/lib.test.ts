// Pure helpers of the panel: formatting, metadata diff, filters, windowing, binary search.
import { describe, expect, it } from 'vitest'
import { describeType, formatClock, formatDuration, formatRelative, formatValue } from '../../../devtools/panel/lib/format.ts'
import { formatStamp } from '../../../src/ui/exportFile.ts'
import { diffMetadata, jsonEqual, nestedChanges } from '../../../devtools/panel/lib/diff.ts'
import { EMPTY_FILTER, filterEntries, isFilterActive, worstSeverity } from '../../../devtools/panel/lib/filter.ts'
import { moveSelection, scrollToReveal, visibleRows } from '../../../devtools/panel/lib/virtual.ts'
import { indexIn, lowerBound } from '../../../devtools/panel/lib/search.ts'
import { tooltipAt } from '../../../devtools/panel/components/Timeline/Timeline.tsx'
import { describeMarker, droppedKind, interactionLabel, isFrameLoad, nameOf, pageNumbers, pluginOf, shortName } from '../../../devtools/panel/lib/entries.ts'
import type { Finding } from '../../../src/core/model.ts'
import { ev, marker, meta } from './helpers.ts'

describe('format', () => {
  it('formats wall-clock time with milliseconds in local time', () => {
    const d = new Date(2026, 0, 2, 3, 4, 5, 67)
    expect(formatClock(d.getTime())).toBe('03:04:05.067')
  })
  it('formats durations by magnitude and sign', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(4432)).toBe('4.432 s')
    // Past a minute: whole seconds in a cell; with their ms where ticks are less than a second apart.
    expect([formatDuration(75_200), formatDuration(75_200, true), formatDuration(75_000, true), formatRelative(76_005, 0, true)]).toEqual(['1 min 15 s', '1 min 15.200 s', '1 min 15.000 s', '+1 min 16.005 s'])
    expect(formatDuration(125_000)).toBe('2 min 05 s')
    expect(formatDuration(-3)).toBe('−3 ms')
  })
  it('formats times relative to opened, signed, and nothing without a reference', () => {
    expect(formatRelative(5192, 760)).toBe('+4.432 s')
    expect(formatRelative(757, 760)).toBe('−3 ms')
    expect(formatRelative(757, undefined)).toBe('')
  })
  it('stamps file names as yyyyMMdd-HHmmss', () => {
    expect(formatStamp(new Date(2026, 10, 5, 9, 8, 7))).toBe('20261105-090807')
  })
  it('shortens long values and names types the way the rules see them', () => {
    expect(formatValue('x'.repeat(500), 10)).toHaveLength(10)
    expect(formatValue(undefined)).toBe('—')
    expect(describeType('opened', 1764000000000)).toBe('integer (timestamp)')
    expect(describeType('elapsed', 12)).toBe('integer')
    expect(describeType('elapsed', 1.5)).toBe('number')
    expect(describeType('errors', ['a'])).toBe('array(1)')
    expect(describeType('form', {})).toBe('object')
    expect(describeType('opened', false)).toBe('boolean')
    expect(describeType('x', undefined)).toBe('missing')
  })
})

describe('diffMetadata', () => {
  it('marks every field added for the first event of an interaction', () => {
    const rows = diffMetadata(undefined, meta({ opened: 5 }))
    expect(rows.every((r) => r.status === 'added')).toBe(true)
    expect(rows.map((r) => r.key)).toContain('opened')
  })
  it('tells changed from unchanged, deeply, and keeps the value before', () => {
    const rows = diffMetadata(meta({ opened: 5, form: { a: '1' } }), meta({ opened: 5, started: 9, form: { a: '1' } }))
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]))
    expect(byKey.started).toMatchObject({ status: 'changed', before: false, after: 9 })
    expect(byKey.opened!.status).toBe('unchanged')
    expect(byKey.form!.status).toBe('unchanged')
  })
  it('lists fields that disappeared as removed and new ones as added', () => {
    const rows = diffMetadata({ a: 1, gone: true }, { a: 1, fresh: 2 })
    expect(rows).toEqual([
      { key: 'a', status: 'unchanged', before: 1, after: 1 },
      { key: 'fresh', status: 'added', after: 2 },
      { key: 'gone', status: 'removed', before: true },
    ])
  })
  it('compares scalar payloads as one row', () => {
    expect(diffMetadata(undefined, 'x')).toEqual([{ key: '(value)', status: 'added', after: 'x' }])
    expect(diffMetadata('x', 'y')[0]!.status).toBe('changed')
  })
  it('jsonEqual ignores key order but not array order', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true)
    expect(jsonEqual([1, 2], [2, 1])).toBe(false)
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(jsonEqual(null, {})).toBe(false)
  })
})

describe('entries', () => {
  it('names plugins, events and markers', () => {
    expect(pluginOf(ev(1, 'Callback.opened'))).toBe('Callback')
    expect(pluginOf({ seq: 1, kind: 'command', time: 0, command: 'Callback.open', data: {} })).toBe('Callback')
    expect(pluginOf(marker(0, 'page-load'))).toBe('')
    expect(nameOf(marker(0, 'dropped'))).toBe('dropped')
    expect(shortName('CallbackService.scheduleError')).toBe('scheduleError')
    expect(describeMarker(marker(0, 'dropped', { count: 12 }))).toBe('12 events lost (capture buffer full)')
    expect(describeMarker(marker(0, 'bus', { via: 'CXBus', widgetsVersion: '9.0.018.07' }))).toBe('Widgets 9.0.018.07 (bus via CXBus)')
    expect(describeMarker(marker(0, 'bus', { via: 'CXBus' }))).toBe('Bus found via CXBus')
  })
})

describe('markers', () => {
  it('says what a dropped marker means from where it was recorded', () => {
    expect(describeMarker(marker(0, 'dropped', { count: 3, where: 'relay' }))).toBe('3 events lost (capture buffer full)')
    expect(describeMarker(marker(0, 'dropped', { count: 1, where: 'background' }))).toBe('1 event lost (capture buffer full)')
    expect(describeMarker(marker(0, 'dropped', { count: 5, where: 'paused' }))).toBe('5 events not recorded (paused)')
    expect(describeMarker(marker(0, 'dropped', { count: 7, where: 'cleared' }))).toBe('Cleared 7 events')
    // what one Clear removed, split between the marker's page load and earlier documents: the numbers add up
    expect(describeMarker(marker(0, 'dropped', { count: 7, where: 'cleared', earlier: { count: 5, pages: 2 } }))).toBe('Cleared 7 events: 2 of this page load, 5 of 2 earlier page loads')
    expect(describeMarker({ ...marker(0, 'dropped', { count: 3, where: 'cleared', earlier: { count: 3, pages: 1 } }), frameUrl: 'https://x.test/' })).toBe('Cleared 3 events of 1 earlier page load on https://x.test/')
    // one per page load: the frame's URL says which
    const inFrame = (where: string) => ({ ...marker(0, 'dropped', { count: 2, where }), pageLoadId: 'f1', frameUrl: 'https://chat.example.test/frame' })
    expect(describeMarker(inFrame('cleared'))).toBe('Cleared 2 events on https://chat.example.test/frame')
    expect(describeMarker(inFrame('paused'))).toBe('2 events not recorded (paused) on https://chat.example.test/frame')
    // the tab store names the plugin whose entries it evicted (housekeeping first)
    expect(describeMarker(marker(0, 'dropped', { count: 41250, where: 'background', plugin: 'Watchman' }))).toBe('41250 Watchman entries evicted (store full)')
    expect(describeMarker(marker(0, 'dropped', { count: 1, where: 'background', plugin: 'Callback' }))).toBe('1 Callback entry evicted (store full)')
    expect(droppedKind(marker(0, 'dropped', { count: 5, where: 'paused' }))).toBe('paused')
    expect(droppedKind(marker(0, 'dropped', { count: 5 }))).toBe('overflow')
    expect(droppedKind(marker(0, 'page-load'))).toBeUndefined()
  })
  it('tells a sub-frame load from a page load', () => {
    const frame = marker(0, 'page-load', { url: 'https://a.test/frame.html', top: false })
    expect(isFrameLoad(frame)).toBe(true)
    expect(describeMarker(frame)).toBe('Frame loaded: https://a.test/frame.html')
    expect(isFrameLoad(marker(0, 'page-load', { url: 'https://a.test/', top: true }))).toBe(false)
    expect(describeMarker(marker(0, 'page-load', { url: 'https://a.test/', top: true }))).toBe('Page load: https://a.test/')
  })
  it('numbers top-level page loads only; a frame gets the number of its page', () => {
    const load = (seq: number, id: string, top: boolean) => ({ ...marker(seq, 'page-load', { url: 'u', top }), pageLoadId: id })
    const pages = pageNumbers([load(0, 'p1', true), load(1, 'f1', false), load(2, 'p2', true), load(3, 'f2', false)])
    expect(Object.fromEntries(pages)).toEqual({ p1: 1, f1: 1, p2: 2, f2: 2 })
  })
  it('labels an interaction with its page only when there are several', () => {
    expect(interactionLabel('Callback', 1, 2, true)).toBe('Callback #1 · page 2')
    expect(interactionLabel('Callback', 1, 1, false)).toBe('Callback #1')
  })
})

describe('nestedChanges', () => {
  it('names the nested field of an object that changed, with both values', () => {
    const before = { firstname: 'Ada', _customer_number: '+1 555 0100', email: 'a@b.c' }
    const after = { firstname: 'Ada', _customer_number: '+44 20 7946 0000', email: 'a@b.c' }
    expect(nestedChanges('form', before, after)).toEqual({
      changes: [{ path: 'form._customer_number', status: 'changed', before: '+1 555 0100', after: '+44 20 7946 0000' }],
      more: 0,
    })
  })
  it('walks arrays and nested objects, with added and removed leaves', () => {
    const { changes } = nestedChanges('errors', [{ code: 1 }, 'x'], [{ code: 2 }, 'x', 'y'])
    expect(changes).toEqual([
      { path: 'errors[0].code', status: 'changed', before: 1, after: 2 },
      { path: 'errors[2]', status: 'added', after: 'y' },
    ])
    expect(nestedChanges('form', { a: 1, 'b-c': 2 }, { a: 1 }).changes).toEqual([{ path: 'form["b-c"]', status: 'removed', before: 2 }])
  })
  it('has nothing nested for scalars or a change of kind, and caps a long list', () => {
    expect(nestedChanges('errors', false, ['x']).changes).toEqual([])
    expect(nestedChanges('opened', 1, 2).changes).toEqual([])
    const many = nestedChanges('form', Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])), Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, -i - 1])), 20)
    expect(many.changes).toHaveLength(20)
    expect(many.more).toBe(10)
  })
})

describe('filterEntries', () => {
  const entries = [
    marker(0, 'page-load', { url: 'https://a.test/' }),
    marker(1, 'bus', { via: 'CXBus' }),
    ev(2, 'Callback.ready'),
    ev(3, 'Callback.opened', meta({ opened: 1 })),
    ev(4, 'SendMessage.opened', meta({ opened: 2 })),
    ev(5, 'Callback.submitted', meta({ form: { firstname: 'Zoë' } })),
    marker(6, 'dropped', { count: 3 }),
  ]
  const f = (rule: string, severity: Finding['severity'], seq: number): Finding => ({ rule, severity, seq: [seq], interaction: null, message: '' })
  const findings = new Map<number, Finding[]>([
    [3, [f('meta/elapsed-definition', 'info', 3)]],
    [5, [f('order/transition', 'error', 5), f('meta/form-empty', 'warning', 5)]],
  ])

  it('returns every row when no filter is active', () => {
    expect(isFilterActive(EMPTY_FILTER)).toBe(false)
    expect(filterEntries(entries, findings, EMPTY_FILTER)).toEqual([0, 1, 2, 3, 4, 5, 6])
  })
  it('filters by plugin and event, keeping page-load and dropped markers', () => {
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, plugin: 'SendMessage' })).toEqual([0, 4, 6])
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, event: 'Callback.opened' })).toEqual([0, 3, 6])
  })
  it('filters by minimum severity', () => {
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, severity: 'error' })).toEqual([0, 5, 6])
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, severity: 'info' })).toEqual([0, 3, 5, 6])
  })
  it('searches free text inside data, case-insensitively', () => {
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'zOË' })).toEqual([0, 5, 6])
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'nothing-like-this' })).toEqual([0, 6])
  })
  it('matches the rule ids and the interaction label the row shows', () => {
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'order/transition' })).toEqual([0, 5, 6])
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'META/elapsed' })).toEqual([0, 3, 6])
    const label = (e: { seq: number }) => (e.seq === 4 ? 'SendMessage #5 · page 2' : '')
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'sendmessage #5' }, label)).toEqual([0, 4, 6])
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'page 2' }, label)).toEqual([0, 4, 6])
    // Across two of what the row shows, as it reads: "order/transition meta/form-empty".
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'TRANSITION meta/form' })).toEqual([0, 5, 6])
    expect(filterEntries(entries, findings, { ...EMPTY_FILTER, text: 'definition sendmessage' }, (e) => (e.seq === 3 ? 'SendMessage #1' : ''))).toEqual([0, 3, 6])
  })
  it('worstSeverity picks the most severe', () => {
    expect(worstSeverity(findings.get(5))).toBe('error')
    expect(worstSeverity(undefined)).toBeUndefined()
  })
})

describe('virtual rows and keyboard moves', () => {
  it('renders only the visible window plus overscan', () => {
    expect(visibleRows(0, 220, 22, 100_000, 5)).toEqual({ start: 0, end: 16 })
    expect(visibleRows(22 * 1000, 220, 22, 100_000, 5)).toEqual({ start: 995, end: 1016 })
    expect(visibleRows(22 * 99_999, 220, 22, 100_000, 5).end).toBe(100_000)
    expect(visibleRows(0, 220, 22, 0)).toEqual({ start: 0, end: 0 })
  })
  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(5, 0, 220, 22)).toBeNull()
    expect(scrollToReveal(20, 0, 220, 22)).toBe(21 * 22 - 220)
    expect(scrollToReveal(2, 220, 220, 22)).toBe(44)
  })
  it('moves the selection with arrows, home/end and pages, clamped', () => {
    expect(moveSelection(-1, 'ArrowDown', 10, 5)).toBe(0)
    expect(moveSelection(3, 'ArrowUp', 10, 5)).toBe(2)
    expect(moveSelection(0, 'ArrowUp', 10, 5)).toBe(0)
    expect(moveSelection(3, 'End', 10, 5)).toBe(9)
    expect(moveSelection(3, 'Home', 10, 5)).toBe(0)
    expect(moveSelection(3, 'PageDown', 10, 5)).toBe(7)
    expect(moveSelection(8, 'PageDown', 10, 5)).toBe(9)
    expect(moveSelection(3, 'PageUp', 10, 5)).toBe(0)
    expect(moveSelection(3, 'ArrowDown', 0, 5)).toBe(-1)
  })
  it('finds positions in sorted rows by binary search', () => {
    expect(lowerBound([1, 3, 5], 4)).toBe(2)
    expect(indexIn([1, 3, 5], 5)).toBe(2)
    expect(indexIn([1, 3, 5], 4)).toBe(-1)
  })
})

describe('the timeline tooltip', () => {
  it('opens on the side of the pointer with more room: a mark at the right or bottom edge keeps it on screen', () => {
    expect(tooltipAt(100, 100, 1280, 800)).toEqual({ left: '112px', top: '112px', transform: 'translate(0, 0)', maxWidth: '1164px' })
    expect(tooltipAt(1250, 700, 1280, 800)).toEqual({ left: '1238px', top: '688px', transform: 'translate(-100%, -100%)', maxWidth: '1234px' })
    // A pointer in the middle of a 480 px panel: no wider than the room on its side (it wraps).
    expect(tooltipAt(266, 300, 480, 800)).toMatchObject({ left: '254px', transform: 'translate(-100%, 0)', maxWidth: '250px' })
  })
})
