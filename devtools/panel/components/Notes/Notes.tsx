// Panel. The tester's notes in the Detail pane: the notes on the selected event and on its interaction,
// each removable, and a form to add one to either. Notes are text: shown as text, never as HTML.
import { useState } from 'preact/hooks'
import { MAX_NOTE_CHARS, type SessionNote } from '../../../../src/core/model.ts'
import type { NoteTarget } from '../../../../src/ui/notes.ts'
import { formatClock } from '../../lib/format.ts'

export interface NotesSectionProps {
  /** Notes on the event, then on its interaction. */
  onEvent: readonly SessionNote[]
  onInteraction: readonly SessionNote[]
  seq: number
  /** The event's interaction: its id and label, when it has one. */
  interaction?: { id: string; label: string } | undefined
  onAdd(target: NoteTarget, text: string): void
  onRemove(note: SessionNote): void
}

function NoteItem({ note, about, onRemove }: { note: SessionNote; about: string; onRemove(n: SessionNote): void }) {
  return (
    <li class="note" data-testid="note">
      <span class="note-icon" aria-hidden="true">
        ✎
      </span>{' '}
      <span class="muted">
        {about} · {formatClock(note.time)}
      </span>{' '}
      <button type="button" class="link" title="Remove this note" data-testid="note-remove" onClick={() => onRemove(note)}>
        remove
      </button>
      <div class="note-text">{note.text}</div>
    </li>
  )
}

export function NotesSection({ onEvent, onInteraction, seq, interaction, onAdd, onRemove }: NotesSectionProps) {
  const [text, setText] = useState('')
  const [on, setOn] = useState<'event' | 'interaction'>('event')
  // The session file keeps at most MAX_NOTE_CHARS (trimmed): said and enforced here, so what is
  // exported is what was typed (maxlength stops typing and cuts a paste; the check covers the rest).
  const length = text.trim().length
  const tooLong = length > MAX_NOTE_CHARS
  const add = (): void => {
    if (!text.trim() || tooLong) return
    onAdd(on === 'interaction' && interaction ? { interaction: interaction.id } : { seq }, text)
    setText('')
  }
  return (
    <section aria-label="Notes" class="notes" data-testid="notes">
      <h3>Notes</h3>
      {(onEvent.length > 0 || onInteraction.length > 0) && (
        <ul class="note-list">
          {onEvent.map((n, i) => (
            <NoteItem key={`e${i}`} note={n} about="this event" onRemove={onRemove} />
          ))}
          {onInteraction.map((n, i) => (
            <NoteItem key={`i${i}`} note={n} about={interaction?.label ?? 'interaction'} onRemove={onRemove} />
          ))}
        </ul>
      )}
      <form
        class="note-form"
        onSubmit={(e) => {
          e.preventDefault()
          add()
        }}
      >
        <textarea
          data-testid="note-text"
          rows={2}
          placeholder="What you did, what looked wrong…"
          value={text}
          maxLength={MAX_NOTE_CHARS}
          aria-describedby="note-count"
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Ctrl/⌘+Enter adds, like a comment box; Enter alone is a new line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault()
              add()
            }
          }}
        />
        <div class="note-actions">
          <span id="note-count" class={tooLong ? 'note-count cmd-bad' : 'note-count muted'} data-testid="note-count" role={tooLong ? 'alert' : undefined}>
            {tooLong ? `${length - MAX_NOTE_CHARS} characters over the limit of ${MAX_NOTE_CHARS}: shorten the note` : `${length} / ${MAX_NOTE_CHARS}`}
          </span>
          {interaction && (
            <select data-testid="note-target" value={on} onChange={(e) => setOn(e.currentTarget.value as 'event' | 'interaction')} aria-label="Add the note to">
              <option value="event">on event #{seq}</option>
              <option value="interaction">on {interaction.label}</option>
            </select>
          )}
          <button type="submit" class="tb-btn" data-testid="note-add" disabled={!text.trim() || tooLong}>
            Add note
          </button>
        </div>
      </form>
    </section>
  )
}
