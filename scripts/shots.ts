// Dev aid (not shipped): plays the demo through the built extension and saves panel screenshots at
// the sizes people use (full, docked bottom, docked right) into out/shots/.
import { mkdirSync } from 'node:fs'
import { startDemoServer } from '../demo/server.ts'
import { launchWithExtension } from '../test/e2e/support/browser.ts'
import { openDemo } from '../test/e2e/support/demo.ts'

const demo = await startDemoServer({ port: 0 })
const ext = await launchWithExtension()
try {
  const tab = await openDemo(ext, demo.url, process.env.SHOT_QUERY ?? 'speed=fast')
  await tab.call('scenario', process.env.SHOT_SCENARIO ?? 'all')
  await new Promise((r) => setTimeout(r, 1500))
  mkdirSync('out/shots', { recursive: true })
  for (const [name, width, height] of [['full', 1280, 800], ['bottom', 800, 400], ['right', 480, 800]] as const) {
    const panel = await ext.openPanel(tab.tabId, { viewport: { width, height } })
    await panel.getByTestId('timeline').waitFor()
    await new Promise((r) => setTimeout(r, 500))
    await panel.screenshot({ path: `out/shots/${name}.png` })
    await panel.close()
  }
  console.log('saved out/shots/{full,bottom,right}.png')
} finally {
  await ext.close()
  await demo.close()
}
