// Node + page (end-to-end tests). A page that publishes its last events and goes away in the same
// task: those events wait for an idle moment, so it is the hook's pagehide flush and its synchronous
// hand-over to the relay (README "Reliability") that must get them out, exactly once, with no
// `dropped` marker. Used by capture.e2e.ts (cross-site and reload) and hostile.e2e.ts (the same,
// with the page's event built-ins patched).
import { expect } from 'vitest'
import type { SessionEntry } from '../../../src/core/model.ts'
import type { openCollector } from './collector.ts'

/**
 * In the page: now (or 5 ms after Callback.open), publishes `count` Callback.minimized events
 * { last: i } and leaves in the same task, then keeps the page busy until it is gone, so the idle
 * batch waits for its deadline and pagehide is what sends it (without the busy loop Chromium lost it
 * about 1 run in 3, Firefox's idle callback mostly went first). Self-contained: runs via evaluate.
 */
export const publishAndLeave = ([how, open, count]: readonly ['cross-site' | 'reload', boolean, number]): void => {
  const w = window as unknown as { CXBus: { command(n: string): unknown }; __cxbusSim: { publishAs(p: string, e: string, d: unknown): void } }
  const spin = (): void => {
    const until = performance.now() + 30
    while (performance.now() < until) {
      // busy
    }
    setTimeout(spin, 0)
  }
  const leave = (): void => {
    for (let i = 0; i < count; i++) w.__cxbusSim.publishAs('Callback', 'minimized', { last: i })
    // another site (localhost vs 127.0.0.1): a new renderer process takes over
    if (how === 'reload') location.reload()
    else location.href = location.href.replace('127.0.0.1', 'localhost')
    setTimeout(spin, 0)
  }
  if (!open) return leave()
  w.CXBus.command('Callback.open')
  setTimeout(leave, 5)
}

const leaving = (entries: SessionEntry[]) =>
  entries.filter((e) => e.kind === 'event' && e.event === 'Callback.minimized' && (e.data as { last?: number }).last !== undefined)

/** The `count` events publishAndLeave sent arrived once each, in order, after the second page load, and nothing was lost. */
export async function expectLastEventsOnce(c: Awaited<ReturnType<typeof openCollector>>, count: number): Promise<SessionEntry[]> {
  // The old page's batch and the new page's relay travel on different ports: either can come first.
  const loads = (entries: SessionEntry[]) => entries.filter((e) => e.kind === 'marker' && e.marker === 'page-load').length
  await c.waitFor((x) => loads(x.entries) >= 2 && leaving(x.entries).length >= count, `second page load and the ${count} flushed events`, 15_000)
  await new Promise((r) => setTimeout(r, 500)) // a second copy (port and hand-over both) would be here by now
  const got = (await c.get()).entries
  expect(leaving(got).map((e) => (e.data as { last: number }).last)).toEqual(Array.from({ length: count }, (_, i) => i))
  expect(got.filter((e) => e.kind === 'marker' && e.marker === 'dropped')).toEqual([])
  return got
}
