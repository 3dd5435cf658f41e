// Node (test kit). The page hook the extension ships (dist/chrome/content/hook.js, built from
// content/hook.ts), read as text to be injected by a test runner: the very same file, not a copy.
// It takes the runner's exposed function (protocol.ts TESTKIT_BINDING) as its transport.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { TESTKIT_KEY } from '../src/core/protocol.ts'

/** dist/testkit/*.js (published) or testkit/*.ts (this repository, after `npm run build`). */
const CANDIDATES = ['../chrome/content/hook.js', '../dist/chrome/content/hook.js']

let cached: Promise<string> | null = null

/** The init script of a capture: its key (protocol.ts TESTKIT_KEY) where the hook takes it, then the hook. */
export async function initScript(key: string): Promise<string> {
  return `globalThis[${JSON.stringify(TESTKIT_KEY)}] = ${JSON.stringify(key)};\n${await hookSource()}`
}

function hookSource(): Promise<string> {
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
