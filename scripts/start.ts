// Node. `npm start` (after the build): serves the demo page and shows the extension at work.
// - With a display: opens Chromium with dist/chrome loaded on the demo page, DevTools open, and the
//   panel beside it as a tab; runs until the browser is closed.
// - Without one (a server, CI): plays the demo scenarios headless through the real extension on a
//   clean page load (out/panel.png), then on a second page load that injects faults on purpose
//   (out/panel-faults.png), saves the captured session to out/demo-session.json, and prints its check.
import { mkdirSync, writeFileSync } from 'node:fs'
import { startDemoServer } from '../demo/server.ts'
import { launchWithExtension } from '../test/e2e/support/browser.ts'
import { openDemo } from '../test/e2e/support/demo.ts'
import { main as cli } from '../cli/main.ts'
import { exportComplete } from './export-complete.ts'
import { errorsByPageLoad } from './start-report.ts'

/** The faults the second page load injects (demo URL switches, see demo/README.md). */
const FAULTS = 'elapsed=wrong&nosubmit=1'

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && process.env.CI !== 'true'
// The demo's usual port, or a free one when something (a demo already running) holds it.
const demo = await startDemoServer({ port: Number(process.env.PORT ?? 5178) }).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'EADDRINUSE' || process.env.PORT !== undefined) throw err
  console.log('Port 5178 is in use (a demo already running?): serving on a free port instead.')
  return startDemoServer({ port: 0 })
})
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
    mkdirSync('out', { recursive: true })
    const demoTab = await openDemo(ext, demo.url, 'speed=fast')
    const { page, tabId } = demoTab
    const panel = await ext.openPanel(tabId, { viewport: { width: 1440, height: 900 } })
    // Keep the log across the second page load.
    await panel.getByTestId('preserve-log').check()

    // Page load 1: shipped 9.x behaviour, every scenario. Its picture shows a completed interaction.
    await demoTab.call('scenario', 'all')
    await exportComplete(panel, tabId, await demoTab.call<number>('published'))
    await panel.locator('[data-testid=timeline-mark][data-event=completed]').first().click()
    await panel.screenshot({ path: 'out/panel.png' })

    // Page load 2: the same page with two faults switched on, on purpose, so findings show up.
    await page.goto(`${demo.url}?speed=fast&${FAULTS}&tab=start`)
    await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
    await demoTab.call('scenario', 'complete')
    const session = await exportComplete(panel, tabId, await demoTab.call<number>('published'))
    // Show one finding in the detail pane: the first meta/elapsed error, picked from the findings.
    await panel.getByTestId('count-error').click()
    await panel.locator('[data-testid=findings-error] [data-testid=finding-item][data-rule="meta/elapsed"] button').first().click()
    await panel.locator('[data-testid=detail-finding][data-rule="meta/elapsed"]').waitFor({ timeout: 10_000 })
    await panel.screenshot({ path: 'out/panel-faults.png' })
    writeFileSync('out/demo-session.json', JSON.stringify(session, null, 2) + '\n')
    console.log(`Saved out/demo-session.json (${session.events.length} entries, both page loads), out/panel.png (page load 1)`)
    console.log('and out/panel-faults.png (page load 2).\n')
    await cli(['check', 'out/demo-session.json'], {
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
    })
    console.log(['', ...errorsByPageLoad(session, ['shipped 9.x behaviour', `?${FAULTS}: faults injected on purpose, to show findings`])].join('\n'))
  } finally {
    await ext.close()
    await demo.close()
  }
}

