// Node (end-to-end tests). Stops the extension's MV3 service worker the way Chrome does when it
// idles it out, through the DevTools protocol. The ServiceWorker domain only sees workers of the
// session's origin, so the command is sent from an extension page. Playwright keeps the same Worker
// object across the restart and emits no 'close', so the stop is confirmed from the protocol's own
// status events instead.
import type { ExtensionBrowser } from './browser.ts'

interface VersionUpdate {
  versions: { versionId: string; runningStatus: string; scriptURL: string }[]
}

export async function stopExtensionWorker(b: ExtensionBrowser, timeoutMs = 10_000): Promise<void> {
  const page = await b.context.newPage()
  try {
    await page.goto(`chrome-extension://${b.extensionId}/popup/index.html`)
    const cdp = await b.context.newCDPSession(page)
    let sent = false
    let stopped = false
    cdp.on('ServiceWorker.workerVersionUpdated' as never, (e: VersionUpdate) => {
      for (const v of e.versions) {
        if (process.env.DEBUG_WORKER) console.log('worker version', v.versionId, v.runningStatus, v.scriptURL)
        if (!v.scriptURL.startsWith(`chrome-extension://${b.extensionId}/`)) continue
        if (sent && (v.runningStatus === 'stopped' || v.runningStatus === 'stopping')) stopped = true
      }
    })
    await cdp.send('ServiceWorker.enable' as never)
    const t0 = Date.now()
    let lastTry = 0
    while (!stopped) {
      if (Date.now() - t0 > timeoutMs) throw new Error('the service worker did not stop')
      if (Date.now() - lastTry > 2_000) {
        // (re)issue: a worker woken by a port in the same instant may miss the first request
        lastTry = Date.now()
        sent = true
        await cdp.send('ServiceWorker.stopAllWorkers' as never)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    await cdp.detach().catch(() => {})
  } finally {
    await page.close().catch(() => {})
  }
}
