// Node. `npm start` (after the build): serves the demo page and shows the extension at work.
// - With a display: opens Chromium with dist/chrome loaded on the demo page, DevTools open, and the
//   panel beside it as a tab; runs until the browser is closed.
// - Without one (a server, CI): plays the demo scenarios headless through the real extension, saves
//   the captured session to out/demo-session.json and the panel to out/panel.png, and prints the findings.
import { mkdirSync, writeFileSync } from 'node:fs'
import { startDemoServer } from '../demo/server.ts'
import { launchWithExtension } from '../test/e2e/support/browser.ts'
import { openDemo } from '../test/e2e/support/demo.ts'
import { main as cli } from '../cli/main.ts'

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && process.env.CI !== 'true'
const demo = await startDemoServer({ port: Number(process.env.PORT ?? 5178) })
console.log(`Demo page: ${demo.url}`)

if (hasDisplay) {
  const ext = await launchWithExtension({ headless: false, args: ['--auto-open-devtools-for-tabs'] })
  const page = ext.context.pages()[0] ?? (await ext.context.newPage())
  await page.goto(demo.url)
  const panel = await ext.openPanel(await ext.tabIdOf(page))
  await page.bringToFront()
  console.log('Chromium is open with cxbus-devtools loaded. In DevTools pick the "Callback" tab')
  console.log(`(or use the panel tab: ${panel.url()}). Close the browser to stop.`)
  ext.context.on('close', () => void demo.close().then(() => process.exit(0)))
} else {
  console.log('No display: playing the demo scenarios headless through the real extension.')
  const ext = await launchWithExtension()
  try {
    const demoTab = await openDemo(ext, demo.url, 'speed=fast')
    const { page, tabId } = demoTab
    const panel = await ext.openPanel(tabId, { viewport: { width: 1440, height: 900 } })
    // Keep the log across the second page load, which injects faults so findings show up.
    await panel.getByTestId('preserve-log').check()
    await demoTab.call('scenario', 'all')
    await page.goto(`${demo.url}?speed=fast&elapsed=wrong&nosubmit=1&tab=start`)
    await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
    await demoTab.call('scenario', 'complete')
    // Show one finding in the detail pane: the first event whose finding is an error.
    const row = panel.getByTestId('event-row').filter({ hasText: /meta\/elapsed(?!-)/ }).first()
    await row.waitFor({ timeout: 10_000 })
    await row.click()
    const session = await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tabId)
    mkdirSync('out', { recursive: true })
    writeFileSync('out/demo-session.json', JSON.stringify(session, null, 2) + '\n')
    await panel.screenshot({ path: 'out/panel.png' })
    console.log(`Saved out/demo-session.json (${(session as { events: unknown[] }).events.length} entries) and out/panel.png.\n`)
    await cli(['check', 'out/demo-session.json'], {
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
    })
  } finally {
    await ext.close()
    await demo.close()
  }
}
