// Node (end-to-end tests). The extension's panel inside Firefox's real DevTools toolbox. WebDriver
// BiDi only reaches tabs, so the toolbox is driven from the browser window's privileged ("chrome")
// scope, which Firefox opens to BiDi with --remote-allow-system-access: the test's code runs there
// and uses DevTools' own modules (internals of the pinned Firefox ESR, kept in this one file).
// What it cannot do: read the panel's DOM. The panel is a moz-extension document in a <browser>
// of the toolbox; BiDi does not list it and extension.getViews() does not return DevTools views,
// so the test checks what the toolbox shows about the panel (its URL, hence the inspected tab id it
// was given) and its pixels (the theme), and reads the rows in the panel-as-a-tab tests instead.
import { writeFileSync } from 'node:fs'
import type { FirefoxExtensionBrowser } from './firefox.ts'

interface BidiResult {
  type: 'success' | 'exception'
  result?: { value?: unknown }
  exceptionDetails?: { text: string }
}
interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>
}

/** Runs an async function body in the browser window's privileged scope and returns its JSON result. */
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

export interface FirefoxToolbox {
  /** The panel document's URL as the toolbox loaded it (devtools/panel.html?tabId=...). */
  panelUrl: string
  /** Mean brightness (0-255) of a patch of the panel's empty list area. */
  panelBrightness(): Promise<number>
  screenshot(path: string): Promise<void>
  close(): Promise<void>
}

/**
 * Opens the toolbox (as its own window, 480 x 800 below the tab strip like a docked-right one) on
 * the tab showing pageUrl, in the given DevTools theme, and selects the extension's panel.
 */
export async function openFirefoxToolbox(b: FirefoxExtensionBrowser, pageUrl: string, o: { theme?: 'light' | 'dark' } = {}): Promise<FirefoxToolbox> {
  const tab = `gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(pageUrl)})`
  // The panel's <browser>, found through the toolbox's frames.
  const panelBrowser = `
    const toolbox = gDevTools.getToolboxForTab(${tab})
    const find = (d) => {
      for (const f of d.querySelectorAll('browser, iframe')) {
        if (f.currentURI?.spec?.includes('/devtools/panel.html')) return f
        const inner = f.contentDocument && find(f.contentDocument)
        if (inner) return inner
      }
      return null
    }
    const panel = find(toolbox.win.top.document)`
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
    await toolbox.selectTool(id)
    toolbox.win.top.resizeTo(480, 830)`,
  )
  const panelUrl = await inChrome<string>(
    b,
    `const t0 = Date.now()
    for (;;) {
      ${panelBrowser}
      if (panel && panel.browsingContext?.currentWindowGlobal && !panel.webProgress?.isLoadingDocument) return panel.currentURI.spec
      if (Date.now() - t0 > 15000) throw new Error('the panel did not load')
      await new Promise((r) => setTimeout(r, 100))
    }`,
  )
  // A picture of the toolbox window, drawn by Firefox itself (remote frames included).
  const draw = (then: string): Promise<unknown> =>
    inChrome(
      b,
      `const toolbox = gDevTools.getToolboxForTab(${tab})
      const w = toolbox.win.top
      const bmp = await w.browsingContext.currentWindowGlobal.drawSnapshot(null, 1, 'white')
      const c = w.document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas')
      c.width = bmp.width
      c.height = bmp.height
      const g = c.getContext('2d')
      g.drawImage(bmp, 0, 0)
      ${then}`,
    )
  return {
    panelUrl,
    async panelBrightness() {
      // the list's empty area: left half, three quarters down (below the rows of a short session)
      return (await draw(`const d = g.getImageData(Math.round(c.width * 0.2), Math.round(c.height * 0.75), 40, 20).data
        let sum = 0
        for (let i = 0; i < d.length; i += 4) sum += (d[i] + d[i + 1] + d[i + 2]) / 3
        return sum / (d.length / 4)`)) as number
    },
    async screenshot(path) {
      const url = (await draw(`return c.toDataURL('image/png')`)) as string
      writeFileSync(path, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'))
    },
    async close() {
      await inChrome(b, `await gDevTools.closeToolboxForTab(${tab})`).catch(() => {})
    },
  }
}
