// The text filter's index (devtools/panel/lib/textIndex.ts): the same matches as an includes() on
// each entry's own text, whatever the chunk boundaries, and kept current as the entries grow.
import { describe, expect, it } from 'vitest'
import { entryText, INDEX_CHUNK, TextIndex, textIndexOf } from '../../../devtools/panel/lib/textIndex.ts'
import type { SessionEntry } from '../../../src/core/model.ts'
import { ev, meta } from './helpers.ts'

const entriesOf = (n: number, from = 0): SessionEntry[] =>
  Array.from({ length: n }, (_, k) => ev(from + k, k % 3 ? 'Callback.opened' : 'SendMessage.submitted', meta({ form: { firstname: `Name${from + k}` } })))

/** What the index must answer: each entry's own text, lower-cased, searched one by one. */
const naive = (entries: readonly SessionEntry[], needle: string): number[] =>
  entries.flatMap((e, i) => (entryText(e).toLowerCase().includes(needle) ? [i] : []))
const hits = (m: Uint8Array): number[] => [...m.keys()].filter((i) => m[i] === 1)

describe('TextIndex', () => {
  it('finds what a search of each entry finds, across chunk boundaries, and nothing across two entries', () => {
    const entries = entriesOf(INDEX_CHUNK * 2 + 17)
    const index = new TextIndex(entries)
    for (const needle of ['name2049"', 'sendmessage', 'name1', '"firstname":"name4095"}', 'zzz']) expect(hits(index.matches(needle)), needle).toEqual(naive(entries, needle))
    // The end of one entry's text and the start of the next are not one match.
    expect(naive(entries, '0}')).not.toEqual([])
    expect(hits(index.matches('0}\ncallback.opened'))).toEqual([])
  })

  it('lower-cases like the entry text itself, letters whose lower case is longer included', () => {
    // 'İ' lower-cases to two characters: 40 of them move the next entries' text by 40.
    const entries = [ev(0, 'Callback.opened', { name: 'ZOË' }), ev(1, 'Callback.opened', { name: 'İ'.repeat(40) }), ev(2, 'A.b', { n: 'x2' }), ev(3, 'A.b', { n: 'x3' }), ev(4, 'A.b', { n: 'after' })]
    const index = new TextIndex(entries)
    for (const needle of ['zoë', 'i̇i̇', '"x2"', '"x3"', 'after', '"n":"after"']) expect(hits(index.matches(needle)), needle).toEqual(naive(entries, needle))
  })

  it('indexes whole chunks as an import grows, the short rest when searched, and entries appended later', () => {
    const entries: SessionEntry[] = []
    const index = textIndexOf(entries)
    entries.push(...entriesOf(INDEX_CHUNK + 10))
    index.extend()
    expect(index.indexed).toBe(INDEX_CHUNK) // the 10 wait for more
    expect(hits(index.matches('name2055"'))).toEqual([2055])
    expect(index.indexed).toBe(INDEX_CHUNK + 10)
    entries.push(...entriesOf(5, INDEX_CHUNK + 10)) // the live capture grows in place
    expect(hits(index.matches('name2062"'))).toEqual([2062])
    expect(hits(index.matches('name2061"'))).toEqual([2061])
    expect(textIndexOf(entries)).toBe(index)
  })

  it('starts over when the array was refilled with other entries', () => {
    const entries = entriesOf(20)
    const index = new TextIndex(entries)
    expect(hits(index.matches('name5"'))).toEqual([5])
    entries.length = 0
    entries.push(...entriesOf(20, 100))
    expect(hits(index.matches('name5"'))).toEqual([])
    expect(hits(index.matches('name105"'))).toEqual([5])
  })
})
