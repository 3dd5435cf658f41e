// Node (tests). A generated capture with the faults a real one has: lost entries (with and without a
// `dropped` marker), reloads and frame loads in the middle of interactions, repeated events, broken
// metadata (seconds for ms, missing fields, no object), service failures, entries without pageLoadId
// and notes. Deterministic from a seed: the same session in every run.
import type { Json, JsonObject, Session, SessionEntry } from '../../src/core/model.ts'
import { generateSession, rng } from './generate.ts'

export function faultySession(seed: number, events = 6_000): Session {
  const r = rng(seed)
  const base = generateSession({ seed, events, pageLoads: 12, plugins: ['Callback', 'SendMessage'] })
  const out: SessionEntry[] = []
  const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
  for (const src of base.events) {
    const e = clone(src)
    const x = r()
    if (x < 0.01) continue // lost without a marker
    if (x < 0.02) {
      out.push({ seq: 0, kind: 'marker', time: e.time, marker: 'dropped', ...(r() < 0.5 && e.pageLoadId ? { pageLoadId: e.pageLoadId } : {}), data: { count: 3 } })
      continue
    }
    if (x < 0.025) out.push({ seq: 0, kind: 'marker', time: e.time, marker: 'page-load', pageLoadId: `${e.pageLoadId ?? 'x'}-r${out.length}`, data: { url: `https://shop.example.test/reload?n=${out.length}` } })
    if (x < 0.03) out.push({ seq: 0, kind: 'marker', time: e.time, marker: 'page-load', pageLoadId: `frame-${out.length}`, data: { url: 'https://shop.example.test/frame', top: false } })
    if (e.kind === 'event' && typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data)) {
      const d = e.data as JsonObject
      const y = r()
      if (y < 0.02 && typeof d.opened === 'number') d.opened = Math.round(d.opened / 1000)
      else if (y < 0.04) delete d.elapsed
      else if (y < 0.05) e.data = null as unknown as Json
      else if (y < 0.06) d.started = 'soon'
      else if (y < 0.07) out.push(clone(e)) // published twice
    }
    if (r() < 0.03) delete e.pageLoadId
    out.push(e)
    if (r() < 0.01) {
      const service = r() < 0.5 ? 'CallbackService' : 'SendMessageService'
      out.push({ seq: 0, kind: 'event', time: e.time + 1, publisher: service, event: `${service}.${service === 'CallbackService' ? 'scheduleError' : 'error'}`, ...(e.pageLoadId ? { pageLoadId: e.pageLoadId } : {}), data: { status: r() < 0.3 ? 0 : 500, statusText: 'Internal Server Error', responseJSON: { code: 7030, message: 'Callback parameter' } } })
    }
  }
  out.forEach((e, i) => (e.seq = i * 3 + (i % 3)))
  const at = (i: number): number => out[Math.floor(i)]!.seq
  return {
    ...base,
    notes: [
      { seq: at(out.length / 3), time: 1, text: 'an event note' },
      { seq: 999_999_999, time: 2, text: 'a note on no entry' },
      { interaction: 'Callback#2@p1', time: 3, text: 'an interaction note' },
    ],
    events: out,
  }
}
