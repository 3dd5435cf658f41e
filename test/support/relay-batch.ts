// Unit tests of the background: what a relay sends for entries it numbered (protocol.ts, hop 2).
import { lostBy, type SessionEntry } from '../../src/core/model.ts'
import type { RelayToBackground } from '../../src/core/protocol.ts'

/** One `batch` message for entries of consecutive seqs from one frame: their text, unparsed, as the relay forwards it. */
export function relayBatch(pageLoadId: string, entries: SessionEntry[]): RelayToBackground {
  const first = entries[0] as SessionEntry
  if (entries.some((e, i) => e.seq !== first.seq + i || e.frameUrl !== first.frameUrl)) throw new Error('test: one batch is consecutive seqs of one frame')
  const text = JSON.stringify(entries.map(({ seq: _s, pageLoadId: _p, frameUrl: _f, ...e }) => e))
  return { type: 'batch', pageLoadId, seq: first.seq, count: entries.length, lost: entries.reduce((n, e) => n + lostBy(e), 0), frameUrl: first.frameUrl ?? '', text }
}
