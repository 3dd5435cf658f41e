// Node (end-to-end tests, bench). Observes what the background delivers for one tab, independently
// of the panel UI: an extension page connects a runtime port named panelPortName(tabId), says hello
// {afterSeq}, and collects every message into window.__cx. Like a real panel it reconnects when the
// service worker is stopped, with hello{afterSeq: last seq seen}, and keeps the receive time of each
// entry (Date.now() in the extension page; the page's clock is the same machine's).
import type { SessionEntry } from '../../../src/core/model.ts'
import type { TabState } from '../../../src/core/protocol.ts'
import { panelPortName } from '../../../src/core/protocol.ts'
import type { E2eBrowser, PageOf, TestPage } from './types.ts'

export interface Collected {
  entries: SessionEntry[]
  /** Date.now() in the extension page when each entry arrived (same index as entries). */
  receivedAt: number[]
  states: TabState[]
  cleared: number
  connects: number
  disconnects: number
}

export interface Collector<P extends TestPage = TestPage> {
  page: P
  get(): Promise<Collected>
  entries(): Promise<SessionEntry[]>
  /** Polls until pred(collected) holds; throws with `what` and a summary after timeoutMs. */
  waitFor(pred: (c: Collected) => boolean, what: string, timeoutMs?: number): Promise<Collected>
  /** Waits until at least n entries matching filter arrived. */
  waitForEntries(n: number, filter?: (e: SessionEntry) => boolean, timeoutMs?: number): Promise<SessionEntry[]>
  send(message: unknown): Promise<void>
  close(): Promise<void>
}

/** Opens an extension page (the popup, which needs no tab) and starts collecting for tabId. */
export async function openCollector<B extends E2eBrowser>(b: B, tabId: number, opts: { page?: PageOf<B>; afterSeq?: number } = {}): Promise<Collector<PageOf<B>>> {
  const page = opts.page ?? ((await b.openExtensionPage('popup/index.html')) as PageOf<B>)
  // tsx/esbuild (bench, start script) wraps named inner functions in __name(); give the page one.
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)')
  await page.evaluate(
    ({ name, afterSeq }) => {
      const w = window as unknown as { __cx: Collected & { port: chrome.runtime.Port | null } }
      const c: Collected & { port: chrome.runtime.Port | null } = { entries: [], receivedAt: [], states: [], cleared: 0, connects: 0, disconnects: 0, port: null }
      w.__cx = c
      let last = afterSeq
      const connect = (): void => {
        const port = chrome.runtime.connect({ name })
        c.port = port
        c.connects++
        port.onMessage.addListener((m: { type: string; entries?: SessionEntry[]; state?: TabState }) => {
          const now = Date.now()
          if (m.type === 'entries' && m.entries) {
            for (const e of m.entries) {
              c.entries.push(e)
              c.receivedAt.push(now)
              last = Math.max(last, e.seq)
            }
          } else if (m.type === 'state' && m.state) c.states.push(m.state)
          else if (m.type === 'cleared') c.cleared++
        })
        port.onDisconnect.addListener(() => {
          c.disconnects++
          c.port = null
          setTimeout(connect, 100) // the worker was stopped: come back like a panel does
        })
        port.postMessage({ type: 'hello', afterSeq: last })
      }
      connect()
    },
    { name: panelPortName(tabId), afterSeq: opts.afterSeq ?? -1 },
  )
  const get = (): Promise<Collected> =>
    page.evaluate(() => {
      const c = (window as unknown as { __cx: Collected }).__cx
      return { entries: c.entries, receivedAt: c.receivedAt, states: c.states, cleared: c.cleared, connects: c.connects, disconnects: c.disconnects }
    })
  const waitFor = async (pred: (c: Collected) => boolean, what: string, timeoutMs = 20_000): Promise<Collected> => {
    const t0 = Date.now()
    let c = await get()
    while (!pred(c)) {
      if (Date.now() - t0 > timeoutMs) {
        const names = c.entries.slice(-8).map((e) => (e.kind === 'event' ? e.event : e.kind === 'command' ? e.command : `marker:${e.marker}`))
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; have ${c.entries.length} entries, last: ${names.join(', ')}`)
      }
      await new Promise((r) => setTimeout(r, 100))
      c = await get()
    }
    return c
  }
  return {
    page,
    get,
    entries: async () => (await get()).entries,
    waitFor,
    async waitForEntries(n, filter = () => true, timeoutMs) {
      const c = await waitFor((x) => x.entries.filter(filter).length >= n, `${n} entries`, timeoutMs)
      return c.entries.filter(filter)
    },
    async send(message) {
      await page.evaluate((m) => (window as unknown as { __cx: { port: chrome.runtime.Port | null } }).__cx.port?.postMessage(m), message)
    },
    async close() {
      if (!opts.page) await page.close().catch(() => {})
    },
  }
}

/** Short label of an entry, for assertions and failure messages. */
export function label(e: SessionEntry): string {
  return e.kind === 'event' ? e.event : e.kind === 'command' ? `cmd:${e.command}` : `marker:${e.marker}`
}
