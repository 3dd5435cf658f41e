// Panel. The lifecycle timeline: one lane per interaction, an axis, page-load lines, zoom (Ctrl or
// ⌘ + wheel, the buttons), pan (drag, Shift + wheel), hover names the event and its time, click
// selects it. Until the user zooms or pans, the window follows the whole session so live events
// appear as they happen; "Fit" returns to that mode. Lanes are windowed vertically like the list.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { SessionEntry } from '../../../../src/core/model.ts'
import type { SessionView } from '../../state/view.ts'
import { formatClock, formatDuration, formatRelative } from '../../lib/format.ts'
import { isTopLoad, nameOf } from '../../lib/entries.ts'
import { fitWindow, laneBounds, laneOf, laneLayout, lanesInView, lanesInWindow, niceTicks, panBy, timeToX, xToTime, zoomAt, LANE_HEIGHT, type Lane as LaneData, type LaneBounds, type TimeWindow } from './layout.ts'
import { Lane } from './Lane.tsx'
import { useElementSize } from '../shared/useElementSize.ts'
import { failureDetail, readFailure } from '../../../../src/core/story.ts'

export interface TimelineProps {
  view: SessionView
  /** What to say without lanes instead of the live capture's hint (an imported file: checking, or none in it). */
  emptyText?: string
  selectedSeq: number | null
  /** The interaction selected (its lane is highlighted and never compact). */
  currentInteraction: string | null
  /** Height set by the user with the split handle (px), or null: as tall as the lanes, up to 42 % of the panel. */
  height: number | null
  /** Seqs of events with a note: a ✎ flag over their mark. */
  noted?: ReadonlySet<number>
  onSelect(seq: number): void
}

const LABEL_WIDTH = 130
/** Controls row plus axis, in px (see panel.css). */
export const CHROME_HEIGHT = 46

/** The timeline's height when the user has not set one: its lanes, up to 42 % of the panel (ten compact lanes at 800 px). */
export function autoMaxHeight(panelHeight: number): number {
  return Math.max(120, Math.min(420, Math.round(panelHeight * 0.42)))
}

export function Timeline({ view, emptyText, selectedSeq, currentInteraction, height, noted, onSelect }: TimelineProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const size = useElementSize(scroller, { width: 800, height: 200 })
  const width = Math.max(50, size.width - LABEL_WIDTH - 12)
  const [userWindow, setUserWindow] = useState<TimeWindow | null>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [hover, setHover] = useState<{ seq: number; x: number; y: number } | null>(null)
  const drag = useRef<{ x: number; window: TimeWindow } | null>(null)
  // The panel's height, kept current: resizing DevTools (docking it to the bottom, dragging its
  // divider) changes it without any new entry to re-render the timeline.
  const [panelHeight, setPanelHeight] = useState(() => globalThis.innerHeight || 800)
  useEffect(() => {
    const onResize = (): void => setPanelHeight(globalThis.innerHeight || 800)
    addEventListener('resize', onResize)
    return () => removeEventListener('resize', onResize)
  }, [])

  // Every lane's extent (cheap), and a whole lane only for those drawn, each built once per view:
  // building tens of thousands when an import's check is done would be one long task.
  const { lanes, pageLoads, laneFor } = useMemo(() => {
    const entryBySeq = (seq: number) => {
      const i = view.indexOf(seq)
      return i === undefined ? undefined : view.entries[i]
    }
    const built = new Map<string, LaneData>()
    const laneFor = (b: LaneBounds): LaneData => {
      let lane = built.get(b.id)
      if (!lane) built.set(b.id, (lane = laneOf(b, entryBySeq, view.findingsBySeq)))
      return lane
    }
    // A sub-frame's load is not a reload of the page: no dashed line for it.
    const loads = view.entries.filter(isTopLoad).map((e) => e.time)
    return { lanes: laneBounds(view.stories), pageLoads: loads, laneFor }
  }, [view])

  const first = view.entries[0]
  const window = userWindow ?? fitWindow(lanes, pageLoads, first ? [first.time, view.entries[view.entries.length - 1]!.time] : [])
  const shown = useMemo(() => lanesInWindow(lanes, window), [lanes, window.t0, window.t1])
  const outer = height ?? autoMaxHeight(panelHeight)
  const layout = laneLayout(shown, outer - CHROME_HEIGHT, currentInteraction)
  const rows = lanesInView(layout.tops, layout.heights, scrollTop, size.height)
  // Ticks count from the start of the capture, at round steps from it; none where its label would be cut.
  const tickBase = view.entries[0]?.time ?? window.t0
  const axis = niceTicks({ t0: window.t0 - tickBase, t1: window.t1 - tickBase }, Math.max(2, Math.floor(width / 110)))
  const ticks = axis.ticks.map((t) => t + tickBase).filter((t) => timeToX(t, window, width) <= width - 30)
  // Past a minute "+1 min 15 s" would repeat on ticks less than a second apart: they keep their ms.
  const preciseTicks = axis.step < 1000

  // A selection made in the list or the findings brings its lane (and time) into view.
  useEffect(() => {
    if (selectedSeq === null) return
    const id = view.interactionOf(selectedSeq)
    const entry = view.entries[view.indexOf(selectedSeq) ?? -1]
    if (!id || !entry) return
    if (userWindow && (entry.time < userWindow.t0 || entry.time > userWindow.t1)) {
      const half = (userWindow.t1 - userWindow.t0) / 2
      setUserWindow({ t0: entry.time - half, t1: entry.time + half })
      return // the lanes shown change with the window; the next run scrolls to the lane
    }
    const pos = shown.findIndex((l) => l.id === id)
    const el = scroller.current
    if (pos < 0 || !el) return
    const top = layout.tops[pos]!
    if (top < el.scrollTop || top + (layout.heights[pos] ?? LANE_HEIGHT) > el.scrollTop + el.clientHeight) {
      el.scrollTop = top
      setScrollTop(el.scrollTop)
    }
  }, [selectedSeq, shown])

  const trackX = (clientX: number): number => clientX - (scroller.current?.getBoundingClientRect().left ?? 0) - LABEL_WIDTH
  // The buttons zoom around the selected event when it is in view (else the middle): zooming in never loses it.
  const selectedTime = selectedSeq === null ? undefined : view.entries[view.indexOf(selectedSeq) ?? -1]?.time
  const center = selectedTime !== undefined && selectedTime >= window.t0 && selectedTime <= window.t1 ? selectedTime : (window.t0 + window.t1) / 2
  const zoom = (factor: number, anchor = center): void => setUserWindow(zoomAt(window, factor, anchor))

  const onWheel = (e: WheelEvent): void => {
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault()
      zoom(e.deltaY < 0 ? 1.25 : 0.8, xToTime(trackX(e.clientX), window, width))
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault()
      const px = e.shiftKey ? e.deltaY : e.deltaX
      setUserWindow(panBy(window, (px / width) * (window.t1 - window.t0)))
    }
  }

  const hovered = hover ? view.entries[view.indexOf(hover.seq) ?? -1] : undefined
  // As the list and the detail pane say (a service failure is its interaction's too).
  const hoveredOpenedAt = hovered ? view.openedAt.get(view.interactionOf(hovered.seq) ?? '') : undefined
  const hoveredFindings = hovered ? (view.findingsBySeq.get(hovered.seq) ?? []) : []

  return (
    // As tall as its lanes up to 42 % of the panel, or as the user sized it with the split handle.
    <div class="timeline" data-testid="timeline" style={{ height: `${height ?? Math.min(outer, CHROME_HEIGHT + Math.max(LANE_HEIGHT, layout.total))}px` }}>
      <div class="tl-controls">
        <button type="button" class="tb-btn" data-testid="zoom-out" title="Zoom out" onClick={() => zoom(0.5)}>
          −
        </button>
        <button type="button" class="tb-btn" data-testid="zoom-in" title="Zoom in" onClick={() => zoom(2)}>
          +
        </button>
        <button type="button" class="tb-btn" data-testid="zoom-fit" title="Show the whole session and follow new events" onClick={() => setUserWindow(null)} disabled={userWindow === null}>
          Fit
        </button>
        <span class="muted tl-hint">
          {lanes.length} interaction{lanes.length === 1 ? '' : 's'} · {formatDuration(window.t1 - window.t0)} shown · Ctrl+wheel zooms, drag pans
        </span>
      </div>
      <div class="tl-axis" style={{ paddingLeft: `${LABEL_WIDTH}px` }}>
        {ticks.map((t) => (
          <span key={t} class="tick" style={{ left: `${LABEL_WIDTH + timeToX(t, window, width)}px` }}>
            {formatRelative(t, tickBase, preciseTicks)}
          </span>
        ))}
      </div>
      <div
        class="tl-scroll"
        ref={scroller}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onWheel={onWheel}
        onPointerDown={(e) => {
          if ((e.target as HTMLElement).closest('.mark') || e.button !== 0) return
          drag.current = { x: e.clientX, window }
          e.currentTarget.setPointerCapture?.(e.pointerId)
        }}
        onPointerMove={(e) => {
          const d = drag.current
          if (!d) return
          const dx = e.clientX - d.x
          if (Math.abs(dx) > 2) setUserWindow(panBy(d.window, (-dx / width) * (d.window.t1 - d.window.t0)))
        }}
        onPointerUp={() => (drag.current = null)}
      >
        <div class="tl-body" style={{ height: `${Math.max(layout.total, 1)}px` }}>
          {pageLoads.map((t, i) => {
            const x = timeToX(t, window, width)
            return x < 0 || x > width ? null : (
              <div key={i} class="pageload-line" data-testid="timeline-pageload" style={{ left: `${LABEL_WIDTH + x}px` }} title={`Page load at ${formatClock(t)}`} />
            )
          })}
          {shown.slice(rows.start, rows.end).map((b, i) => (
            <Lane
              key={b.id}
              lane={laneFor(b)}
              window={window}
              width={width}
              top={layout.tops[rows.start + i]!}
              height={layout.heights[rows.start + i]!}
              current={b.id === currentInteraction}
              selectedSeq={selectedSeq}
              {...(noted ? { noted } : {})}
              pageLoads={pageLoads}
              onSelect={onSelect}
              onHover={(seq, x, y) => setHover(seq === null ? null : { seq, x, y })}
            />
          ))}
        </div>
        {lanes.length === 0 && (
          <div class="tl-empty muted">{emptyText ?? 'Interactions appear here as lanes once a lifecycle event arrives.'}</div>
        )}
      </div>
      {hover && hovered && (
        <div class="tooltip" role="tooltip" data-testid="timeline-tooltip" style={tooltipAt(hover.x, hover.y)}>
          <strong>
            #{hovered.seq} {nameOf(hovered)}
          </strong>
          {hovered.kind === 'event' && hoveredFailure(hovered)}
          <br />
          {formatClock(hovered.time)}
          {hoveredOpenedAt !== undefined ? ` · ${formatRelative(hovered.time, hoveredOpenedAt)} from opened` : ''}
          {hoveredFindings.map((f, i) => (
            <div key={i} class={`tt-finding sev-text-${f.severity}`}>
              {f.severity}: {f.rule}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}

/**
 * Beside the pointer, on the side with more room: past the middle of the window it opens to the left
 * (or above), so a mark at the right edge (Fit puts the newest there) keeps its tooltip on screen; and
 * no wider than that side (a narrow panel: it wraps instead of running off the window).
 */
export function tooltipAt(x: number, y: number, w = globalThis.innerWidth ?? 0, h = globalThis.innerHeight ?? 0): Record<string, string> {
  const left = x > w / 2
  const up = y > h / 2
  const room = Math.max(120, (left ? x : w - x) - 12 - 4)
  return { left: `${left ? x - 12 : x + 12}px`, top: `${up ? y - 12 : y + 12}px`, transform: `translate(${left ? '-100%' : '0'}, ${up ? '-100%' : '0'})`, maxWidth: `${room}px` }
}

/** The failure a service event reports, for the tooltip of its red mark ("HTTP 500 Internal Server Error"). */
function hoveredFailure(entry: SessionEntry & { kind: 'event' }) {
  if (!entry.event.endsWith('Error')) return null
  const f = readFailure(entry)
  return (
    <div class="sev-text-error">
      {failureDetail(f)}
    </div>
  )
}
