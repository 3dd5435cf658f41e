#!/usr/bin/env node
// Node. The `cxbus-devtools` executable (package.json "bin"): runs the built CLI in dist/cli/main.js.
import { existsSync } from 'node:fs'

const built = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(built)) {
  process.stderr.write('cxbus-devtools: the CLI is not built; run npm run build first\n')
  process.exit(2)
}
const { runAsProcess } = await import(built.href)
await runAsProcess(process.argv.slice(2))
