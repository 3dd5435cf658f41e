// Node (end-to-end tests). One demo server and one browser with the extension for a whole test file.
// - `const env = useDemoAndBrowser()`: the browser of the running vitest project (E2E_BROWSER,
//   vitest.e2e.config.ts), so the file's flows run once in Chromium and once in Firefox;
// - `const env = useDemoAndDevTools()`: the same, with the browser's real DevTools window at hand;
// - `const env = useDemoAndExtension()`: always Chromium, for files that drive playwright-core itself.
import { afterAll, beforeAll } from 'vitest'
import { startDemoServer, type DemoServer } from '../../../demo/server.ts'
import { launchWithExtension, type ExtensionBrowser } from './browser.ts'
import { launchFirefoxWithExtension, type FirefoxLaunchOptions } from './firefox.ts'
import type { BrowserName, E2eBrowser } from './types.ts'
import type { DevToolsBrowser } from './devtools-window.ts'
import { launchChromiumForDevTools } from './devtools.ts'

export interface E2eEnv<B extends E2eBrowser = ExtensionBrowser> {
  b: B
  demo: DemoServer
}

/** The browser this vitest project runs the flows in. */
export const BROWSER: BrowserName = process.env.E2E_BROWSER === 'firefox' ? 'firefox' : 'chromium'

export interface LaunchOptions {
  /** Firefox: suspend the idle background page after this many ms (Chromium stops workers on request). */
  idleTimeoutMs?: number
}

export function launchBrowser(name: BrowserName = BROWSER, opts: LaunchOptions = {}): Promise<E2eBrowser> {
  const ff: FirefoxLaunchOptions = opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}
  return name === 'firefox' ? launchFirefoxWithExtension(ff) : launchWithExtension()
}

/** The demo server and the browser launch() gives, for the whole file. */
export function useDemoAnd<B extends E2eBrowser>(launch: () => Promise<B>): E2eEnv<B> {
  const env = {} as E2eEnv<B>
  beforeAll(async () => {
    env.demo = await startDemoServer({ port: 0 })
    env.b = await launch()
  })
  afterAll(async () => {
    await env.b?.close()
    await env.demo?.close()
  })
  return env
}

export const useDemoAndBrowser = (opts: LaunchOptions = {}): E2eEnv<E2eBrowser> => useDemoAnd(() => launchBrowser(BROWSER, opts))
export const useDemoAndExtension = (): E2eEnv<ExtensionBrowser> => useDemoAnd(() => launchWithExtension())
/** The project's browser, able to open its real DevTools (Chromium through puppeteer-core here). */
export const useDemoAndDevTools = (): E2eEnv<DevToolsBrowser> =>
  useDemoAnd<DevToolsBrowser>(() => (BROWSER === 'firefox' ? launchFirefoxWithExtension() : launchChromiumForDevTools()))
