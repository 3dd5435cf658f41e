// Node, run by hand (`npx tsx scripts/make-icons.ts`) when icons/icon.svg changes: renders the PNG
// sizes the manifest names with the same Chromium the tests use. The PNGs are committed.
import { chromium } from 'playwright-core'
import { readFileSync } from 'node:fs'

const svg = readFileSync('icons/icon.svg', 'utf8')
const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
const page = await browser.newPage()
for (const size of [16, 32, 48, 128]) {
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(`<style>body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`)
  await page.screenshot({ path: `icons/icon-${size}.png`, omitBackground: true })
}
await browser.close()
