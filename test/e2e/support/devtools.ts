// Node (end-to-end tests, README screenshots). The extension's panel inside the real DevTools window
// of Chromium, the path users take: DevTools opened on a page, devtools_page creating the panel,
// the panel learning the inspected tab and DevTools' theme. puppeteer-core's page.openDevTools()
// opens DevTools even headless and returns its UI as a Page (TOOLCHAIN.md, "The real DevTools
// window in a test"). Selecting the panel, the theme and the dock side use DevTools' own modules
// (devtools://devtools/bundled/...): internals of the pinned Chromium, kept in this one file.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core'
import { findChrome, QUIET_FLAGS } from './browser.ts'
import { cdpTestPage, extensionPages, poll } from './puppeteer.ts'
import type { TestPage } from './types.ts'
import { fitPanel, LAYOUTS, type DevToolsBrowser, type DevToolsOptions, type DevToolsWindow, type DockLayout } from './devtools-window.ts'

/** Chromium driven by puppeteer-core (it can open DevTools; playwright-core cannot). */
export interface ChromiumDevToolsBrowser extends DevToolsBrowser {
  name: 'chromium'
  browser: Browser
  newPage(): Promise<TestPage & { raw: Page }>
}

export async function launchChromiumForDevTools(opts: { dist?: string } = {}): Promise<ChromiumDevToolsBrowser> {
  const dist = resolve(opts.dist ?? 'dist/chrome')
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error(`${dist}/manifest.json is missing: run npm run build first`)
  const browser = await puppeteer.launch({
    executablePath: findChrome(),
    headless: true,
    pipe: true, // puppeteer loads extensions over the pipe transport only
    enableExtensions: [dist],
    args: QUIET_FLAGS,
    defaultViewport: { width: 1280, height: 800 },
  })
  const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'), { timeout: 15_000 })
  const extensionId = new URL(worker.url()).host
  const extensionUrl = (path: string): string => `chrome-extension://${extensionId}/${path}`
  const { newPage, openExtensionPage, tabIdOf } = extensionPages(browser, extensionUrl)
  const b: ChromiumDevToolsBrowser = {
    name: 'chromium',
    browser,
    extensionId,
    extensionUrl,
    newPage,
    openExtensionPage,
    tabIdOf,
    async openPanel(tabId, o = {}) {
      const page = await newPage()
      if (o.viewport) await page.raw.setViewport(o.viewport)
      if (o.colorScheme) await page.raw.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: o.colorScheme }])
      await page.goto(extensionUrl(`devtools/panel.html?tabId=${tabId}`))
      return page
    },
    suspendBackground: () => Promise.reject(new Error('stop the worker in the playwright-core Chromium adapter (worker.ts)')),
    openDevTools: (page, o) => openDevToolsPanel(b, page, o),
    async close() {
      await browser.close().catch(() => {})
    },
  }
  return b
}

/** DevTools' own modules, put on the UI's globalThis.__cxDevTools by devToolsReady (untyped internals; functions run in the UI read them from there). */
interface DevToolsModules {
  Common: any // eslint-disable-line @typescript-eslint/no-explicit-any
  UI: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Waits until DevTools has started (its settings exist) and exposes its modules as __cxDevTools. */
function devToolsReady(ui: Page): Promise<void> {
  return poll(
    // Source text: the test bundler would rewrite an import() written in a function.
    () =>
      ui.evaluate(`(async () => {
        const Common = await import('devtools://devtools/bundled/core/common/common.js')
        const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js')
        // each throws until DevTools has started far enough
        Common.Settings.Settings.instance().moduleSetting('ui-theme')
        UI.DockController.DockController.instance()
        globalThis.__cxDevTools = { Common, UI }
        return true
      })()`),
    'DevTools to start',
  )
}

const isPanel = (extensionId: string) => (t: Target): boolean => t.url().startsWith(`chrome-extension://${extensionId}/devtools/panel.html`)

/**
 * Opens DevTools on the page (undocked, so its window is only DevTools, sized like a docked one),
 * in the given theme, selects the extension's "Callback" panel and returns a handle on it.
 */
async function openDevToolsPanel(b: ChromiumDevToolsBrowser, page: TestPage, o: DevToolsOptions = {}): Promise<DevToolsWindow> {
  const raw = (page as Partial<{ raw: Page }>).raw
  if (!raw) throw new Error('open DevTools on a page of this browser (its newPage)')
  const ui = await raw.openDevTools()
  await devToolsReady(ui)
  // Theme before the panel exists: DevTools hands its theme to an extension page when it creates it.
  await ui.evaluate(
    (theme) => {
      const m = (globalThis as unknown as { __cxDevTools: DevToolsModules }).__cxDevTools
      m.Common.Settings.Settings.instance().moduleSetting('ui-theme').set(theme)
      m.UI.DockController.DockController.instance().setDockSide('undocked')
    },
    o.theme === 'dark' ? 'dark' : 'default',
  )
  const layout = (l: DockLayout): Promise<{ width: number; height: number }> =>
    fitPanel(panel, LAYOUTS[l], (width, height) => ui.setViewport({ width, height }))
  const before = new Set(b.browser.targets().filter(isPanel(b.extensionId)))
  // The devtools_page adds the panel as a tab whose id is chrome-extension://ID + its title.
  await poll(
    () =>
      ui.evaluate(() => {
        const m = (globalThis as unknown as { __cxDevTools: DevToolsModules }).__cxDevTools
        return m.UI.InspectorView.InspectorView.instance().tabbedPane.tabIds().some((id: string) => id.endsWith('Callback'))
      }),
    'the devtools_page to add the Callback panel',
    30_000, // a loaded 2-core machine has taken over 15 s
  )
  await ui.evaluate(() => {
    const m = (globalThis as unknown as { __cxDevTools: DevToolsModules }).__cxDevTools
    const iv = m.UI.InspectorView.InspectorView.instance()
    return iv.showPanel(iv.tabbedPane.tabIds().find((id: string) => id.endsWith('Callback')))
  })
  const target = await b.browser.waitForTarget((t) => isPanel(b.extensionId)(t) && !before.has(t), { timeout: 30_000 })
  const panel = cdpTestPage(await target.createCDPSession(), target.url())
  await poll(() => panel.evaluate(() => document.readyState === 'complete' && document.querySelector('#app > *') !== null), 'the panel to render')
  if (o.layout) await layout(o.layout)
  return {
    panel,
    panelTabId: Number(new URL(target.url()).searchParams.get('tabId')),
    layout,
    async screenshot(path) {
      await ui.screenshot({ path: path as `${string}.png` })
    },
    async close() {
      await panel.close()
      await ui.close().catch(() => {})
    },
  }
}
