// Panel. The virtualized event list: fixed-height rows, only the visible window (plus overscan) is
// in the DOM, so 100 000 entries scroll as smoothly as 100. Keyboard: up/down/home/end/page up/page
// down move the selection, Enter opens the detail. While scrolled to the bottom, new live entries
// keep the list at the bottom (like the Console).
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
import { interactionLabelOf, type SessionView } from '../../state/view.ts'
import { indexIn } from '../../lib/search.ts'
import { moveSelection, scrollToReveal, visibleRows, type NavKey } from '../../lib/virtual.ts'
import { canvasMeasure, columnTexts, columnWidths } from '../../lib/columns.ts'
import { Row, ROW_HEIGHT } from './Row.tsx'
import { useElementSize } from '../shared/useElementSize.ts'

export interface EventListProps {
  view: SessionView
  /** Indexes into view.entries of the rows to show, ascending. */
  rows: readonly number[]
  selectedSeq: number | null
  /** The selected interaction: its rows are highlighted. */
  currentInteraction?: string | null
  /** Notes by the seq of their event: a marker on the row. */
  notesBySeq?: ReadonlyMap<number, readonly unknown[]>
  onSelect(seq: number): void
  onOpen(seq: number): void
}

const NAV_KEYS = new Set<string>(['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'])
/** The stylesheet's widths: the sized columns never get narrower than these. */
const MIN_WIDTHS = { seq: 46, rel: 72, inter: 96, plugin: 122, pluginNarrow: 118 }
type Fonts = { normal: string; italic: string; head: string }

/** CSS variables with the sized columns' widths (panel.css reads them), fitted to the session's widest values. */
function useColumnStyle(view: SessionView, el: { current: HTMLElement | null }): Record<string, string> {
  const [fonts, setFonts] = useState<Fonts | null>(null)
  useLayoutEffect(() => {
    if (!el.current) return
    const cs = getComputedStyle(el.current)
    const font = `${cs.fontSize} ${cs.fontFamily}`
    setFonts({ normal: font, italic: `italic ${font}`, head: `600 ${font}` })
  }, [])
  return useMemo(() => {
    const f = fonts ?? { normal: '12px sans-serif', italic: 'italic 12px sans-serif', head: '600 12px sans-serif' }
    const w = columnWidths(columnTexts(view), canvasMeasure, f, MIN_WIDTHS)
    return { '--w-seq': `${w.seq}px`, '--w-rel': `${w.rel}px`, '--w-inter': `${w.inter}px`, '--w-plugin': `${w.plugin}px`, '--w-plugin-narrow': `${w.pluginNarrow}px` }
  }, [view, view.entries.length, fonts])
}

export function EventList({ view, rows, selectedSeq, currentInteraction = null, notesBySeq, onSelect, onOpen }: EventListProps) {
  const viewport = useRef<HTMLDivElement>(null)
  const { height } = useElementSize(viewport, { width: 800, height: 400 })
  const [scrollTop, setScrollTop] = useState(0)
  const stick = useRef(true)
  const bodyHeight = Math.max(0, height - ROW_HEIGHT) // minus the sticky header row
  const columnStyle = useColumnStyle(view, viewport)

  const selectedIndex = selectedSeq === null ? undefined : view.indexOf(selectedSeq)
  const selectedPos = selectedIndex === undefined ? -1 : indexIn(rows, selectedIndex)

  const scrollTo = (top: number): void => {
    const el = viewport.current
    if (!el) return
    el.scrollTop = top
    setScrollTop(el.scrollTop)
  }

  // Follow the tail of a live capture while the user sits at the bottom.
  useLayoutEffect(() => {
    if (stick.current) scrollTo(Math.max(0, rows.length * ROW_HEIGHT - bodyHeight))
  }, [rows.length, bodyHeight])

  // A selection made elsewhere (timeline, findings) scrolls its row into view.
  useEffect(() => {
    if (selectedPos < 0) return
    const top = scrollToReveal(selectedPos, scrollTop, bodyHeight, ROW_HEIGHT)
    if (top !== null) {
      stick.current = false
      scrollTo(top)
    }
  }, [selectedSeq])

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && selectedSeq !== null) {
      e.preventDefault()
      onOpen(selectedSeq)
      return
    }
    if (!NAV_KEYS.has(e.key)) return
    e.preventDefault()
    const pos = moveSelection(selectedPos, e.key as NavKey, rows.length, Math.floor(bodyHeight / ROW_HEIGHT))
    const entry = view.entries[rows[pos]!]
    if (pos < 0 || !entry) return
    const top = scrollToReveal(pos, scrollTop, bodyHeight, ROW_HEIGHT)
    if (top !== null) scrollTo(top)
    onSelect(entry.seq)
  }

  const win = visibleRows(scrollTop, bodyHeight, ROW_HEIGHT, rows.length)
  const visible = []
  for (let pos = win.start; pos < win.end; pos++) {
    const entry = view.entries[rows[pos]!]
    if (!entry) continue
    const interaction = view.interactionOf(entry.seq)
    visible.push(
      <Row
        key={entry.seq}
        entry={entry}
        top={pos * ROW_HEIGHT}
        selected={entry.seq === selectedSeq}
        current={interaction !== null && interaction === currentInteraction}
        interaction={interaction === null ? null : interactionLabelOf(view, entry.seq)}
        interactionShort={interaction === null ? null : interactionLabelOf(view, entry.seq, true)}
        openedAt={interaction === null ? undefined : view.openedAt.get(interaction)}
        findings={view.findingsBySeq.get(entry.seq)}
        notes={notesBySeq?.get(entry.seq)?.length ?? 0}
        onClick={onSelect}
        onDoubleClick={onOpen}
      />,
    )
  }

  return (
    <div
      class={`list${view.pageCount > 1 ? ' multi-page' : ''}`}
      ref={viewport}
      style={columnStyle}
      tabIndex={0}
      role="grid"
      aria-label="Captured events"
      aria-rowcount={rows.length}
      aria-activedescendant={selectedSeq === null ? undefined : `row-${selectedSeq}`}
      data-testid="event-list"
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        const el = e.currentTarget
        setScrollTop(el.scrollTop)
        stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT
      }}
    >
      <div class="row head" role="row">
        <span class="c-seq">#</span>
        <span class="c-time">Time</span>
        <span class="c-rel" title="Time since the interaction's opened">+opened</span>
        <span class="c-plugin">Plugin</span>
        <span class="c-event">Event</span>
        <span class="c-inter">Interaction</span>
        <span class="c-find">Findings</span>
      </div>
      <div class="list-body" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
        {visible}
      </div>
    </div>
  )
}
