// Panel. One row of the event list: an event or command with its times, interaction and findings,
// or a full-width marker (page load, bus found, events dropped).
import type { Finding, SessionEntry } from '../../../../src/core/model.ts'
import { describeMarker, droppedKind, isFrameLoad, nameOf, pluginOf, shortName } from '../../lib/entries.ts'
import { worstSeverity } from '../../lib/filter.ts'
import { formatClock, formatRelative } from '../../lib/format.ts'

export const ROW_HEIGHT = 22

export interface RowProps {
  entry: SessionEntry
  top: number
  selected: boolean
  /** Part of the selected interaction. */
  current?: boolean
  interaction: string | null
  /** "#1 · p2": shown after the plugin when the list is too narrow for the Interaction column. */
  interactionShort?: string | null
  openedAt: number | undefined
  findings: readonly Finding[] | undefined
  /** How many notes are on this event (a ✎ marker). */
  notes?: number
  onClick(seq: number): void
  onDoubleClick(seq: number): void
}

const MARKER_TESTID: Record<string, string> = { 'page-load': 'page-load-marker', dropped: 'dropped-marker', bus: 'bus-marker' }

export function Row({ entry, top, selected, current = false, interaction, interactionShort, openedAt, findings, notes = 0, onClick, onDoubleClick }: RowProps) {
  const common = {
    id: `row-${entry.seq}`,
    role: 'row' as const,
    'aria-selected': selected,
    style: { top: `${top}px` },
    onClick: () => onClick(entry.seq),
    onDblClick: () => onDoubleClick(entry.seq),
    'data-seq': entry.seq,
  }
  if (entry.kind === 'marker') {
    // A sub-frame's load is a lighter row than a load of the page; paused/cleared are not losses.
    const frame = isFrameLoad(entry)
    const dropped = droppedKind(entry)
    const variant = frame ? ' marker-frame-load' : dropped && dropped !== 'overflow' ? ` marker-dropped-${dropped}` : ''
    return (
      <div
        {...common}
        class={`row marker marker-${entry.marker}${variant} ${selected ? 'selected' : ''}`}
        data-testid={frame ? 'frame-load-marker' : (MARKER_TESTID[entry.marker] ?? 'marker')}
        data-where={dropped}
      >
        <span class="c-marker" role="gridcell">
          {/* Its seq, as findings cite it ("a page load (seq 57) left Callback #2 open"). */}
          {formatClock(entry.time)} · <span class="muted">#{entry.seq}</span> {describeMarker(entry)}
        </span>
      </div>
    )
  }
  const worst = worstSeverity(findings)
  const name = nameOf(entry)
  const plugin = pluginOf(entry)
  return (
    <div {...common} class={`row ${entry.kind} ${selected ? 'selected' : ''} ${current ? 'current' : ''} ${worst ? `has-${worst}` : ''}`} data-testid="event-row" data-event={name}>
      <span class="c-seq" role="gridcell">
        {entry.seq}
      </span>
      <span class="c-time" role="gridcell">
        {formatClock(entry.time)}
      </span>
      <span class="c-rel" role="gridcell">
        {formatRelative(entry.time, openedAt)}
      </span>
      <span class="c-plugin" role="gridcell" title={interaction ? `${plugin} · ${interaction}` : plugin}>
        {plugin}
        {interactionShort ? <span class="inter-short"> {interactionShort}</span> : null}
      </span>
      <span class="c-event" role="gridcell" title={name}>
        {notes > 0 && (
          <span class="note-marker" data-testid="row-note" title={`${notes} note${notes === 1 ? '' : 's'}`}>
            ✎{' '}
          </span>
        )}
        {entry.kind === 'command' ? `▸ ${shortName(name)}()` : shortName(name)}
        {entry.kind === 'command' && entry.origin === 'panel' && (
          <span class="pill from-panel" data-testid="row-from-panel" title="Sent from the panel's Commands drawer">
            {' '}panel
          </span>
        )}
      </span>
      <span class="c-inter" role="gridcell" title={interaction ?? undefined}>
        {interaction ?? ''}
      </span>
      <span class="c-find" role="gridcell" data-testid={findings?.length ? 'row-findings' : undefined}>
        {findings?.length ? (
          <>
            <span class={`dot dot-${worst}`} aria-hidden="true" />
            <span class="find-rule" title={findings.map((f) => f.rule).join(', ')}>
              {(findings.find((f) => f.severity === worst) ?? findings[0]!).rule}
              {findings.length > 1 ? ` +${findings.length - 1}` : ''}
            </span>
          </>
        ) : null}
      </span>
    </div>
  )
}
