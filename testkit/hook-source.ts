// Node (test kit). The page hook the extension ships (dist/chrome/content/hook.js, built from
// content/hook.ts), read as text to be injected by a test runner: the very same file, not a copy.
// It takes the runner's exposed function (protocol.ts TESTKIT_BINDING) as its transport.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

/** dist/testkit/*.js (published) or testkit/*.ts (this repository, after `npm run build`). */
const CANDIDATES = ['../chrome/content/hook.js', '../dist/chrome/content/hook.js']

let cached: Promise<string> | null = null

export function hookSource(): Promise<string> {
  cached ??= (async () => {
    for (const rel of CANDIDATES) {
      try {
        return await readFile(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')
      } catch {
        // next place
      }
    }
    cached = null
    throw new Error('cxbus-devtools: the page hook (dist/chrome/content/hook.js) is missing; run `npm run build`')
  })()
  return cached
}
