// Node (end-to-end tests, start script, bench). Finds Chromium and launches it with the built
// extension loaded. Never downloads a browser: CHROME_PATH, then Debian's /usr/bin/chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core'

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

export interface ExtensionBrowser {
  context: BrowserContext
  extensionId: string
  /** The extension's service worker (it may be replaced after a restart: call again). */
  worker(): Promise<Worker>
  /** The tab id Chrome gave the page, as the extension sees it. */
  tabIdOf(page: Page): Promise<number>
  /** Opens devtools/panel.html?tabId=ID as a normal tab (the testing contract). */
  openPanel(tabId: number, opts?: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } }): Promise<Page>
  close(): Promise<void>
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
  return {
    context,
    extensionId,
    worker,
    async tabIdOf(page) {
      // Without the "tabs" permission (we ask only for "storage") tabs.query() hides every URL, so
      // ask the background instead: the tab whose captured top-frame URL is the page's. This also
      // waits until the extension has seen the page (its relay connected).
      const url = page.url()
      const helper = await helperPage()
      const id = await helper.evaluate(async (u: string) => {
        const t0 = Date.now()
        while (Date.now() - t0 < 15_000) {
          for (const tab of await chrome.tabs.query({})) {
            if (tab.id === undefined) continue
            const state = (await chrome.runtime.sendMessage({ type: 'get-tab-state', tabId: tab.id })) as { url?: string } | null
            if (state?.url === u) return tab.id
          }
          await new Promise((r) => setTimeout(r, 100))
        }
        return null
      }, url)
      if (id == null) throw new Error(`no tab with url ${url} known to the extension`)
      return id
    },
    async openPanel(tabId, o = {}) {
      const panel = await context.newPage()
      if (o.viewport) await panel.setViewportSize(o.viewport)
      if (o.colorScheme) await panel.emulateMedia({ colorScheme: o.colorScheme })
      await panel.goto(`chrome-extension://${extensionId}/devtools/panel.html?tabId=${tabId}`)
      return panel
    },
    async close() {
      await context.close().catch(() => {})
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}
