// Node (end-to-end tests). What a test needs from a browser with the extension loaded, whichever
// browser it is: one adapter per browser implements it (browser.ts: Chromium through playwright-core,
// firefox.ts: Firefox through puppeteer-core over WebDriver BiDi), and every flow written against
// these types runs in both.
export type BrowserName = 'chromium' | 'firefox'

/** The part of a page both drivers offer with the same meaning (a playwright-core Page is one). */
export interface TestPage {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>
  evaluate<R>(fn: (() => R | Promise<R>) | string): Promise<R>
  goto(url: string): Promise<unknown>
  reload(): Promise<unknown>
  close(): Promise<void>
  url(): string
  screenshot(o: { path: string }): Promise<unknown>
  waitForFunction(fn: () => unknown): Promise<unknown>
}

export interface PanelOptions {
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
}

export interface E2eBrowser {
  name: BrowserName
  /** The extension's host in its page URLs: the Chrome extension id, or Firefox's moz-extension UUID. */
  extensionId: string
  /** chrome-extension://ID/path or moz-extension://UUID/path. */
  extensionUrl(path: string): string
  newPage(): Promise<TestPage>
  /** Opens one of the extension's own pages (popup/index.html, devtools/panel.html?...) as a tab. */
  openExtensionPage(path: string): Promise<TestPage>
  /** The tab id the browser gave the page, as the extension sees it. */
  tabIdOf(page: TestPage): Promise<number>
  /** Opens devtools/panel.html?tabId=ID as a normal tab (the testing contract). */
  openPanel(tabId: number, opts?: PanelOptions): Promise<TestPage>
  /**
   * Makes the browser unload the extension's background the way it does on its own (Chromium stops
   * an idle service worker, Firefox suspends an idle event page) and returns once it is gone.
   */
  suspendBackground(): Promise<void>
  close(): Promise<void>
}

/** The page type a browser's adapter gives (a playwright-core Page for the Chromium adapter). */
export type PageOf<B extends E2eBrowser> = Awaited<ReturnType<B['newPage']>>
