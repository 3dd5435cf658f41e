// Runs everywhere (CLI, panel import, tests). A session file read slice by slice: the entries are
// parsed and validated about SLICE_CHARS of text at a time and handed over as they come, so a
// caller can check them, show them or drop them without the whole file's text or object tree in
// memory (the CLI reads the file piece by piece) or without one long task (the panel). Same result
// and same errors as parseSession.
//
// How the text is cut: a JSON string cannot hold a raw line break, so in a pretty-printed file (what
// serializeSession and every export write) a line break followed by the first entry's indent and
// `}` can only close an entry of the events array or something nested at that very indent. Each
// slice, wrapped in [ ], must parse as JSON: that proves the cut was between two entries. Anything
// else (a minified file, an odd layout, a QA report's HTML, an invalid file) falls back to
// parseSession of the whole text, whose errors name the position.
import type { Session, SessionEntry, SessionSource } from './model.ts'
import { admitText, MAX_SESSION_BYTES, parseSession, SessionError, tooLargeMessage, validateEntry, validateHead } from './session.ts'

/** Characters of text per slice: parsed in a few ms, large enough that the cutting costs nothing. */
export const SLICE_CHARS = 1 << 20

/** Entries `from` .. `from + entries.length - 1` of the session's events. */
export interface SessionSlice {
  from: number
  entries: SessionEntry[]
}

/** A session without its events: what remains once the slices are handed over. */
export interface SessionHead {
  format: Session['format']
  version: number
  source?: SessionSource
  [extra: string]: unknown
}

/** The text of a session file, piece by piece. */
export interface TextSource {
  /** The next piece of the text, null at its end. */
  read(): string | null
  /** The whole text (read again): only when the slicing cannot be used. */
  whole(): string
}

/** A text already in memory, as one piece. */
export function wholeText(text: string): TextSource {
  let done = false
  return {
    read: () => (done ? null : ((done = true), text)),
    whole: () => text,
  }
}

/**
 * Yields the entries of a session slice by slice, then returns the rest of the session.
 * A slice with `from` 0 after others means: start over (the text had a layout the slicing does not
 * handle; the whole text was parsed instead). Throws SessionError as parseSession does.
 */
export function* sessionSlices(source: TextSource | string, sliceChars = SLICE_CHARS): Generator<SessionSlice, SessionHead> {
  const src = typeof source === 'string' ? wholeText(admitText(source)) : source
  const sliced = yield* sliceEntries(new Reader(src), sliceChars)
  if (sliced) return sliced
  const { events, ...head } = parseSession(src.whole())
  yield { from: 0, entries: events }
  return head as SessionHead
}

/** A session parsed in slices: parseSession's result, without the whole text in memory when it comes in pieces (the CLI). */
export function parseSessionSliced(text: TextSource | string, sliceChars = SLICE_CHARS): Session {
  const events: SessionEntry[] = []
  const it = sessionSlices(text, sliceChars)
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { ...r.value, events } as Session
    if (r.value.from === 0) events.length = 0
    for (const e of r.value.entries) events.push(e)
  }
}

/** The part of the text not handed over yet, read from the source as far as needed. */
class Reader {
  text = ''
  private total = 0
  private first = true
  constructor(private readonly source: TextSource) {}

  /**
   * Reads at least as much again as the text held (or to the end): each search flattens the text
   * once, so growing it geometrically keeps a long search linear.
   */
  more(): boolean {
    const added: string[] = []
    let size = 0
    while (size === 0 || size < this.text.length) {
      let piece = this.source.read()
      if (piece === null) break
      if (this.first && piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1) // byte order mark
      this.first = false
      this.total += piece.length
      if (this.total > MAX_SESSION_BYTES) {
        for (let p = this.source.read(); p !== null; p = this.source.read()) this.total += p.length
        throw new SessionError('', tooLargeMessage(this.total))
      }
      added.push(piece)
      size += piece.length
    }
    if (added.length === 0) return false
    this.text += added.join('')
    return true
  }

  /** Char code at `i` (-1 past the end of the text). */
  at(i: number): number {
    while (i >= this.text.length) if (!this.more()) return -1
    return this.text.charCodeAt(i)
  }

  /** First index of `pattern` at or after `from` (-1: nowhere). */
  find(pattern: string, from: number): number {
    for (;;) {
      const i = this.text.indexOf(pattern, from)
      if (i >= 0) return i
      from = Math.max(from, this.text.length - pattern.length + 1)
      if (!this.more()) return -1
    }
  }

  /** Index of the first character at or after `i` that is not JSON white space. */
  skipSpace(i: number): number {
    for (let c = this.at(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = this.at(++i));
    return i
  }

  /** Hands over the text before `n`: indices move back by n. */
  drop(n: number): void {
    this.text = this.text.slice(n)
  }

  /** The rest of the text, to its end. */
  rest(from: number): string {
    while (this.more());
    return this.text.slice(from)
  }
}

/** What stands for the events array while the rest of the document is parsed: no file has this value. */
const PLACEHOLDER = '"\\u0000cxbus-devtools events"'

/** The fast path: slices of entries, then the head; null (before or after some slices) when it cannot be used. */
function* sliceEntries(r: Reader, sliceChars: number): Generator<SessionSlice, SessionHead | null> {
  if (r.at(r.skipSpace(0)) !== 0x7b) return null // not a JSON object: a QA report (HTML), or invalid
  const key = r.find('"events"', 0)
  if (key < 0) return null
  let open = r.skipSpace(key + '"events"'.length)
  if (r.at(open) !== 0x3a) return null
  open = r.skipSpace(open + 1)
  if (r.at(open) !== 0x5b) return null
  const head = r.text.slice(0, open)
  r.drop(open + 1)
  let pos = r.skipSpace(0)
  if (r.at(pos) !== 0x5d) {
    const lineStart = r.text.lastIndexOf('\n', pos) + 1
    const indent = r.text.slice(lineStart, pos)
    if (lineStart === 0 || r.at(pos) !== 0x7b || indent.trim() !== '') return null
    const closing = `\n${indent}}`
    let from = 0
    let prevSeq = -Infinity
    for (;;) {
      // The first closing past the slice's size that ends an entry (`,` or `]` follows); if there is
      // none, the array ends within that size: the closing followed by `]`.
      let at = -1
      let next = -1
      for (const [start, last] of [[pos + sliceChars, 0x2c], [pos, 0x5d]] as const) {
        for (at = r.find(closing, start); at >= 0; at = r.find(closing, at + 1)) {
          next = r.skipSpace(at + closing.length)
          const c = r.at(next)
          if (c === 0x5d || c === last) break
        }
        if (at >= 0) break
      }
      if (at < 0) return null
      let entries: unknown[]
      try {
        entries = JSON.parse(`[${r.text.slice(pos, at + closing.length)}]`) as unknown[]
        for (let i = 0; i < entries.length; i++) prevSeq = validateEntry(entries[i], from + i, prevSeq)
      } catch {
        return null // parseSession says what is wrong, and where
      }
      const end = r.at(next) === 0x5d
      r.drop(next)
      yield { from, entries: entries as SessionEntry[] }
      from += entries.length
      if (end) break
      pos = 1 // after the comma
    }
  } else r.drop(pos)
  // r.text now starts with the array's `]`.
  try {
    const doc = JSON.parse(head + PLACEHOLDER + r.rest(1)) as Record<string, unknown>
    // Another "events" key (the last one wins in JSON.parse) or ours was not the top level's.
    if (doc === null || typeof doc !== 'object' || doc.events !== JSON.parse(PLACEHOLDER)) return null
    const { events: _events, ...rest } = validateHead(doc)
    return rest as SessionHead
  } catch {
    return null
  }
}
