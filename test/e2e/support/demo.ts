// Node (end-to-end tests, bench). Opens the demo page (demo/server.ts) in a new tab of an
// extension browser and returns the tab id the extension knows it by, plus typed access to the
// demo's test API (window.demo, see demo/README.md).
import type { E2eBrowser, PageOf, TestPage } from './types.ts'

/** Each fault switch of the demo (URL parameter), a scenario that shows it, and the rule it gives. */
export const DEMO_FAULTS: readonly [query: string, scenario: string, rule: string][] = [
  ['elapsed=wrong', 'complete', 'meta/elapsed'],
  ['seconds=1', 'complete', 'meta/timestamp-unit'],
  ['duplicate=1', 'abandon-untouched', 'order/duplicate'],
  ['nosubmit=1', 'complete', 'order/transition'],
  ['noclosed=1', 'two-in-a-row', 'order/transition'],
]

export interface DemoTab<P extends TestPage = TestPage> {
  page: P
  tabId: number
  /** Calls window.demo[method](...args) in the page and returns its result. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>
  /** The page's own subscriber's copy of the events it saw, and the errors the page recorded. */
  pageEvents(): Promise<{ event: string; data: unknown }[]>
  pageErrors(): Promise<unknown[]>
}

let opened = 0

export async function openDemo<B extends E2eBrowser>(b: B, demoUrl: string, query = 'speed=fast', page?: PageOf<B>): Promise<DemoTab<PageOf<B>>> {
  const p = page ?? ((await b.newPage()) as PageOf<B>)
  // A unique parameter per tab: tabIdOf finds a tab by its URL, and tests open the demo many times.
  const url = `${demoUrl}${demoUrl.includes('?') ? '&' : '?'}${query}&tab=${++opened}`
  await p.goto(url)
  await p.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
  const tabId = await b.tabIdOf(p)
  return demoTab(p, tabId)
}

export function demoTab<P extends TestPage>(page: P, tabId: number): DemoTab<P> {
  const call = <T,>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(
      async ([m, a]) => {
        const demo = (window as unknown as { demo: Record<string, (...x: unknown[]) => unknown> }).demo
        return (await demo[m as string]!(...(a as unknown[]))) as never
      },
      [method, args] as const,
    ) as Promise<T>
  return {
    page,
    tabId,
    call,
    pageEvents: () =>
      page.evaluate(() =>
        ((window as unknown as { demo: { events: { event: string; data: unknown }[] } }).demo.events ?? []).map((e) => ({ event: e.event, data: e.data })),
      ),
    pageErrors: () => page.evaluate(() => [...((window as unknown as { demo: { pageErrors: unknown[] } }).demo.pageErrors ?? [])]),
  }
}
