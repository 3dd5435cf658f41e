// Runs everywhere (panel import/export, background export, CLI, tests). The session file of SPEC.md §4:
// parse, validate and write. Any input that is not this shape is rejected with one SessionError that
// names the problem and where (`events[17].seq: expected an integer, got "3"`): never a crash, never a
// partial session. Validation keeps the parsed objects as they are, so unknown extra fields (forward
// compatibility) survive a round trip through serializeSession, with one exception: a string in an
// entry's data longer than the capture keeps (DEFAULT_LIMITS.maxString) is cut the way the capture
// cuts it, so no panel or check ever holds a 95 MB value. A file from any source is bounded before
// anything walks it: data nested deeper than MAX_DATA_DEPTH is refused (every later walk may then
// recurse), and so are times that are not plausible milliseconds (nothing may size arrays from them).
import { MAX_NOTE_CHARS, MAX_NOTES, SESSION_FORMAT, SESSION_VERSION, type Json, type Session, type SessionEntry } from './model.ts'
import { extractEmbeddedSession } from './embed.ts'
import { DEFAULT_LIMITS } from './snapshot.ts'

/**
 * Largest session text accepted (100 MB, counted in UTF-16 code units of the text, i.e. characters):
 * rejected before JSON.parse so a huge file fails fast with a clear message instead of exhausting
 * memory. A 100 000-event capture is about 60 MB.
 */
export const MAX_SESSION_BYTES = 100 * 1024 * 1024

/** Deepest nesting accepted in an entry's data (the capture keeps 8 levels; hand-made files get more). */
export const MAX_DATA_DEPTH = 64
/**
 * Latest time accepted, in ms: 2100-01-01 as epoch milliseconds. Times are epoch ms (captures) or
 * ms from some start (hand-made files); anything larger is neither, e.g. 1e300.
 */
export const MAX_TIME = Date.UTC(2100, 0, 1)

export class SessionError extends Error {
  /** Where the problem is, e.g. "events[17].seq"; "" for the document as a whole. */
  readonly path: string
  constructor(path: string, detail: string) {
    super(path === '' ? detail : `${path}: ${detail}`)
    this.name = 'SessionError'
    this.path = path
  }
}

export function parseSession(text: string): Session {
  text = admitText(text)
  // A QA report (HTML) carries its session: the panel and the CLI accept the report itself.
  let embedded: string | null | undefined
  try {
    embedded = extractEmbeddedSession(text)
  } catch (err) {
    throw new SessionError('', (err as Error).message)
  }
  if (embedded === null) throw new SessionError('', 'an HTML file without an embedded session (not a cxbus-devtools report)')
  if (embedded !== undefined) text = embedded
  let value: unknown
  try {
    value = parseJson(text)
  } catch (err) {
    throw new SessionError('', (err as Error).message)
  }
  return validateSession(value)
}

/**
 * JSON.parse of a file's text (a session, a --config file) without its byte order mark; a syntax
 * error is thrown as "not JSON: <reason> (line L, column C)", a UTF-16 file as what it is.
 */
export function parseJson(text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  try {
    return JSON.parse(text)
  } catch (err) {
    if (isUtf16(text)) throw new Error(UTF16_MESSAGE)
    throw new Error(`not JSON: ${withLineAndColumn((err as Error).message, text)}`)
  }
}

export const UTF16_MESSAGE = 'the file is UTF-16; save it as UTF-8'

/**
 * A UTF-16 file read as UTF-8 (the panel and the CLI decode files as UTF-8): its byte order mark
 * becomes two U+FFFD, and an ASCII character's other byte a NUL, which JSON text never holds raw.
 */
function isUtf16(text: string): boolean {
  const at = text.startsWith('\ufffd\ufffd') ? 2 : 0
  return text.charCodeAt(at) === 0 || text.charCodeAt(at + 1) === 0
}

/** The checks made before any parsing (a string, not over the limit); the text without a byte order mark. */
export function admitText(text: string): string {
  if (typeof text !== 'string') throw new SessionError('', 'expected the text of a session file')
  if (text.length > MAX_SESSION_BYTES) {
    throw new SessionError('', tooLargeMessage(text.length))
  }
  // Editors on Windows save UTF-8 with a byte order mark; JSON.parse refuses it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/**
 * V8 says "at position 1234" (first line only); a person opening the file needs line and column.
 * For some errors V8 names no position ("Unexpected token 'N', ..."): then it is found here.
 */
function withLineAndColumn(message: string, text: string): string {
  const first = message.split('\n')[0] as string
  const m = /at position (\d+)/.exec(first)
  // A truncated text: V8 names no position, the end of its content is where it broke off.
  const end = /end of JSON input/i.test(first) ? text.trimEnd().length : -1
  // Other engines (Firefox) name line and column themselves.
  const pos = m ? Number(m[1]) : end >= 0 ? end : /\bline \d+/.test(first) ? -1 : jsonErrorAt(text)
  if (pos < 0) return first
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  const column = pos - before.lastIndexOf('\n')
  return `${first.replace(/\s*\(line \d+ column \d+\)/, '')} (line ${line}, column ${column})`
}

/**
 * Index of the first character where `text` stops being JSON, -1 if it is JSON. Only on the error
 * path; a loop with a stack of open brackets, so hostile nesting cannot overflow the call stack.
 */
export function jsonErrorAt(text: string): number {
  const n = text.length
  const open: number[] = [] // char codes of the open '{' and '['
  let i = 0
  const space = (): void => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  }
  /** Past the string starting at i, or -1 - (index of the bad character). */
  const string = (): number => {
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j)
      if (c === 0x22) return j + 1
      if (c < 0x20) return -1 - j
      if (c === 0x5c) {
        const e = text[++j]
        if (e === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(j + 1, j + 5)) : !'"\\/bfnrt'.includes(e ?? 'x')) return -1 - j
        if (e === 'u') j += 4
      }
    }
    return -1 - n
  }
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
  let wantValue = true // else: after a value
  for (;;) {
    space()
    if (wantValue) {
      const c = text[i]
      if (c === '{' || c === '[') {
        i++
        space()
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++
          wantValue = false
          continue
        }
        open.push(c.charCodeAt(0))
        if (c === '[') continue
      } else {
        if (c === '"') i = string()
        else if (c === 't' || c === 'f' || c === 'n') {
          const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null'
          if (!text.startsWith(word, i)) return i
          i += word.length
        } else {
          NUMBER.lastIndex = i
          if (!NUMBER.test(text)) return i
          i = NUMBER.lastIndex
        }
        if (i < 0) return -1 - i
        wantValue = false
        continue
      }
    } else {
      const top = open[open.length - 1]
      if (top === undefined) return i < n ? i : -1
      const c = text.charCodeAt(i)
      if (c === (top === 0x7b ? 0x7d : 0x5d)) {
        i++
        open.pop()
        continue
      }
      if (c !== 0x2c) return i
      i++
      wantValue = true
      if (top === 0x5b) continue
      space()
    }
    // A key of an object, then its colon.
    if (text[i] !== '"') return i
    i = string()
    if (i < 0) return -1 - i
    space()
    if (text[i] !== ':') return i
    i++
    wantValue = true
  }
}

const MARKERS = ['page-load', 'bus', 'dropped']

/** Checks that `value` is a session (SPEC.md §4 plus our `marker` entries); returns it unchanged. */
export function validateSession(value: unknown): Session {
  const doc = validateHead(value)
  if (!Array.isArray(doc.events)) throw new SessionError('events', `expected an array, got ${describe(doc.events)}`)
  const events = doc.events as unknown[]
  let prevSeq = -Infinity
  for (let i = 0; i < events.length; i++) prevSeq = validateEntry(events[i], i, prevSeq)
  return doc as unknown as Session
}

/** Checks everything of a session but its `events`; returns the document. */
export function validateHead(value: unknown): Record<string, unknown> {
  const doc = expectObject(value, '', 'a session object')
  if (doc.format !== SESSION_FORMAT) {
    throw new SessionError('format', `expected "${SESSION_FORMAT}", got ${describe(doc.format)} (not a cxbus-devtools session file)`)
  }
  if (!Number.isInteger(doc.version) || (doc.version as number) < 1) {
    throw new SessionError('version', `expected a positive integer, got ${describe(doc.version)}`)
  }
  if ((doc.version as number) > SESSION_VERSION) {
    throw new SessionError('version', `version ${doc.version as number} is newer than this tool supports (${SESSION_VERSION}); update cxbus-devtools`)
  }
  if (doc.source !== undefined) {
    const source = expectObject(doc.source, 'source', 'an object')
    for (const k of ['url', 'widgetsVersion', 'userAgent']) {
      optionalString(source, k, 'source', false)
      if (typeof source[k] === 'string') source[k] = cutLong(source[k] as string)
    }
  }
  if (doc.notes !== undefined) validateNotes(doc.notes)
  return doc
}

/** Checks `events[i]` (the previous entry's seq was `prevSeq`, -Infinity for the first); returns its seq. */
export function validateEntry(value: unknown, i: number, prevSeq: number): number {
  const e = value as Record<string, unknown>
  // The common case first, without building the path string every message would start with.
  if (typeof value === 'object' && value !== null && Number.isInteger(e.seq) && (e.seq as number) > prevSeq && (e.seq as number) >= 0 &&
    typeof e.time === 'number' && Number.isFinite(e.time) && e.time >= 0 && e.time <= MAX_TIME && !Array.isArray(value) &&
    (e.pageLoadId === undefined || (typeof e.pageLoadId === 'string' && e.pageLoadId.length <= MAX_FIELD_LENGTH)) &&
    (e.frameUrl === undefined || typeof e.frameUrl === 'string') && e.data !== undefined &&
    ((e.kind === 'event' && isName(e.publisher) && isName(e.event)) || (e.kind === 'command' && isName(e.command)) ||
      (e.kind === 'marker' && typeof e.marker === 'string' && MARKERS.includes(e.marker)))) {
    // every other value an entry carries (data, fields of newer versions) is bounded: see boundData
    // (for-in and a Set: no array of keys per entry)
    for (const k in e) if (!BOUNDED.has(k)) e[k] = boundData(e[k] as Json, i, k)
    if (e.marker === 'dropped') checkDropped(e.data, i)
    if (e.frameUrl !== undefined && (e.frameUrl as string).length > MAX_FIELD_LENGTH) e.frameUrl = cut(e.frameUrl as string)
    return e.seq as number
  }
  return entryProblem(value, i, prevSeq)
}

/**
 * A `dropped` marker's data says how many entries are missing, as every writer puts it: a count that
 * is not one (missing, -5, "5", 1e300) would be printed as a made-up loss.
 */
function checkDropped(data: unknown, i: number): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SessionError(`events[${i}].data`, `expected { count, where } (a dropped marker), got ${describe(data)}`)
  }
  const d = data as Record<string, unknown>
  if (!(Number.isSafeInteger(d.count) && (d.count as number) >= 0)) {
    throw new SessionError(`events[${i}].data.count`, `expected the number of entries lost (a whole number from 0 to ${Number.MAX_SAFE_INTEGER}), got ${describe(d.count)}`)
  }
  for (const k of ['where', 'plugin']) {
    if (k in d && typeof d[k] !== 'string') throw new SessionError(`events[${i}].data.${k}`, `expected a string, got ${describe(d[k])}`)
  }
}

/** validateEntry's slow path: the first problem of an entry, as a SessionError. */
function entryProblem(value: unknown, i: number, prevSeq: number): never {
  const at = `events[${i}]`
  const e = expectObject(value, at, 'an entry object')
  if (!Number.isInteger(e.seq)) throw new SessionError(`${at}.seq`, `expected an integer, got ${describe(e.seq)}`)
  if ((e.seq as number) < 0) throw new SessionError(`${at}.seq`, `expected an integer >= 0, got ${describe(e.seq)}`)
  if ((e.seq as number) <= prevSeq) {
    throw new SessionError(`${at}.seq`, `expected more than ${prevSeq} (seq must increase strictly), got ${e.seq as number}`)
  }
  if (typeof e.time !== 'number' || !Number.isFinite(e.time) || e.time < 0) {
    throw new SessionError(`${at}.time`, `expected a time in ms (a number >= 0), got ${describe(e.time)}`)
  }
  if (e.time > MAX_TIME) {
    throw new SessionError(`${at}.time`, `expected epoch milliseconds or milliseconds since the capture began (at most ${MAX_TIME}, the year 2100), got ${describe(e.time)}`)
  }
  optionalString(e, 'pageLoadId', at)
  optionalString(e, 'frameUrl', at, false)
  switch (e.kind) {
    case 'event':
      requireString(e, 'publisher', at)
      requireString(e, 'event', at)
      break
    case 'command':
      requireString(e, 'command', at)
      break
    case 'marker':
      if (typeof e.marker !== 'string' || !MARKERS.includes(e.marker)) {
        throw new SessionError(`${at}.marker`, `expected one of ${MARKERS.map((m) => `"${m}"`).join(', ')}, got ${describe(e.marker)}`)
      }
      break
    default:
      throw new SessionError(`${at}.kind`, `expected "event", "command" or "marker", got ${describe(e.kind)}`)
  }
  // data is any JSON value; when the session came from JSON.parse it cannot be anything else.
  if (e.data === undefined) throw new SessionError(`${at}.data`, 'missing (expected a JSON value, {} when none)')
  throw new Error(`events[${i}]: validateEntry and entryProblem disagree`)
}

/**
 * Walks `data` without recursion (any depth is safe to walk here): refuses nesting deeper than
 * MAX_DATA_DEPTH, cuts over-long strings as the capture does. Returns the (possibly cut) value of
 * `events[i][key]` (the path a message names, made only then).
 */
function boundData(data: Json, entry: number, key: string): Json {
  if (typeof data === 'string') return data.length > DEFAULT_LIMITS.maxString ? cut(data) : data
  if (data === null || typeof data !== 'object') return data
  // Two stacks (objects still to walk, their depth): no object per node walked.
  const values: (Json[] | Record<string, Json>)[] = [data]
  const depths: number[] = [1]
  while (values.length > 0) {
    const v = values.pop() as Json[] | Record<string, Json>
    const depth = depths.pop() as number
    if (depth > MAX_DATA_DEPTH) throw new SessionError(`events[${entry}].${key}`, `nested deeper than ${MAX_DATA_DEPTH} levels (the most this tool accepts)`)
    const keys = Array.isArray(v) ? null : Object.keys(v)
    const n = keys ? keys.length : (v as Json[]).length
    for (let i = 0; i < n; i++) {
      const k = keys ? (keys[i] as string) : i
      const child = (v as Record<string | number, Json>)[k] as Json
      if (typeof child === 'string') {
        if (child.length > DEFAULT_LIMITS.maxString) (v as Record<string | number, Json>)[k] = cut(child)
      } else if (child !== null && typeof child === 'object') {
        values.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return data
}

/** An over-long string cut the way the capture cuts it. */
const cut = (v: string): string => `${v.slice(0, DEFAULT_LIMITS.maxString)}…[truncated, ${v.length} chars]`

/** The optional `notes` field: bounded, each note on exactly one event or interaction. */
function validateNotes(value: unknown): void {
  if (!Array.isArray(value)) throw new SessionError('notes', `expected an array of notes, got ${describe(value)}`)
  if (value.length > MAX_NOTES) throw new SessionError('notes', `too many notes: ${value.length}, the limit is ${MAX_NOTES}`)
  value.forEach((raw, i) => {
    const at = `notes[${i}]`
    const n = expectObject(raw, at, 'a note object')
    if (typeof n.text !== 'string') throw new SessionError(`${at}.text`, `expected a string, got ${describe(n.text)}`)
    if (n.text.length > MAX_NOTE_CHARS) throw new SessionError(`${at}.text`, `too long: ${n.text.length} characters, the limit is ${MAX_NOTE_CHARS}`)
    if (typeof n.time !== 'number' || !Number.isFinite(n.time) || n.time < 0) throw new SessionError(`${at}.time`, `expected a time in ms (a number >= 0), got ${describe(n.time)}`)
    const onEvent = n.seq !== undefined
    const onInteraction = n.interaction !== undefined
    if (onEvent === onInteraction) throw new SessionError(at, 'expected exactly one of "seq" (an event) or "interaction" (an interaction id)')
    if (onEvent && (!Number.isInteger(n.seq) || (n.seq as number) < 0)) throw new SessionError(`${at}.seq`, `expected an integer >= 0, got ${describe(n.seq)}`)
    if (onInteraction && (typeof n.interaction !== 'string' || n.interaction === '')) {
      throw new SessionError(`${at}.interaction`, `expected an interaction id such as "Callback#2", got ${describe(n.interaction)}`)
    }
  })
}

const TOP_KEYS = ['format', 'version', 'source', 'notes', 'events']
const ENTRY_KEYS = ['seq', 'kind', 'time', 'publisher', 'event', 'command', 'marker', 'pageLoadId', 'frameUrl', 'data']

/**
 * Pretty JSON (2 spaces), known fields first in a stable order, then any extra fields as they came.
 * `compact`: one line and entries as they are (no reordering: 50 000 entries copied cost more than the
 * rest of a report), for a session embedded in a report.
 */
export function serializeSession(session: Session, { compact = false }: { compact?: boolean } = {}): string {
  const top = ordered(session, TOP_KEYS)
  if (compact) return JSON.stringify(top)
  top.events = session.events.map((e) => ordered(e, ENTRY_KEYS))
  return JSON.stringify(top, null, 2) + '\n'
}

function ordered(obj: object, known: readonly string[]): Record<string, unknown> {
  const src = obj as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of known) if (src[k] !== undefined) out[k] = src[k]
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = src[k]
  return out
}

function expectObject(v: unknown, path: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SessionError(path, `expected ${what}, got ${describe(v)}`)
  return v as Record<string, unknown>
}

/** Longest name (event, command, publisher) and longest other string field (URL, ids) accepted. */
export const MAX_NAME_LENGTH = 1_000
const MAX_FIELD_LENGTH = DEFAULT_LIMITS.maxString
/** Entry fields checked one by one above (strings of bounded length, numbers). */
const BOUNDED = new Set(['seq', 'kind', 'time', 'publisher', 'event', 'command', 'marker', 'pageLoadId', 'frameUrl'])

function requireString(o: Record<string, unknown>, key: string, at: string): void {
  if (typeof o[key] !== 'string') throw new SessionError(`${at}.${key}`, `expected a string, got ${describe(o[key])}`)
  tooLong(o[key] as string, MAX_NAME_LENGTH, `${at}.${key}`)
}

/** `bounded`: over MAX_FIELD_LENGTH is refused (an id); else any length (a page's URL, cut by cutLong). */
function optionalString(o: Record<string, unknown>, key: string, at: string, bounded = true): void {
  if (o[key] !== undefined && typeof o[key] !== 'string') throw new SessionError(`${at}.${key}`, `expected a string when present, got ${describe(o[key])}`)
  if (bounded && typeof o[key] === 'string') tooLong(o[key] as string, MAX_FIELD_LENGTH, at === '' ? key : `${at}.${key}`)
}

/**
 * A page's URL (or user agent) longer than the capture keeps a string (a real query string can be):
 * cut as strings in data are, not refused, so that a file the capture wrote is always read back.
 */
const cutLong = (v: string): string => (v.length > MAX_FIELD_LENGTH ? cut(v) : v)

const isName = (v: unknown): boolean => typeof v === 'string' && v.length <= MAX_NAME_LENGTH

function tooLong(v: string, max: number, at: string): void {
  if (v.length > max) throw new SessionError(at, `expected at most ${max} characters, got ${v.length}`)
}

/** A short description of a bad value for messages: `"3"`, `null`, `an array`, `nothing (missing)`. */
/** A value named in an error message: short, and never the whole of a big one. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object' && v !== null) return 'an object'
  if (typeof v === 'function') return 'a function'
  const s = typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' || typeof v === 'symbol' ? String(v) : JSON.stringify(v)
  return s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** The one message for a file over MAX_SESSION_BYTES (the CLI and the panel check sizes before reading). */
export function tooLargeMessage(size: number): string {
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`
  // Just over the limit, both round alike: then say the bytes.
  if (mb(size) === mb(MAX_SESSION_BYTES)) return `file too large: ${size} bytes, the limit is ${MAX_SESSION_BYTES} bytes (${mb(MAX_SESSION_BYTES)})`
  return `file too large: ${mb(size)}, the limit is ${mb(MAX_SESSION_BYTES)}`
}
