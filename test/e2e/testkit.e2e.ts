// End-to-end: the test kit (cxbus-devtools/playwright and /puppeteer, built to dist/testkit) in real
// browsers without the extension. The first block is the example QA suite of the README: every demo
// scenario tells its expected story with no error finding, and every fault switch shows its rule.
// Then Firefox ESR (WebDriver BiDi) and Chromium (CDP) through puppeteer-core, publish-then-reload, frames, late and legacy buses, the page
// noticing nothing, and the proof that the kit records what the extension records for the same
// driven scenario.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import puppeteer, { type Browser as PBrowser } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureCxbus, type CxbusCapture } from 'cxbus-devtools/playwright'
import { captureCxbus as captureWithPuppeteer } from 'cxbus-devtools/puppeteer'
import { startDemoServer, type DemoServer } from '../../demo/server.ts'
import type { SessionEntry } from '../../src/core/model.ts'
import { parseSession } from '../../src/core/session.ts'
import { launchWithExtension } from './support/browser.ts'
import { openCollector } from './support/collector.ts'
import { openDemo, DEMO_FAULTS } from './support/demo.ts'

let demo: DemoServer
let browser: Browser
beforeAll(async () => {
  demo = await startDemoServer({ port: 0 })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
})
afterAll(async () => {
  await browser?.close()
  await demo?.close()
})

/** The demo's test API (demo/README.md), driven from the test like a site's own page object would. */
const play = (page: Page, scenario: string, opts?: object) =>
  page.evaluate(([s, o]) => (window as unknown as { demo: { scenario(s: string, o?: object): Promise<void> } }).demo.scenario(s as string, o as object), [scenario, opts] as const)
const demoReady = (page: Page) => page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
const steps = (cx: CxbusCapture) => cx.interactions().map((s) => s.steps.map((x) => x.label).join(' > '))

/** A fresh page with the capture on, at the demo with these switches. */
async function openCaptured(query = ''): Promise<{ page: Page; cx: CxbusCapture }> {
  const page = await browser.newPage()
  const cx = await captureCxbus(page) // before page.goto: the hook must be there before the widgets
  await page.goto(`${demo.url}?speed=fast${query ? `&${query}` : ''}`)
  await demoReady(page)
  return { page, cx }
}

describe('example QA suite (cxbus-devtools/playwright, Chromium)', () => {
  const shipped: [scenario: string, stories: string[], outcomes: string[]][] = [
    ['abandon-untouched', ['opened > cancelled > closed'], ['cancelled']],
    ['abandon-typed', ['opened > started > cancelled > closed'], ['cancelled']],
    ['complete', ['opened > started > submitted > completed > closed'], ['completed']],
    ['autosubmit', ['submitted > opened > started > completed > closed'], ['completed']],
    ['fail-retry', ['opened > started > submitted > scheduleError 500 > submitted > completed > closed'], ['completed']],
    ['fail-cancel', ['opened > started > submitted > scheduleError 500 > cancelled > closed'], ['cancelled']],
    ['two-in-a-row', ['opened > started > submitted > completed > closed', 'opened > cancelled > closed'], ['completed', 'cancelled']],
    ['minimize', ['opened > started > minimized > unminimized > cancelled > closed'], ['cancelled']],
  ]
  for (const [scenario, stories, outcomes] of shipped) {
    it(`${scenario}: the expected story, no error finding`, async () => {
      const { page, cx } = await openCaptured()
      await play(page, scenario)
      await cx.waitFor('Callback.closed', { count: stories.length })
      expect(steps(cx)).toEqual(stories)
      expect(cx.interactions().map((s) => s.summary.outcome)).toEqual(outcomes)
      cx.expectNoErrors()
      await page.close()
    })
  }

  for (const [query, scenario, rule] of DEMO_FAULTS) {
    it(`?${query}: ${rule}, and expectNoErrors says so as the CLI would`, async () => {
      const { page, cx } = await openCaptured(query)
      await play(page, scenario)
      await cx.waitFor(query === 'noclosed=1' ? 'Callback.cancelled' : 'Callback.closed')
      const finding = cx.check().findings.find((f) => f.rule === rule)
      expect(finding).toBeDefined()
      // a rule that is a warning by default fails the suite once the config makes it an error
      const config = finding!.severity === 'error' ? {} : { severities: { [rule]: 'error' } }
      expect(() => cx.expectNoErrors(config)).toThrow(new RegExp(`error +${rule.replace('/', '\\/')} +seq `))
      await page.close()
    })
  }

  it('waitFor names what did arrive when the awaited event does not come', async () => {
    const { page, cx } = await openCaptured()
    await play(page, 'abandon-untouched')
    await expect(cx.waitFor('Callback.completed', { timeout: 300 })).rejects.toThrow(/did not arrive within 300 ms; arrived: .*Callback\.opened.*Callback\.cancelled/)
    await page.close()
  })

  it('save() writes the session file and the HTML report, both read back by the tools', async () => {
    const { page, cx } = await openCaptured()
    await play(page, 'fail-retry')
    await cx.waitFor('Callback.closed')
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-kit-'))
    const { readFile } = await import('node:fs/promises')
    const session = parseSession(await readFile(await cx.save(join(dir, 'callback-session.json')), 'utf8'))
    expect(session.source).toMatchObject({ url: expect.stringContaining(demo.url), widgetsVersion: '9.0.018.07', userAgent: expect.stringContaining('Chrome') })
    expect(session.events[0]).toMatchObject({ seq: 0, kind: 'marker', marker: 'page-load', data: { top: true } })
    const html = await readFile(await cx.save(join(dir, 'callback-report.html')), 'utf8')
    expect(parseSession(html).events).toEqual(session.events)
    await page.close()
  })
})

/** Callback and CallbackService traffic (the housekeeping plugins' timing-dependent ticks left out). */
function callbackTraffic(entries: readonly SessionEntry[]): string[] {
  return entries.flatMap((e) => {
    const name = e.kind === 'event' ? e.event : e.kind === 'command' ? `cmd ${e.command}` : ''
    if (!/^(cmd )?Callback(Service)?\./.test(name)) return []
    const data = e.data !== null && typeof e.data === 'object' && !Array.isArray(e.data) ? Object.keys(e.data).sort().join(',') : typeof e.data
    return [`${name} {${data}}`]
  })
}

describe('waitFor and captureCxbus in a real Chromium page', () => {
  it('page.close() ends a wait at once; a second captureCxbus on the page says what to do', async () => {
    const { page, cx } = await openCaptured()
    await expect(captureCxbus(page)).rejects.toThrow(/already called on this page: use the capture it returned/)
    const waiting = cx.waitFor('Callback.completed', { timeout: 60_000 }).catch((e: Error) => e)
    const t0 = Date.now()
    await page.close()
    const err = await waiting
    expect(Date.now() - t0).toBeLessThan(5_000)
    expect((err as Error).message).toMatch(/^cxbus: Callback\.completed did not arrive before the page was closed; arrived: marker:page-load/)
  })
})

describe('the same hook as the extension', () => {
  it('the page never notices it: no global added, no page error, the page subscriber sees every event', async () => {
    const globals = async (capture: boolean) => {
      const page = await browser.newPage()
      if (capture) await captureCxbus(page)
      await page.goto(`${demo.url}?speed=fast`)
      await demoReady(page)
      await play(page, 'complete')
      const r = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown> & { demo: { pageErrors: unknown[]; events: unknown[] } }
        // Playwright's own exposeBinding globals (__playwright__binding__...) are the runner's, not the kit's.
        const keys = Object.keys(w).filter((k) => !k.startsWith('__playwright__binding__')).sort()
        return { keys, errors: w.demo.pageErrors.length, events: w.demo.events.length, binding: '__cxbusDevtoolsTestkit__' in w }
      })
      await page.close()
      return r
    }
    const [plain, captured] = [await globals(false), await globals(true)]
    expect(captured.keys).toEqual(plain.keys)
    expect(captured).toMatchObject({ errors: 0, binding: false, events: plain.events })
  })

  it('records the same entries as the extension for the same driven scenario (fail-retry, then two in a row)', async () => {
    const drive = async (page: Page) => {
      await play(page, 'fail-retry')
      await play(page, 'two-in-a-row')
    }
    // the extension: its own browser (both hooks in one page would be one hook: it installs once)
    const ext = await launchWithExtension()
    let fromExtension: SessionEntry[]
    try {
      const tab = await openDemo(ext, demo.url, 'speed=fast')
      await drive(tab.page)
      const c = await openCollector(ext, tab.tabId)
      fromExtension = (await c.waitFor((x) => x.entries.filter((e) => e.kind === 'event' && e.event === 'Callback.closed').length >= 3, '3 closed')).entries
      await c.close()
    } finally {
      await ext.close()
    }
    const { page, cx } = await openCaptured()
    await drive(page)
    await cx.waitFor('Callback.closed', { count: 3 })
    const fromKit = cx.entries()
    expect(callbackTraffic(fromKit)).toEqual(callbackTraffic(fromExtension))
    expect(callbackTraffic(fromKit).length).toBeGreaterThan(25)
    // same markers, same numbering scheme: a page-load marker first, per-load seq, session seq
    const shape = (es: readonly SessionEntry[]) => es.filter((e) => e.kind === 'marker').map((e) => `${e.kind === 'marker' ? e.marker : ''} ${Object.keys(e.data as object).sort()}`)
    expect(shape(fromKit)).toEqual(shape(fromExtension))
    expect(fromKit.map((e) => e.seq)).toEqual(fromKit.map((_, i) => i))
    await page.close()
  })

  it('a page that replaces JSON.stringify (demo.hostile()) loses nothing under Playwright', async () => {
    const { page, cx } = await openCaptured()
    await page.evaluate(() => (window as unknown as { demo: { hostile(): Promise<void> } }).demo.hostile())
    await cx.waitFor('Callback.submitted', { count: 2 })
    const callback = cx.entries().filter((e) => e.kind === 'event' && e.event.startsWith('Callback.') && e.event !== 'Callback.ready')
    expect(callback.length).toBe(11)
    expect(cx.entries().filter((e) => e.kind === 'marker' && e.marker === 'dropped')).toEqual([])
    expect(await page.evaluate(() => (window as unknown as { demo: { pageErrors: unknown[] } }).demo.pageErrors)).toEqual([])
    await page.close()
  })

  it("a page that calls Playwright's shared binding itself cannot add entries or page loads: it does not know the capture's key", async () => {
    const { page, cx } = await openCaptured()
    await play(page, 'complete')
    await cx.waitFor('Callback.closed')
    const before = cx.entries()
    // The hook's message format (public in the shipped hook), sent through the binding the page can reach.
    await page.evaluate(() => {
      const binding = (window as unknown as Record<string, (text: string) => void>).__playwright__binding__!
      const send = (o: object, seq: number) => binding(JSON.stringify({ name: '__cxbusDevtoolsTestkit__', seq, serializedArgs: [JSON.stringify(o)] }))
      const t = Date.now()
      const completed = { kind: 'event', time: t, publisher: 'Callback', event: 'Callback.completed', data: { completed: t } }
      send({ type: 'hello', load: 'forged-2', url: 'https://forged.example/', top: true, time: t }, -1000)
      send({ type: 'batch', load: 'forged-2', url: 'https://forged.example/', count: 1, lost: 0, entries: [completed] }, -1001)
      send({ type: 'batch', key: '', load: 'forged-1', url: 'https://forged.example/', count: 1, lost: 0, entries: [completed] }, -1002)
    })
    await new Promise((r) => setTimeout(r, 300))
    // The demo's housekeeping plugins go on publishing: compare the Callback events and the page loads.
    const callback = (list: SessionEntry[]) => list.filter((e) => (e.kind === 'event' && e.publisher === 'Callback') || (e.kind === 'marker' && e.marker === 'page-load'))
    expect(callback(cx.entries())).toEqual(callback(before))
    expect(cx.entries().filter((e) => `${e.frameUrl} ${e.pageLoadId}`.includes('forged'))).toEqual([])
    cx.expectNoErrors()
    await page.close()
  })

  it('frames, late and legacy 8.5 buses (Chromium)', async () => {
    for (const query of ['iframe=1', 'late=1', 'legacy=1']) {
      const { page, cx } = await openCaptured(query)
      await play(page, 'complete')
      await cx.waitFor('Callback.closed')
      expect({ query, steps: steps(cx) }).toEqual({ query, steps: ['opened > started > submitted > completed > closed'] })
      if (query === 'iframe=1') expectFrameUrls(cx.entries())
      cx.expectNoErrors()
      await page.close()
    }
  })
})

/** A top and a frame page load, the frame's marker and entries at its own page (not its initial about:blank). */
function expectFrameUrls(entries: readonly SessionEntry[]): void {
  const loads = entries.filter((e) => e.kind === 'marker' && e.marker === 'page-load').map((e) => ({ ...(e.data as { url: string; top: boolean }), frameUrl: e.frameUrl }))
  expect(loads.map((l) => l.top).sort()).toEqual([false, true])
  expect(loads.find((l) => !l.top)).toEqual({ top: false, url: expect.stringMatching(/\/frame\.html\?/), frameUrl: expect.stringMatching(/\/frame\.html\?/) })
  expect(entries.filter((e) => !/^https?:/.test(e.frameUrl ?? '')).map((e) => e.frameUrl)).toEqual([])
}

/** The demo's top window (with iframe=1 it forwards into the frame), for publish-then-reload. */
const openThenType = `(async () => { await window.demo.open(); await window.demo.type('phone', '+1 555') })()`

/** Before the reload's page-load marker: what the first document published, none of it lost. */
function beforeReload(entries: readonly SessionEntry[]): string[] {
  const second = entries.findIndex((e, i) => i > 0 && e.kind === 'marker' && e.marker === 'page-load' && (e.data as { top: boolean }).top)
  return entries.slice(0, second).flatMap((e) => (e.kind === 'event' && /^Callback\.(opened|started)$/.test(e.event) ? [e.event] : e.kind === 'marker' && e.marker === 'dropped' ? ['dropped'] : []))
}

describe('publish, then reload at once: nothing published before is lost', () => {
  it('Playwright, Chromium (5 times)', async () => {
    for (let i = 0; i < 5; i++) {
      const { page, cx } = await openCaptured()
      await page.evaluate(openThenType)
      await page.reload()
      await cx.waitFor('marker:page-load', { count: 2 })
      expect(beforeReload(cx.entries())).toEqual(['Callback.opened', 'Callback.started'])
      await page.close()
    }
  })
})

const PUPPETEER_BROWSERS: [name: string, launch: () => Promise<PBrowser>, userAgent: RegExp][] = [
  ['Firefox ESR (WebDriver BiDi)', () => puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true }), /Firefox\//],
  ['Chromium (CDP)', () => puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] }), /Chrome\//],
]

for (const [browserName, launch, userAgent] of PUPPETEER_BROWSERS) describe(`cxbus-devtools/puppeteer in ${browserName}`, () => {
  let pbrowser: PBrowser
  beforeAll(async () => {
    pbrowser = await launch()
  })
  afterAll(async () => {
    await pbrowser?.close()
  })

  it('publish, then reload at once: nothing published before is lost (5 times)', async () => {
    for (let i = 0; i < 5; i++) {
      const page = await pbrowser.newPage()
      const cx = await captureWithPuppeteer(page)
      await page.goto(`${demo.url}?speed=fast`)
      await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
      await page.evaluate(openThenType)
      await page.reload()
      await cx.waitFor('marker:page-load', { count: 2 })
      expect(beforeReload(cx.entries())).toEqual(['Callback.opened', 'Callback.started'])
      await page.close()
    }
  })

  for (const query of ['', 'iframe=1', 'late=1', 'legacy=1']) {
    it(`every scenario${query ? ` with ?${query}` : ''}: the expected stories, no error finding, the page notices nothing`, async () => {
      const page = await pbrowser.newPage()
      const cx = await captureWithPuppeteer(page)
      await page.goto(`${demo.url}?speed=fast${query ? `&${query}` : ''}`)
      await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === 'object')
      await page.evaluate(() => (window as unknown as { demo: { scenario(s: string): Promise<void> } }).demo.scenario('all'))
      await cx.waitFor('Callback.closed', { count: 9 })
      expect(cx.interactions().map((s) => s.summary.outcome)).toEqual(['cancelled', 'cancelled', 'completed', 'completed', 'completed', 'cancelled', 'completed', 'cancelled', 'cancelled'])
      cx.expectNoErrors()
      expect(cx.session().source?.userAgent).toMatch(userAgent)
      if (query === 'iframe=1') expectFrameUrls(cx.entries())
      const seen = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown> & { demo: { pageErrors: unknown[] } }
        return { errors: w.demo.pageErrors, bindings: Object.keys(w).filter((k) => k.includes('cxbusDevtoolsTestkit')) }
      })
      expect(seen).toEqual({ errors: [], bindings: [] })
      await page.close()
    })
  }
})

describe('the package', () => {
  it('cxbus-devtools/playwright and /puppeteer resolve with their types for a consumer (module node16, strict)', () => {
    // inside the package folder, so the name resolves to this package (self-reference through "exports")
    const dir = mkdtempSync(join('test', '.consumer-'))
    try {
      writeFileSync(join(dir, 'use.ts'), [
        "import { captureCxbus, type CxbusCapture } from 'cxbus-devtools/playwright'",
        "import { captureCxbus as withPuppeteer } from 'cxbus-devtools/puppeteer'",
        "import type { Page } from 'playwright-core'",
        'export async function qa(page: Page): Promise<string[]> {',
        '  const cx: CxbusCapture = await captureCxbus(page, { config: { severities: {} } })',
        "  await cx.waitFor('Callback.closed', { timeout: 5000 })",
        '  cx.expectNoErrors()',
        '  void withPuppeteer',
        '  return cx.check().findings.map((f) => f.rule).concat(cx.interactions().map((s) => s.summary.outcome))',
        '}',
        // a wrong use is refused: the types are real, not any
        '// @ts-expect-error waitFor takes a name',
        'export const wrong = (cx: CxbusCapture) => cx.waitFor(42)',
      ].join('\n'))
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', lib: ['ES2023', 'DOM'], strict: true, noEmit: true, types: ['node'] },
        files: ['use.ts'],
      }))
      const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', dir], { encoding: 'utf8' })
      expect(r.stdout + r.stderr).toBe('')
      expect(r.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
