// Test kit unit tests: feeding a Collector what the hook would send for a session fixture.
import { lostBy, type Session, type SessionEntry } from '../../src/core/model.ts'
import type { HookEntry, HookToTestkit } from '../../src/core/protocol.ts'
import type { Collector } from '../../testkit/collector.ts'

/** An entry as the hook produced it (no seq, pageLoadId, frameUrl). */
export function hookEntry(e: SessionEntry): HookEntry {
  const { seq: _s, pageLoadId: _p, frameUrl: _f, ...rest } = e as SessionEntry & { pageLoadId?: string; frameUrl?: string }
  return rest as HookEntry
}

/** A message as the hook sends it: with the capture's key. */
export const send = (c: Collector, m: DistributiveOmit<HookToTestkit, 'key'>): void => c.receive(JSON.stringify({ ...m, key: c.key }))
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A batch message as the hook sends it (count and lost from the entries). */
export const batch = (load: string, entries: unknown[], url = ''): Omit<Extract<HookToTestkit, { type: 'batch' }>, 'key'> =>
  ({ type: 'batch', load, url, count: entries.length, lost: entries.reduce((n: number, e) => n + lostBy(e as Record<string, unknown>), 0), entries })

/** One document (hello) whose hook sent the fixture's events and commands in batches of `batch`. */
export function feedSession(c: Collector, session: Session, { load = 'load1', url = 'https://shop.example/', batch: size = 3 } = {}): void {
  send(c, { type: 'hello', load, url, top: true, time: session.events[0]?.time ?? 0 })
  const entries = session.events.filter((e) => e.kind !== 'marker' || e.marker === 'bus').map(hookEntry)
  for (let i = 0; i < entries.length; i += size) send(c, batch(load, entries.slice(i, i + size), url))
}
