// Node (by hand, after the build): where the page's main thread spends its time during overhead
// rounds (capture.bench.ts's page), with the extension and without (incognito), or with the test kit.
// `npx tsx bench/profile.ts [ext|kit] [analytics|trivial]`: self time per function (CDP Profiler
// samples of the renderer's isolate: page, hook and relay alike), per event.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { overheadPage, launchPair } from './capture.bench.ts'

const N = 2_000
const ROUNDS = +(process.env.ROUNDS ?? 6)
const what = process.argv[2] ?? 'ext'
const mode = process.argv[3] ?? 'analytics'

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

async function profile(context: BrowserContext, page: Page): Promise<Map<string, number>> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 })
  const run = () => page.evaluate(([n, m]) => (window as any).measure(n, m).then(async (ms: number) => { await (window as any).settle(); return ms }), [N, mode] as const)
  await run()
  await cdp.send('Profiler.start')
  const times: number[] = []
  for (let i = 0; i < ROUNDS; i++) times.push(await run())
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!
    const f = n.callFrame
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  console.log(`${what} ${mode}: ms per round`, times.map((t) => t.toFixed(1)).join(' '))
  return self
}

function show(label: string, self: Map<string, number>): void {
  const rows = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1])
  const total = rows.reduce((s, [, v]) => s + v, 0)
  console.log(`\n== ${label}: busy ${(total / ROUNDS / N).toFixed(2)} µs/event`)
  for (const [k, v] of rows.slice(0, 30)) console.log(`${(v / ROUNDS / N).toFixed(2).padStart(7)} µs  ${k}`)
}

const html = overheadPage('public')
const server = createServer((_q, r) => { r.writeHead(200, { 'Content-Type': 'text/html' }); r.end(html) })
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
if (what === 'kit') {
  const { captureCxbus } = await import('cxbus-devtools/playwright')
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
  const ctx = await browser.newContext()
  const a = await ctx.newPage(); await captureCxbus(a); await a.goto(url); await a.waitForTimeout(3_500)
  const b = await ctx.newPage(); await b.goto(url)
  show('with kit', await profile(ctx, a))
  show('without', await profile(ctx, b))
  await browser.close()
} else {
  const pair = await launchPair()
  const a = await pair.ext.context.newPage(); await a.goto(url); await a.waitForTimeout(3_500)
  const b = await pair.incognito.newPage(); await b.goto(url)
  show('with extension', await profile(pair.ext.context, a))
  show('without', await profile(pair.incognito, b))
  await pair.close()
}
server.close()
