// The page hook's test-kit transport (content/hook-install.ts testkitSink): a runner's exposed
// function, taken before page scripts, instead of the relay's port. The rest of the hook is
// test/unit/hook.test.ts's.
import { describe, expect, it, vi } from 'vitest'
import { installHook, type HookWindow } from '../../content/hook-install.ts'
import { HOOK_SOURCE, TESTKIT_BINDING, TESTKIT_KEY } from '../../src/core/protocol.ts'
import { Collector } from '../../testkit/collector.ts'

type Fn = (...a: any[]) => any

/** A bus that dispatches like CXBus (a timer per handler) with subscribe, command, no registerPlugin. */
function tinyBus() {
  const subs = new Map<string, Fn[]>()
  let n = 0
  return {
    bus: {
      subscribe(event: string, fn: Fn) {
        subs.set(event, [...(subs.get(event) ?? []), fn])
        return `sub${++n}`
      },
      command: () => true,
    },
    publish(event: string, data: unknown) {
      for (const fn of subs.get(event) ?? []) setTimeout(() => fn({ time: Date.now(), publisher: event.split('.')[0], event, data }), 0)
    },
  }
}

/** A frame as a runner prepared it: its exposed function and, from the init script, the capture's key. */
function runnerWindow(binding: Fn | undefined, key?: string) {
  const posted: unknown[] = []
  const win = {
    postMessage: (m: unknown) => void posted.push(m),
    addEventListener: () => {},
    location: { href: 'https://shop.example/cart' },
  } as unknown as HookWindow & Record<string, any>
  win.top = win
  if (binding) win[TESTKIT_BINDING] = binding
  if (key !== undefined) win[TESTKIT_KEY] = key
  return { win, posted }
}

async function until(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  const t0 = Date.now()
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
const names = (c: Collector) => c.entries().map((e) => (e.kind === 'event' ? e.event : e.kind === 'command' ? `cmd:${e.command}` : `marker:${e.marker}`))

describe('page hook: test kit transport', () => {
  it('takes the exposed function, deletes the global, says hello, sends batches as JSON text', async () => {
    const c = new Collector()
    const calls: unknown[] = []
    const { win, posted } = runnerWindow((text: unknown) => {
      calls.push(text)
      c.receive(text)
      return Promise.resolve()
    }, c.key)
    installHook(win)
    expect(TESTKIT_BINDING in win).toBe(false) // the page never sees it
    expect(TESTKIT_KEY in win).toBe(false) // nor the key
    expect(posted.filter((m) => (m as { source?: string })?.source === HOOK_SOURCE)).toEqual([]) // no relay handshake
    expect(typeof calls[0]).toBe('string')
    expect(JSON.parse(calls[0] as string)).toMatchObject({ type: 'hello', url: 'https://shop.example/cart', top: true })
    const { bus, publish } = tinyBus()
    win.CXBus = bus
    const data = { errors: [] as string[] }
    publish('Callback.opened', data)
    await until(() => names(c).includes('Callback.opened'), 'Callback.opened')
    data.errors.push('later') // copied at receipt: a later change is not in the entry
    expect(names(c)).toEqual(['marker:page-load', 'marker:bus', 'Callback.opened'])
    expect(c.entries()[2]).toMatchObject({ seq: 2, frameUrl: 'https://shop.example/cart', data: { errors: [] } })
  })

  it('a runner function that throws or rejects never reaches the page; what it lost comes as a dropped marker', async () => {
    const c = new Collector()
    let fail = true
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const { win } = runnerWindow((text: unknown) => {
        const m = JSON.parse(text as string) as { type: string }
        if (m.type === 'batch' && fail) throw new Error('runner gone')
        c.receive(text)
        return Promise.reject(new Error('binding closed')) // e.g. a page closing: must not be unhandled
      }, c.key)
      installHook(win)
      const { bus, publish } = tinyBus()
      win.CXBus = bus // bus marker: lost (the runner throws), but it is no captured entry: counts 0
      publish('Callback.opened', {})
      await new Promise((r) => setTimeout(r, 50))
      fail = false
      publish('Callback.closed', {})
      await until(() => names(c).includes('Callback.closed'), 'Callback.closed')
      expect(names(c)).toEqual(['marker:page-load', 'marker:dropped', 'Callback.closed'])
      expect(c.entries()[1]).toMatchObject({ data: { count: 1, where: 'hook' } }) // Callback.opened (model.ts lostBy)
      await new Promise((r) => setTimeout(r, 20))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })

  it("over CDP the runner's raw binding gets the wrapper's envelope, written with the hook's JSON (Puppeteer's is taken too)", async () => {
    const wrapper = vi.fn() // the runners' page-side wrappers: never called
    for (const [raw, unwrap] of [
      ['puppeteer___cxbusDevtoolsTestkit__', (m: { type: string; name: string; args: string[]; isTrivial: boolean }) => (expect(m).toMatchObject({ type: 'exposedFun', name: TESTKIT_BINDING, isTrivial: true }), m.args)],
      ['__playwright__binding__', (m: { name: string; serializedArgs: string[] }) => (expect(m.name).toBe(TESTKIT_BINDING), m.serializedArgs)],
    ] as const) {
      const c = new Collector()
      const { win } = runnerWindow(wrapper, c.key)
      win[raw] = (payload: string) => {
        const args = (unwrap as (m: any) => string[])(JSON.parse(payload))
        expect(args.length).toBe(1)
        c.receive(args[0])
      }
      installHook(win)
      expect({ raw, present: raw in win }).toEqual({ raw, present: raw.startsWith('__playwright') }) // Playwright's is every binding's
      const { bus, publish } = tinyBus()
      win.CXBus = bus
      const stringify = JSON.stringify
      JSON.stringify = () => {
        throw new Error('hostile page')
      }
      try {
        publish('Callback.opened', {})
        await new Promise((r) => setTimeout(r, 20))
      } finally {
        JSON.stringify = stringify
      }
      expect(names(c)).toEqual(['marker:page-load', 'marker:bus', 'Callback.opened'])
    }
    expect(wrapper).not.toHaveBeenCalled()
  })

  it('a batch goes to the runner right after the page handlers the publishing task scheduled, not at idle time (a reload may follow at once)', async () => {
    const c = new Collector()
    const { win } = runnerWindow((text: unknown) => c.receive(text), c.key)
    installHook(win)
    const { bus, publish } = tinyBus()
    win.CXBus = bus
    await new Promise((r) => setTimeout(r, 0)) // the hello and the markers are sent
    let atPageHandler: string[] = []
    bus.subscribe('Callback.opened', () => (atPageHandler = names(c))) // the page's own handler
    // Every handler (the hook's, the page's) runs on a timer set now; this bus has no publish to tap,
    // so the hook copies in its handler and sets its send's timer there.
    publish('Callback.opened', {})
    publish('Callback.opened', {})
    for (let turn = 0; turn < 2; turn++) await new Promise((r) => setTimeout(r, 0))
    expect(atPageHandler).not.toContain('Callback.opened') // the page's handlers did not wait for the send
    expect(names(c).filter((n) => n === 'Callback.opened')).toHaveLength(2)
  })

  it("a page that calls the runner's binding itself (Playwright's is shared, on window) is rejected: it does not know the key", async () => {
    const c = new Collector()
    let binding: Fn = () => {}
    const { win } = runnerWindow((text: unknown) => binding(text), c.key)
    binding = (text: unknown) => c.receive(text)
    installHook(win)
    const { bus, publish } = tinyBus()
    win.CXBus = bus
    publish('Callback.opened', {})
    await until(() => names(c).includes('Callback.opened'), 'Callback.opened')
    const before = names(c)
    // What the page can send: the hook's message format, with its own load id and a guessed key or none.
    const entries = [{ kind: 'event', time: Date.now(), publisher: 'Callback', event: 'Callback.completed', data: {} }]
    for (const key of [undefined, '', 'guess']) {
      c.receive(JSON.stringify({ type: 'hello', key, load: 'forged-1', url: 'https://forged.example/', top: true, time: Date.now() }))
      c.receive(JSON.stringify({ type: 'batch', key, load: 'forged-1', url: 'https://forged.example/', count: 1, lost: 0, entries }))
    }
    expect(names(c)).toEqual(before)
    expect(c.rejected).toBe(6)
    // A frame the runner did not give the key (none in its init script): its hook's messages are rejected too.
    const keyless = new Collector()
    const other = runnerWindow((text: unknown) => keyless.receive(text))
    installHook(other.win)
    expect(keyless.entries()).toEqual([])
    expect(keyless.rejected).toBe(1) // its hello
  })

  it('without the function (the extension) the hook offers the relay its port as before', () => {
    const { win, posted } = runnerWindow(undefined)
    installHook(win)
    expect(posted).toMatchObject([{ source: HOOK_SOURCE, type: 'connect' }])
  })
})
