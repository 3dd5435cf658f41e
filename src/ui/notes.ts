// Panel and popup (shared UI code, no component). The tester's notes on events and interactions (the session file's `notes` field).
// Live notes are kept per tab in storage.session (`cx:notes:<tabId>`), so they survive closing and
// reopening DevTools and the popup's report has them; they go when the browser session ends, like the
// capture. An imported file's notes live with the import.
import { MAX_NOTE_CHARS, MAX_NOTES, type SessionNote } from '../core/model.ts'
import type { StorageAreaLike } from './settings.ts'

export const notesKey = (tabId: number): string => `cx:notes:${tabId}`

/** What a note is about: an event (seq) or an interaction (id). */
export type NoteTarget = { seq: number } | { interaction: string }

/** The notes with one more (text trimmed and bounded); unchanged when the text is empty or the list is full. */
export function withNote(notes: readonly SessionNote[], target: NoteTarget, text: string, time: number): SessionNote[] {
  const t = text.trim().slice(0, MAX_NOTE_CHARS)
  if (!t || notes.length >= MAX_NOTES) return [...notes]
  return [...notes, { ...target, text: t, time }]
}

export function withoutNote(notes: readonly SessionNote[], note: SessionNote): SessionNote[] {
  return notes.filter((n) => n !== note)
}

export interface NotesIndex {
  bySeq: ReadonlyMap<number, SessionNote[]>
  byInteraction: ReadonlyMap<string, SessionNote[]>
}

export function indexNotes(notes: readonly SessionNote[]): NotesIndex {
  const bySeq = new Map<number, SessionNote[]>()
  const byInteraction = new Map<string, SessionNote[]>()
  for (const n of notes) {
    if (typeof n.seq === 'number') bySeq.set(n.seq, [...(bySeq.get(n.seq) ?? []), n])
    else if (typeof n.interaction === 'string') byInteraction.set(n.interaction, [...(byInteraction.get(n.interaction) ?? []), n])
  }
  return { bySeq, byInteraction }
}

/** Stored notes of a tab; anything unreadable is left out (storage can hold an older shape). */
export async function loadNotes(area: StorageAreaLike, tabId: number): Promise<SessionNote[]> {
  try {
    const raw = (await area.get(notesKey(tabId)))[notesKey(tabId)]
    if (!Array.isArray(raw)) return []
    return raw.filter(
      (n): n is SessionNote =>
        typeof n === 'object' && n !== null && typeof n.text === 'string' && typeof n.time === 'number' && (Number.isInteger(n.seq) || typeof n.interaction === 'string'),
    ).slice(0, MAX_NOTES)
  } catch {
    return []
  }
}

export async function saveNotes(area: StorageAreaLike, tabId: number, notes: readonly SessionNote[]): Promise<void> {
  await area.set({ [notesKey(tabId)]: notes })
}

/**
 * Keeps the tab's stored notes in step with the live capture's: restores them once, then saves
 * every change (added, removed, or dropped by Clear). Returns the unsubscribe function.
 */
export function syncLiveNotes(
  store: { getState(): { notes: SessionNote[] }; subscribe(fn: () => void): () => void; setLiveNotes(notes: SessionNote[]): void },
  area: StorageAreaLike,
  tabId: number,
  onError: (err: unknown) => void = () => {},
): () => void {
  let last = store.getState().notes
  const unsubscribe = store.subscribe(() => {
    const notes = store.getState().notes
    if (notes === last) return
    last = notes
    saveNotes(area, tabId, notes).catch(onError)
  })
  loadNotes(area, tabId)
    .then((stored) => {
      // Notes written before the restore came back win over an empty list.
      if (stored.length && store.getState().notes.length === 0) store.setLiveNotes(stored)
    })
    .catch(onError)
  return unsubscribe
}
