// Node (end-to-end tests). The extension's panel inside Firefox's real DevTools toolbox. WebDriver
// BiDi only reaches tabs, so the toolbox is driven from the browser window's privileged ("chrome")
// scope, which Firefox opens to BiDi with --remote-allow-system-access: the test's code runs there
// and uses DevTools' own modules (internals of the pinned Firefox ESR, kept in this one file).
// The panel is a moz-extension document in a <browser> of the toolbox, which BiDi does not list
// (and extension.getViews() leaves out): functions are run in it through a frame script of that
// <browser>, in a sandbox whose globals are the panel's own.
import { writeFileSync } from 'node:fs'
import type { FirefoxExtensionBrowser } from './firefox.ts'
import { fitPanel, LAYOUTS, type DevToolsOptions, type DevToolsWindow } from './devtools-window.ts'
import { poll } from './puppeteer.ts'
import type { TestPage } from './types.ts'

interface BidiResult {
  type: 'success' | 'exception'
  result?: { value?: unknown }
  exceptionDetails?: { text: string }
}
interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>
}

/** Runs an async function body in the browser window's privileged scope (with gDevTools) and returns its JSON result. */
async function inChrome<T>(b: FirefoxExtensionBrowser, body: string): Promise<T> {
  const conn = (b.browser as unknown as { connection: BidiConnection }).connection
  const tree = (await conn.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string }[] }
  const r = (
    await conn.send('script.evaluate', {
      expression: `(async () => {
        const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs')
        const { gDevTools } = require('devtools/client/framework/devtools')
        return JSON.stringify(await (async () => { ${body} })() ?? null)
      })()`,
      target: { context: tree.contexts[0]!.context },
      awaitPromise: true,
      resultOwnership: 'none',
    })
  ).result as BidiResult
  if (r.type === 'exception') throw new Error(`in Firefox's chrome scope: ${r.exceptionDetails?.text}`)
  return JSON.parse(String(r.result?.value)) as T
}

/**
 * Opens the toolbox as its own window on the tab showing the page, in the given theme, selects
 * the extension's panel and returns a handle on it.
 */
export async function openFirefoxToolbox(b: FirefoxExtensionBrowser, page: TestPage, o: DevToolsOptions = {}): Promise<DevToolsWindow> {
  const tab = `gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(page.url())})`
  const toolbox = `gDevTools.getToolboxForTab(${tab})`
  // The panel's <browser>, found through the toolbox's frames.
  const panelBrowser = `
    const find = (d) => {
      for (const f of d.querySelectorAll('browser, iframe')) {
        if (f.currentURI?.spec?.includes('/devtools/panel.html')) return f
        const inner = f.contentDocument && find(f.contentDocument)
        if (inner) return inner
      }
      return null
    }
    const panelBrowser = find(${toolbox}.win.top.document)`
  await inChrome(
    b,
    `Services.prefs.setCharPref('devtools.theme', ${JSON.stringify(o.theme ?? 'light')})
    const tab = ${tab}
    gBrowser.selectedTab = tab
    const toolbox = await gDevTools.showToolboxForTab(tab, { hostType: 'window' })
    // the devtools_page adds the panel as an additional tool
    const t0 = Date.now()
    let id
    while (!(id = [...toolbox.additionalToolDefinitions.keys()].find((k) => k.startsWith('webext-devtools-panel-')))) {
      if (Date.now() - t0 > 15000) throw new Error('the devtools_page added no panel')
      await new Promise((r) => setTimeout(r, 100))
    }
    await toolbox.selectTool(id)`,
  )
  let panelUrl = ''
  await poll(async () => {
    panelUrl = await inChrome<string>(b, `${panelBrowser}
      return panelBrowser && !panelBrowser.webProgress?.isLoadingDocument ? panelBrowser.currentURI.spec : ''`)
    return panelUrl !== ''
  }, 'the panel to load')

  // The function runs in a frame script of the panel's <browser>, evaluated in a sandbox whose
  // prototype is the panel's window; the result comes back as a message (JSON values only).
  let calls = 0
  const run = (src: string): Promise<unknown> => {
    const id = JSON.stringify(`cxbus-e2e:${++calls}`)
    const frame = `(async () => {
      try {
        const sb = Cu.Sandbox(content, { sandboxPrototype: content, wantXrays: false })
        const v = await Cu.evalInSandbox(${JSON.stringify(src)}, sb)
        sendAsyncMessage(${id}, { value: v === undefined ? null : JSON.parse(JSON.stringify(v)) })
      } catch (e) {
        sendAsyncMessage(${id}, { error: String(e) })
      }
    })()`
    return inChrome(
      b,
      `${panelBrowser}
      const mm = panelBrowser.messageManager
      return await new Promise((resolve, reject) => {
        const on = (m) => {
          mm.removeMessageListener(${id}, on)
          m.data.error ? reject(new Error(m.data.error)) : resolve(m.data.value)
        }
        mm.addMessageListener(${id}, on)
        mm.loadFrameScript('data:,' + encodeURIComponent(${JSON.stringify(frame)}), false)
      })`,
    )
  }
  const evaluate = ((fn: string | ((a: unknown) => unknown), arg?: unknown) =>
    run(typeof fn === 'string' ? fn : `globalThis.__name = globalThis.__name || ((f) => f); (${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`)) as TestPage['evaluate']
  const panel: TestPage = {
    evaluate,
    goto: () => Promise.reject(new Error('a DevTools panel cannot be navigated')),
    reload: () => run('location.reload()'),
    close: () => Promise.resolve(),
    url: () => panelUrl,
    screenshot: () => Promise.reject(new Error('screenshot the DevTools window instead')),
    waitForFunction: (fn) => poll(() => evaluate(fn as () => unknown), `a condition in ${panelUrl}`),
  }
  await poll(() => panel.evaluate(() => document.readyState === 'complete' && document.querySelector('#app > *') !== null), 'the panel to render')

  const layout = (l: keyof typeof LAYOUTS): Promise<{ width: number; height: number }> =>
    fitPanel(panel, LAYOUTS[l], (width, height) => inChrome(b, `${toolbox}.win.top.resizeTo(${width}, ${height})`))
  if (o.layout) await layout(o.layout)
  return {
    panel,
    panelTabId: Number(new URL(panelUrl).searchParams.get('tabId')),
    layout,
    async screenshot(path) {
      // drawn by Firefox itself, the panel's remote frame included
      const url = await inChrome<string>(
        b,
        `const w = ${toolbox}.win.top
        const bmp = await w.browsingContext.currentWindowGlobal.drawSnapshot(null, 1, 'white')
        const c = w.document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas')
        c.width = bmp.width
        c.height = bmp.height
        c.getContext('2d').drawImage(bmp, 0, 0)
        return c.toDataURL('image/png')`,
      )
      writeFileSync(path, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'))
    },
    async close() {
      await inChrome(b, `await gDevTools.closeToolboxForTab(${tab})`).catch(() => {})
    },
  }
}
