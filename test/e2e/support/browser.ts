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
  return {
    context,
    extensionId,
    worker,
    async tabIdOf(page) {
      const url = page.url()
      const sw = await worker()
      const id = await sw.evaluate(async (u: string) => {
        const tabs = await chrome.tabs.query({})
        return tabs.find((t) => t.url === u)?.id ?? null
      }, url)
      if (id == null) throw new Error(`no tab with url ${url}`)
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
