// Panel (pure). The text filter's index over one session's entries: their lower-cased search text
// (name, plugin, JSON data), INDEX_CHUNK entries joined into one string, with the offset of each
// entry in an Int32Array. Why not one string per entry: at 170 000 entries that is 170 000 more
// objects the young generation copies and the old generation marks (tens of ms per GC pause), while
// a chunk of ~500 kB is allocated once in the large-object space and never moved. A search is one
// indexOf per match instead of an includes() per entry.
import type { SessionEntry } from '../../../src/core/model.ts'
import { nameOf, pluginOf } from './entries.ts'

/** Entries per chunk of the index. */
export const INDEX_CHUNK = 2048
/** Between two entries' texts: JSON text, names and plugins never hold a raw line break. */
const SEP = '\n'

/** The text an entry is searched in (before lower-casing): its name, plugin and JSON data. */
export function entryText(entry: SessionEntry): string {
  return `${nameOf(entry)} ${pluginOf(entry)} ${JSON.stringify(entry.data)}`
}

interface Chunk {
  /** Index of the chunk's first entry. */
  first: number
  text: string
  /** starts[k]: offset of entry first + k in text; the last one is text.length + 1 (past a virtual separator). */
  starts: Int32Array
}

export class TextIndex {
  private chunks: Chunk[] = []
  /** Entries indexed so far (entries[0 .. count - 1]). */
  private count = 0
  /** entries[count - 1] when it was indexed: tells whether the array was replaced in place. */
  private last: SessionEntry | undefined

  constructor(private readonly entries: readonly SessionEntry[]) {}

  /** Entries indexed so far. */
  get indexed(): number {
    return this.count
  }

  /**
   * Indexes the entries appended since the last call while at least `min` are waiting: an import
   * calls it as slices arrive (whole chunks only), a search with 1 (every entry).
   */
  extend(min = INDEX_CHUNK): void {
    const entries = this.entries
    if (this.count > entries.length || (this.count > 0 && entries[this.count - 1] !== this.last)) {
      this.chunks = []
      this.count = 0
    }
    // A short last chunk (the tail a search indexed) is rebuilt with what came after it.
    const tail = this.chunks[this.chunks.length - 1]
    if (tail && this.count - tail.first < INDEX_CHUNK && entries.length - tail.first >= Math.max(min, this.count - tail.first + 1)) {
      this.chunks.pop()
      this.count = tail.first
    }
    while (entries.length > this.count && entries.length - this.count >= min) {
      const first = this.count
      const end = Math.min(entries.length, first + INDEX_CHUNK)
      const parts: string[] = new Array(end - first)
      const starts = new Int32Array(end - first + 1)
      let at = 0
      for (let i = first; i < end; i++) {
        // Lower-cased entry by entry: the short-lived copies die young, and the chunk is the one
        // large string made (a large string made only to be lower-cased would be garbage that only
        // a full GC frees, and at 100 MB of imports those add up to many full GCs).
        const t = entryText(entries[i]!).toLowerCase()
        parts[i - first] = t
        starts[i - first] = at
        at += t.length + SEP.length
      }
      starts[end - first] = at
      this.chunks.push({ first, text: parts.join(SEP), starts })
      this.count = end
      this.last = entries[end - 1]
    }
  }

  /** 1 for each entry whose search text contains `needle` (lower-case), indexing what is not yet. */
  matches(needle: string): Uint8Array {
    this.extend(1)
    const out = new Uint8Array(this.entries.length)
    if (needle === '') return out.fill(1)
    for (const { first, text, starts } of this.chunks) {
      let from = 0
      for (;;) {
        const at = text.indexOf(needle, from)
        if (at < 0) break
        const k = entryAt(starts, at)
        const next = starts[k + 1]!
        // A match across the separator belongs to neither entry.
        if (at + needle.length <= next - SEP.length) {
          out[first + k] = 1
          from = next
        } else from = at + 1
      }
    }
    return out
  }
}

/** k such that starts[k] <= at < starts[k + 1]. */
function entryAt(starts: Int32Array, at: number): number {
  let lo = 0
  let hi = starts.length - 2
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (starts[mid]! <= at) lo = mid
    else hi = mid - 1
  }
  return lo
}

const indexes = new WeakMap<readonly SessionEntry[], TextIndex>()

/** The index of an entries array (the live capture's grows in place; an import has its own). */
export function textIndexOf(entries: readonly SessionEntry[]): TextIndex {
  let index = indexes.get(entries)
  if (!index) indexes.set(entries, (index = new TextIndex(entries)))
  return index
}
