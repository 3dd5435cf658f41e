// Node. `npm run build`: dist/chrome and dist/firefox from the one manifest.json, then the CLI in dist/cli.
import { spawnSync } from 'node:child_process'

// crxjs builds the content scripts in a sub-build of its own (no config file, no onLog hook there),
// and with vite 8 rolldown warns for each one that the inlineDynamicImports it sets is ignored: true
// and harmless (codeSplitting: false already inlines). Only that warning is dropped; any other goes through.
export const HARMLESS = /`?inlineDynamicImports`? option is ignored because `?codeSplitting: false`? is set/

/** The output without the harmless warning's lines (and the blank lines around each). */
export function withoutHarmless(text) {
  const lines = text.split('\n')
  const out = []
  for (let i = 0; i < lines.length; i++) {
    if (HARMLESS.test(lines[i])) {
      while (out.length > 0 && out[out.length - 1].trim() === '') out.pop()
      while (i + 1 < lines.length && lines[i + 1].trim() === '') i++
      continue
    }
    out.push(lines[i])
  }
  return out.join('\n')
}

const vite = (args, env = {}) => {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', ...args], {
    stdio: ['inherit', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, ...env },
  })
  process.stdout.write(withoutHarmless(r.stdout ?? ''))
  process.stderr.write(withoutHarmless(r.stderr ?? ''))
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const target of ['chrome', 'firefox']) {
    console.log(`build: dist/${target}`)
    vite([], { TARGET: target })
  }
  console.log('build: dist/cli')
  vite(['-c', 'vite.cli.config.ts'])
  console.log('build: dist/testkit')
  vite(['-c', 'vite.testkit.config.ts'])
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.testkit.json'], { stdio: 'inherit' })
  if (tsc.status !== 0) process.exit(tsc.status ?? 1)
}
