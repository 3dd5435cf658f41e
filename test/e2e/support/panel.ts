// Node (end-to-end tests). Reads and drives the panel page (devtools/panel.html) through plain DOM
// calls in the page, so the same helpers work in both browsers and in the real DevTools window.
// Rows are found by their data attributes (data-testid, data-event, id row-<seq>), not by layout.
import type { TestPage } from './types.ts'

export interface PanelRow {
  seq: number
  /** data-testid: event-row, page-load-marker, frame-load-marker, marker... */
  kind: string
  /** event-row only: a bus event or a command. */
  entry?: 'event' | 'command'
  /** data-event of event rows (Plugin.event or the command name). */
  event?: string
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Every row of the (virtualized) list, in seq order: scrolls the list from top to bottom and
 * collects the rows each window renders, then scrolls back to the end (where the list sticks).
 */
export function readRows(panel: TestPage): Promise<PanelRow[]> {
  return panel.evaluate(async () => {
    const list = document.querySelector<HTMLElement>('[data-testid=event-list]')
    if (!list) return []
    const seen = new Map<number, { seq: number; kind: string; entry?: 'event' | 'command'; event?: string }>()
    const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
    const collect = (): void => {
      for (const el of list.querySelectorAll<HTMLElement>('[id^="row-"]')) {
        const seq = Number(el.id.slice(4))
        const kind = el.dataset.testid ?? ''
        const entry = kind !== 'event-row' ? {} : { entry: el.classList.contains('command') ? ('command' as const) : ('event' as const) }
        seen.set(seq, { seq, kind, ...entry, ...(el.dataset.event ? { event: el.dataset.event } : {}) })
      }
    }
    const step = Math.max(list.clientHeight - 40, 40)
    for (let top = 0; ; top += step) {
      list.scrollTop = top
      await frame()
      collect()
      if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1) break
    }
    list.scrollTop = list.scrollHeight
    return [...seen.values()].sort((a, z) => a.seq - z.seq)
  })
}

/** Polls readRows until pred holds; fails with what the panel shows. */
export async function waitForRows(panel: TestPage, pred: (rows: PanelRow[]) => boolean, what: string, timeoutMs = 20_000): Promise<PanelRow[]> {
  const t0 = Date.now()
  for (;;) {
    const rows = await readRows(panel)
    if (pred(rows)) return rows
    if (Date.now() - t0 > timeoutMs) {
      const shown = await panel.evaluate(() => ({
        connection: document.querySelector<HTMLElement>('.app')?.dataset.connection,
        banners: [...document.querySelectorAll('.banner, [data-testid=empty-state]')].map((b) => b.textContent),
      }))
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${panel.url()}: ${rows.length} rows (last ${JSON.stringify(rows.slice(-5))}), panel ${JSON.stringify(shown)}`)
    }
    await sleep(100)
  }
}

/** Rows of bus events (not markers, not commands) whose name starts with prefix. */
export const eventRows = (rows: PanelRow[], prefix = ''): PanelRow[] => rows.filter((r) => r.entry === 'event' && (r.event ?? '').startsWith(prefix))
/** Rows of commands. */
export const commandRows = (rows: PanelRow[]): PanelRow[] => rows.filter((r) => r.entry === 'command')

/** Clicks the element with this data-testid (a real click event, so Preact's handlers run). */
export async function clickTestId(panel: TestPage, testId: string): Promise<void> {
  const ok = await panel.evaluate((id) => {
    const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)
    el?.click()
    return Boolean(el)
  }, testId)
  if (!ok) throw new Error(`no [data-testid=${testId}] in ${panel.url()}`)
}

/** Reads a property of the element with this data-testid (null when absent). */
export const testIdProp = (panel: TestPage, testId: string, prop: 'textContent' | 'checked' | 'disabled'): Promise<unknown> =>
  panel.evaluate(({ id, p }) => {
    const el = document.querySelector(`[data-testid="${id}"]`) as unknown as Record<string, unknown> | null
    return el ? el[p] : null
  }, { id: testId, p: prop })

/**
 * Clicks an export button (data-testid) and returns the file it offered: the Blob handed to
 * URL.createObjectURL and the name of the download link, caught in the page, so no browser
 * download is involved (they differ between browsers and headless modes).
 */
export async function exportFile(page: TestPage, testId = 'export'): Promise<{ fileName: string; text: string }> {
  await page.evaluate(() => {
    const w = window as unknown as { __exported?: { blob?: Blob; fileName?: string }; __exportHooked?: boolean }
    w.__exported = {}
    if (w.__exportHooked) return
    w.__exportHooked = true
    const create = URL.createObjectURL.bind(URL)
    URL.createObjectURL = (o: Blob | MediaSource) => {
      if (o instanceof Blob) w.__exported!.blob = o
      return create(o)
    }
    const click = HTMLAnchorElement.prototype.click
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      if (!this.download) return click.call(this)
      w.__exported!.fileName = this.download // caught: no real download
    }
  })
  await clickTestId(page, testId)
  const t0 = Date.now()
  for (;;) {
    const got = await page.evaluate(async () => {
      const e = (window as unknown as { __exported: { blob?: Blob; fileName?: string } }).__exported
      return e.blob && e.fileName ? { fileName: e.fileName, text: await e.blob.text() } : null
    })
    if (got) return got
    if (Date.now() - t0 > 10_000) throw new Error(`no file offered after clicking ${testId}`)
    await sleep(50)
  }
}

/**
 * Records the page's uncaught errors and rejections from now on, in the page itself (Firefox does
 * not report an extension page's errors to the driver); read them with pageErrors().
 */
export async function watchErrors(page: TestPage): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __errors?: string[] }
    if (w.__errors) return
    const errors: string[] = (w.__errors = [])
    addEventListener('error', (e) => errors.push(String(e.message)))
    addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${String(e.reason)}`))
  })
}

export const pageErrors = (page: TestPage): Promise<string[]> => page.evaluate(() => (window as unknown as { __errors?: string[] }).__errors ?? [])

