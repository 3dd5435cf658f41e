// Node. Records test/fixtures/demo/qa-pass.session.json: a real-looking QA session captured through
// the built extension on the demo page (test/e2e/support/qa.ts: every scenario, a reload during an
// open interaction with Preserve log, one more interaction on the new page). The report tests use it.
// Run after `npm run build`: npx tsx scripts/demo-fixture.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { startDemoServer } from '../demo/server.ts'
import { launchWithExtension } from '../test/e2e/support/browser.ts'
import { openDemo } from '../test/e2e/support/demo.ts'
import { playQaPass, settledSession } from '../test/e2e/support/qa.ts'

const OUT = 'test/fixtures/demo/qa-pass.session.json'
const demo = await startDemoServer({ port: 0 })
const ext = await launchWithExtension()
try {
  // Normal speed: the pauses of a person (50-300 ms between steps), not the tests' fast mode.
  const tab = await openDemo(ext, demo.url, 'speed=normal')
  const panel = await ext.openPanel(tab.tabId)
  await playQaPass(panel, tab)
  const session = await settledSession(panel, tab.tabId)
  // A stable, neutral host instead of 127.0.0.1:<random port>.
  const text = JSON.stringify({ ...session, source: { ...session.source, extensionVersion: '0.1.0' } }, null, 2).replace(new RegExp(demo.url.replace(/\/$/, ''), 'g'), 'https://shop.example.test')
  mkdirSync('test/fixtures/demo', { recursive: true })
  writeFileSync(OUT, text + '\n')
  console.log(`${OUT}: ${session.events.length} entries`)
} finally {
  await ext.close()
  await demo.close()
}
