// End-to-end tests in real browsers with the built extension: project "chromium" (dist/chrome through
// playwright-core) and project "firefox" (dist/firefox in Firefox ESR through
// puppeteer-core over WebDriver BiDi) runs the files whose flows are written against the
// two-browser layer (test/e2e/support/types.ts). Each also runs the files for its own DevTools
// window. `npm run test:e2e` runs chromium, then firefox.
import { defineConfig } from 'vitest/config'

/** Files that drive one browser itself (playwright-core locators, each browser's real DevTools). */
const CHROMIUM_ONLY = ['test/e2e/panel.e2e.ts', 'test/e2e/devtools-window.e2e.ts']
const FIREFOX_ONLY = ['test/e2e/firefox.e2e.ts']

const common = {
  environment: 'node',
  testTimeout: 90_000,
  hookTimeout: 90_000,
  fileParallelism: false,
} as const

export default defineConfig({
  test: {
    projects: [
      { test: { ...common, name: 'chromium', include: ['test/e2e/**/*.e2e.ts'], exclude: FIREFOX_ONLY, env: { E2E_BROWSER: 'chromium' } } },
      { test: { ...common, name: 'firefox', include: ['test/e2e/**/*.e2e.ts'], exclude: CHROMIUM_ONLY, env: { E2E_BROWSER: 'firefox' } } },
    ],
  },
})
