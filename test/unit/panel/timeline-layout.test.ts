// Timeline layout maths: lanes from the checker's interactions, elapsed spans, zoom, pan, fit, ticks.
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import {
  spreadMarks,
  MARK_SPACING,
  buildLanes, COMPACT_LANE_HEIGHT, elapsedSpans, fitWindow, LANE_HEIGHT, laneLayout, lanesInView, plausibleSpan, lanesInWindow, MIN_SPAN_MS, niceTicks, panBy, timeToX, visibleLabels, labelRows, xToTime, zoomAt,
} from '../../../devtools/panel/components/Timeline/layout.ts'
import { Lane, labelX, phaseX } from '../../../devtools/panel/components/Timeline/Lane.tsx'
import { render } from '@testing-library/preact'
import { h } from 'preact'
import { viewOfSession } from '../../../devtools/panel/state/view.ts'
import { ev, fixture, meta } from './helpers.ts'
import type { SessionEntry } from '../../../src/core/model.ts'

describe('elapsedSpans', () => {
  it('gives the documented and the shipped span of the real example of SPEC.md §3', () => {
    const data = meta({ opened: 760, started: 1605, completed: 5189, closed: 6826, elapsed: 6066 })
    const { documented, shipped } = elapsedSpans(data, 6828)
    expect(documented).toEqual({ from: 1605, to: 5189, value: 3584, carried: 6066 })
    expect(shipped).toEqual({ from: 760, to: 6826, value: 6066, carried: 6066 })
  })
  it('ends the shipped span at the publish time while not closed, and has no documented span before a terminal', () => {
    const { documented, shipped } = elapsedSpans(meta({ opened: 760, started: 900 }), 5192)
    expect(documented).toBeNull()
    expect(shipped?.value).toBe(5192 - 760)
  })
  it('has no span at all without opened (auto-submit before opened) or without data', () => {
    expect(elapsedSpans(meta({ autoSubmitted: true }), 10).shipped).toBeNull()
    expect(elapsedSpans('x', 10)).toEqual({ documented: null, shipped: null })
  })
})

describe('buildLanes', () => {
  const session = fixture('shipped-two-in-a-row')
  const report = check(session)
  const view = viewOfSession(session.events, report)
  const lanes = buildLanes(view.stories, (s) => view.entries[view.indexOf(s)!], view.findingsBySeq)

  it('makes one lane per interaction with its page load and its marks in order', () => {
    expect(lanes).toHaveLength(report.interactions.length)
    expect(lanes[0]!.label).toBe('Callback #1 · page 1')
    expect(lanes[1]!.marks.map((m) => m.name)).toEqual(['opened', 'started', 'submitted', 'completed', 'closed'])
    for (const l of lanes) expect(l.start).toBeLessThanOrEqual(l.end)
  })
  it('labels each lane with its verdict and draws minimize as a span, not a mark', () => {
    expect(lanes.map((l) => [l.verdict, l.outcome, l.closed])).toEqual([
      ['cancelled', 'cancelled', true],
      ['completed · min', 'completed', true],
    ])
    expect(lanes[1]!.minimized).toHaveLength(1)
    expect(lanes[1]!.marks.some((m) => m.name.startsWith('minimized'))).toBe(false)
    expect(lanes[1]!.sentence).toBe('Completed, minimized 1×, 12.9 s')
  })
  it('says on the lane when the end of an interaction fell into a gap, not "no outcome"', () => {
    const s = fixture('shipped-two-in-a-row')
    const at = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.cancelled')
    // Pause, close the widget (cancelled, closed), Record, open again.
    s.events.splice(at, 2, { seq: at, kind: 'marker', marker: 'dropped', time: s.events[at]!.time, pageLoadId: s.events[at]!.pageLoadId, data: { count: 2, where: 'paused' } })
    s.events.forEach((e, i) => (e.seq = i))
    const v = viewOfSession(s.events, check(s))
    const [first] = buildLanes(v.stories, (q) => v.entries[v.indexOf(q)!], v.findingsBySeq)
    expect(first!.verdict).toBe('end not captured')
  })
  it('puts failed service requests on the lane as failure marks', () => {
    const s = fixture('shipped-failed-retry')
    const v = viewOfSession(s.events, check(s))
    const [lane] = buildLanes(v.stories, (q) => v.entries[v.indexOf(q)!], v.findingsBySeq)
    expect(lane!.marks.filter((m) => m.kind === 'failure').map((m) => [m.seq, m.name])).toEqual([[7, 'scheduleError 400']])
    expect(lane!.verdict).toBe('completed · 1 failed')
  })
  it('lays out full lanes while they fit, else finished ones compact except the selected one', () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ ...lanes[0]!, id: `L${i}`, closed: i !== 9 }))
    const roomy = laneLayout(ten, 10 * LANE_HEIGHT, null)
    expect(new Set(roomy.heights)).toEqual(new Set([LANE_HEIGHT]))
    const tight = laneLayout(ten, 300, 'L3')
    expect(tight.heights.filter((h) => h === LANE_HEIGHT)).toHaveLength(2) // L3 (selected) and L9 (open)
    expect(tight.total).toBe(8 * COMPACT_LANE_HEIGHT + 2 * LANE_HEIGHT)
    expect(tight.tops[4]).toBe(3 * COMPACT_LANE_HEIGHT + LANE_HEIGHT)
    const win = lanesInView(tight.tops, tight.heights, 100, 100, 0)
    expect(win.start).toBe(3) // L3 spans 96-156
    expect(tight.tops[win.end - 1]!).toBeLessThan(200)
  })
  it('colours marks with the worst finding on their event', () => {
    const withFindings = lanes.flatMap((l) => l.marks).filter((m) => m.severity)
    expect(withFindings.length).toBeGreaterThan(0)
    for (const m of withFindings) expect(view.findingsBySeq.get(m.seq)?.length).toBeGreaterThan(0)
  })
  it('draws both elapsed spans of a completed interaction', () => {
    expect(lanes[1]!.documented?.value).toBeGreaterThan(0)
    expect(lanes[1]!.shipped!.value).toBeGreaterThan(lanes[1]!.documented!.value)
  })
})

describe('time window', () => {
  const w = { t0: 1000, t1: 2000 }
  it('maps time to x and back', () => {
    expect(timeToX(1500, w, 200)).toBe(100)
    expect(xToTime(100, w, 200)).toBe(1500)
  })
  it('zooms around the anchor, which stays at the same x', () => {
    const z = zoomAt(w, 2, 1250)
    expect(z.t1 - z.t0).toBe(500)
    expect(timeToX(1250, z, 200)).toBeCloseTo(timeToX(1250, w, 200))
    const tiny = zoomAt(w, 1e9, 1500)
    expect(tiny.t1 - tiny.t0).toBe(MIN_SPAN_MS)
  })
  it('pans by a time offset', () => {
    expect(panBy(w, -100)).toEqual({ t0: 900, t1: 1900 })
  })
  it('fits every lane and marker with a margin, and a default window when empty', () => {
    const f = fitWindow([{ start: 1000, end: 5000 }], [500])
    expect(f.t0).toBeLessThan(500)
    expect(f.t1).toBeGreaterThan(5000)
    const empty = fitWindow([])
    expect(empty.t1 - empty.t0).toBe(1000)
  })
  it('keeps only the lanes that overlap the window', () => {
    const lanes = [{ start: 0, end: 900 }, { start: 900, end: 1100 }, { start: 2500, end: 3000 }] as never[]
    expect(lanesInWindow(lanes, w)).toEqual([lanes[1]])
  })
  it('picks round tick steps', () => {
    const { step, ticks } = niceTicks({ t0: 0, t1: 10_000 }, 5)
    expect(step).toBe(2000)
    expect(ticks).toEqual([0, 2000, 4000, 6000, 8000, 10000])
    expect(niceTicks({ t0: 3, t1: 40 }, 4).step).toBe(10)
  })
  it('skips phase labels that would overlap', () => {
    expect(visibleLabels([0, 10, 70, 80, 200], 58)).toEqual([true, false, true, false, true])
    // Wide labels centred on their marks need more room than the minimum gap.
    expect(visibleLabels([0, 60, 200], 58, [34, 95, 34])).toEqual([true, false, true])
    // Two rows (the report): a label with no room in the first row goes to the second.
    expect(labelRows([0, 10, 20, 70, 80, 200], 58, 2)).toEqual([0, 1, -1, 0, 1, 0])
  })
  it('places elapsed labels after the bar, else before it, else over it', () => {
    expect(labelX(10, 50, 100, 400)).toBe(54)
    expect(labelX(250, 390, 100, 400)).toBe(146)
    expect(labelX(20, 390, 100, 400)).toBe(20)
  })
})

describe('elapsed spans from impossible timestamps', () => {
  const T = 1_764_000_000_000
  /** One interaction opened → closed 4 s later, the metadata timestamps given by `stamps`. */
  const lanesOf = (stamps: (t: number) => Record<string, number | boolean>) => {
    const times = [T, T + 1000, T + 2000, T + 3000, T + 4000]
    const names = ['opened', 'started', 'submitted', 'completed', 'closed']
    const events: SessionEntry[] = names.map((n, i) => ev(i, `Callback.${n}`, meta(stamps(times[i]!)), times[i]!))
    const session = { format: 'cxbus-devtools/session' as const, version: 1, events }
    const report = check(session)
    const view = viewOfSession(events, report)
    return buildLanes(view.stories, (s) => view.entries[view.indexOf(s)!], view.findingsBySeq)
  }
  const sane = (t: number) => ({ opened: T, ...(t >= T + 1000 ? { started: T + 1000 } : {}), ...(t >= T + 3000 ? { completed: T + 3000 } : {}), ...(t >= T + 4000 ? { closed: T + 4000 } : {}) })

  it('draws both spans when the timestamps are those of the interaction', () => {
    const [lane] = lanesOf(sane)
    expect(lane!.shipped?.value).toBe(4000)
    expect(lane!.documented?.value).toBe(2000)
  })
  it('draws no span from timestamps in seconds', () => {
    const s = (v: number) => Math.floor(v / 1000)
    const [lane] = lanesOf((t) => Object.fromEntries(Object.entries(sane(t)).map(([k, v]) => [k, s(v as number)])))
    expect(lane!.shipped).toBeNull()
    expect(lane!.documented).toBeNull()
  })
  it('draws no span from hostile timestamps (far past, far future, backwards)', () => {
    const [far] = lanesOf((t) => ({ ...sane(t), opened: 1, ...(t >= T + 4000 ? { closed: T + 4000 } : {}) }))
    expect(far!.shipped).toBeNull() // "shipped elapsed 29926874 min" across the whole lane
    expect(far!.documented?.value).toBe(2000)
    const [backwards] = lanesOf((t) => ({ ...sane(t), ...(t >= T + 3000 ? { completed: T + 500 } : {}) }))
    expect(backwards!.documented).toBeNull()
  })
  it('accepts ends a little outside the envelope times (page clock vs envelope time)', () => {
    const env = { start: 1000, end: 5000 }
    expect(plausibleSpan({ from: 0, to: 5200, value: 5200 }, env)).toBe(true)
    expect(plausibleSpan({ from: 1000, to: 20_000, value: 19_000 }, env)).toBe(false)
    expect(plausibleSpan({ from: 3000, to: 2000, value: -1000 }, env)).toBe(false)
    expect(plausibleSpan(null, env)).toBe(false)
  })
})

describe('spreadMarks', () => {
  it('leaves marks that do not touch where they are', () => {
    expect(spreadMarks([0, 20, 100])).toEqual([0, 20, 100])
  })

  it('spreads marks 1 ms apart around their middle so the one drawn below still shows its centre', () => {
    const [a, b] = spreadMarks([300, 300.2])
    expect(b! - a!).toBe(MARK_SPACING)
    expect((a! + b!) / 2).toBeCloseTo(300.1)
    // A 12 px mark drawn at b does not cover a's centre: a user's click there reaches a.
    expect(b! - 6).toBeGreaterThan(a!)
  })

  it('keeps the order, merges groups that touch after spreading, and never leaves two marks closer than the spacing', () => {
    const xs = [50, 50, 50, 58, 200, 201, 70]
    const out = spreadMarks(xs)
    const sorted = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]).map(([, i]) => out[i]!)
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]! - sorted[k - 1]!).toBeGreaterThanOrEqual(MARK_SPACING - 1e-9)
    expect(out[4]! + out[5]!).toBeCloseTo(401)
  })

  it('never moves a mark across a page-load line: the first events after a reload stay after it', () => {
    // The QA case: the previous page's last marks just before the line, the next interaction's first
    // ones just after it; spread around their mean, they used to land left of the line.
    const line = 1108
    const xs = [1104, 1106, 1108.5, 1109, 1109.5, 1110, 1130]
    const out = spreadMarks(xs, [line])
    expect(out.slice(0, 2).every((x) => x <= line)).toBe(true)
    expect(out.slice(2).every((x) => x >= line)).toBe(true)
    for (let k = 1; k < out.length; k++) expect(out[k]! - out[k - 1]!).toBeGreaterThanOrEqual(MARK_SPACING - 1e-9)
    // Without the line, the same marks do cross it (what the line prevents).
    expect(spreadMarks(xs)[2]!).toBeLessThan(line)
  })

  it('shares the room between two close page-load lines among the marks between them, in time order', () => {
    const out = spreadMarks([90, 101, 101, 102, 130], [100, 114])
    expect(out[0]).toBe(90)
    expect(out[4]).toBe(130)
    expect(out.slice(1, 4)).toEqual([104, 107, 110])
    // Lines closer than the spacing: the mark between them sits in the middle.
    expect(spreadMarks([101], [100, 103])).toEqual([101.5])
  })

  it('keeps a mark on or near a line half a spacing off it, on the side of the page it belongs to', () => {
    expect(spreadMarks([0, 50, 100], [50])).toEqual([0, 50 + MARK_SPACING / 2, 100])
    expect(spreadMarks([48, 50, 50.5], [50])).toEqual([50 - MARK_SPACING / 2, 50 + MARK_SPACING / 2, 50 + MARK_SPACING * 1.5])
    expect(spreadMarks([20, 80], [50])).toEqual([20, 80])
  })
})

describe('Lane marks', () => {
  it('draws marks 1 ms apart far enough apart that each keeps its own centre', () => {
    const lane = {
      id: 'a', plugin: 'Callback', index: 1, page: 1, label: 'Callback #1', start: 0, end: 5001, closed: true, outcome: 'completed', verdict: 'completed', sentence: '',
      marks: [
        { seq: 1, name: 'opened', time: 0, kind: 'step' },
        { seq: 2, name: 'completed', time: 5000, kind: 'step' },
        { seq: 3, name: 'closed', time: 5001, kind: 'step' },
      ],
      minimized: [], documented: null, shipped: null,
    } as unknown as Parameters<typeof Lane>[0]['lane']
    const { container } = render(h(Lane, { lane, window: { t0: 0, t1: 5001 }, width: 600, top: 0, height: LANE_HEIGHT, current: false, selectedSeq: null, onHover: () => {}, onSelect: () => {} }))
    const left = (event: string): number => parseFloat(container.querySelector<HTMLElement>(`[data-event=${event}]`)!.style.left)
    expect(left('closed') - left('completed')).toBeGreaterThanOrEqual(MARK_SPACING)
  })

  it("draws an interaction's first marks after the page load that started it", () => {
    // A page load at 400 ms, the interaction's first events 2 to 5 ms later: 1 px apart at this zoom.
    const lane = {
      id: 'a', plugin: 'Callback', index: 1, page: 2, label: 'Callback #1', start: 402, end: 405, closed: false, outcome: 'open', verdict: 'open', sentence: '',
      marks: ['ready', 'opened', 'started', 'submitted'].map((name, i) => ({ seq: i + 1, name, time: 402 + i, kind: 'step' })),
      minimized: [], documented: null, shipped: null,
    } as unknown as Parameters<typeof Lane>[0]['lane']
    const props = { lane, window: { t0: 0, t1: 1000 }, width: 300, top: 0, height: LANE_HEIGHT, current: false, selectedSeq: null, onHover: () => {}, onSelect: () => {} }
    const { container } = render(h(Lane, { ...props, pageLoads: [400] }))
    const line = timeToX(400, props.window, props.width)
    // The mark's left is its centre minus 5 px.
    const centres = [...container.querySelectorAll<HTMLElement>('[data-testid=timeline-mark]')].map((m) => parseFloat(m.style.left) + 5)
    expect(centres).toHaveLength(4)
    for (const x of centres) expect(x).toBeGreaterThan(line)
  })

  it("moves a phase label in from the track's edges, so the lane-label column does not cut its name", () => {
    const lane = {
      id: 'a', plugin: 'Callback', index: 1, page: 1, label: 'Callback #1', start: 0, end: 1000, closed: true, outcome: 'completed', verdict: 'completed', sentence: '',
      marks: [{ seq: 1, name: 'submitted', time: 10, kind: 'step' }, { seq: 2, name: 'completed', time: 995, kind: 'step' }],
      minimized: [], documented: null, shipped: null,
    } as unknown as Parameters<typeof Lane>[0]['lane']
    const { container } = render(h(Lane, { lane, window: { t0: 0, t1: 1000 }, width: 300, top: 0, height: LANE_HEIGHT, current: false, selectedSeq: null, onHover: () => {}, onSelect: () => {} }))
    const [first, last] = [...container.querySelectorAll<HTMLElement>('.phase')].map((p) => parseFloat(p.style.left))
    const half = ('submitted'.length * 5.6) / 2
    expect(first).toBeGreaterThanOrEqual(half)
    expect(last).toBeLessThanOrEqual(300 - half)
    expect(phaseX(150, 50, 300)).toBe(150)
  })
})
