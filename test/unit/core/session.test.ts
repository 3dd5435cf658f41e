// @vitest-environment node
// Node (vitest). The session file: parse, validate, write; one clear SessionError for bad input.
import { describe, expect, it } from 'vitest'
import { MAX_DATA_DEPTH, MAX_SESSION_BYTES, MAX_TIME, SessionError, parseSession, serializeSession, validateSession } from '../../../src/core/session.ts'
import { DEFAULT_LIMITS } from '../../../src/core/snapshot.ts'
import { parseSessionSliced } from '../../../src/core/sessionSlices.ts'
import { fixtureNames, fixtureText, loadFixture } from '../../support/fixtures.ts'
import type { Session } from '../../../src/core/model.ts'

const escape = (s: string): string => s.replace(/[()]/g, '\\$&')

function errorOf(fn: () => unknown): SessionError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(SessionError)
    return err as SessionError
  }
  throw new Error('expected a SessionError')
}

const doc = (events: unknown[], extra: object = {}) => JSON.stringify({ format: 'cxbus-devtools/session', version: 1, events, ...extra })
const evt = (seq: unknown, extra: object = {}) => ({ seq, kind: 'event', time: 1764000000000, publisher: 'Callback', event: 'Callback.ready', data: {}, ...extra })

describe('parseSession', () => {
  it('parses every fixture', () => {
    for (const name of fixtureNames()) expect(parseSession(fixtureText(name)).events.length).toBeGreaterThan(3)
  })

  it('names the field and position of an ill-typed seq', () => {
    const events = Array.from({ length: 17 }, (_, i) => evt(i))
    events.push(evt('3'))
    const e = errorOf(() => parseSession(doc(events)))
    expect(e.message).toBe('events[17].seq: expected an integer, got "3"')
    expect(e.path).toBe('events[17].seq')
  })

  it.each<[string, string, string, RegExp]>([
    ['not JSON', '{"format":', '', /^not JSON: /],
    ['a wrong format tag', JSON.stringify({ format: 'har', version: 1, events: [] }), 'format', /expected "cxbus-devtools\/session", got "har"/],
    ['a newer version', JSON.stringify({ format: 'cxbus-devtools/session', version: 2, events: [] }), 'version', /version 2 is newer than this tool supports \(1\)/],
    ['events not an array', JSON.stringify({ format: 'cxbus-devtools/session', version: 1, events: {} }), 'events', /expected an array, got an object/],
    ['a missing publisher', doc([evt(0, { publisher: undefined })]), 'events[0].publisher', /expected a string, got nothing \(missing\)/],
    ['seq not increasing', doc([evt(0), evt(2), evt(2)]), 'events[2].seq', /expected more than 2/],
    ['an unknown kind', doc([evt(0, { kind: 'log' })]), 'events[0].kind', /got "log"/],
    ['a bad time', doc([evt(0, { time: 'now' })]), 'events[0].time', /got "now"/],
    ['a non-string pageLoadId', doc([evt(0, { pageLoadId: 3 })]), 'events[0].pageLoadId', /expected a string when present, got 3/],
    ['an unknown marker', doc([{ seq: 0, kind: 'marker', time: 1, marker: 'tab', data: {} }]), 'events[0].marker', /expected one of "page-load", "bus", "dropped"/],
    ['a command without name', doc([{ seq: 0, kind: 'command', time: 1, data: {} }]), 'events[0].command', /expected a string/],
    ['missing data', doc([evt(0, { data: undefined })]), 'events[0].data', /missing/],
    ['a source url not a string', doc([], { source: { url: 1 } }), 'source.url', /expected a string/],
    ...[-5, '5', null, 1e300, 1.5, 2 ** 53, undefined].map((count): [string, string, string, RegExp] => [`a dropped count of ${JSON.stringify(count)}`, doc([{ seq: 0, kind: 'marker', time: 1, marker: 'dropped', data: { count, where: 'hook' } }]), 'events[0].data.count', /expected the number of entries lost \(a whole number from 0 to 9007199254740991\), got /]),
    ['a dropped marker without its data object', doc([{ seq: 0, kind: 'marker', time: 1, marker: 'dropped', data: null }]), 'events[0].data', /expected \{ count, where \} \(a dropped marker\), got null/],
    ['a dropped where not a string', doc([{ seq: 0, kind: 'marker', time: 1, marker: 'dropped', data: { count: 5, where: 7 } }]), 'events[0].data.where', /expected a string, got 7/],
    ['an array at the top', '[]', '', /expected a session object, got an array/],
  ])('rejects %s with one clear error', (_what, text, path, message) => {
    const e = errorOf(() => parseSession(text))
    expect(e.path).toBe(path)
    expect(e.message).toMatch(message)
  })

  it('names line and column also where V8 names no position (a NaN time, a trailing comma)', () => {
    const text = serializeSession({ format: 'cxbus-devtools/session', version: 1, events: [evt(0), evt(1)] as Session['events'] })
    const lineColumn = (at: number): string => `(line ${text.slice(0, at).split('\n').length}, column ${at - text.lastIndexOf('\n', at - 1)})`
    const nan = text.lastIndexOf('1764000000000')
    expect(errorOf(() => parseSession(`${text.slice(0, nan)}NaN${text.slice(nan + 13)}`)).message).toMatch(new RegExp(`^not JSON: Unexpected token 'N'.* ${escape(lineColumn(nan))}$`))
    const close = text.lastIndexOf(']')
    expect(errorOf(() => parseSession(`${text.slice(0, close)},]}`)).message).toMatch(new RegExp(`^not JSON: .* ${escape(lineColumn(close + 1))}$`))
  })

  it('says a UTF-16 file is UTF-16 (with or without byte order mark, either byte order), read as the panel and the CLI read it', () => {
    const text = doc([evt(0)])
    const le = Buffer.from(text, 'utf16le')
    const be = Buffer.from(le).swap16()
    for (const bytes of [le, be, Buffer.concat([Buffer.from([0xff, 0xfe]), le]), Buffer.concat([Buffer.from([0xfe, 0xff]), be])]) {
      expect(errorOf(() => parseSession(new TextDecoder('utf-8').decode(bytes))).message).toBe('the file is UTF-16; save it as UTF-8')
      expect(errorOf(() => parseSessionSliced(bytes.toString('utf8'))).message).toBe('the file is UTF-16; save it as UTF-8')
    }
  })

  it('refuses data nested deeper than MAX_DATA_DEPTH with one message, even 200 000 levels deep', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000)
    const text = `{"format":"cxbus-devtools/session","version":1,"events":[{"seq":0,"kind":"event","time":1,"publisher":"Callback","event":"Callback.ready","data":${deep}}]}`
    const e = errorOf(() => parseSession(text))
    expect(e.message).toBe(`events[0].data: nested deeper than ${MAX_DATA_DEPTH} levels (the most this tool accepts)`)
    // exactly the limit is fine
    let ok: unknown = 1
    for (let i = 0; i < MAX_DATA_DEPTH; i++) ok = [ok]
    expect(parseSession(doc([evt(0, { data: ok })])).events).toHaveLength(1)
  })

  it('refuses times that are not plausible milliseconds (1e300), accepts epoch and relative ones', () => {
    const e = errorOf(() => parseSession(doc([evt(0, { time: 1e300 })])))
    expect(e.path).toBe('events[0].time')
    expect(e.message).toMatch(/expected epoch milliseconds or milliseconds since the capture began \(at most \d+, the year 2100\), got 1e\+300/)
    expect(parseSession(doc([evt(0, { time: 0 }), evt(1, { time: 1764000000000 }), evt(2, { time: MAX_TIME })])).events).toHaveLength(3)
  })

  it('cuts over-long strings in data and URLs as the capture does; names and ids over the limits are refused', () => {
    const huge = 'x'.repeat(5_000_000)
    const s = parseSession(doc([evt(0, { data: { form: { note: huge }, list: [huge] }, extra: huge })]))
    const cut = `${'x'.repeat(DEFAULT_LIMITS.maxString)}…[truncated, 5000000 chars]`
    expect(s.events[0]?.data).toEqual({ form: { note: cut }, list: [cut] })
    expect(s.events[0]?.extra).toBe(cut)
    expect(errorOf(() => parseSession(doc([evt(0, { event: huge })]))).message).toBe('events[0].event: expected at most 1000 characters, got 5000000')
    expect(errorOf(() => parseSession(doc([evt(0, { pageLoadId: huge })]))).path).toBe('events[0].pageLoadId')
    // A page's URL can be longer (a long query string): what the capture wrote is read back, cut.
    expect(parseSession(doc([evt(0, { frameUrl: huge })])).events[0]?.frameUrl).toBe(cut)
    expect(parseSession(doc([], { source: { url: huge, userAgent: huge } })).source).toEqual({ url: cut, userAgent: cut })
  })

  it('rejects a text above MAX_SESSION_BYTES before parsing it', () => {
    const big = ' '.repeat(MAX_SESSION_BYTES + 1)
    const e = errorOf(() => parseSession(big))
    expect(e.message).toBe(`file too large: ${MAX_SESSION_BYTES + 1} bytes, the limit is ${MAX_SESSION_BYTES} bytes (100.0 MB)`)
  })

  it('validateSession checks values that did not come from JSON', () => {
    expect(errorOf(() => validateSession(null)).message).toBe('expected a session object, got null')
    expect(validateSession(JSON.parse(doc([evt(0)]))).events).toHaveLength(1)
  })
})

describe('serializeSession', () => {
  it('round-trips every fixture exactly', () => {
    for (const name of fixtureNames()) {
      const s = loadFixture(name)
      expect(parseSession(serializeSession(s))).toEqual(s)
    }
  })
  it('accepts the tab store\'s eviction marker (data.plugin, with a pageLoadId), whole and slice by slice', () => {
    const marker = { seq: 1, kind: 'marker', time: 1764000000000, marker: 'dropped', pageLoadId: 'p1', frameUrl: 'https://x.test/', data: { count: 41_250, where: 'background', plugin: 'Watchman' } }
    const text = doc([evt(0), marker])
    for (const s of [parseSession(text), parseSessionSliced(text, 64)]) expect(s.events[1]).toEqual(marker)
  })
  it('keeps unknown extra fields and puts known fields first', () => {
    const text = JSON.stringify({ zeta: 1, events: [{ custom: { a: 1 }, data: {}, event: 'Callback.ready', publisher: 'Callback', time: 5, kind: 'event', seq: 0 }], version: 1, format: 'cxbus-devtools/session' })
    const out = serializeSession(parseSession(text))
    expect(JSON.parse(out)).toEqual(JSON.parse(text))
    expect(Object.keys(JSON.parse(out))).toEqual(['format', 'version', 'events', 'zeta'])
    expect(Object.keys(JSON.parse(out).events[0])).toEqual(['seq', 'kind', 'time', 'publisher', 'event', 'data', 'custom'])
    expect(out.endsWith('\n')).toBe(true)
  })
})
