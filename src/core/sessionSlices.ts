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

/**
 * The bytes of a UTF-8 session file, piece by piece (the CLI): the cuts are found in the bytes and
 * each slice is decoded once, so the text is never copied to be searched or joined.
 */
export interface ByteSource {
  /** Reads the next bytes into buffer[offset, offset + length); how many were read (0: the end). */
  readBytes(buffer: Uint8Array, offset: number, length: number): number
  /** The text of the UTF-8 bytes buffer[from, to) (Node: Buffer's utf8Slice). */
  decode(buffer: Uint8Array, from: number, to: number): string
  /** First index >= from of `pattern` in buffer[0, to), -1 if none (Node: Buffer's indexOf). */
  indexOf(buffer: Uint8Array, pattern: Uint8Array, from: number, to: number): number
  /** A buffer of `size` bytes (Node: Buffer.allocUnsafe). */
  alloc(size: number): Uint8Array
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
export function* sessionSlices(source: TextSource | ByteSource | string, sliceChars = SLICE_CHARS): Generator<SessionSlice, SessionHead> {
  const src = typeof source === 'string' ? wholeText(admitText(source)) : source
  const sliced = yield* sliceEntries('readBytes' in src ? new ByteReader(src, sliceChars) : new Reader(src), sliceChars)
  if (sliced) return sliced
  const { events, ...head } = parseSession(src.whole())
  yield { from: 0, entries: events }
  return head as SessionHead
}

/** A session parsed in slices: parseSession's result, without the whole text in memory when it comes in pieces (the CLI). */
export function parseSessionSliced(text: TextSource | ByteSource | string, sliceChars = SLICE_CHARS): Session {
  const events: SessionEntry[] = []
  const it = sessionSlices(text, sliceChars)
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { ...r.value, events } as Session
    if (r.value.from === 0) events.length = 0
    for (const e of r.value.entries) events.push(e)
  }
}

/** What sliceEntries reads the text through: indices count from the part not handed over yet. */
interface Cursor {
  /** Code of the character (byte) at `i`, -1 past the end. */
  at(i: number): number
  /** First index of the ASCII `pattern` at or after `from` (-1: nowhere). */
  find(pattern: string, from: number): number
  /** Index of the first character at or after `i` that is not JSON white space. */
  skipSpace(i: number): number
  /** Index after the last line break before `i` (0: none). */
  lineStart(i: number): number
  /** The text of [from, to), read already. */
  slice(from: number, to: number): string
  /** [from, to), read already, parsed as the content of a JSON array. */
  parseArray(from: number, to: number): unknown[]
  /** Hands over the text before `n`: indices move back by n. */
  drop(n: number): void
  /** The rest of the text, to its end. */
  rest(from: number): string
}

/** The part of the text not handed over yet, read from the source as far as needed. */
class Reader implements Cursor {
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

  skipSpace(i: number): number {
    return skipSpace(this, i)
  }

  lineStart(i: number): number {
    return this.text.lastIndexOf('\n', i) + 1
  }

  slice(from: number, to: number): string {
    return this.text.slice(from, to)
  }

  parseArray(from: number, to: number): unknown[] {
    return JSON.parse(`[${this.text.slice(from, to)}]`) as unknown[]
  }

  drop(n: number): void {
    this.text = this.text.slice(n)
  }

  /** The rest of the text, to its end. */
  rest(from: number): string {
    while (this.more());
    return this.text.slice(from)
  }
}

function skipSpace(r: Cursor, i: number): number {
  for (let c = r.at(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = r.at(++i));
  return i
}

/**
 * The part of a file's bytes not handed over yet, in one buffer that grows as needed; indices are
 * byte offsets from `start`. Cuts are at ASCII characters, so every slice decodes on its own.
 */
class ByteReader implements Cursor {
  private buf: Uint8Array
  /** Index in buf of index 0; buf[start - 1] is kept (a slice is parsed with a `[` written there). */
  private start = 0
  private end = 0
  private total = 0
  private first = true
  private done = false
  private readonly patterns = new Map<string, Uint8Array>()
  constructor(private readonly source: ByteSource, sliceBytes: number) {
    // Room for a slice and the text read past it; grows when an entry is larger.
    this.buf = source.alloc(Math.max(256, sliceBytes * 2))
  }

  /** Reads the next piece (compacting or growing the buffer when full); false at the end. */
  private more(): boolean {
    if (this.done) return false
    if (this.end === this.buf.length) {
      const keep = Math.max(0, this.start - 1)
      const live = this.end - keep
      if (live * 2 > this.buf.length) {
        const bigger = this.source.alloc(this.buf.length * 2)
        bigger.set(this.buf.subarray(keep, this.end))
        this.buf = bigger
      } else this.buf.copyWithin(0, keep, this.end)
      this.start -= keep
      this.end = live
    }
    const n = this.source.readBytes(this.buf, this.end, this.buf.length - this.end)
    if (n <= 0) return !(this.done = true)
    this.end += n
    this.total += n
    if (this.first) {
      // A byte order mark (editors on Windows): its 3 bytes may come in several reads.
      this.first = false
      while (this.end < 3 && this.more());
      const b = this.buf
      if (this.end >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.start = 3
    }
    if (this.total > MAX_SESSION_BYTES) {
      const rest = this.source.alloc(1 << 16)
      for (let k = this.source.readBytes(rest, 0, rest.length); k > 0; k = this.source.readBytes(rest, 0, rest.length)) this.total += k
      throw new SessionError('', tooLargeMessage(this.total))
    }
    return true
  }

  at(i: number): number {
    while (this.start + i >= this.end) if (!this.more()) return -1
    return this.buf[this.start + i] as number
  }

  find(pattern: string, from: number): number {
    let bytes = this.patterns.get(pattern)
    if (!bytes) this.patterns.set(pattern, (bytes = Uint8Array.from(pattern, (c) => c.charCodeAt(0))))
    for (;;) {
      const i = this.source.indexOf(this.buf, bytes, this.start + from, this.end)
      if (i >= 0) return i - this.start
      from = Math.max(from, this.end - this.start - bytes.length + 1)
      if (!this.more()) return -1
    }
  }

  skipSpace(i: number): number {
    return skipSpace(this, i)
  }

  lineStart(i: number): number {
    let k = this.start + i - 1
    while (k >= this.start && this.buf[k] !== 0x0a) k--
    return k + 1 - this.start
  }

  slice(from: number, to: number): string {
    return this.source.decode(this.buf, this.start + from, this.start + to)
  }

  parseArray(from: number, to: number): unknown[] {
    // `[` and `]` written over the bytes around the slice (restored after): no copy of the text to add them.
    const a = this.start + from - 1
    const b = this.start + to
    if (a < 0 || b >= this.end) return JSON.parse(`[${this.slice(from, to)}]`) as unknown[]
    const before = this.buf[a] as number
    const after = this.buf[b] as number
    this.buf[a] = 0x5b
    this.buf[b] = 0x5d
    try {
      return JSON.parse(this.source.decode(this.buf, a, b + 1)) as unknown[]
    } finally {
      this.buf[a] = before
      this.buf[b] = after
    }
  }

  drop(n: number): void {
    this.start += n
  }

  rest(from: number): string {
    while (this.more());
    return this.slice(from, this.end - this.start)
  }
}

/** What stands for the events array while the rest of the document is parsed: no file has this value. */
const PLACEHOLDER = '"\\u0000cxbus-devtools events"'

/** The fast path: slices of entries, then the head; null (before or after some slices) when it cannot be used. */
function* sliceEntries(r: Cursor, sliceChars: number): Generator<SessionSlice, SessionHead | null> {
  if (r.at(r.skipSpace(0)) !== 0x7b) return null // not a JSON object: a QA report (HTML), or invalid
  const key = r.find('"events"', 0)
  if (key < 0) return null
  let open = r.skipSpace(key + '"events"'.length)
  if (r.at(open) !== 0x3a) return null
  open = r.skipSpace(open + 1)
  if (r.at(open) !== 0x5b) return null
  const head = r.slice(0, open)
  r.drop(open + 1)
  let pos = r.skipSpace(0)
  if (r.at(pos) !== 0x5d) {
    const lineStart = r.lineStart(pos)
    const indent = r.slice(lineStart, pos)
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
        entries = r.parseArray(pos, at + closing.length)
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
  // The text now starts with the array's `]`.
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
