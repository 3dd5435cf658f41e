// End-to-end tests in real browsers with the built extension, one vitest project per browser;
// `npm run test:e2e` runs chromium, then firefox, and reports both.
// - chromium: dist/chrome in Chromium (playwright-core; puppeteer-core for the real DevTools window);
// - firefox: dist/firefox in Firefox ESR (puppeteer-core over WebDriver BiDi).
// Files written against the two-browser layer (test/e2e/support/types.ts) run in both; any other
// file drives Chromium itself (playwright-core) and runs in the chromium project only.
import { defineConfig } from 'vitest/config'

const TWO_BROWSERS = ['capture', 'lifecycle', 'panel-flows', 'devtools-window', 'stories'].map((f) => `test/e2e/${f}.e2e.ts`)
const FIREFOX_ONLY = ['test/e2e/firefox.e2e.ts']
// The README's example, cut out by readme-example.e2e.ts, which runs it in a vitest of its own
// (README_EXAMPLE=1); never collected by a normal run, even if a crashed run left it behind.
const README_COPY = 'test/e2e/readme-example-copy.e2e.ts'

const common = {
  environment: 'node',
  testTimeout: 90_000,
  hookTimeout: 90_000,
  fileParallelism: false,
} as const

export default defineConfig({
  test: {
    projects: [
      // groupOrder: Chromium's files first, then Firefox's (never both browsers at once on 2 cores;
      // a group order of 0 did not run first in vitest 4.1)
      { test: { ...common, name: 'chromium', include: ['test/e2e/**/*.e2e.ts'], exclude: process.env.README_EXAMPLE ? FIREFOX_ONLY : [...FIREFOX_ONLY, README_COPY], env: { E2E_BROWSER: 'chromium' }, sequence: { groupOrder: 1 } } },
      { test: { ...common, name: 'firefox', include: [...TWO_BROWSERS, ...FIREFOX_ONLY], env: { E2E_BROWSER: 'firefox' }, sequence: { groupOrder: 2 } } },
    ],
  },
})
