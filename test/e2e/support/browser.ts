// Node (end-to-end tests, start script, bench). The Chromium adapter: finds Chromium and launches it
// with the built extension loaded, through playwright-core. Never downloads a browser: CHROME_PATH,
// then Debian's /usr/bin/chromium. Its pages are playwright-core Pages (a TestPage, and more).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core'
import { findTabId } from './tabs.ts'
import type { E2eBrowser, PanelOptions, TestPage } from './types.ts'
import { stopExtensionWorker } from './worker.ts'

export const CHROME_INSTALL_HINT =
  'No Chromium found. Install it with: sudo apt-get install -y chromium (or set CHROME_PATH to a Chrome/Chromium binary).'

export function findChrome(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  for (const c of candidates) if (c && existsSync(c)) return c
  throw new Error(CHROME_INSTALL_HINT)
}

/** Flags that keep Chromium quiet on a machine without internet (see TOOLCHAIN.md). */
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface ExtensionBrowser extends E2eBrowser {
  name: 'chromium'
  context: BrowserContext
  dist: string
  /** The extension's service worker (it may be replaced after a restart: call again). */
  worker(): Promise<Worker>
  newPage(): Promise<Page>
  openExtensionPage(path: string): Promise<Page>
  openPanel(tabId: number, opts?: PanelOptions): Promise<Page>
}

export async function launchWithExtension(opts: { headless?: boolean; dist?: string; args?: string[] } = {}): Promise<ExtensionBrowser> {
  const dist = resolve(opts.dist ?? 'dist/chrome')
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error(`${dist}/manifest.json is missing: run npm run build first`)
  const userDataDir = mkdtempSync(join(tmpdir(), 'cxbus-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChrome(),
    headless: opts.headless ?? true,
    viewport: { width: 1280, height: 800 },
    args: [...QUIET_FLAGS, `--disable-extensions-except=${dist}`, `--load-extension=${dist}`, ...(opts.args ?? [])],
  })
  const worker = async (): Promise<Worker> => {
    const live = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    return live ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }))
  }
  const extensionId = new URL((await worker()).url()).host
  // An extension page kept open for lookups (tabIdOf): it can use chrome.tabs/runtime like a panel.
  let helper: Page | null = null
  const helperPage = async (): Promise<Page> => {
    if (helper && !helper.isClosed()) return helper
    helper = await context.newPage()
    await helper.goto(`chrome-extension://${extensionId}/popup/index.html`)
    return helper
  }
  const extensionUrl = (path: string): string => `chrome-extension://${extensionId}/${path}`
  const b: ExtensionBrowser = {
    name: 'chromium',
    context,
    dist,
    extensionId,
    extensionUrl,
    worker,
    newPage: () => context.newPage(),
    async openExtensionPage(path) {
      const page = await context.newPage()
      await page.goto(extensionUrl(path))
      return page
    },
    async tabIdOf(page: TestPage) {
      return findTabId(await helperPage(), page.url())
    },
    async openPanel(tabId, o = {}) {
      const panel = await context.newPage()
      if (o.viewport) await panel.setViewportSize(o.viewport)
      if (o.colorScheme) await panel.emulateMedia({ colorScheme: o.colorScheme })
      await panel.goto(extensionUrl(`devtools/panel.html?tabId=${tabId}`))
      return panel
    },
    suspendBackground: () => stopExtensionWorker(b),
    async close() {
      await context.close().catch(() => {})
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
  return b
}
