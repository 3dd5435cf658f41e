// End-to-end: the panel inside Firefox's real DevTools toolbox (support/firefox-toolbox.ts): the
// toolbox opened on the demo tab, devtools_page adding the panel, the panel given the inspected
// tab's id, and the toolbox theme reaching it. Saves test-results/firefox-toolbox-light.png and
// firefox-toolbox-dark.png. Firefox only; the panel's rows are read in panel-flows.e2e.ts.
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { useDemoAnd } from './support/setup.ts'
import { openDemo } from './support/demo.ts'
import { launchFirefoxWithExtension } from './support/firefox.ts'
import { openFirefoxToolbox } from './support/firefox-toolbox.ts'

const SHOTS = resolve('test-results')
const env = useDemoAnd(() => launchFirefoxWithExtension())
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true })
})

describe('the panel in the real DevTools toolbox (firefox)', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`opened on the demo tab after the interaction: the panel of that tab, in the ${theme} toolbox theme`, async () => {
      const tab = await openDemo(env.b, env.demo.url)
      await tab.call('scenario', 'complete')
      const toolbox = await openFirefoxToolbox(env.b, tab.page.url(), { theme })
      expect(new URL(toolbox.panelUrl).pathname).toBe('/devtools/panel.html')
      expect(new URL(toolbox.panelUrl).searchParams.get('tabId')).toBe(String(tab.tabId)) // devtools.inspectedWindow.tabId
      const brightness = await toolbox.panelBrightness()
      if (theme === 'dark') expect(brightness).toBeLessThan(80)
      else expect(brightness).toBeGreaterThan(200)
      await toolbox.screenshot(join(SHOTS, `firefox-toolbox-${theme}.png`))
      await toolbox.close()
      await tab.page.close()
    })
  }
})
