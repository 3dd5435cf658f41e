// Node. `npm run build`: dist/chrome and dist/firefox from the one manifest.json, then the CLI in dist/cli.
import { execFileSync } from 'node:child_process'

const vite = (args, env = {}) =>
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  })

for (const target of ['chrome', 'firefox']) {
  console.log(`build: dist/${target}`)
  vite([], { TARGET: target })
}
console.log('build: dist/cli')
vite(['-c', 'vite.cli.config.ts'])
