// Node. `npm run package` (after its build): zips dist/chrome and dist/firefox for the stores
// (dist/cxbus-devtools-<browser>-<version>.zip).
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const { version } = JSON.parse(readFileSync('package.json', 'utf8'))
for (const browser of ['chrome', 'firefox']) {
  const dir = `dist/${browser}`
  if (!existsSync(`${dir}/manifest.json`)) {
    console.error(`package: ${dir} is missing; run npm run build first`)
    process.exit(2)
  }
  const file = `cxbus-devtools-${browser}-${version}.zip`
  rmSync(`dist/${file}`, { force: true })
  // web-ext build is only a zipper here (no signing, no network); it works for any MV3 folder.
  execFileSync(process.execPath, ['node_modules/web-ext/bin/web-ext.js', 'build', '--source-dir', dir, '--artifacts-dir', 'dist', '--filename', file, '--overwrite-dest'], { stdio: ['ignore', 'ignore', 'inherit'] })
  console.log(`package: dist/${file}`)
}
