// Runs everywhere (rendered to a string for the report). One interaction's lane as a static SVG,
// laid out by the panel's own timeline maths (devtools/panel/components/Timeline/layout.ts and
// Lane.tsx's labelX), so the report and the panel draw the same marks, failed requests, minimized
// periods, bar and elapsed spans; plus a flag on each mark with a note. Text only: every string
// from the page is a JSX text child, escaped by the renderer.
import type { Finding, SessionEntry } from '../core/model.ts'
import type { InteractionStory } from '../core/story.ts'
import { buildLanes, labelRows, MIN_SPAN_MS, niceTicks, spreadMarks, timeToX, type ElapsedSpan, type Lane, type TimeWindow } from '../../devtools/panel/components/Timeline/layout.ts'
import { labelX } from '../../devtools/panel/components/Timeline/Lane.tsx'
import { formatDuration, formatRelative } from '../../devtools/panel/lib/format.ts'
import type { QaAnalysis } from './analyze.ts'

export const SVG_WIDTH = 860
const PAD = 14
const TRACK = SVG_WIDTH - 2 * PAD
const AXIS = 16
const HEIGHT = AXIS + 86
/** Same spacing as the panel's phase labels (Lane.tsx). */
const LABEL_GAP = 58
const CHAR_PX = 5.6

/** What the SVGs of one session share: the lanes by interaction id, page-load times. */
export interface TimelineContext {
  lanes: Map<string, Lane>
  pageLoads: number[]
  /** Seqs with a note. */
  noted: Set<number>
}

/** Lanes of the interactions `ids` only (the report draws a few dozen of thousands). */
export function timelineContext(a: QaAnalysis, ids: ReadonlySet<string>): TimelineContext {
  const { session, report } = a
  const index = new Map<number, SessionEntry>()
  for (const e of session.events) index.set(e.seq, e)
  const findingsBySeq = new Map<number, Finding[]>()
  for (const f of report.findings) {
    const seq = f.seq[f.seq.length - 1]
    if (seq === undefined) continue
    const list = findingsBySeq.get(seq)
    if (list) list.push(f)
    else findingsBySeq.set(seq, [f])
  }
  const drawn = a.stories.filter((st) => ids.has(st.id))
  const lanes = new Map(buildLanes(drawn, (seq) => index.get(seq), findingsBySeq).map((l) => [l.id, l]))
  const pageLoads = session.events.filter((e) => e.kind === 'marker' && e.marker === 'page-load' && !(typeof e.data === 'object' && e.data !== null && (e.data as { top?: unknown }).top === false)).map((e) => e.time)
  const noted = new Set(a.notes.flatMap((n) => (typeof n.seq === 'number' ? [n.seq] : [])))
  return { lanes, pageLoads, noted }
}

function Span({ kind, span, w, y }: { kind: 'shipped' | 'documented'; span: ElapsedSpan; w: TimeWindow; y: number }) {
  const x0 = Math.max(-20, timeToX(span.from, w, TRACK))
  const x1 = Math.min(TRACK + 20, timeToX(span.to, w, TRACK))
  const text = `${kind} elapsed ${formatDuration(span.value)}`
  return (
    <g class={`el el-${kind}`}>
      <rect x={PAD + x0} y={y} width={Math.max(1, x1 - x0)} height={4} rx={2} />
      <text x={PAD + labelX(x0, x1, text.length * CHAR_PX, TRACK)} y={y - 2}>
        {text}
      </text>
    </g>
  )
}

/**
 * The time window of one lane: its events and minimized periods with a 4 % margin. Unlike the panel's
 * fitWindow (at least 1 s, for a live session that grows), a story of 80 ms fills its picture.
 */
export function storyWindow(lane: Lane): TimeWindow {
  const times = [lane.start, lane.end, ...lane.minimized.flatMap((m) => (m.to === null ? [m.from] : [m.from, m.to]))]
  const lo = Math.min(...times)
  const span = Math.max(Math.max(...times) - lo, MIN_SPAN_MS)
  return { t0: lo - span * 0.04, t1: lo + span * 1.04 }
}

/** What the marks of the timelines mean, drawn once above them with the same classes (so the same colours). */
export function TimelineLegend() {
  const item = (label: string, mark: preact.JSX.Element) => (
    <span class="legend-item">
      <svg width={20} height={16} viewBox="0 0 20 16" aria-hidden="true">
        {mark}
      </svg>
      {label}
    </span>
  )
  const dot = (cls: string) => (
    <g class={`mark ${cls}`}>
      <circle cx={10} cy={8} r={5} />
    </g>
  )
  return (
    <p class="legend small muted" aria-label="Timeline legend">
      {item('event', dot(''))}
      {item('error', dot('sev-error'))}
      {item('warning', dot('sev-warning'))}
      {item('info (ring)', dot('sev-info'))}
      {item('failed request', <g class="mark failure"><rect x={5} y={3} width={10} height={10} /></g>)}
      {item('minimized', <rect class="minimized" x={1} y={2} width={18} height={12} />)}
      {item('note', <path class="note-flag" d="M6 15 l0 -12 l9 4 l-9 4" />)}
      {item('page load', <line class="pageload" x1={10} x2={10} y1={0} y2={16} />)}
      {item('shipped elapsed', <g class="el-shipped"><rect x={1} y={6} width={18} height={4} rx={2} /></g>)}
      {item('documented elapsed', <g class="el-documented"><rect x={1} y={6} width={18} height={4} rx={2} /></g>)}
    </p>
  )
}

/** The SVG of one interaction; null when it has no lane (no lifecycle event). */
export function TimelineSvg({ story, ctx }: { story: InteractionStory; ctx: TimelineContext }) {
  const lane = ctx.lanes.get(story.id)
  if (!lane) return null
  const w = storyWindow(lane)
  const x = (t: number): number => PAD + timeToX(t, w, TRACK)
  // Round times from the interaction's first event (what the labels count from), not round clock times.
  const ticks = niceTicks({ t0: w.t0 - story.start, t1: w.t1 - story.start }, 7).ticks.map((t) => t + story.start)
  // Page-load lines bound the spreading: no mark is drawn before the reload it followed.
  const xs = spreadMarks(
    lane.marks.map((m) => timeToX(m.time, w, TRACK)),
    ctx.pageLoads.map((t) => timeToX(t, w, TRACK)),
  )
  // Two rows of labels: a mark close to the previous one still gets its name (the ringed one with a finding too).
  const labels = labelRows(xs, LABEL_GAP, 2, lane.marks.map((m) => m.name.length * CHAR_PX))
  const opened = lane.marks.find((m) => m.name === 'opened')
  const closed = lane.marks.find((m) => m.name === 'closed')
  const barFrom = x(opened?.time ?? lane.start)
  const barTo = x(closed?.time ?? lane.end)
  const top = AXIS + 8
  // In a scrolling box: on a narrow screen the picture keeps a readable size instead of shrinking its labels.
  return (
    <div class="timeline-box">
      <svg class="timeline" viewBox={`0 0 ${SVG_WIDTH} ${HEIGHT}`} width={SVG_WIDTH} height={HEIGHT} role="img" aria-label={`Timeline of ${story.label}`} data-interaction={story.id}>
        {ticks.map((t) => (
          <g key={t} class="tick">
            <line x1={x(t)} x2={x(t)} y1={AXIS - 4} y2={HEIGHT} />
            {/* The last label ends at its tick: past it, it would be cut at the picture's edge. */}
            <text x={x(t) > SVG_WIDTH - 60 ? x(t) - 2 : x(t) + 2} y={AXIS - 6} text-anchor={x(t) > SVG_WIDTH - 60 ? 'end' : undefined}>
              {formatRelative(t, story.start)}
            </text>
          </g>
        ))}
        {ctx.pageLoads.filter((t) => t >= w.t0 && t <= w.t1).map((t, i) => (
          <line key={`p${i}`} class="pageload" x1={x(t)} x2={x(t)} y1={AXIS} y2={HEIGHT} />
        ))}
        {lane.minimized.map((s, i) => (
          <rect key={`m${i}`} class="minimized" x={x(s.from)} y={top - 4} width={Math.max(2, x(s.to ?? lane.end) - x(s.from))} height={16}>
            <title>minimized{s.to === null ? ' (not restored)' : ` for ${formatDuration(s.to - s.from)}`}</title>
          </rect>
        ))}
        <rect class={`bar ${lane.closed ? '' : 'open'}`} x={barFrom} y={top} width={Math.max(2, barTo - barFrom)} height={8} rx={4} />
        {lane.marks.map((m, i) => (
          <g key={m.seq} class={`mark ${m.kind === 'failure' ? 'failure' : ''} ${m.severity ? `sev-${m.severity}` : ''}`} data-seq={m.seq}>
            {m.kind === 'failure' ? <rect x={PAD + xs[i]! - 5} y={top - 1} width={10} height={10} /> : <circle cx={PAD + xs[i]!} cy={top + 4} r={6} />}
            <title>
              #{m.seq} {m.name}
              {m.severity ? ` (${m.severity})` : ''}
            </title>
            {labels[i]! >= 0 && (
              <text class="phase" x={PAD + xs[i]!} y={top + 24 + labels[i]! * 12}>
                {m.name}
              </text>
            )}
            {ctx.noted.has(m.seq) && <path class="note-flag" d={`M${PAD + xs[i]!} ${top - 6} l0 -10 l8 3 l-8 3`} />}
          </g>
        ))}
        {lane.shipped && <Span kind="shipped" span={lane.shipped} w={w} y={top + 52} />}
        {lane.documented && <Span kind="documented" span={lane.documented} w={w} y={top + 68} />}
      </svg>
    </div>
  )
}
