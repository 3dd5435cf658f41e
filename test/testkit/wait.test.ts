// The test kit's waitFor and captureCxbus, as a QA tester used them (report of the fix branch):
// invalid names and counts fail at once, a closed page ends every wait at once, the count message
// says how many did arrive, housekeeping names are grouped as the panel groups them, and a second
// captureCxbus on one page says what to do instead of the runner's raw error.
import { describe, expect, it, vi } from 'vitest'
import { CxbusCapture } from '../../testkit/capture.ts'
import { captureCxbus, type PlaywrightPage } from '../../testkit/playwright.ts'
import { captureCxbus as captureWithPuppeteer, type PuppeteerPage } from '../../testkit/puppeteer.ts'
import { loadFixture } from '../support/fixtures.ts'
import { batch, feedSession, send } from './feed.ts'

vi.mock('../../testkit/hook-source.ts', () => ({ initScript: async () => '/* hook */' }))

const capture = () => new CxbusCapture(() => 'Mozilla/5.0 Test')
/** Rejects with what waitFor rejected with, or fails the test when it took longer than `ms`. */
const failsWithin = async (p: Promise<unknown>, ms = 200): Promise<Error> => {
  const t0 = Date.now()
  const err = await p.then(() => new Error('resolved'), (e: Error) => e)
  expect(Date.now() - t0).toBeLessThan(ms)
  return err
}

describe('waitFor arguments', () => {
  it('count 0 (or any count that is not a whole number of 1 or more) is refused at once', async () => {
    const cx = capture()
    for (const count of [0, -1, 1.5, Number.NaN, '2' as unknown as number]) {
      const err = await failsWithin(cx.waitFor('Callback.closed', { count, timeout: 60_000 }))
      expect(err).toBeInstanceOf(TypeError)
      expect(err.message).toMatch(/^cxbus: waitFor: count must be a whole number of 1 or more, got /)
    }
  })

  it('a missing or empty name, or a bad timeout, is a TypeError at once', async () => {
    const cx = capture()
    const noName = await failsWithin(cx.waitFor(undefined as unknown as string))
    expect(noName).toBeInstanceOf(TypeError)
    expect(noName.message).toBe('cxbus: waitFor: the name of an entry is needed ("Callback.completed", "marker:page-load"), got nothing (missing)')
    expect(await failsWithin(cx.waitFor(''))).toBeInstanceOf(TypeError)
    expect(await failsWithin(cx.waitFor('  '))).toBeInstanceOf(TypeError)
    expect((await failsWithin(cx.waitFor('Callback.closed', { timeout: -5 }))).message).toMatch(/timeout must be a number of milliseconds/)
  })
})

describe('waitFor failures', () => {
  it('the count message says how many did arrive', async () => {
    const cx = capture()
    feedSession(cx.collector, loadFixture('shipped-two-in-a-row'))
    const err = await failsWithin(cx.waitFor('Callback.closed', { count: 3, timeout: 20 }), 1000)
    expect(err.message).toMatch(/^cxbus: 3 × Callback\.closed did not arrive within 20 ms \(2 of 3 arrived\); arrived: /)
  })

  it('counts what arrived, also what a small maxEntries evicted since, and says how many were evicted', async () => {
    const cx = new CxbusCapture(() => 'Mozilla/5.0 Test', { maxEntries: 4 })
    feedSession(cx.collector, loadFixture('shipped-two-in-a-row'))
    expect(cx.entries().filter((e) => e.kind === 'event' && e.event === 'Callback.closed')).toHaveLength(1) // the first one was evicted
    await expect(cx.waitFor('Callback.closed', { count: 2, timeout: 20 })).resolves.toMatchObject({ event: 'Callback.closed' })
    const err = await failsWithin(cx.waitFor('Callback.closed', { count: 3, timeout: 20 }), 1000)
    expect(err.message).toMatch(/^cxbus: 3 × Callback\.closed did not arrive within 20 ms \(2 of 3 arrived, 1 evicted \(maxEntries\)\); arrived: /)
  })

  it('a closed page ends the waits at once, and later ones fail at once', async () => {
    const cx = capture()
    feedSession(cx.collector, loadFixture('documented-close-untouched'))
    const waiting = cx.waitFor('Callback.completed', { timeout: 60_000 })
    cx.pageClosed('the page was closed')
    const err = await failsWithin(waiting)
    expect(err.message).toMatch(/^cxbus: Callback\.completed did not arrive before the page was closed; arrived: /)
    expect((await failsWithin(cx.waitFor('Callback.submitted', { timeout: 60_000 }))).message).toMatch(/before the page was closed/)
    // What did arrive is still found.
    await expect(cx.waitFor('Callback.closed')).resolves.toMatchObject({ event: 'Callback.closed' })
  })

  it('lists housekeeping names grouped the way the panel\'s event filter groups them', async () => {
    const cx = capture()
    send(cx.collector, { type: 'hello', load: 'load1', url: 'https://shop.example/', top: true, time: 1_764_000_000_000 })
    const uptime = Array.from({ length: 40 }, (_, i) => ({ kind: 'event', time: 1_764_000_000_000 + i * 1000, publisher: 'Watchman', event: `Watchman.uptime:${i + 1}`, data: {} }))
    send(cx.collector, batch('load1', [...uptime, { kind: 'event', time: 1_764_000_050_000, publisher: 'Callback', event: 'Callback.ready', data: {} }]))
    const err = await failsWithin(cx.waitFor('Callback.opened', { timeout: 10 }), 1000)
    expect(err.message).toBe('cxbus: Callback.opened did not arrive within 10 ms; arrived: marker:page-load, Watchman.uptime:* ×40, Callback.ready (42 entries)')
    // A name as the list gives it can be waited for: the pattern matches every name it stands for.
    await expect(cx.waitFor('Watchman.uptime:*', { count: 40, timeout: 10 })).resolves.toMatchObject({ event: 'Watchman.uptime:40' })
    const more = await failsWithin(cx.waitFor('Watchman.uptime:*', { count: 41, timeout: 10 }), 1000)
    expect(more.message).toMatch(/^cxbus: 41 × Watchman\.uptime:\* did not arrive within 10 ms \(40 of 41 arrived\)/)
  })
})

/** A page as Playwright's: exposeBinding refuses a second function of one name, as the real one does. */
function fakePlaywrightPage() {
  const bound = new Set<string>()
  const listeners = new Map<string, (() => void)[]>()
  const page = {
    async exposeBinding(name: string) {
      if (bound.has(name)) throw new Error(`Function "${name}" has been already registered`)
      bound.add(name)
    },
    async addInitScript() {},
    async evaluate() {
      return 'UA'
    },
    on(event: string, fn: () => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn])
      return page
    },
  }
  return { page: page as unknown as PlaywrightPage, emit: (event: string) => listeners.get(event)?.forEach((fn) => fn()) }
}

describe('captureCxbus', () => {
  it('a second call on one page rejects with what to do (Playwright and Puppeteer)', async () => {
    const { page } = fakePlaywrightPage()
    await captureCxbus(page)
    await expect(captureCxbus(page)).rejects.toThrow(/^cxbus: captureCxbus was already called on this page: use the capture it returned/)
    const pptr = { exposeFunction: async () => {}, evaluateOnNewDocument: async () => {}, browser: () => ({ userAgent: async () => 'UA' }), on: () => pptr }
    await captureWithPuppeteer(pptr as unknown as PuppeteerPage)
    await expect(captureWithPuppeteer(pptr as unknown as PuppeteerPage)).rejects.toThrow(/already called on this page/)
    // Another page: its own capture.
    await expect(captureCxbus(fakePlaywrightPage().page)).resolves.toBeInstanceOf(CxbusCapture)
  })

  it('page.close() ends a waitFor at once', async () => {
    const { page, emit } = fakePlaywrightPage()
    const cx = await captureCxbus(page)
    const waiting = cx.waitFor('Callback.completed', { timeout: 60_000 })
    emit('close')
    expect((await failsWithin(waiting)).message).toMatch(/did not arrive before the page was closed; nothing arrived/)
  })
})
