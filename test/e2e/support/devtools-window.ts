// Node (end-to-end tests, README screenshots). The extension's panel inside a browser's real
// DevTools window, the same handle for both browsers: Chromium's DevTools (devtools.ts) and
// Firefox's toolbox (firefox-toolbox.ts) each open it their own way.
import type { E2eBrowser, TestPage } from './types.ts'

/** Panel sizes of the two usual DevTools layouts. Docked right is DevTools' default. */
export const LAYOUTS = {
  right: { width: 480, height: 800 },
  bottom: { width: 1280, height: 400 },
  /** Docked bottom with a taller page above it, and a DevTools window of its own: where the Commands drawer squeezed the list. */
  low: { width: 1280, height: 300 },
  window: { width: 1280, height: 713 },
  /** Docked bottom in a narrower window (the width README lays the panel out for), and lower still. */
  narrow: { width: 800, height: 400 },
  narrowLow: { width: 800, height: 300 },
} as const
export type DockLayout = keyof typeof LAYOUTS
export type DevToolsTheme = 'light' | 'dark'

export interface DevToolsOptions {
  theme?: DevToolsTheme
  layout?: DockLayout
}

export interface DevToolsWindow {
  /** The extension's panel document inside DevTools. */
  panel: TestPage
  /** The tab id the panel was given (?tabId= from devtools.inspectedWindow.tabId). */
  panelTabId: number
  /** Sizes the DevTools window so the panel gets the layout's size; returns the panel's inner size. */
  layout(l: DockLayout): Promise<{ width: number; height: number }>
  /** Screenshot of the whole DevTools window (its tabs and the panel). */
  screenshot(path: string): Promise<void>
  close(): Promise<void>
}

/** A browser with the extension that can open its real DevTools on one of its pages. */
export interface DevToolsBrowser extends E2eBrowser {
  /** Opens DevTools on the page (a page of this browser's newPage) and selects the Callback panel. */
  openDevTools(page: TestPage, o?: DevToolsOptions): Promise<DevToolsWindow>
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Resizes a DevTools window until the panel inside has the layout's size: the window also holds
 * DevTools' tab strip, whose height is measured rather than assumed.
 */
export async function fitPanel(panel: TestPage, want: { width: number; height: number }, resize: (width: number, height: number) => Promise<void>): Promise<{ width: number; height: number }> {
  const inner = (): Promise<{ width: number; height: number }> => panel.evaluate(() => ({ width: innerWidth, height: innerHeight }))
  let height = want.height + 30
  for (let attempt = 0; attempt < 5; attempt++) {
    await resize(want.width, height)
    // settled: the same size twice, 100 ms apart, with the width asked for
    let got = await inner()
    for (let t0 = Date.now(); Date.now() - t0 < 10_000; ) {
      await sleep(100)
      const again = await inner()
      if (again.width === want.width && again.width === got.width && again.height === got.height) break
      got = again
    }
    if (got.width === want.width && got.height === want.height) return got
    height += want.height - got.height
  }
  throw new Error(`the panel did not get ${want.width} x ${want.height}: ${JSON.stringify(await inner())}`)
}
