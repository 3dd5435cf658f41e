// Panel (pure). Layout maths of the lifecycle timeline: lanes built from the checker's interactions,
// the two elapsed spans of SPEC.md §3, the time window (zoom, pan, fit) and axis ticks. No DOM here:
// every number the Timeline draws comes from these tested functions.
import type { Finding, Json, SessionEntry, Severity } from '../../../../src/core/model.ts'
import type { InteractionStory, Outcome, StoryStepKind } from '../../../../src/core/story.ts'
import { pageNumbers } from '../../lib/entries.ts'
import { worstSeverity } from '../../lib/filter.ts'
import { isPlainObject } from '../../lib/diff.ts'

export interface TimeWindow {
  t0: number
  t1: number
}

export interface LaneMark {
  seq: number
  /** Short event name ("opened", "scheduleError 500"): also the phase label. */
  name: string
  time: number
  /** A lifecycle step, or a failed request of the plugin's service (a red mark on the lane). */
  kind: Extract<StoryStepKind, 'step' | 'failure'>
  severity?: Severity
}

/** A span between two metadata timestamps, with the duration it implies. */
export interface ElapsedSpan {
  from: number
  to: number
  /** to - from, in ms. */
  value: number
  /** The `elapsed` the page itself put on the last event, when it is a number. */
  carried?: number
}

export interface Lane {
  id: string
  plugin: string
  index: number
  /** 1-based number of the page load the interaction happened in; 0 when unknown. */
  page: number
  label: string
  start: number
  end: number
  closed: boolean
  outcome: Outcome
  /** Short verdict for the lane label: "completed · 1 failed". */
  verdict: string
  /** The story's sentence (the label's tooltip). */
  sentence: string
  /** Worst finding on the interaction's events. */
  severity?: Severity
  marks: LaneMark[]
  /** Minimized periods (to: null while still minimized: drawn to the lane's end). */
  minimized: { from: number; to: number | null }[]
  /** started → completed/cancelled (the documented `elapsed`). */
  documented: ElapsedSpan | null
  /** opened → closed, or to the last publish time while open (the shipped 9.x `elapsed`). */
  shipped: ElapsedSpan | null
}

const num = (v: Json | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** Page load numbers: see lib/entries.ts (re-exported for the timeline's callers). */
export { pageNumbers }

/**
 * How far (ms) an elapsed span's ends may lie outside its interaction's envelope times and still be
 * drawn: the page's own clock and the envelope time differ by a little (the checker's default clock
 * tolerance is 5 s). Further out, the timestamps are not ms of this interaction (seconds, garbage):
 * drawing them would put a bar across the whole lane or a label far from the bar.
 */
export const SPAN_TOLERANCE_MS = 5000

/** Whether a span lies within the envelope time range [start, end] ± tolerance, ends in order. */
export function plausibleSpan(span: ElapsedSpan | null, envelope: { start: number; end: number }, tolerance = SPAN_TOLERANCE_MS): boolean {
  if (!span) return false
  const inside = (t: number): boolean => t >= envelope.start - tolerance && t <= envelope.end + tolerance
  return span.value >= 0 && span.to >= span.from && inside(span.from) && inside(span.to)
}

/** The two elapsed spans implied by the metadata of an interaction's last event. */
export function elapsedSpans(data: Json | undefined, lastTime: number): { documented: ElapsedSpan | null; shipped: ElapsedSpan | null } {
  if (!isPlainObject(data)) return { documented: null, shipped: null }
  const carried = num(data.elapsed)
  const extra = carried === undefined ? {} : { carried }
  const started = num(data.started)
  const terminal = num(data.completed) ?? num(data.cancelled)
  const opened = num(data.opened)
  const closed = num(data.closed) ?? lastTime
  return {
    documented: started !== undefined && terminal !== undefined ? { from: started, to: terminal, value: terminal - started, ...extra } : null,
    shipped: opened !== undefined ? { from: opened, to: closed, value: closed - opened, ...extra } : null,
  }
}

const OUTCOME_TEXT: Record<Outcome, string> = { completed: 'completed', cancelled: 'cancelled', 'no-outcome': 'no outcome', open: 'open' }

/** "completed · 1 failed · auto": the verdict a lane label has room for. */
export function shortVerdict(story: InteractionStory): string {
  const m = story.summary
  // A gap after its last event may hold its end: neither "no outcome" nor "open" is known.
  const parts = [story.gap?.end ? 'end not captured' : story.pageLeft ? 'left open' : OUTCOME_TEXT[m.outcome]]
  if (m.failures.length) parts.push(`${m.failures.length} failed`)
  if (m.autoSubmitted) parts.push('auto')
  if (m.minimized) parts.push('min')
  return parts.join(' · ')
}

/**
 * What the timeline needs of every lane to lay them out and to fit the window: its interaction's
 * extent (first to last step) and whether it is finished. A whole Lane (marks, spans, verdict) is
 * built only for the few lanes on screen (laneOf): at 170 000 events there are tens of thousands.
 */
export interface LaneBounds {
  id: string
  start: number
  end: number
  closed: boolean
  story: InteractionStory
}

/** One LaneBounds per interaction story with steps, in the checker's order (by first event). */
export function laneBounds(stories: readonly InteractionStory[]): LaneBounds[] {
  const out: LaneBounds[] = []
  for (const st of stories) {
    if (st.steps.length === 0) continue
    let start = Infinity
    let end = -Infinity
    for (const step of st.steps) {
      if (step.time < start) start = step.time
      if (step.time > end) end = step.time
    }
    out.push({ id: st.id, start, end, closed: st.summary.outcome !== 'open', story: st })
  }
  return out
}

/**
 * The lane of one interaction story. `entryBySeq` resolves its last lifecycle event to its data
 * (the elapsed spans); `findingsBySeq` colours the marks.
 */
export function laneOf(
  { story: st, start, end, closed }: LaneBounds,
  entryBySeq: (seq: number) => SessionEntry | undefined,
  findingsBySeq: ReadonlyMap<number, readonly Finding[]>,
): Lane {
  const marks: LaneMark[] = []
  let last: LaneMark | undefined
  for (const step of st.steps) {
    if (step.kind !== 'step' && step.kind !== 'failure') continue
    const severity = worstSeverity(findingsBySeq.get(step.seq))
    const mark: LaneMark = { seq: step.seq, name: step.label, time: step.time, kind: step.kind, ...(severity ? { severity } : {}) }
    marks.push(mark)
    if (step.kind === 'step') last = mark
  }
  // Spans from impossible timestamps are left out: the findings on the events explain them.
  const spans = last ? elapsedSpans(entryBySeq(last.seq)?.data, last.time) : { documented: null, shipped: null }
  const severity = worstSeverity(marks.flatMap((m) => findingsBySeq.get(m.seq) ?? []))
  return {
    id: st.id,
    plugin: st.plugin,
    index: st.index,
    page: st.summary.page.number,
    label: `${st.plugin} #${st.index}${st.summary.page.number ? ` · page ${st.summary.page.number}` : ''}`,
    start,
    end,
    closed,
    outcome: st.summary.outcome,
    verdict: shortVerdict(st),
    sentence: st.sentence,
    ...(severity ? { severity } : {}),
    marks,
    minimized: st.minimizedSpans,
    documented: plausibleSpan(spans.documented, { start, end }) ? spans.documented : null,
    shipped: plausibleSpan(spans.shipped, { start, end }) ? spans.shipped : null,
  }
}

/** Every lane at once (the QA report draws a few dozen). */
export function buildLanes(
  stories: readonly InteractionStory[],
  entryBySeq: (seq: number) => SessionEntry | undefined,
  findingsBySeq: ReadonlyMap<number, readonly Finding[]>,
): Lane[] {
  return laneBounds(stories).map((b) => laneOf(b, entryBySeq, findingsBySeq))
}

/** Height of a lane with its phase labels and elapsed spans, and of a finished one drawn compact. */
export const LANE_HEIGHT = 60
export const COMPACT_LANE_HEIGHT = 32

/**
 * Lane heights and tops. All lanes are full while they fit in `available` px; otherwise finished
 * lanes are compact, except `expanded` (the selected interaction), so ten interactions stay
 * readable in a short timeline.
 */
export function laneLayout(lanes: readonly Pick<Lane, 'id' | 'closed'>[], available: number, expanded: string | null): { tops: number[]; heights: number[]; total: number } {
  const full = lanes.length * LANE_HEIGHT <= available
  const heights = lanes.map((l) => (full || !l.closed || l.id === expanded ? LANE_HEIGHT : COMPACT_LANE_HEIGHT))
  const tops: number[] = []
  let y = 0
  for (const h of heights) {
    tops.push(y)
    y += h
  }
  return { tops, heights, total: y }
}

/** Indices [start, end) of the lanes that intersect [scrollTop, scrollTop + height), plus `overscan` on each side. */
export function lanesInView(tops: readonly number[], heights: readonly number[], scrollTop: number, height: number, overscan = 3): { start: number; end: number } {
  let start = 0
  while (start < tops.length && tops[start]! + heights[start]! <= scrollTop) start++
  let end = start
  while (end < tops.length && tops[end]! < scrollTop + height) end++
  return { start: Math.max(0, start - overscan), end: Math.min(tops.length, end + overscan) }
}

export const MIN_SPAN_MS = 10

/**
 * A window around every lane and marker, with a margin so the first and last marks are not cut;
 * with neither, around the `fallback` times (the first and last event: a session of housekeeping
 * only, imported without its page-load marker, still gets an axis over its events).
 */
export function fitWindow(times: readonly { start: number; end: number }[], extra: readonly number[] = [], fallback: readonly number[] = []): TimeWindow {
  let lo = Infinity
  let hi = -Infinity
  for (const t of times) {
    if (t.start < lo) lo = t.start
    if (t.end > hi) hi = t.end
  }
  for (const t of times.length === 0 && extra.length === 0 ? fallback : extra) {
    if (t < lo) lo = t
    if (t > hi) hi = t
  }
  if (!Number.isFinite(lo)) {
    const now = 0
    return { t0: now, t1: now + 1000 }
  }
  const span = Math.max(hi - lo, 1000)
  const margin = span * 0.04
  return { t0: lo - margin, t1: lo + span + margin }
}

/** Zoom by `factor` (>1 zooms in) keeping the time under the pointer (`anchor`) in place. */
export function zoomAt(w: TimeWindow, factor: number, anchor: number): TimeWindow {
  const span = w.t1 - w.t0
  const next = Math.max(MIN_SPAN_MS, span / factor)
  const ratio = span > 0 ? (anchor - w.t0) / span : 0.5
  const t0 = anchor - ratio * next
  return { t0, t1: t0 + next }
}

export function panBy(w: TimeWindow, dt: number): TimeWindow {
  return { t0: w.t0 + dt, t1: w.t1 + dt }
}

/** x of time t in a track `width` pixels wide. */
export function timeToX(t: number, w: TimeWindow, width: number): number {
  return ((t - w.t0) / (w.t1 - w.t0)) * width
}

export function xToTime(x: number, w: TimeWindow, width: number): number {
  return w.t0 + (x / width) * (w.t1 - w.t0)
}

/** Lanes that overlap the window: the others are off-screen horizontally and are not drawn. */
export function lanesInWindow<L extends Pick<Lane, 'start' | 'end'>>(lanes: readonly L[], w: TimeWindow): L[] {
  return lanes.filter((l) => l.end >= w.t0 && l.start <= w.t1)
}

const STEPS = [1, 2, 5]

/** Round tick times for an axis with at most `maxTicks` labels. */
export function niceTicks(w: TimeWindow, maxTicks: number): { step: number; ticks: number[] } {
  const span = w.t1 - w.t0
  const raw = span / Math.max(1, maxTicks)
  let step = 1
  outer: for (let p = 1; p <= 1e12; p *= 10) {
    for (const s of STEPS) {
      if (s * p >= raw) {
        step = s * p
        break outer
      }
    }
  }
  const ticks: number[] = []
  for (let t = Math.ceil(w.t0 / step) * step; t <= w.t1; t += step) ticks.push(t)
  return { step, ticks }
}

/** Centre-to-centre distance of two neighbouring marks: more than half a 12 px mark, so each one shows its middle. */
export const MARK_SPACING = 8

/**
 * Mark positions moved apart just enough that no mark hides another (`completed` and `closed` are often
 * 1 ms apart, and the later one drawn on top would take every click): marks closer than `spacing` form a
 * group spread evenly around the group's mean position, merging with the group before it when they touch.
 * Positions keep their order; isolated marks do not move. The tooltip still gives the exact time.
 * `barriers` (x of page-load lines) are never crossed: a mark keeps its side of the line, or an event
 * would look as if it happened before the reload that preceded it, and stays half a spacing off it
 * (a mark nearer than that moves out). Marks squeezed between two lines closer than the spacing
 * allows share the room between them.
 */
export function spreadMarks(xs: readonly number[], barriers: readonly number[] = [], spacing = MARK_SPACING): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b)
  const lines = [...barriers].sort((a, b) => a - b)
  const out = new Array<number>(xs.length)
  // Between two lines (a mark on a line belongs to the page it starts), each stretch is spread alone,
  // half a spacing off each line, so that two marks either side of a line do not hide each other.
  let k = 0
  for (let s = 0; s <= lines.length; s++) {
    const from = s === 0 ? -Infinity : lines[s - 1]!
    const to = s === lines.length ? Infinity : lines[s]!
    const members: number[] = []
    while (k < order.length && (s === lines.length || xs[order[k]!]! < to)) members.push(order[k++]!)
    const lo = from + spacing / 2
    const hi = to - spacing / 2
    // Lines closer than the spacing: their marks meet in the middle.
    if (lo > hi) spreadBetween(xs, members, spacing, (from + to) / 2, (from + to) / 2, out)
    else spreadBetween(xs, members, spacing, lo, hi, out)
  }
  return out
}

/** spreadMarks for the marks `order` (sorted by x) that must stay within [lo, hi]; writes into `out`. */
function spreadBetween(xs: readonly number[], order: readonly number[], spacing: number, lo: number, hi: number, out: number[]): void {
  interface Group {
    members: number[]
    sum: number
  }
  // A group wider than its stretch is squeezed to fit it.
  const step = (g: Group): number => (g.members.length > 1 ? Math.min(spacing, (hi - lo) / (g.members.length - 1)) : 0)
  const left = (g: Group): number => {
    const width = (g.members.length - 1) * step(g)
    return Math.max(lo, Math.min(hi - width, g.sum / g.members.length - width / 2))
  }
  const right = (g: Group): number => left(g) + (g.members.length - 1) * step(g)
  const groups: Group[] = []
  for (const i of order) {
    groups.push({ members: [i], sum: xs[i]! })
    while (groups.length > 1) {
      const b = groups[groups.length - 1]!
      const a = groups[groups.length - 2]!
      if (left(b) - right(a) >= spacing) break
      a.members.push(...b.members)
      a.sum += b.sum
      groups.pop()
    }
  }
  for (const g of groups) {
    const x0 = left(g)
    g.members.forEach((m, k) => (out[m] = x0 + k * step(g)))
  }
}

/**
 * Which phase labels to draw: a label is skipped when it would overlap the previous drawn one
 * (zoomed out, `cancelled` and `closed` are 1 ms apart). Hover still names every mark.
 */
export function visibleLabels(xs: readonly number[], minGap: number, widths?: readonly number[]): boolean[] {
  return labelRows(xs, minGap, 1, widths).map((r) => r === 0)
}

/**
 * The row (0 .. rows-1) of each mark's label, or -1 where no row has room: left to right, each label
 * goes to the first row where it keeps its distance from that row's previous label (the report has
 * room for two rows; the panel's lanes for one).
 */
export function labelRows(xs: readonly number[], minGap: number, rows: number, widths?: readonly number[]): number[] {
  const lastX = new Array<number>(rows).fill(-Infinity)
  const lastW = new Array<number>(rows).fill(0)
  return xs.map((x, i) => {
    // Labels are centred on their mark: two wide ones ("scheduleError 500") need more than minGap.
    const w = widths?.[i] ?? 0
    for (let r = 0; r < rows; r++) {
      if (x - lastX[r]! >= Math.max(minGap, (lastW[r]! + w) / 2 + 6)) {
        lastX[r] = x
        lastW[r] = w
        return r
      }
    }
    return -1
  })
}
