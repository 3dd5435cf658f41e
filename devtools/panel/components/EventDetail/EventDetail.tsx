// Panel. Everything about the selected entry: header (name, times, interaction), the documented-vs-
// shipped elapsed note, its findings with the rules' explanations, the metadata table with the
// diff against the previous event of the same interaction, and the raw envelope.
import type { ComponentChildren } from 'preact'
import { SEVERITIES, type Json, type SessionEntry } from '../../../../src/core/model.ts'
import type { RuleInfo } from '../../../../src/core/rules.ts'
import type { SessionView } from '../../state/view.ts'
import { diffMetadata } from '../../lib/diff.ts'
import { nameOf, pluginOf, describeMarker } from '../../lib/entries.ts'
import { formatClock, formatRelative } from '../../lib/format.ts'
import { ElapsedNote } from './ElapsedNote.tsx'
import { FindingCard } from './FindingCard.tsx'
import { JsonTree } from './JsonTree.tsx'
import { MetadataTable } from './MetadataTable.tsx'

export interface EventDetailProps {
  view: SessionView
  seq: number | null
  ruleInfo(id: string): RuleInfo | undefined
  onSelect(seq: number): void
  /** The tester's notes on the entry (NotesSection), shown after its findings. */
  notes?: ComponentChildren
}

/**
 * What the metadata is compared with: the previous lifecycle event of the entry's interaction, null
 * for its first, 'attributed' for an entry the story attributed to it (a service failure, a minimize:
 * no lifecycle metadata to compare), undefined outside any. view.interactionOf decides, as for the
 * list and the timeline.
 */
export function previousInInteraction(view: SessionView, seq: number): SessionEntry | null | 'attributed' | undefined {
  const id = view.interactionOf(seq)
  const interaction = id == null ? undefined : view.interactionById.get(id)
  if (!interaction) return undefined
  const pos = interaction.events.findIndex((e) => e.seq === seq)
  if (pos < 0) return 'attributed'
  if (pos === 0) return null
  const prevIndex = view.indexOf(interaction.events[pos - 1]!.seq)
  return prevIndex === undefined ? null : (view.entries[prevIndex] ?? null)
}

/** The envelope as the subscriber received it, plus our capture fields. */
function envelopeOf(entry: SessionEntry): Json {
  return JSON.parse(JSON.stringify(entry)) as Json
}

export function EventDetail({ view, seq, ruleInfo, onSelect, notes }: EventDetailProps) {
  const index = seq === null ? undefined : view.indexOf(seq)
  const entry = index === undefined ? undefined : view.entries[index]
  if (!entry || seq === null) {
    return (
      <div class="detail-empty muted" data-testid="detail-empty">
        Select an event in the list or on the timeline (keyboard: arrows, then Enter).
      </div>
    )
  }
  const info = view.report.events[seq]
  // A lifecycle event's interaction, or the one a service failure or minimize was attributed to.
  const interactionId = view.interactionOf(seq)
  const interaction = interactionId === null ? undefined : view.interactionById.get(interactionId)
  const previous = previousInInteraction(view, seq)
  // Worst first: an error must not hide below a page of info notes.
  const findings = [...(view.findingsBySeq.get(seq) ?? [])].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))
  const openedAt = interactionId === null ? undefined : view.openedAt.get(interactionId)
  return (
    <div class="detail" data-testid="event-detail" data-seq={seq}>
      <header class="detail-head">
        <h2>
          <span class="muted">#{seq}</span> {entry.kind === 'marker' ? describeMarker(entry) : nameOf(entry)}
          {entry.kind === 'command' ? <span class="tag">command</span> : null}
        </h2>
        <p class="muted">
          {formatClock(entry.time)}
          {openedAt !== undefined ? ` · ${formatRelative(entry.time, openedAt)} from opened` : ''}
          {interaction ? ` · ${interaction.plugin} interaction #${interaction.index}` : ''}
          {entry.kind !== 'marker' && !interaction ? ` · ${pluginOf(entry)}` : ''}
          {entry.frameUrl ? ` · frame ${entry.frameUrl}` : ''}
        </p>
      </header>
      {entry.kind === 'event' && <ElapsedNote definition={info?.elapsed} data={entry.data} time={entry.time} plugin={entry.publisher} />}
      {findings.length > 0 && (
        <section aria-label="Findings on this event">
          <h3>Findings</h3>
          {findings.map((f, i) => (
            <FindingCard key={`${f.rule}-${i}`} finding={f} rule={ruleInfo(f.rule)} currentSeq={seq} onSelect={onSelect} />
          ))}
        </section>
      )}
      {/* After what is wrong with the entry: docked right, the notes box pushed the findings out of view. */}
      {notes}
      <section aria-label="Metadata">
        <h3>Metadata</h3>
        <MetadataTable
          rows={diffMetadata(typeof previous === 'object' && previous !== null ? previous.data : undefined, entry.data)}
          previousName={previous === undefined || previous === null || previous === 'attributed' ? previous : `#${previous.seq} ${nameOf(previous)}`}
        />
      </section>
      <section aria-label="Raw envelope">
        <details class="raw" data-testid="raw-envelope">
          <summary>Raw envelope (JSON)</summary>
          <JsonTree value={envelopeOf(entry)} />
        </details>
      </section>
    </div>
  )
}
