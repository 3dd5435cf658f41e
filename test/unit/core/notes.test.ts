// @vitest-environment node
// Node (vitest). The optional `notes` field of the session file: a round trip through the file keeps
// every note (and unknown fields in them, SPEC.md §4), a report carries them, and a bad note is refused
// with the place and the reason.
import { describe, expect, it } from 'vitest'
import { MAX_NOTE_CHARS, MAX_NOTES, type Session } from '../../../src/core/model.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { analyzeSession } from '../../../src/report/analyze.ts'
import { renderReportHtml } from '../../../src/report/html.tsx'
import { loadFixture } from '../../support/fixtures.ts'

const withNotes = (notes: unknown): string => serializeSession({ ...loadFixture('shipped-failed-retry'), notes } as Session)

describe('notes in the session file', () => {
  it('survive export and import, in place and with unknown fields, also through a report', () => {
    const notes = [
      { seq: 7, text: 'error shown under the phone field\nsecond line', time: 1764000010000 },
      { interaction: 'Callback#1@p1', text: 'retry worked', time: 1764000020000, author: 'qa-anna' },
    ]
    const text = withNotes(notes)
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'version', 'source', 'notes', 'events'])
    const back = parseSession(text)
    expect(back.notes).toEqual(notes)
    expect(serializeSession(back)).toBe(text)
    const html = renderReportHtml(analyzeSession(back), { generatedAt: 0, generator: 'test' })
    expect(parseSession(html).notes).toEqual(notes)
  })

  it.each([
    ['not an array', { seq: 1 }, 'notes: expected an array of notes, got an object'],
    ['a string note', ['hello'], 'notes[0]: expected a note object, got "hello"'],
    ['no text', [{ seq: 1, time: 0 }], 'notes[0].text: expected a string, got nothing (missing)'],
    ['text too long', [{ seq: 1, time: 0, text: 'x'.repeat(MAX_NOTE_CHARS + 1) }], `notes[0].text: too long: ${MAX_NOTE_CHARS + 1} characters, the limit is ${MAX_NOTE_CHARS}`],
    ['bad time', [{ seq: 1, time: '2026', text: 'a' }], 'notes[0].time: expected a time in ms'],
    ['both targets', [{ seq: 1, interaction: 'Callback#1', time: 0, text: 'a' }], 'notes[0]: expected exactly one of "seq" (an event) or "interaction"'],
    ['no target', [{ time: 0, text: 'a' }], 'notes[0]: expected exactly one of "seq"'],
    ['bad seq', [{ seq: 1.5, time: 0, text: 'a' }], 'notes[0].seq: expected an integer >= 0, got 1.5'],
    ['empty interaction', [{ interaction: '', time: 0, text: 'a' }], 'notes[0].interaction: expected an interaction id'],
    ['too many', Array.from({ length: MAX_NOTES + 1 }, () => ({ seq: 1, time: 0, text: 'a' })), `notes: too many notes: ${MAX_NOTES + 1}, the limit is ${MAX_NOTES}`],
  ])('refuses %s with the place and the reason', (_name, notes, message) => {
    expect(() => parseSession(withNotes(notes))).toThrow(message)
  })
})
