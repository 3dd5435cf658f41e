// @vitest-environment node
// Node (vitest). A session read slice by slice (src/core/sessionSlices.ts): the same session and the
// same errors as parseSession, whatever the layout, the slice size or how the text arrives.
import { describe, expect, it } from 'vitest'
import type { Session, SessionEntry } from '../../../src/core/model.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { parseSessionSliced, sessionSlices, type ByteSource, type SessionSlice, type TextSource } from '../../../src/core/sessionSlices.ts'
import { fixtureNames, fixtureText } from '../../support/fixtures.ts'
import { generateSession } from '../../support/generate.ts'

/** The text in pieces of `size` characters, counting how often the whole text was asked for. */
function pieces(text: string, size: number): TextSource & { wholeReads: number } {
  let at = 0
  const src = {
    wholeReads: 0,
    read: () => (at >= text.length ? null : text.slice(at, (at += size))),
    whole: () => (src.wholeReads++, text),
  }
  return src
}

/** The UTF-8 bytes of the text, `size` bytes per read (as the CLI reads a file), counting whole reads. */
function bytes(text: string, size: number): ByteSource & { wholeReads: number } {
  const all = Buffer.from(text, 'utf8')
  let at = 0
  const src = {
    wholeReads: 0,
    readBytes(buffer: Uint8Array, offset: number, length: number) {
      const n = Math.min(length, size, all.length - at)
      all.copy(buffer, offset, at, at + n)
      at += n
      return n
    },
    decode: (buffer: Uint8Array, from: number, to: number) => Buffer.from(buffer.buffer, buffer.byteOffset, buffer.length).toString('utf8', from, to),
    indexOf: (buffer: Uint8Array, pattern: Uint8Array, from: number, to: number) => Buffer.from(buffer.buffer, buffer.byteOffset, to).indexOf(pattern, from),
    alloc: (n: number) => new Uint8Array(n),
    whole: () => (src.wholeReads++, text),
  }
  return src
}

function slicesOf(source: TextSource | ByteSource | string, sliceChars: number): { slices: SessionSlice[]; session: Session } {
  const slices: SessionSlice[] = []
  let events: SessionEntry[] = []
  const it = sessionSlices(source, sliceChars)
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { slices, session: { ...r.value, events } as Session }
    slices.push(r.value)
    if (r.value.from === 0) events = [] // start over
    events.push(...r.value.entries)
  }
}

const errorOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected an error')
}

const big = serializeSession(generateSession({ events: 3000, seed: 3, pageLoads: 2, plugins: ['Callback', 'SendMessage'] }))

describe('sessionSlices', () => {
  it('gives parseSession’s session for every fixture and a generated capture, in many slices', () => {
    for (const text of [...fixtureNames().map(fixtureText), big]) {
      const { slices, session } = slicesOf(text, 500)
      expect(session).toEqual(parseSession(text))
      expect(JSON.stringify(session)).toBe(JSON.stringify(parseSession(text))) // key order too
      if (text === big) expect(slices.length).toBeGreaterThan(50)
      expect(slices.map((s) => s.from)).toEqual(slices.map((_, i) => slices.slice(0, i).reduce((n, s) => n + s.entries.length, 0)))
    }
  })

  it('reads a text that arrives in small pieces without asking for it whole', () => {
    for (const size of [1, 7, 4096]) {
      const src = pieces(big, size)
      expect(slicesOf(src, 2000).session).toEqual(parseSession(big))
      expect(src.wholeReads).toBe(0)
    }
  })

  it('keeps the other top-level fields, before and after the events, a byte order mark, CRLF and empty events', () => {
    const base = JSON.parse(big) as Record<string, unknown>
    const variants = [
      JSON.stringify({ remarks: { a: [1, { b: 2 }] }, ...base, after: { c: 'x' } }, null, 2),
      '\ufeff' + big,
      big.replace(/\n/g, '\r\n'),
      JSON.stringify({ ...base, events: [] }, null, 2),
      JSON.stringify({ ...base, events: [] }),
    ]
    for (const text of variants) expect(parseSessionSliced(text, 300)).toEqual(parseSession(text))
  })

  it('falls back to parsing the whole text for a layout it does not slice, and says so with from 0', () => {
    const minified = JSON.stringify(JSON.parse(big))
    const src = pieces(minified, 1000)
    const { slices, session } = slicesOf(src, 500)
    expect(session).toEqual(parseSession(minified))
    expect(slices.length).toBe(1)
    expect(src.wholeReads).toBe(1)
    // A layout that changes half-way: slices first, then everything again from 0.
    // A nested object closed at the entries' indent: the cut there is inside an entry, and wrong.
    const lines = big.split('\n')
    const odd = lines.map((l, i) => (i > lines.length / 2 && l === '        },' ? '    },' : l)).join('\n')
    const r = slicesOf(odd, 500)
    expect(r.slices.filter((s) => s.from === 0).length).toBe(2)
    expect(r.session).toEqual(parseSession(odd))
  })

  it('throws parseSession’s error, wherever the problem is', () => {
    const lines = big.split('\n')
    const late = lines.findIndex((l, k) => k > lines.length * 0.8 && l.startsWith('      "seq": '))
    const cases = [
      lines.map((l, k) => (k === late ? '      "seq": "x",' : l)).join('\n'), // a bad entry in a late slice
      big.replace('"format": "cxbus-devtools/session"', '"format": "har"'), // the head
      big.slice(0, -10), // cut short
      big.replace(/\n {2}\]/, '\n  ],\n  "version": 9'), // a newer version after the events
      '{"format":',
      '[]',
    ]
    for (const text of cases) {
      const expected = errorOf(() => parseSession(text))
      expect(errorOf(() => parseSessionSliced(text, 400))).toBe(expected)
    }
  })

  it('reads the bytes of a file (the CLI) to the same sessions and errors, whatever the read size', () => {
    const base = JSON.parse(big) as Record<string, unknown>
    // Characters of 2, 3 and 4 bytes, also where a read or a slice may end.
    const wide = JSON.stringify({ ...base, events: (base.events as { data: unknown }[]).map((e, i) => (i % 50 === 0 ? { ...e, data: { note: 'café · … 🙂'.repeat(i % 7) } } : e)) }, null, 2)
    const texts = [...fixtureNames().map(fixtureText), '\ufeff' + fixtureText('documented-submitted'), big, wide, '\ufeff' + big, big.replace(/\n/g, '\r\n'), JSON.stringify({ ...base, events: [] }, null, 2)]
    for (const text of texts) {
      // Byte by byte only for the small files: a read per byte of a 2 MB text takes seconds.
      for (const [size, slice] of [[text.length < 20_000 ? 1 : 61, 300], [7, 500], [4096, 2000], [1 << 20, 1 << 20]] as const) {
        const src = bytes(text, size)
        const { slices, session } = slicesOf(src, slice)
        expect(JSON.stringify(session)).toBe(JSON.stringify(parseSession(text)))
        expect(src.wholeReads).toBe(0)
        if (text === big && slice === 300) expect(slices.length).toBeGreaterThan(50)
      }
    }
    // What the slicing does not handle is parsed whole, as from a text.
    const minified = JSON.stringify(JSON.parse(big))
    const src = bytes(minified, 1000)
    expect(slicesOf(src, 500).session).toEqual(parseSession(minified))
    expect(src.wholeReads).toBe(1)
    const lines = big.split('\n')
    const late = lines.findIndex((l, k) => k > lines.length * 0.8 && l.startsWith('      "seq": '))
    for (const text of [lines.map((l, k) => (k === late ? '      "seq": "x",' : l)).join('\n'), big.slice(0, -10), '{"format":', '[]']) {
      expect(errorOf(() => parseSessionSliced(bytes(text, 333), 400))).toBe(errorOf(() => parseSession(text)))
    }
  }, 30_000)

  it('refuses a source longer than the limit with the size of the whole text', () => {
    const chunk = ' '.repeat(1 << 20)
    let n = 0
    const src: TextSource = { read: () => (n++ < 101 ? chunk : null), whole: () => chunk.repeat(101) }
    expect(errorOf(() => [...sessionSlices(src)])).toBe('file too large: 101.0 MB, the limit is 100.0 MB')
    let m = 0
    const spaces: ByteSource = { ...bytes('', 1), readBytes: (b, o, l) => (m < 101 << 20 ? ((m += Math.min(l, 1 << 20)), b.fill(0x20, o, o + Math.min(l, 1 << 20)), Math.min(l, 1 << 20)) : 0) }
    expect(errorOf(() => [...sessionSlices(spaces)])).toBe('file too large: 101.0 MB, the limit is 100.0 MB')
  })
})
