// End-to-end: the README's test kit example ("Example test") runs as written. Its code block is cut
// out of README.md into a test file of its own and run by a vitest of its own against a demo on a free
// port (the example's SITE_URL), so the README cannot drift from what works.
import { spawn } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer, type DemoServer } from '../../demo/server.ts'

const ROOT = resolve(import.meta.dirname, '../..')
/** Where the cut-out example goes: inside the e2e include pattern, removed afterwards. */
const FILE = join(ROOT, 'test/e2e/readme-example-copy.e2e.ts')

/** The code block under the README's "Example test" heading. */
export function readmeExample(readme: string): string {
  const at = readme.indexOf('### Example test')
  if (at < 0) throw new Error('README.md has no "### Example test" section')
  const open = readme.indexOf('```ts\n', at)
  const close = readme.indexOf('\n```', open)
  if (open < 0 || close < 0) throw new Error('the "Example test" section has no ```ts block')
  return readme.slice(open + '```ts\n'.length, close + 1)
}

describe('README example test', () => {
  let demo: DemoServer
  beforeAll(async () => {
    demo = await startDemoServer({ port: 0 }) // a free port: a demo the developer runs on the default one is no obstacle
  })
  afterAll(async () => {
    rmSync(FILE, { force: true })
    await demo?.close()
  })

  it('runs as written and passes', async () => {
    const code = readmeExample(readFileSync(join(ROOT, 'README.md'), 'utf8'))
    expect(code).toContain("from 'cxbus-devtools/playwright'")
    expect(code).toContain('process.env.SITE_URL') // else it would not run against this demo
    writeFileSync(FILE, code)
    // Not spawnSync: the demo server answers from this process's event loop.
    const r = await new Promise<{ status: number | null; out: string }>((done) => {
      const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '-c', 'vitest.e2e.config.ts', '--project', 'chromium', FILE], {
        cwd: ROOT,
        env: { ...process.env, README_EXAMPLE: '1', SITE_URL: demo.url, NO_COLOR: '1', FORCE_COLOR: '0' },
      })
      let out = ''
      child.stdout.on('data', (b: Buffer) => (out += b))
      child.stderr.on('data', (b: Buffer) => (out += b))
      child.on('close', (status) => done({ status, out }))
    })
    const out = r.out
    expect(r.status, out).toBe(0)
    expect(out).toMatch(/Tests +2 passed \(2\)/)
  })
})
