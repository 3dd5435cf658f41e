// Panel. One interaction's lane: the label with its verdict, the opened→closed bar, a mark per event
// (red/amber when a finding is about it), failed service requests as red square marks, minimized
// periods as a band, and, in a full lane, phase labels where they fit and the shipped and documented
// elapsed spans. A compact lane (a finished interaction when many are shown) keeps the bar and marks.
import type { Lane as LaneData, TimeWindow, ElapsedSpan } from './layout.ts'
import { COMPACT_LANE_HEIGHT, MARK_SPACING, spreadMarks, timeToX, visibleLabels } from './layout.ts'
import { formatDuration } from '../../lib/format.ts'
const LABEL_GAP = 58
/** Width of a mark (panel.css .mark: 12 px, centred on its x by left x - 5 and margin-left -1). */
const MARK_WIDTH = 12
/** Approximate width of one character of the 10 px elapsed labels. */
const LABEL_CHAR_PX = 5.6

/** Where an elapsed label goes: after the bar if it fits, else before it, else over its start. */
export function labelX(x0: number, x1: number, labelWidth: number, width: number): number {
  if (x1 + 4 + labelWidth <= width) return Math.max(0, x1 + 4)
  if (x0 - 4 - labelWidth >= 0) return x0 - 4 - labelWidth
  return Math.max(0, Math.min(x0, width - labelWidth))
}

/** Centre of a phase label: on its mark, but moved in so that a mark at the track's edge keeps its whole name. */
export function phaseX(x: number, labelWidth: number, width: number): number {
  return Math.max(labelWidth / 2, Math.min(width - labelWidth / 2, x))
}

export interface LaneProps {
  lane: LaneData
  window: TimeWindow
  width: number
  top: number
  height: number
  /** The interaction selected in the list, the timeline or the Interactions tab. */
  current: boolean
  selectedSeq: number | null
  /** Seqs with a note: a ✎ flag over the mark. */
  noted?: ReadonlySet<number>
  /** Times of the page loads: a mark moved apart from its neighbours never crosses their lines. */
  pageLoads?: readonly number[]
  onHover(seq: number | null, x: number, y: number): void
  onSelect(seq: number): void
}

/** Keeps bar ends near the track: a timestamp in seconds would otherwise make a bar 10⁹ px wide. */
const clampX = (x: number, width: number): number => Math.max(-20, Math.min(width + 20, x))

function ElapsedBar({ kind, span, window, width }: { kind: 'shipped' | 'documented'; span: ElapsedSpan; window: TimeWindow; width: number }) {
  const x0 = clampX(timeToX(span.from, window, width), width)
  const x1 = clampX(timeToX(span.to, window, width), width)
  const text = `${kind} elapsed ${formatDuration(span.value)}`
  const title =
    kind === 'shipped'
      ? `Shipped 9.x definition: (closed or publish time) − opened = ${span.value} ms${span.carried !== undefined ? `; the page sent elapsed ${span.carried}` : ''}`
      : `Documented definition: (completed or cancelled) − started = ${span.value} ms${span.carried !== undefined ? `; the page sent elapsed ${span.carried}` : ''}`
  return (
    <div class={`elapsed elapsed-${kind}`} data-testid={`elapsed-${kind}`} data-value={span.value} title={title}>
      <div class="elapsed-bar" style={{ left: `${x0}px`, width: `${Math.max(1, x1 - x0)}px` }} />
      <span class="elapsed-label" style={{ left: `${labelX(x0, x1, text.length * LABEL_CHAR_PX, width)}px` }}>
        {text}
      </span>
    </div>
  )
}

export function Lane({ lane, window, width, top, height, current, selectedSeq, noted, pageLoads = [], onHover, onSelect }: LaneProps) {
  const compact = height <= COMPACT_LANE_HEIGHT
  // The lane's edges are lines the spreading keeps marks off, as page loads are, and a mark that
  // straddles one is moved just inside: a crowded start (Fit on a narrow panel) went under the labels.
  const half = MARK_WIDTH / 2
  const inside = (x: number): number => (x >= -half && x <= width + half ? Math.max(half, Math.min(width - half, x)) : x)
  const xs = spreadMarks(
    lane.marks.map((m) => inside(timeToX(m.time, window, width))),
    [half - MARK_SPACING / 2, width - half + MARK_SPACING / 2, ...pageLoads.map((t) => timeToX(t, window, width))],
  )
  const labelWidths = lane.marks.map((m) => m.name.length * LABEL_CHAR_PX)
  const labels = compact ? lane.marks.map(() => false) : visibleLabels(xs, LABEL_GAP, labelWidths)
  const opened = lane.marks.find((m) => m.name === 'opened')
  const closed = lane.marks.find((m) => m.name === 'closed')
  const barFrom = clampX(timeToX(opened?.time ?? lane.start, window, width), width)
  const barTo = clampX(timeToX(closed?.time ?? lane.end, window, width), width)
  return (
    <div
      class={`lane ${compact ? 'compact' : ''} ${current ? 'current' : ''}`}
      data-testid="timeline-lane"
      data-lane={lane.id}
      data-outcome={lane.outcome}
      style={{ top: `${top}px`, height: `${height}px` }}
    >
      <div class="lane-label" title={`${lane.label}: ${lane.sentence}`}>
        {lane.plugin} #{lane.index}
        {lane.page ? <span class="muted lane-page"> · p{lane.page}</span> : null}
        <div class={`lane-verdict verdict-${lane.outcome} ${lane.severity === 'error' ? 'sev-text-error' : ''}`} data-testid="lane-verdict" data-severity={lane.severity}>
          {lane.verdict}
        </div>
      </div>
      <div class="lane-track">
        {lane.minimized.map((span, i) => {
          const x0 = clampX(timeToX(span.from, window, width), width)
          const x1 = clampX(timeToX(span.to ?? lane.end, window, width), width)
          return (
            <div
              key={i}
              class="minimized-span"
              data-testid="minimized-span"
              style={{ left: `${x0}px`, width: `${Math.max(2, x1 - x0)}px` }}
              title={`Minimized${span.to === null ? ' (not restored)' : ` for ${formatDuration(span.to - span.from)}`}`}
            />
          )
        })}
        <div class={`lane-bar ${lane.closed ? '' : 'open'}`} style={{ left: `${barFrom}px`, width: `${Math.max(2, barTo - barFrom)}px` }} />
        {lane.marks.map((m, i) => {
          const x = xs[i]!
          if (x < -40 || x > width + 40) return null
          return (
            <div key={m.seq}>
              <button
                type="button"
                class={`mark mark-${m.kind === 'failure' ? 'failure' : m.name} ${m.severity ? `mark-${m.severity}` : ''} ${m.seq === selectedSeq ? 'selected' : ''}`}
                style={{ left: `${x - 5}px` }}
                data-testid="timeline-mark"
                data-seq={m.seq}
                data-event={m.name}
                data-kind={m.kind}
                data-severity={m.severity}
                aria-label={`${m.name} #${m.seq}${m.severity ? ` (${m.severity})` : ''}`}
                onMouseEnter={(e) => onHover(m.seq, e.clientX, e.clientY)}
                onMouseLeave={() => onHover(null, 0, 0)}
                onFocus={() => onHover(null, 0, 0)}
                onClick={() => onSelect(m.seq)}
              />
              {noted?.has(m.seq) && (
                <span class="mark-note-flag" data-testid="timeline-note" style={{ left: `${x + 5}px` }} aria-hidden="true">
                  ✎
                </span>
              )}
              {labels[i] && (
                <span class={`phase ${m.kind === 'failure' ? 'phase-failure' : ''}`} style={{ left: `${phaseX(x, labelWidths[i]!, width)}px` }}>
                  {m.name}
                </span>
              )}
            </div>
          )
        })}
        {!compact && lane.shipped && <ElapsedBar kind="shipped" span={lane.shipped} window={window} width={width} />}
        {!compact && lane.documented && <ElapsedBar kind="documented" span={lane.documented} window={window} width={width} />}
      </div>
    </div>
  )
}
