// Build of the extension for one browser (TARGET=chrome|firefox) from the one root manifest.json.
// scripts/build.mjs runs it once per target; the Firefox differences are derived here, in one place.
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'
import { crx } from '@crxjs/vite-plugin'
import { readFileSync } from 'node:fs'

type Target = 'chrome' | 'firefox'
const target = (process.env.TARGET ?? 'chrome') as Target
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export function manifestFor(t: Target) {
  const m = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8'))
  m.version = pkg.version
  if (t === 'firefox') {
    // Firefox MV3 has no extension service workers: the same script runs as an event page.
    m.background = { scripts: [m.background.service_worker], type: 'module' }
    delete m.minimum_chrome_version
    m.browser_specific_settings = {
      gecko: {
        id: 'cxbus-devtools@cxbus-devtools.dev',
        // 128: first Firefox with world: MAIN content scripts; 140: data_collection_permissions.
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: '142.0' },
    }
  }
  return m
}

export default defineConfig({
  plugins: [
    preact(),
    crx({
      manifest: manifestFor(target),
      browser: target,
      // Self-contained IIFEs: crxjs's async loader would run the MAIN-world hook after the page's
      // own scripts (crxjs issues #695, #1101), too late to catch window.CXBus being assigned.
      contentScripts: { standaloneFiles: ['content/hook.ts', 'content/relay.ts'] },
    }),
  ],
  build: {
    outDir: `dist/${target}`,
    emptyOutDir: true,
    target: 'es2022',
    // The panel page is opened only from code (devtools.panels.create), so crxjs cannot find it.
    rolldownOptions: { input: { panel: 'devtools/panel.html' } },
  },
})
