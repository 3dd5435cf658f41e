// Unit tests of the page hook (content/hook-install.ts) on fake windows with a small bus that
// dispatches like the real one (setTimeout per handler, subscribe false until the bus is ready).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { installHook, type HookWindow } from '../../content/hook-install.ts'

// The hook sends its batches from requestIdleCallback (captured when it loads, as in a page). Node
// has none: this one runs callbacks on a timer, or holds them while a test says the page is busy.
const idle = vi.hoisted(() => {
  const state = { hold: false, held: [] as (() => void)[] }
  ;(globalThis as { requestIdleCallback?: unknown }).requestIdleCallback = (cb: () => void) => {
    if (state.hold) state.held.push(cb)
    else setTimeout(cb, 0)
    return 1
  }
  return state
})
import { batchEntries, handoffBatch, HOOK_QUEUE_LIMIT, HOOK_SOURCE, isHookBatch, isHookCommandResult, isHookConnectMessage, isHookEntry, isRelayToBackground, type HookEntry } from '../../src/core/protocol.ts'
import { lostBy } from '../../src/core/model.ts'

type Fn = (...a: any[]) => any

function fakeBus(opts: { readyAfterMs?: number; unsubscribe?: boolean | 'lies'; frozen?: boolean; sync?: boolean; beforeUndefined?: boolean } = {}) {
  const subs = new Map<string, Fn[]>()
  const ids = new Map<string, { event: string; fn: Fn }>()
  const befores = new Map<string, Fn[]>()
  const plugins = new Map<string, { events: string[]; commands: string[] }>()
  const readyCache = new Map<string, unknown>()
  let ready = opts.readyAfterMs === undefined
  let nextId = 0
  if (!ready) setTimeout(() => (ready = true), opts.readyAfterMs)
  // Like CXBus: every handler in its own timer, the same data object for all of them.
  const publish = (event: string, data: unknown) => {
    if (event.endsWith('.ready')) readyCache.set(event, data)
    for (const fn of subs.get(event) ?? []) {
      const run = () => fn({ time: Date.now(), publisher: event.split('.')[0], event, data })
      if (opts.sync) run() // "dispatch is asynchronous by default" (SPEC.md §1): some buses may not be
      else setTimeout(run, 0)
    }
    return true
  }
  const registry = () => Object.fromEntries([...plugins].map(([k, v]) => [k, { events: [...v.events], commands: [...v.commands] }]))
  /** What the bus does inside; `bus.registerPlugin` is the public face a hook can wrap. */
  const registerPluginInside = (name: string) => {
    if (plugins.has(name)) return false
    plugins.set(name, { events: [], commands: [] })
    const iface = {
      before: (cmd: string, fn: Fn) => {
        // beforeUndefined: a bus that drops the hook of a missing plugin without saying so
        if (!plugins.has(cmd.split('.')[0] as string)) return opts.beforeUndefined ? undefined : false
        befores.set(cmd, [...(befores.get(cmd) ?? []), fn])
        return true
      },
      registry,
      subscribe: (e: string, fn: Fn) => bus.subscribe(e, fn),
      publish(this: unknown, event: string, data?: unknown) {
        lastPublishThis = this
        if (event === 'explode') throw new Error('publish failed')
        return publish(`${name}.${event}`, arguments.length < 2 ? {} : data) && `published:${event}`
      },
      // Genesys plugin interfaces publish through these too (Bus API overview)
      republish(event: string, data?: unknown) {
        return publish(`${name}.${event}`, arguments.length < 2 ? {} : data)
      },
      registerCommand: (cmd: string, _fn: Fn) => {
        plugins.get(name)?.commands.push(`${name}.${cmd}`)
        return true
      },
      // 'lies': says it unsubscribed and keeps calling the handler
      ...(opts.unsubscribe === false ? {} : opts.unsubscribe === 'lies' ? { unsubscribe: () => true } : {
        unsubscribe: (id: string) => {
          const s = ids.get(id)
          if (!s) return false
          ids.delete(id)
          subs.set(s.event, (subs.get(s.event) ?? []).filter((f) => f !== s.fn))
          return true
        },
      }),
    }
    return opts.frozen ? Object.freeze(iface) : iface
  }
  let lastPublishThis: unknown
  const bus = {
    subscribe(event: string, fn: Fn) {
      if (!ready) return false
      subs.set(event, [...(subs.get(event) ?? []), fn])
      const id = `sub${++nextId}`
      ids.set(id, { event, fn })
      // a late subscriber to a ready event gets it once (SPEC.md §1)
      if (readyCache.has(event)) setTimeout(() => fn({ time: Date.now(), publisher: event.split('.')[0], event, data: readyCache.get(event) }), 0)
      return id
    },
    command(name: string, options: unknown) {
      let o = options
      for (const b of befores.get(name) ?? []) {
        const r = b(o)
        if (r === false) return 'cancelled'
        o = r
      }
      return { deferred: name, options: o }
    },
    registerPlugin: registerPluginInside,
    version: '9.0.018.07',
  }
  const define = (name: string, events: string[], commands: string[] = []) =>
    plugins.set(name, { events: events.map((e) => `${name}.${e}`), commands: commands.map((c) => `${name}.${c}`) })
  /** Our handlers on an event (the hook names them cxbusDevtoolsHandler). */
  const ours = (event: string) => (subs.get(event) ?? []).filter((f) => f.name === 'cxbusDevtoolsHandler').length
  return { bus, publish, define, subs, ours, registerPluginInside, lastThis: () => lastPublishThis }
}

/** Batches whose count, entries or lost were wrong, in any test (checked after each). */
const badBatches: unknown[] = []
afterEach(() => {
  expect(badBatches.splice(0)).toEqual([])
})

/** A fake window whose postMessage hands the transferred port to a fake relay. */
function fakeWindow() {
  const listeners: { type: string; fn: (ev: any) => void }[] = []
  const got: HookEntry[] = []
  const connects: MessagePort[] = []
  const win: HookWindow = {
    postMessage(message: unknown, _origin: string, transfer?: Transferable[]) {
      if (isHookConnectMessage(message) && transfer?.[0]) connects.push(transfer[0] as MessagePort)
      for (const l of listeners) if (l.type === 'message') setTimeout(() => l.fn({ data: message, source: win, ports: transfer ?? [] }), 0)
    },
    addEventListener(type: string, fn: (ev: Event) => void) {
      listeners.push({ type, fn })
    },
  }
  /** Accept the first port like the relay does. */
  const accept = (i = 0) => {
    const port = connects[i] as MessagePort
    port.onmessage = (e) => {
      const m = e.data
      if (isHookCommandResult(m)) results.push(m)
      if (!isHookBatch(m)) return
      const entries = JSON.parse(m.text) as HookEntry[]
      // the batch says what it holds: as many entries, each well-formed, and what losing them loses
      if (entries.length !== m.count || !entries.every(isHookEntry) || entries.reduce((n, e) => n + lostBy(e), 0) !== m.lost) bad.push(m)
      got.push(...entries)
    }
    port.postMessage({ type: 'ready' })
  }
  const results: unknown[] = []
  const bad = badBatches
  return { win: win as HookWindow & Record<string, any>, got, connects, accept, listeners, results, bad }
}

async function until(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  const t0 = Date.now()
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
const names = (got: HookEntry[]) => got.map((e) => (e.kind === 'event' ? e.event : e.kind === 'command' ? `cmd:${e.command}` : `marker:${e.marker}`))

describe('page hook', () => {
  it('catches window.CXBus assigned later, survives subscribe() returning false, copies at receipt', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish, define } = fakeBus({ readyAfterMs: 30 })
    win.CXBus = bus
    expect(win.CXBus).toBe(bus) // still assignable and readable by the page
    define('Callback', ['opened'], ['open'])
    await until(() => (bus.subscribe('x', () => {}), true) && got.some((e) => e.kind === 'marker'), 'bus marker')
    await new Promise((r) => setTimeout(r, 80)) // retries after the bus became ready
    const data = { errors: ['first'] as string[], opened: 5 }
    publish('Callback.opened', data)
    await until(() => names(got).includes('Callback.opened'), 'Callback.opened')
    const opened = got.find((e) => e.kind === 'event' && e.event === 'Callback.opened') as { publisher: string }
    expect(opened.publisher).toBe('Callback')
    expect(got[0]).toMatchObject({ kind: 'marker', marker: 'bus', data: { via: 'CXBus', widgetsVersion: '9.0.018.07' } })
  })

  it('finds a window.CXBus that exists before the hook runs', async () => {
    const { win, got, accept } = fakeWindow()
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    installHook(win)
    accept()
    expect(win.CXBus).toBe(bus)
    publish('Callback.opened', {})
    await until(() => names(got).includes('Callback.opened'), 'event')
    expect(got[0]).toMatchObject({ marker: 'bus', data: { via: 'CXBus', widgetsVersion: '9.0.018.07' } })
  })

  it('copies each event at receipt: later page mutations do not leak into earlier events', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    const errors: string[] = ['first']
    publish('Callback.submitted', { errors })
    await until(() => names(got).includes('Callback.submitted'), 'submitted')
    errors.push('second')
    publish('Callback.submitted', { errors })
    await until(() => names(got).filter((n) => n === 'Callback.submitted').length === 2, 'second submitted')
    const sub = got.filter((e) => e.kind === 'event' && e.event === 'Callback.submitted').map((e) => (e.data as { errors: string[] }).errors)
    expect(sub).toEqual([['first'], ['first', 'second']])
  })

  it('queues entries until a relay is ready, then delivers them in order', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    publish('Callback.ready', {})
    publish('Callback.opened', { opened: 1 })
    await new Promise((r) => setTimeout(r, 30))
    expect(got).toEqual([])
    accept()
    await until(() => got.length >= 3, 'queued entries')
    expect(names(got)).toEqual(['marker:bus', 'Callback.ready', 'Callback.opened'])
  })

  it('a queue overflow before the relay is ready arrives as one dropped marker before the rest', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    const n = HOOK_QUEUE_LIMIT * 2 + 5 // past the limit twice: the queue is compacted on the way
    for (let i = 0; i < n; i++) publish('Callback.minimized', { i })
    await new Promise((r) => setTimeout(r, 200))
    accept()
    await until(() => got.length >= HOOK_QUEUE_LIMIT + 1, `queued entries (got ${got.length})`, 10_000)
    const lost = n + 1 - HOOK_QUEUE_LIMIT // the bus marker was queued first
    expect(got[0]).toMatchObject({ kind: 'marker', marker: 'dropped', data: { count: lost, where: 'hook' } })
    expect(got).toHaveLength(HOOK_QUEUE_LIMIT + 1)
    expect((got[got.length - 1] as { data: { i: number } }).data.i).toBe(n - 1) // the newest kept, in order
  }, 20_000)

  it('answers a relay hello with a new port, and never switches port once one is ready', async () => {
    const { win, got, connects, accept, listeners } = fakeWindow()
    installHook(win)
    expect(connects).toHaveLength(1)
    // a relay that started later says hello: the hook offers a second port
    win.postMessage({ source: 'cxbus-devtools:relay', v: 1, type: 'hello' }, '*')
    await until(() => connects.length === 2, 'second connect')
    accept(1)
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    publish('Callback.opened', {})
    await until(() => names(got).includes('Callback.opened'), 'event on port 2')
    // a page that grabs the first port and says ready gets nothing
    const stolen: unknown[] = []
    const p0 = connects[0] as MessagePort
    p0.onmessage = (e) => stolen.push(e.data)
    p0.postMessage({ type: 'ready' })
    win.postMessage({ source: 'cxbus-devtools:relay', v: 1, type: 'hello' }, '*')
    publish('Callback.closed', {})
    await until(() => names(got).includes('Callback.closed'), 'closed')
    expect(stolen).toEqual([])
    expect(connects).toHaveLength(2) // no more offers after ready
    expect(listeners.length).toBeGreaterThan(0)
  })

  it('chains the page onReady set before and after the hook (legacy cxwidget bus)', async () => {
    const { win, got, accept } = fakeWindow()
    const calls: string[] = []
    win._genesys = { cxwidget: { onReady: function (this: unknown, b: unknown) { calls.push(`before:${b === bus}`); return 'page-result' } } }
    installHook(win)
    accept()
    const { bus, publish } = fakeBus()
    const root = win._genesys.cxwidget
    // the widgets call onReady with the bus
    expect(root.onReady.call(root, bus)).toBe('page-result')
    expect(calls).toEqual(['before:true'])
    // the page replaces its handler later: ours stays chained
    root.onReady = (b: unknown) => calls.push(`after:${b === bus}`)
    root.onReady(bus)
    expect(calls).toEqual(['before:true', 'after:true'])
    publish('Callback.opened', {})
    await until(() => names(got).includes('Callback.opened'), 'event via cxwidget')
    expect(got[0]).toMatchObject({ marker: 'bus', data: { via: 'cxwidget' } })
  })

  describe('the widgets version of 9.0.018.07: common.data("version"), no version property', () => {
    /** A 9.0.018.07-like page: CXBus without version, widgets-core's common.data set at load. */
    function page9(data: unknown) {
      const { win, got, accept } = fakeWindow()
      installHook(win)
      accept()
      const { bus } = fakeBus()
      delete (bus as { version?: string }).version
      win.CXBus = bus
      win._genesys = { widgets: { common: { data } } }
      const versions = () => got.filter((e) => e.kind === 'marker' && e.marker === 'bus').map((e) => (e.data as { widgetsVersion?: string }).widgetsVersion)
      // widgets-core's App registers through CXBus like every plugin, and says ready once loaded
      const appReady = () => (bus as unknown as { registerPlugin(n: string): { publish(e: string, d: unknown): void } }).registerPlugin('App').publish('ready', {})
      return { win, got, bus, appReady, versions }
    }

    it('asks it once, after App.ready (not before widgets-core is ready), and reports the answer', async () => {
      const calls: unknown[] = []
      const data = vi.fn(function (this: unknown, key: string) { calls.push([this, key]); return key === 'version' ? '9.0.018.07' : undefined })
      const { win, appReady, versions } = page9(data)
      await new Promise((r) => setTimeout(r, 300)) // bus found, scans ran
      expect(data).not.toHaveBeenCalled()
      expect(versions()).toEqual([undefined])
      appReady()
      await until(() => versions().includes('9.0.018.07'), 'version marker')
      await new Promise((r) => setTimeout(r, 300)) // more scans and registry checks
      expect(calls).toEqual([[win._genesys.widgets.common, 'version']])
    })

    it('asks it at the page onReady too, before the page handler runs', async () => {
      const data = vi.fn(() => '9.0.018.07')
      const { win, bus, versions } = page9(data)
      const order: string[] = []
      win._genesys.widgets.onReady = () => order.push(`page saw ${data.mock.calls.length} call`)
      win._genesys.widgets.onReady(bus)
      expect(order).toEqual(['page saw 1 call'])
      await until(() => versions().includes('9.0.018.07'), 'version marker')
    })

    it('a data() that throws, returns junk or is a getter never reaches the page and is not retried', async () => {
      const throws = vi.fn(() => { throw new Error('page bug') })
      const a = page9(throws)
      a.appReady()
      await new Promise((r) => setTimeout(r, 400))
      expect(throws).toHaveBeenCalledTimes(1)
      expect(a.versions().every((v) => v === undefined)).toBe(true)

      const junk = vi.fn(() => ({ toString: () => '9' }))
      const b = page9(junk)
      b.appReady()
      await new Promise((r) => setTimeout(r, 300))
      expect(junk).toHaveBeenCalledTimes(1)
      expect(b.versions().every((v) => v === undefined)).toBe(true)

      const getter = vi.fn(() => () => '9.0.018.07')
      const c = page9(undefined)
      Object.defineProperty(c.win._genesys.widgets.common, 'data', { get: getter, configurable: true })
      c.appReady()
      await new Promise((r) => setTimeout(r, 300))
      expect(getter).not.toHaveBeenCalled()
    })

    it('falls back to the version properties (CXBus.version) where a page has them', async () => {
      const { win, got, accept } = fakeWindow()
      installHook(win)
      accept()
      win.CXBus = fakeBus().bus // version: '9.0.018.07', no common.data
      await until(() => got.some((e) => e.kind === 'marker'), 'bus marker')
      expect(got[0]).toMatchObject({ marker: 'bus', data: { widgetsVersion: '9.0.018.07' } })
    })
  })

  it('finds _genesys.widgets.bus when the page replaces the whole _genesys object later', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish } = fakeBus()
    win._genesys = { widgets: { bus } }
    publish('Callback.opened', {})
    await until(() => names(got).includes('Callback.opened'), 'event via widgets.bus', 2000)
    expect(got[0]).toMatchObject({ marker: 'bus', data: { via: 'widgets' } })
  })

  it('finds a bus the page defines with Object.defineProperty over the hook\'s trap', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish } = fakeBus()
    Object.defineProperty(win, 'CXBus', { value: bus, configurable: true, writable: true })
    await until(() => got.some((e) => e.kind === 'marker'), 'found by the scan', 2000)
    publish('Callback.opened', {})
    await until(() => names(got).includes('Callback.opened'), 'event')
    expect(got[0]).toMatchObject({ marker: 'bus', data: { via: 'CXBus' } })
  })

  it('a page that defines window.CXBus as its own getter (a new facade each read) is still captured', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    let real: any
    const facade = (b: any) => ({
      subscribe: (e: string, fn: Fn) => b.subscribe(e, fn),
      command: (c: string, o?: unknown) => b.command(c, o),
      registerPlugin: (n: string) => b.registerPlugin(n),
      unsubscribe: (id: unknown) => b.unsubscribe(id),
    })
    // the page's first script replaces the hook's trap
    Object.defineProperty(win, 'CXBus', { configurable: true, enumerable: true, get: () => (real ? facade(real) : undefined), set: (v) => (real = v) })
    const { bus, publish } = fakeBus()
    win.CXBus = bus // the widgets assign it later, through the page's setter
    expect(win.CXBus).not.toBe(win.CXBus)
    await until(() => got.some((e) => e.kind === 'marker' && e.marker === 'bus'), 'found through the page getter', 2000)
    publish('Callback.opened', { opened: 1 })
    await until(() => names(got).includes('Callback.opened'), 'event')
    expect(got.filter((e) => e.kind === 'marker' && e.marker === 'bus')).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 600)) // more scans: still one bus, one subscription
    publish('Callback.closed', {})
    await until(() => names(got).includes('Callback.closed'), 'closed')
    expect(names(got).filter((n) => n === 'Callback.opened')).toHaveLength(1)
    expect(got.filter((e) => e.kind === 'marker' && e.marker === 'bus')).toHaveLength(1)
  })

  it('keeps an accessor someone else defined on window.CXBus working', async () => {
    const { win, got, accept } = fakeWindow()
    let stored: unknown
    const log: string[] = []
    Object.defineProperty(win, 'CXBus', {
      configurable: true,
      get: () => (log.push('get'), stored),
      set: (v) => (log.push('set'), (stored = v)),
    })
    installHook(win)
    accept()
    const { bus } = fakeBus()
    win.CXBus = bus
    expect(win.CXBus).toBe(bus)
    expect(log).toContain('set')
    await until(() => got.some((e) => e.kind === 'marker'), 'bus found through the foreign accessor')
  })

  it('records commands through before() without changing options or the return value', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, define } = fakeBus()
    define('Callback', ['opened'], ['open', 'close'])
    win.CXBus = bus
    await new Promise((r) => setTimeout(r, 300)) // a registry check ran
    const opts = { form: { firstname: 'Ada' } }
    const result = bus.command('Callback.open', opts) as { options: unknown }
    expect(result.options).toBe(opts) // same object, unchanged
    await until(() => names(got).includes('cmd:Callback.open'), 'command entry')
    expect(got.find((e) => e.kind === 'command')?.data).toEqual({ form: { firstname: 'Ada' } })
  })

  it('runs a panel command from its relay port on the page\'s bus, marks its entry, reports the deferred', async () => {
    const { win, got, accept, connects, results } = fakeWindow()
    installHook(win)
    accept()
    const { bus, define } = fakeBus()
    define('Callback', ['opened'], ['open', 'close'])
    const inner = bus.command
    const calls: unknown[][] = []
    // A 9.x-like deferred: close is refused while the form was started.
    bus.command = function (this: unknown, name: string, options: unknown) {
      calls.push([this, name, options])
      inner.call(bus, name, options)
      const refused = name === 'Callback.close'
      return {
        done(fn: Fn) { if (!refused) setTimeout(() => fn(), 0); return this },
        fail(fn: Fn) { if (refused) setTimeout(() => fn('User must confirm close'), 0); return this },
      } as any
    }
    win.CXBus = bus
    await new Promise((r) => setTimeout(r, 300))
    const relay = connects[0] as MessagePort
    relay.postMessage({ type: 'command', id: 'c1', name: 'Callback.open', options: { form: { firstname: 'Ada' } } })
    relay.postMessage({ type: 'command', id: 'c2', name: 'Callback.close', options: {} })
    await until(() => results.length === 2, 'two results')
    expect(results).toEqual([
      { type: 'command-result', id: 'c1', outcome: 'resolved', detail: null },
      { type: 'command-result', id: 'c2', outcome: 'rejected', detail: 'User must confirm close' },
    ])
    expect(calls[0]?.[0]).toBe(bus) // called on the page's own bus object, as a page script would
    expect(calls[0]?.[2]).toEqual({ form: { firstname: 'Ada' } })
    await until(() => got.filter((e) => e.kind === 'command').length === 2, 'command entries')
    expect(got.filter((e) => e.kind === 'command').map((e) => e.origin)).toEqual(['panel', 'panel'])
    // A command the page sends itself is not marked.
    bus.command('Callback.open', {})
    await until(() => got.filter((e) => e.kind === 'command').length === 3, 'page command entry')
    expect(got.filter((e) => e.kind === 'command')[2]?.origin).toBeUndefined()
  })

  it('subscribes to events of plugins registered later (registry), once per name', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish, define, subs } = fakeBus()
    win.CXBus = bus
    await new Promise((r) => setTimeout(r, 50))
    define('WebChat', ['opened'])
    define('SendMessage', ['submitted', 'custom'])
    await new Promise((r) => setTimeout(r, 600))
    publish('SendMessage.custom', { x: 1 })
    await until(() => names(got).includes('SendMessage.custom'), 'registry-discovered event')
    for (const [, fns] of subs) expect(fns.filter((f) => f.name === 'cxbusDevtoolsHandler').length).toBeLessThanOrEqual(1)
  })

  it('never throws into the page; the page handler sees the original data', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    const seen: unknown[] = []
    bus.subscribe('Callback.opened', (e: { data: unknown }) => seen.push(e.data))
    const hostile = new Proxy({}, { ownKeys() { throw new Error('no') }, get() { throw new Error('no') } })
    const errors: unknown[] = []
    const onErr = (e: unknown) => errors.push(e)
    process.on('uncaughtException', onErr)
    try {
      publish('Callback.opened', hostile)
      await until(() => seen.length === 1 && names(got).includes('Callback.opened'), 'both handlers')
    } finally {
      process.off('uncaughtException', onErr)
    }
    expect(seen[0]).toBe(hostile)
    expect(errors).toEqual([])
    expect((got.find((e) => e.kind === 'event')?.data as string)).toMatch(/^\[Unreadable/)
  })

  it('on pagehide, sends what waits for an idle moment at once', async () => {
    const { win, got, accept, listeners } = fakeWindow()
    installHook(win)
    accept()
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    await until(() => got.some((e) => e.kind === 'marker'), 'bus marker')
    idle.hold = true // a busy page: no idle moment comes before it goes away
    try {
      publish('Callback.closed', { closed: 1 })
      await new Promise((r) => setTimeout(r, 50))
      expect(names(got)).not.toContain('Callback.closed') // waiting for idle
      for (const l of listeners) if (l.type === 'pagehide') l.fn({ persisted: false })
      await until(() => names(got).includes('Callback.closed'), 'sent on pagehide')
    } finally {
      idle.hold = false
      idle.held.splice(0).forEach((cb) => cb())
    }
  })

  it('installs once per window and adds no enumerable global', () => {
    const { win, connects } = fakeWindow()
    installHook(win)
    installHook(win)
    expect(connects).toHaveLength(1)
    expect(Object.keys(win).filter((k) => !['postMessage', 'addEventListener'].includes(k))).toEqual([])
  })
})

describe('page hook: capture at publish time', () => {
  /** A hooked window with the bus on window.CXBus, its subscriptions in place and a relay ready. */
  async function hooked(opts: Parameters<typeof fakeBus>[0] = {}) {
    const w = fakeWindow()
    installHook(w.win)
    w.accept()
    const b = fakeBus(opts)
    w.win.CXBus = b.bus
    await until(() => b.ours('Callback.opened') === 1, 'hook subscribed')
    return { ...w, ...b }
  }
  const events = (got: HookEntry[], name: string) => got.filter((e) => e.kind === 'event' && e.event === name) as { event: string; publisher: string; data: unknown }[]

  it('records at publish time a plugin registered through CXBus, and leaves the page nothing to notice', async () => {
    const { win, got, ours, lastThis } = await hooked()
    const seen: unknown[] = []
    win.CXBus.subscribe('Callback.opened', (e: { data: unknown }) => seen.push(e.data))
    const cb = win.CXBus.registerPlugin('Callback')
    expect(win.CXBus.registerPlugin.name).toBe('registerPluginInside') // same name and length as the bus's own
    expect(cb.publish.length).toBe(2)
    // our subscriptions to Callback events are gone: no extra bus timer per event any more
    for (const e of ['ready', 'opened', 'closed', 'minimized']) expect(ours(`Callback.${e}`)).toBe(0)
    expect(ours('WebChat.opened')).toBe(1) // other plugins keep theirs
    const meta = { opened: 5, errors: [] as string[], form: { firstname: 'Ada' } }
    expect(cb.publish('opened', meta)).toBe('published:opened') // the bus's own return value
    expect(lastThis()).toBe(cb) // and its own `this`
    // the widget mutates its metadata right after publishing: the record is what was published
    meta.errors.push('late')
    meta.form.firstname = 'Grace'
    await until(() => seen.length === 1 && events(got, 'Callback.opened').length === 1, 'page handler and record')
    expect(seen[0]).toBe(meta) // the page handler got the very object
    expect(events(got, 'Callback.opened')[0]).toMatchObject({ publisher: 'Callback', data: { opened: 5, errors: [], form: { firstname: 'Ada' } } })
    cb.publish('closed') // no data: the bus hands out {}
    await until(() => events(got, 'Callback.closed').length === 1, 'closed')
    expect(events(got, 'Callback.closed')[0]?.data).toEqual({})
  })

  it('a publish that throws reaches the caller unchanged and is not recorded', async () => {
    const { win, got } = await hooked()
    const cb = win.CXBus.registerPlugin('Callback')
    expect(() => cb.publish('explode', {})).toThrow('publish failed')
    cb.publish('opened', {})
    await until(() => events(got, 'Callback.opened').length === 1, 'next event')
    expect(events(got, 'Callback.explode')).toEqual([])
  })

  for (const [sync, unsubscribe] of [[false, false], [true, false], [false, 'lies'], [true, 'lies']] as const) {
    it(`records each event once when the bus ${unsubscribe === 'lies' ? 'says it unsubscribed but did not' : 'cannot unsubscribe'} (object data, no data${sync ? ', handlers run inside publish' : ''})`, async () => {
      const { win, got, ours } = await hooked({ unsubscribe, sync })
      const cb = win.CXBus.registerPlugin('Callback')
      // a lying bus: past the hook's grace after unsubscribing (3 s), when it awaits by name only
      await new Promise((r) => setTimeout(r, unsubscribe === 'lies' ? 3_200 : 50))
      expect(ours('Callback.opened')).toBe(1) // still subscribed: the dedupe must hold
      cb.publish('ready')
      cb.publish('opened', { opened: 1 })
      cb.publish('opened', { opened: 2 })
      cb.publish('minimized')
      await until(() => events(got, 'Callback.minimized').length >= 1, 'minimized')
      await new Promise((r) => setTimeout(r, 100))
      expect(events(got, 'Callback.ready')).toHaveLength(1)
      expect(events(got, 'Callback.opened').map((e) => (e.data as { opened: number }).opened)).toEqual([1, 2])
      expect(events(got, 'Callback.minimized')).toHaveLength(1)
      // nothing left over to hide a later event published some other way
      cb.publish('closed', { closed: 1 })
      await until(() => events(got, 'Callback.closed').length >= 1, 'closed') // a loaded machine takes longer than 50 ms
      await new Promise((r) => setTimeout(r, 50))
      expect(events(got, 'Callback.closed')).toHaveLength(1)
    }, 15_000)
  }

  for (const unsubscribe of [true, false]) {
    it(`records what a plugin announces through republish() (${unsubscribe ? 'unsubscribed' : 'still subscribed'})`, async () => {
      const { win, got } = await hooked({ unsubscribe })
      const cb = win.CXBus.registerPlugin('Callback')
      await new Promise((r) => setTimeout(r, 50))
      cb.republish('ready')
      cb.publish('opened', { opened: 1 })
      await until(() => events(got, 'Callback.opened').length === 1, 'opened')
      await new Promise((r) => setTimeout(r, 50))
      expect(names(got).filter((n) => (n as string).startsWith('Callback.'))).toEqual(['Callback.ready', 'Callback.opened'])
    })
  }

  it('records the lazy-load command also where before() does not say it refused a missing plugin', async () => {
    const { win, got } = await hooked({ beforeUndefined: true })
    await new Promise((r) => setTimeout(r, 300)) // registry checks "hooked" CallbackService.schedule already
    const svc = win.CXBus.registerPlugin('CallbackService')
    svc.registerCommand('schedule', () => {})
    win.CXBus.command('CallbackService.schedule', { phonenumber: '+44' })
    await until(() => names(got).includes('cmd:CallbackService.schedule'), 'command entry')
    win.CXBus.command('CallbackService.schedule', { phonenumber: '+45' })
    await new Promise((r) => setTimeout(r, 50))
    expect(names(got).filter((n) => n === 'cmd:CallbackService.schedule')).toHaveLength(2) // once each
  })

  it('a plugin registered where the hook cannot see it is still recorded, through the subscription', async () => {
    const { got, ours, registerPluginInside } = await hooked()
    const hidden = registerPluginInside('Callback') as { publish(e: string, d?: unknown): unknown }
    hidden.publish('opened', { opened: 7 })
    await until(() => events(got, 'Callback.opened').length === 1, 'subscribed capture')
    expect(ours('Callback.opened')).toBe(1)
    expect(events(got, 'Callback.opened')[0]?.data).toEqual({ opened: 7 })
  })

  it('records the first command to a plugin that registers it just now (a lazy load)', async () => {
    const { win, got } = await hooked()
    // the bus loads the plugin on its first command, then runs that command at once
    const svc = win.CXBus.registerPlugin('CallbackService')
    svc.registerCommand('schedule', () => {})
    const opts = { phonenumber: '+44' }
    expect(win.CXBus.command('CallbackService.schedule', opts)).toEqual({ deferred: 'CallbackService.schedule', options: opts })
    await until(() => names(got).includes('cmd:CallbackService.schedule'), 'command entry')
  })

  it('never runs a page getter while copying: a getter that publishes adds no event the page would not see', async () => {
    const { win, got } = await hooked()
    const seen: string[] = []
    for (const e of ['opened', 'changed']) win.CXBus.subscribe(`Callback.${e}`, () => seen.push(e))
    const cb = win.CXBus.registerPlugin('Callback')
    let reads = 0
    const meta = { opened: 1, get live() { reads++; cb.publish('changed', meta); return 'x' } }
    cb.publish('opened', meta) // the page itself never reads `live`
    await until(() => seen.length === 1 && events(got, 'Callback.opened').length === 1, 'opened')
    await new Promise((r) => setTimeout(r, 50))
    expect(reads).toBe(0)
    expect(seen).toEqual(['opened']) // exactly what the page sees without the extension
    expect(events(got, 'Callback.opened')[0]?.data).toEqual({ opened: 1, live: '[Getter]' })
    expect(events(got, 'Callback.changed')).toEqual([])
  })

  it('a Proxy trap that publishes while the hook copies: page order kept, no recursion', async () => {
    const { win, got } = await hooked()
    const seen: string[] = []
    for (const e of ['opened', 'changed']) win.CXBus.subscribe(`Callback.${e}`, () => seen.push(e))
    const cb = win.CXBus.registerPlugin('Callback')
    let traps = 0
    const meta: object = new Proxy({ opened: 1 }, { ownKeys(t) { if (traps++ === 0) cb.publish('changed', meta); return Reflect.ownKeys(t) } })
    cb.publish('opened', meta)
    await until(() => seen.length === 2 && events(got, 'Callback.changed').length === 1, 'both')
    expect(seen).toEqual(['opened', 'changed'])
    expect(traps).toBe(1) // the keys are listed once per copy; the nested publish is not copied in turn
    expect((names(got) as string[]).filter((n) => n.startsWith('Callback.'))).toEqual(['Callback.opened', 'Callback.changed'])
    expect(events(got, 'Callback.changed')[0]?.data).toMatch(/^\[Not copied/)
  })

  it('leaves an accessor-defined registerPlugin alone (its getter keeps deciding) and still records', async () => {
    const w = fakeWindow()
    installHook(w.win)
    w.accept()
    const b = fakeBus()
    let ready = false
    const real = b.bus.registerPlugin
    Object.defineProperty(b.bus, 'registerPlugin', { configurable: true, enumerable: true, get: () => (ready ? real : () => false) })
    w.win.CXBus = b.bus
    await until(() => b.ours('Callback.opened') === 1, 'hook subscribed')
    ready = true
    const cb = w.win.CXBus.registerPlugin('Callback')
    expect(cb).toBeTruthy() // the page's getter still runs
    expect(Object.getOwnPropertyDescriptor(b.bus, 'registerPlugin')?.get).toBeTypeOf('function')
    cb.publish('opened', { opened: 1 })
    await until(() => events(w.got, 'Callback.opened').length === 1, 'subscribed capture')
  })

  it('a frozen plugin interface is left alone and recorded through the subscription', async () => {
    const { win, got, ours } = await hooked({ frozen: true })
    const cb = win.CXBus.registerPlugin('Callback')
    expect(Object.isFrozen(cb)).toBe(true)
    cb.publish('opened', { opened: 3 })
    await until(() => events(got, 'Callback.opened').length === 1, 'subscribed capture')
    await new Promise((r) => setTimeout(r, 50))
    expect(events(got, 'Callback.opened')).toHaveLength(1)
    expect(ours('Callback.opened')).toBe(1)
  })
})

describe('page hook: the hand-over to the relay (a batch taken before dispatchEvent returns)', () => {
  const TYPE = '0123456789abcdef0123456789abcdef'
  /** A window that is a real EventTarget, and a relay on it: it says ready with TYPE and takes (cancels) what comes as TYPE events, unless `take` is off. */
  function relayedWindow(opts: { take?: boolean } = {}) {
    const connects: MessagePort[] = []
    const win = Object.assign(new EventTarget(), {
      postMessage(message: unknown, _origin: string, transfer?: Transferable[]) {
        if (isHookConnectMessage(message) && transfer?.[0]) connects.push(transfer[0] as MessagePort)
      },
    }) as unknown as HookWindow & EventTarget & Record<string, any>
    const handed: HookEntry[] = []
    const onPort: HookEntry[] = []
    const offers = { n: 0 }
    win.addEventListener(TYPE, (e) => {
      const b = handoffBatch((e as CustomEvent).detail)
      if (b) offers.n++
      if (!b || opts.take === false) return
      handed.push(...(JSON.parse(b.text) as HookEntry[]))
      e.preventDefault()
    })
    installHook(win)
    const port = connects[0] as MessagePort
    port.onmessage = (e) => {
      if (isHookBatch(e.data)) onPort.push(...(JSON.parse(e.data.text) as HookEntry[]))
    }
    const ready = (handoff: unknown = TYPE) => port.postMessage({ type: 'ready', handoff })
    return { win, handed, onPort, ready, offers }
  }

  it('hands every batch over synchronously once the relay gave its type, never on the port too; pagehide sends a waiting batch before it returns', async () => {
    const { win, handed, onPort, ready } = relayedWindow()
    ready()
    const { bus, publish } = fakeBus()
    win.CXBus = bus
    await until(() => names(handed).includes('marker:bus'), 'bus marker handed over')
    idle.hold = true // a busy page: no idle moment comes before it goes away
    try {
      publish('Callback.closed', { closed: 1 })
      await new Promise((r) => setTimeout(r, 20))
      expect(names(handed)).not.toContain('Callback.closed') // waiting for idle
      win.dispatchEvent(new Event('pagehide'))
      // no await: taken while the page's pagehide dispatch ran, before any later task
      expect(names(handed).filter((n) => n === 'Callback.closed')).toHaveLength(1)
    } finally {
      idle.hold = false
      idle.held.splice(0).forEach((cb) => cb())
    }
    await new Promise((r) => setTimeout(r, 50))
    expect(onPort).toEqual([]) // each batch went one way
    expect(names(handed).filter((n) => n === 'Callback.closed')).toHaveLength(1)
  })

  it('a batch nobody cancels (no relay listening), or a ready without a valid type, goes on the port, once', async () => {
    for (const [take, handoff] of [[false, TYPE], [true, 'not-a-type'], [true, null]] as const) {
      const { win, handed, onPort, ready, offers } = relayedWindow({ take })
      ready(handoff)
      const { bus, publish } = fakeBus()
      win.CXBus = bus
      publish('Callback.opened', {})
      await until(() => names(onPort).includes('Callback.opened'), `on the port (${take}, ${handoff})`)
      await new Promise((r) => setTimeout(r, 30))
      expect(names(onPort).filter((n) => n === 'Callback.opened')).toHaveLength(1)
      expect(handed).toEqual([])
      expect(offers.n > 0).toBe(handoff === TYPE) // offered as an event first only when the type was valid
    }
  })

  it('a page that listens, patches addEventListener/CustomEvent or plants Object.prototype getters sees neither the type nor a batch', async () => {
    const { win, handed, ready } = relayedWindow()
    const seen: unknown[] = []
    const proto = EventTarget.prototype
    const saved = { listen: proto.addEventListener, CE: globalThis.CustomEvent }
    const keys = ['detail', 'cancelable', 'bubbles', 'composed']
    try {
      // what a page can do once its scripts run (after the hook installed)
      // (dispatchEvent is patched in hostile.e2e.ts: happy-dom's own dispatchEvent calls the prototype's again)
      proto.addEventListener = function (this: EventTarget, t: string, ...rest: never[]) {
        seen.push(['listen', t])
        return (saved.listen as Fn).call(this, t, ...rest)
      }
      globalThis.CustomEvent = class extends saved.CE<unknown> {
        constructor(t: string, i?: CustomEventInit) {
          super(t, i)
          seen.push(['CustomEvent', t])
        }
      } as typeof CustomEvent
      for (const k of keys) Object.defineProperty(Object.prototype, k, { configurable: true, get() { seen.push(['getter', k, this]); return undefined } })
      for (const t of ['message', 'pagehide', 'cxbus', TYPE.replace('0', '1')]) win.addEventListener(t, (e) => seen.push(['page listener', e.type]), true)
      seen.length = 0
      ready()
      const { bus, publish } = fakeBus()
      win.CXBus = bus
      publish('Callback.opened', { secret: 'page data' })
      await until(() => names(handed).includes('Callback.opened'), 'handed over')
    } finally {
      proto.addEventListener = saved.listen
      globalThis.CustomEvent = saved.CE
      for (const k of keys) delete (Object.prototype as Record<string, unknown>)[k]
    }
    expect(seen.map((x) => JSON.stringify(x))).toEqual([])
  })
})

describe('page hook: a page that poisons built-ins after the hook installed', () => {
  /** A bus written like minified ES5 widgets code: no iterators, no Set, no push. */
  function es5Bus() {
    const subs: Record<string, Fn[]> = Object.create(null)
    const befores: Record<string, Fn[]> = Object.create(null)
    const ifaces: Record<string, unknown> = Object.create(null)
    let n = 0
    const append = (o: Record<string, Fn[]>, k: string, fn: Fn) => {
      const l = o[k] || (o[k] = [])
      l[l.length] = fn
    }
    const publish = (event: string, data: unknown) => {
      const l = subs[event] || []
      for (let i = 0; i < l.length; i++) {
        const fn = l[i] as Fn
        setTimeout(() => fn({ time: Date.now(), publisher: event.slice(0, event.indexOf('.')), event, data }), 0)
      }
      return true
    }
    const bus: Record<string, Fn> = {
      subscribe: (event: string, fn: Fn) => (append(subs, event, fn), `id${n++}`),
      command: (cmd: string, options: unknown) => {
        const l = befores[cmd] || []
        for (let i = 0; i < l.length; i++) options = (l[i] as Fn)(options)
        return true
      },
      registerPlugin: (name: string) => {
        if (ifaces[name]) return false
        const iface = {
          publish: (e: string, d: unknown) => publish(`${name}.${e}`, d),
          before: (cmd: string, fn: Fn) => (append(befores, cmd, fn), true),
          registry: () => ({ Callback: { events: ['Callback.opened'], commands: ['Callback.open'] } }),
          subscribe: (e: string, fn: Fn) => bus.subscribe!(e, fn),
        }
        ifaces[name] = iface
        return iface
      },
    }
    return bus
  }

  /**
   * The attacks of issue 11 (items 1 and 2): index setters 0..63 on Array.prototype that swallow
   * any object with its own `kind` or `time`, and a throwing Array iterator and Set methods.
   * Returns a restore function and what the setters swallowed.
   */
  function poison() {
    const swallowed = { count: 0 }
    const hasOwn = Object.prototype.hasOwnProperty
    const saved = { iter: Array.prototype[Symbol.iterator], forEach: Set.prototype.forEach, has: Set.prototype.has, add: Set.prototype.add }
    for (let i = 0; i < 64; i++) {
      Object.defineProperty(Array.prototype, i, {
        configurable: true,
        get: () => undefined,
        set(this: object, v: unknown) {
          if (v && typeof v === 'object' && (hasOwn.call(v, 'kind') || hasOwn.call(v, 'time'))) swallowed.count++
          else Object.defineProperty(this, i, { value: v, writable: true, enumerable: true, configurable: true })
        },
      })
    }
    const hostile = function () { throw new Error('hostile built-in') }
    Array.prototype[Symbol.iterator] = hostile as never
    Set.prototype.forEach = hostile as never
    Set.prototype.has = hostile as never
    Set.prototype.add = hostile as never
    const restore = () => {
      for (let i = 0; i < 64; i++) delete (Array.prototype as unknown as Record<number, unknown>)[i]
      Array.prototype[Symbol.iterator] = saved.iter
      Set.prototype.forEach = saved.forEach
      Set.prototype.has = saved.has
      Set.prototype.add = saved.add
    }
    return { swallowed, restore }
  }

  it('a toJSON the page planted on Object.prototype / Array.prototype is never called: batches are written without it', async () => {
    const { win, got, accept, listeners } = fakeWindow()
    installHook(win)
    accept()
    win.CXBus = es5Bus()
    const cb = win.CXBus.registerPlugin('Callback')
    await new Promise((r) => setTimeout(r, 50)) // the relay said ready
    const calls = { n: 0 }
    const planted = { configurable: true, writable: true, value: () => (calls.n++, 'hijacked') }
    Object.defineProperty(Object.prototype, 'toJSON', planted)
    Object.defineProperty(Array.prototype, 'toJSON', planted)
    try {
      cb.publish('opened', { form: { firstname: 'Ada' }, list: [1, { two: 2 }], toJSON: 'own data' })
      for (const l of listeners) if (l.type === 'pagehide') l.fn({}) // the batch is written now, poisoned
    } finally {
      delete (Object.prototype as Record<string, unknown>).toJSON
      delete (Array.prototype as unknown as Record<string, unknown>).toJSON
    }
    expect(calls.n).toBe(0)
    await until(() => names(got).includes('Callback.opened'), 'Callback.opened')
    expect(got.find((e) => e.kind === 'event')?.data).toEqual({ form: { firstname: 'Ada' }, list: [1, { two: 2 }], toJSON: 'own data' })
  })

  it('a get, set or value getter the page planted on Object.prototype never runs while the hook finds, wraps and reads the bus', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    accept()
    await new Promise((r) => setTimeout(r, 50)) // the relay said ready
    const calls: string[] = []
    // Every descriptor object inherits these: defineProperty({ value }) and d.get / d.value of a
    // descriptor would run them (and a `get` with a `value` makes defineProperty throw).
    for (const key of ['get', 'set', 'value']) {
      Object.defineProperty(Object.prototype, key, { __proto__: null, configurable: true, get: () => (calls.push(key), () => 'hijacked') } as PropertyDescriptor)
    }
    try {
      win.CXBus = es5Bus() // found through the hook's CXBus trap, right now
      const cb = win.CXBus.registerPlugin('Callback') as { publish: Fn } // wrapped by the hook
      cb.publish('opened', { opened: 1 })
    } finally {
      for (const key of ['get', 'set', 'value']) delete (Object.prototype as Record<string, unknown>)[key]
    }
    expect(calls).toEqual([])
    await until(() => names(got).includes('Callback.opened'), 'Callback.opened')
    expect(got.find((e) => e.kind === 'event' && e.event === 'Callback.opened')?.data).toEqual({ opened: 1 })
  })

  it('captures every event and the Callback.open command, before and after the relay is ready', async () => {
    const { win, got, accept } = fakeWindow()
    installHook(win)
    win.CXBus = es5Bus()
    const cb = win.CXBus.registerPlugin('Callback')
    await new Promise((r) => setTimeout(r, 300)) // the registry check hooked Callback.open
    let p = poison()
    try {
      // the relay is not ready yet: entries wait in the hook's queue
      cb.publish('opened', { opened: 1 })
      win.CXBus.command('Callback.open', { form: { firstname: 'Ada' } })
    } finally {
      p.restore()
    }
    expect(p.swallowed.count).toBe(0)
    accept()
    await until(() => names(got).includes('cmd:Callback.open') && names(got).includes('Callback.opened'), 'queued entries')
    p = poison() // synchronous only: the test runner shares this realm (the e2e test poisons a page for good)
    try {
      for (let i = 0; i < 70; i++) cb.publish('minimized', { i })
      win.CXBus.command('Callback.open', { again: true })
    } finally {
      p.restore()
    }
    await until(() => names(got).filter((n) => n === 'Callback.minimized').length === 70, '70 events')
    expect(p.swallowed.count).toBe(0)
    expect(names(got).filter((n) => n === 'cmd:Callback.open')).toHaveLength(2)
    expect(got.some((e) => e.kind === 'marker' && e.marker === 'dropped')).toBe(false)
  })
})

describe('relay guards (protocol.ts)', () => {
  it('accept only well-formed messages', () => {
    expect(isHookConnectMessage({ source: HOOK_SOURCE, v: 1, type: 'connect' })).toBe(true)
    expect(isHookConnectMessage({ source: HOOK_SOURCE, v: 999, type: 'connect' })).toBe(false)
    expect(isHookBatch({ type: 'batch', count: 1, lost: 1, text: '[]' })).toBe(true) // the text is the background's to check
    expect(isHookBatch({ type: 'batch', count: 1, lost: 1.5, text: '[]' })).toBe(false)
    expect(isHookBatch({ type: 'batch', count: 1, lost: 1, text: {} })).toBe(false)
    expect(isHookBatch({ type: 'entry', entry: { kind: 'event', time: 1, publisher: 'Callback', event: 'Callback.opened', data: {} } })).toBe(false)
    const b = { type: 'batch', pageLoadId: 'p1', seq: 0, count: 1, lost: 1, frameUrl: 'u', text: '[]' }
    expect(isRelayToBackground(b)).toBe(true)
    expect(isRelayToBackground({ ...b, seq: -1 })).toBe(false)
    expect(isRelayToBackground({ ...b, pageLoadId: '../../x' })).toBe(false)
    expect(isRelayToBackground({ ...b, frameUrl: undefined })).toBe(false)
    expect(isRelayToBackground({ ...b, text: 'x'.repeat(8_000_001) })).toBe(false)
    expect(isRelayToBackground({ type: 'entries', pageLoadId: 'p1', entries: [] })).toBe(false)
  })

  it('batchEntries numbers a batch\'s slots and counts malformed entries in one marker in the first bad slot', () => {
    const at = { pageLoadId: 'p1', seq: 10, count: 4, lost: 4, frameUrl: 'u' }
    const ok = { kind: 'event', time: 1, publisher: 'C', event: 'C.x', data: {} }
    const out = batchEntries([ok, { kind: 'event', time: 'x', event: 42, data: 'x' }, 'not an object', ok], at, 5)
    expect(out).toEqual([
      { ...ok, seq: 10, pageLoadId: 'p1', frameUrl: 'u' },
      { kind: 'marker', marker: 'dropped', time: 5, data: { count: 2, where: 'background' }, seq: 11, pageLoadId: 'p1', frameUrl: 'u' },
      { ...ok, seq: 13, pageLoadId: 'p1', frameUrl: 'u' },
    ])
    // not `count` entries: one marker for what the batch carried
    expect(batchEntries([ok], at, 5)).toEqual([{ kind: 'marker', marker: 'dropped', time: 5, data: { count: 4, where: 'background' }, seq: 10, pageLoadId: 'p1', frameUrl: 'u' }])
    expect(batchEntries({ length: 4 }, at, 5)).toHaveLength(1)
  })
})
