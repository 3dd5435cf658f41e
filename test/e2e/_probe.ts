import puppeteer from 'puppeteer-core'
import { resolve } from 'node:path'
import { startDemoServer } from '../../demo/server.ts'
const t0 = Date.now()
const log = (...a: unknown[]) => console.log(((Date.now() - t0) / 1000).toFixed(1), ...a)
const demo = await startDemoServer({ port: 0 })
const dist = resolve('dist/chrome')
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, enableExtensions: [dist], pipe: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
log('launched')
const page = await browser.newPage()
await page.goto(demo.url + '?speed=fast')
await page.evaluate(() => (window as any).demo.scenario('complete'))
log('scenario')
const dt = await page.openDevTools()
log('devtools', dt.url())
await dt.setViewport({ width: 480, height: 830 })
for (let i = 0; i < 50; i++) {
  const r = await dt.evaluate(async () => {
    // @ts-ignore
    const Common = await import('devtools://devtools/bundled/core/common/common.js')
    // @ts-ignore
    const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js')
    const s = Common.Settings.Settings.instance()
    s.moduleSetting('ui-theme').set('dark')
    UI.DockController.DockController.instance().setDockSide('undocked')
    return [s.moduleSetting('ui-theme').get(), UI.DockController.DockController.instance().dockSide()]
  }).catch((e) => String(e).slice(0, 80))
  log('theme', r)
  if (Array.isArray(r)) break
  await new Promise(r => setTimeout(r, 100))
}
// wait for the extension's tab
let id: string | undefined
for (let i = 0; i < 100 && !id; i++) {
  id = await dt.evaluate(async () => {
    // @ts-ignore
    const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js')
    const iv = UI.InspectorView.InspectorView.instance()
    return iv.tabbedPane.tabIds().find((i: string) => i.endsWith('Callback'))
  }).catch((e) => { log('err', String(e)); return undefined })
  if (!id) await new Promise(r => setTimeout(r, 100))
}
log('tab id', id)
await dt.evaluate(async (tid) => {
  // @ts-ignore
  const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js')
  await UI.InspectorView.InspectorView.instance().showPanel(tid)
}, id!)
log('shown')
let target
for (let i = 0; i < 100 && !target; i++) {
  target = browser.targets().find((t) => t.url().includes('/devtools/panel.html'))
  if (!target) await new Promise(r => setTimeout(r, 100))
}
log('panel target', target?.url(), target?.type())
const cdp = await target!.createCDPSession()
const ev = async (expr: string) => (await cdp.send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true })).result.value
for (let i = 0; i < 50; i++) { const r = await ev('document.readyState'); if (r === 'complete') break; await new Promise(r => setTimeout(r, 100)) }
await new Promise(r => setTimeout(r, 1000))
log('rows', await ev("document.querySelectorAll('[data-testid=event-row]').length"), await ev('[innerWidth, innerHeight, document.documentElement.dataset.theme, location.href, document.visibilityState]'))
await dt.screenshot({ path: '/tmp/ffprobe/dt.png' })
log('shot')
await browser.close(); await demo.close()
