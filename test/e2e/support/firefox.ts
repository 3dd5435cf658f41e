// Node (end-to-end tests). The Firefox adapter: launches Firefox ESR through puppeteer-core over
// WebDriver BiDi and installs dist/firefox as a temporary add-on. Never downloads a browser:
// FIREFOX_PATH, then Debian's /usr/bin/firefox-esr. What differs from Chromium lives here
// (TOOLCHAIN.md, "Firefox end to end"):
// - extension pages (moz-extension://) send no navigation events (puppeteer.ts opens them);
// - the background is an event page, suspended when idle (extensions.background.idle.timeout);
// - page.setViewport needs emulation commands Firefox 140 lacks: BiDi's setViewport instead;
// - console and pageerror events of extension pages are not delivered.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomUUID } from 'node:crypto'
import puppeteer, { type Browser } from 'puppeteer-core'
import { panelPortName } from '../../../src/core/protocol.ts'
import { contextOf, extensionPages } from './puppeteer.ts'
import type { DevToolsBrowser } from './devtools-window.ts'
import { openFirefoxToolbox } from './firefox-toolbox.ts'

export const FIREFOX_INSTALL_HINT =
  'No Firefox found. Install it with: sudo apt-get install -y firefox-esr (or set FIREFOX_PATH to a Firefox 140+ binary).'

/** The add-on id of dist/firefox/manifest.json (vite.config.ts). */
export const GECKO_ID = 'cxbus-devtools@cxbus-devtools.dev'

export function findFirefox(candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox']): string {
  for (const c of candidates) if (c && existsSync(c)) return c
  throw new Error(FIREFOX_INSTALL_HINT)
}

export interface FirefoxExtensionBrowser extends DevToolsBrowser {
  name: 'firefox'
  browser: Browser
}

export interface FirefoxLaunchOptions {
  dist?: string
  /** Suspend the idle background page after this many ms (Firefox's default: 30 s). */
  idleTimeoutMs?: number
  /** More Firefox preferences. */
  prefs?: Record<string, unknown>
}

export async function launchFirefoxWithExtension(opts: FirefoxLaunchOptions = {}): Promise<FirefoxExtensionBrowser> {
  const dist = resolve(opts.dist ?? 'dist/firefox')
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error(`${dist}/manifest.json is missing: run npm run build first`)
  const uuid = randomUUID()
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    args: ['--remote-allow-system-access'], // else BiDi refuses to navigate to moz-extension://
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }), // a known moz-extension://UUID/
      // Tabs other than the focused one are background tabs: do not throttle their timers, as
      // headless Chromium does not, so the demo plays at the same pace in both browsers.
      'dom.min_background_timeout_value': 4,
      'dom.min_background_timeout_value_without_budget_throttling': 4,
      'dom.timeout.enable_budget_timer_throttling': false,
      ...(opts.idleTimeoutMs !== undefined ? { 'extensions.background.idle.timeout': opts.idleTimeoutMs } : {}),
      ...opts.prefs,
    },
  })
  await browser.installExtension(dist)
  const base = `moz-extension://${uuid}/`
  const extensionUrl = (path: string): string => base + path
  const { newPage, openExtensionPage, helperPage, tabIdOf } = extensionPages(browser, extensionUrl)
  const b: FirefoxExtensionBrowser = {
    name: 'firefox',
    browser,
    extensionId: uuid,
    extensionUrl,
    newPage,
    openExtensionPage,
    tabIdOf,
    async openPanel(tabId, o = {}) {
      const page = await newPage()
      if (o.viewport) await contextOf(page.raw).setViewport({ viewport: o.viewport })
      // No prefers-color-scheme emulation over BiDi in Firefox 140: the panel's own ?theme= switch.
      await page.goto(extensionUrl(`devtools/panel.html?tabId=${tabId}${o.colorScheme ? `&theme=${o.colorScheme}` : ''}`))
      return page
    },
    async suspendBackground() {
      if (opts.idleTimeoutMs === undefined) throw new Error('launch Firefox with idleTimeoutMs to let it suspend the background')
      // A port from an extension page does not keep the event page alive; its disconnect tells
      // that Firefox unloaded the background. The name is a panel port of a tab that does not exist.
      const page = await helperPage()
      const timeout = opts.idleTimeoutMs * 5 + 10_000
      const gone = await page.evaluate(
        ({ name, timeout }) =>
          new Promise<boolean>((res) => {
            chrome.runtime.connect({ name }).onDisconnect.addListener(() => res(true))
            setTimeout(() => res(false), timeout)
          }),
        { name: panelPortName(2 ** 31 - 1), timeout },
      )
      if (!gone) throw new Error(`the background page was not suspended within ${timeout} ms`)
    },
    openDevTools: (page, o) => openFirefoxToolbox(b, page, o),
    async close() {
      await browser.close().catch(() => {}) // puppeteer removes the temporary profile
    },
  }
  return b
}
