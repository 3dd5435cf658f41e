// @vitest-environment happy-dom
// The demo page's simulated Genesys bus (demo/cxbus-sim.js) and Callback plugin (demo/callback-sim.js):
// classic scripts, loaded here by evaluating their text in the happy-dom window.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

// vitest runs from the repository root
const read = (name: string) => readFileSync(path.resolve(process.cwd(), 'demo', name), 'utf8')
const BUS_JS = read('cxbus-sim.js')
const CALLBACK_JS = read('callback-sim.js')
const HOUSEKEEPING_JS = read('housekeeping-sim.js')

type Envelope = { time: number; publisher: string; event: string; data: any }
const W = window as any

function reset(): void {
  W.__cxbusSim?.housekeeping?.stop() // the Watchman timer
  for (const key of ['CXBus', '_genesys', '__cxbusSim', 'cxbusDemoConfig']) {
    try { delete W[key] } catch { /* ignore */ }
  }
  document.body.replaceChildren()
}

function runScript(code: string): void {
  // a classic script in the page's global scope
  new Function(code)()
}

function loadBus(config: Record<string, unknown> = {}): void {
  W.cxbusDemoConfig = { speed: 'fast', ...config }
  runScript(BUS_JS)
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))

async function waitFor<T>(fn: () => T | undefined | false, timeout = 3000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() - t0 > timeout) throw new Error('waitFor timed out')
    await tick(2)
  }
}

/** Load bus + Callback (+ the housekeeping plugins), wait for onReady, subscribe a copying and a non-copying recorder. */
async function loadWidgets(config: Record<string, unknown> = {}, opts: { housekeeping?: boolean } = {}) {
  const copies: Envelope[] = []
  const live: Envelope[] = []
  let bus: any = null
  W._genesys = { widgets: { onReady: (b: any) => { bus = b } } }
  loadBus(config)
  if (opts.housekeeping) runScript(HOUSEKEEPING_JS)
  runScript(CALLBACK_JS)
  await waitFor(() => bus)
  const names = ['ready', 'opened', 'started', 'submitted', 'completed', 'cancelled', 'closed', 'minimized', 'unminimized']
  for (const n of names) {
    bus.subscribe(`Callback.${n}`, (e: Envelope) => { copies.push(JSON.parse(JSON.stringify(e))); live.push(e) })
  }
  for (const n of ['ready', 'scheduled', 'scheduleError']) {
    bus.subscribe(`CallbackService.${n}`, (e: Envelope) => { copies.push(JSON.parse(JSON.stringify(e))); live.push(e) })
  }
  const sim = W.__cxbusSim
  const settle = async () => { for (let i = 0; i < 3; i++) { await sim.callback.idle(); await sim.flushed(); await tick(1) } }
  const ui = sim.callback.ui
  const type = async (field: string, value: string) => {
    ui.inputs[field].value = value
    ui.inputs[field].dispatchEvent(new Event('input', { bubbles: true }))
    await settle()
  }
  const names_ = () => copies.map((e) => e.event)
  await settle()
  return { bus, sim, copies, live, settle, ui, type, names: names_ }
}

beforeEach(reset)
afterEach(reset)

describe('demo bus (cxbus-sim.js)', () => {
  it('assigns window.CXBus when the script runs, without registry/publish (9.0.018.07)', () => {
    loadBus()
    expect(typeof W.CXBus).toBe('object')
    expect(typeof W.CXBus.subscribe).toBe('function')
    expect(typeof W.CXBus.command).toBe('function')
    expect(typeof W.CXBus.registerPlugin).toBe('function')
    expect(W.CXBus.registry).toBeUndefined()
    expect(W.CXBus.publish).toBeUndefined()
    expect('version' in W.CXBus).toBe(false) // 9.0.018.07: no CXBus.version
  })

  it('CXBus.subscribe returns false and does nothing until the bus registered its own CXBus plugin', async () => {
    loadBus()
    const got: string[] = []
    expect(W.CXBus.subscribe('T.x', () => got.push('early'))).toBe(false)
    await tick()
    const id = W.CXBus.subscribe('T.x', () => got.push('late'))
    expect(id).toBeTruthy()
    const t = W.__cxbusSim.registerPlugin('T')
    t.publish('x')
    await W.__cxbusSim.flushed()
    expect(got).toEqual(['late'])
  })

  it('dispatches asynchronously, each handler in its own task, in publish order, with the envelope', async () => {
    loadBus()
    await tick()
    const p = W.__cxbusSim.registerPlugin('Order')
    const calls: string[] = []
    const envs: Envelope[] = []
    // a microtask queued by the first handler runs before the second: each handler has its own task
    p.subscribe('Order.a', (e: Envelope) => { calls.push('h1:a'); envs.push(e); queueMicrotask(() => calls.push('micro')) })
    p.subscribe('Order.a', () => { calls.push('h2:a') })
    p.subscribe('Order.b', (e: Envelope) => { calls.push('h1:b'); envs.push(e) })
    const payload = { n: 1 }
    const before = Date.now()
    p.publish('a', payload)
    p.publish('b')
    expect(calls).toEqual([]) // nothing runs synchronously
    await Promise.resolve()
    expect(calls).toEqual([]) // nor in a microtask
    await W.__cxbusSim.flushed()
    expect(calls).toEqual(['h1:a', 'micro', 'h2:a', 'h1:b'])
    const [a, b] = envs as [Envelope, Envelope]
    expect(Object.keys(a).sort()).toEqual(['data', 'event', 'publisher', 'time'])
    expect(a.publisher).toBe('Order')
    expect(a.event).toBe('Order.a')
    expect(a.data).toBe(payload) // the same object, not a copy
    expect(b.data).toEqual({}) // {} when none
    expect(a.time).toBeGreaterThanOrEqual(before)
    expect(Number.isInteger(a.time)).toBe(true)
  })

  it('registerPlugin returns false for a taken name; registry lists plugins, events and commands', async () => {
    const { bus } = await loadWidgets()
    expect(bus.registerPlugin('Callback')).toBe(false)
    const reg = bus.registry()
    expect(Object.keys(reg)).toEqual(expect.arrayContaining(['CXBus', 'App', 'Callback']))
    expect(reg.Callback.events).toEqual(expect.arrayContaining(['Callback.ready', 'Callback.opened', 'Callback.closed']))
    // published but not registered, as in 9.x
    expect(reg.Callback.events).not.toContain('Callback.minimized')
    expect(reg.Callback.events).not.toContain('Callback.unminimized')
    expect(reg.Callback.commands).toEqual(expect.arrayContaining(['Callback.open', 'Callback.close', 'Callback.minimize']))
    // 9.0.018.07: no widgets.version; widgets-core answers common.data("version"), a plain function
    expect('version' in W._genesys.widgets).toBe(false)
    expect(typeof W._genesys.widgets.common.data).toBe('function')
    expect(W._genesys.widgets.common.data('version')).toBe('9.0.018.07')
    expect(W._genesys.widgets.bus).toBe(bus)
  })

  it('republishes ready once to a late subscriber, with the time it subscribed', async () => {
    const { bus, copies } = await loadWidgets()
    const firstReady = copies.find((e) => e.event === 'Callback.ready')!
    await tick(30)
    const got: Envelope[] = []
    const subscribedAt = Date.now()
    bus.subscribe('Callback.ready', (e: Envelope) => got.push(e))
    await W.__cxbusSim.flushed()
    await tick(5)
    expect(got).toHaveLength(1)
    expect(got[0]!.event).toBe('Callback.ready')
    expect(got[0]!.publisher).toBe('Callback')
    expect(got[0]!.data).toEqual({})
    expect(got[0]!.time).toBeGreaterThanOrEqual(subscribedAt)
    expect(got[0]!.time).toBeGreaterThan(firstReady.time)
  })

  it('calls a page onReady set before the widgets load, and keeps the page config object', async () => {
    const config = { main: { debug: false }, onReady: null as any }
    let calledWith: any = null
    config.onReady = (b: any) => { calledWith = b }
    W._genesys = { widgets: config }
    loadBus()
    runScript(CALLBACK_JS)
    await waitFor(() => calledWith)
    expect(W._genesys.widgets).toBe(config)
    expect(calledWith).toBe(W._genesys.widgets.bus)
  })

  it('command() returns a deferred with done/fail/always; before() hooks see the options', async () => {
    const { bus, settle } = await loadWidgets()
    const seen: any[] = []
    expect(bus.before('Callback.open', (o: any) => { seen.push(o); return o })).toBe(true)
    const d = bus.command('Callback.open', { userData: { a: 1 } })
    expect(typeof d.done).toBe('function')
    expect(typeof d.fail).toBe('function')
    expect(typeof d.always).toBe('function')
    const result = await new Promise((r) => { d.done(() => r('done')).fail(() => r('fail')) })
    expect(result).toBe('done')
    expect(seen).toEqual([{ userData: { a: 1 } }])
    const unknown = await new Promise((r) => bus.command('Nope.cmd').fail((e: unknown) => r(e)).done(() => r('done')))
    expect(String(unknown)).toMatch(/not found/i)
    await settle()
  })

  it('refuses Callback.close after the user typed ("User must confirm close") and shows the overlay', async () => {
    const { bus, type, settle, ui, names } = await loadWidgets()
    await new Promise((r) => bus.command('Callback.open').always(r))
    await type('firstname', 'Ada')
    const err = await new Promise((r) => bus.command('Callback.close').fail((e: unknown) => r(e)).done(() => r('done')))
    expect(err).toBe('User must confirm close')
    await settle()
    expect(ui.root.querySelector('[data-testid="cx-overlay"]').hidden).toBe(false)
    ui.confirmYes.click()
    await settle()
    expect(names()).toEqual(['Callback.ready', 'Callback.opened', 'Callback.started', 'Callback.cancelled', 'Callback.closed'])
  })
})

describe('demo Callback plugin (callback-sim.js), shipped 9.x behaviour', () => {
  it('auto-submit: submitted before opened (opened false, elapsed absolute), then opened, started, completed', async () => {
    const { bus, copies, settle } = await loadWidgets()
    await new Promise((r) => bus.command('Callback.open', { form: { autoSubmit: true, firstname: 'Ada', lastname: 'L', phonenumber: '+44 20 7946 0000', subject: 's' } }).always(r))
    await waitFor(() => copies.some((e) => e.event === 'Callback.completed'))
    await settle()
    const seq = copies.map((e) => e.event)
    expect(seq).toEqual(['Callback.ready', 'Callback.submitted', 'CallbackService.ready', 'Callback.opened', 'Callback.started', 'CallbackService.scheduled', 'Callback.completed'])
    const submitted = copies[1]!
    expect(submitted.data).toMatchObject({ opened: false, started: false, prefilled: true, autoSubmitted: true, errors: false })
    expect(submitted.data.form).toMatchObject({ firstname: 'Ada', lastname: 'L', _customer_number: '+44 20 7946 0000', subject: 's' })
    expect(Math.abs(submitted.data.elapsed - submitted.time)).toBeLessThanOrEqual(3) // now - false
    const opened = copies[3]!.data
    const started = copies[4]!.data
    expect(started.started - opened.opened).toBeGreaterThanOrEqual(0)
    expect(started.started - opened.opened).toBeLessThanOrEqual(1)
  })

  it('resets all metadata after closed; the closed event keeps its values', async () => {
    const { bus, copies, live, type, settle, ui } = await loadWidgets()
    await new Promise((r) => bus.command('Callback.open').always(r))
    await type('firstname', 'Ada')
    await type('phone', '+44 20 7946 0000')
    ui.submit.click()
    await waitFor(() => copies.some((e) => e.event === 'Callback.completed'))
    await settle()
    ui.close.click() // completed: no confirmation needed
    await settle()
    await new Promise((r) => bus.command('Callback.open').always(r))
    await settle()
    const closed = copies.find((e) => e.event === 'Callback.closed')!
    expect(closed.data.closed).toBeTypeOf('number')
    expect(closed.data.elapsed).toBe(closed.data.closed - closed.data.opened) // shipped formula
    const reopened = copies.filter((e) => e.event === 'Callback.opened')[1]!
    expect(reopened.data).toMatchObject({ errors: false, form: {}, started: false, completed: false, cancelled: false, closed: false, prefilled: false, autoSubmitted: false, proactive: false })
    expect(reopened.data.opened).toBeTypeOf('number')
    expect(reopened.data.elapsed).toBeLessThanOrEqual(3)
    // a new metadata object: the live closed data was not wiped
    const liveClosed = live.find((e) => e.event === 'Callback.closed')!
    const liveReopened = live.filter((e) => e.event === 'Callback.opened')[1]!
    expect(liveReopened.data).not.toBe(liveClosed.data)
    expect(liveClosed.data.closed).toBe(closed.data.closed)
  })

  it('a failure publishes only CallbackService.scheduleError and pushes onto ONE shared errors array', async () => {
    const { bus, copies, live, type, settle, ui } = await loadWidgets({ service: 'fail', failstatus: 400 })
    await new Promise((r) => bus.command('Callback.open').always(r))
    await type('firstname', 'Ada')
    await type('phone', '+1 555 0100')
    ui.submit.click()
    await waitFor(() => copies.some((e) => e.event === 'CallbackService.scheduleError'))
    await settle()
    const err = copies.find((e) => e.event === 'CallbackService.scheduleError')!
    expect(err.publisher).toBe('CallbackService')
    expect(err.data).toEqual({
      readyState: 4, status: 400, statusText: 'Bad Request',
      responseText: JSON.stringify(err.data.responseJSON),
      responseJSON: { code: 7030, message: 'Callback parameter _customer_number is not a valid phone number' },
    })
    // no Callback event for the failure
    expect(copies.map((e) => e.event)).toEqual(['Callback.ready', 'Callback.opened', 'Callback.started', 'Callback.submitted', 'CallbackService.ready', 'CallbackService.scheduleError'])
    const firstSubmitted = live.find((e) => e.event === 'Callback.submitted')!
    const firstForm = firstSubmitted.data.form
    // resubmit: a second submitted, same interaction, errors now set (shows on the next event)
    ui.submit.click()
    await waitFor(() => copies.filter((e) => e.event === 'CallbackService.scheduleError').length === 2)
    await settle()
    const submits = copies.filter((e) => e.event === 'Callback.submitted')
    expect(submits).toHaveLength(2)
    expect(submits[0]!.data.errors).toBe(false)
    expect(submits[1]!.data.errors).toEqual(['Please enter a valid phone number.'])
    // the live data object is shared and mutated: the first event's data shows both errors now
    expect(firstSubmitted.data.errors).toEqual(['Please enter a valid phone number.', 'Please enter a valid phone number.'])
    const liveSubmits = live.filter((e) => e.event === 'Callback.submitted')
    expect(liveSubmits[1]!.data).toBe(liveSubmits[0]!.data)
    // form replaced on each submit
    expect(liveSubmits[1]!.data.form).not.toBe(firstForm)
    // close: submitted -> cancelled -> closed, errors kept
    ui.close.click(); await settle()
    ui.confirmYes.click(); await settle()
    const tail = copies.slice(-2)
    expect(tail.map((e) => e.event)).toEqual(['Callback.cancelled', 'Callback.closed'])
    expect(tail[0]!.data.errors).toHaveLength(2)
    expect(tail[1]!.data.closed - tail[0]!.data.cancelled).toBeGreaterThanOrEqual(0)
  })

  it('abandon without typing: opened -> cancelled -> closed; minimize publishes minimized/unminimized with {}', async () => {
    const { bus, copies, settle, ui } = await loadWidgets()
    await new Promise((r) => bus.command('Callback.open').always(r))
    await new Promise((r) => bus.command('Callback.minimize', { minimized: true }).always(r))
    await new Promise((r) => bus.command('Callback.minimize', { minimized: false }).always(r))
    ui.close.click()
    await settle()
    expect(copies.map((e) => e.event)).toEqual(['Callback.ready', 'Callback.opened', 'Callback.minimized', 'Callback.unminimized', 'Callback.cancelled', 'Callback.closed'])
    expect(copies[2]!.data).toEqual({})
    const opened = copies[1]!.data
    expect(Object.keys(opened)).toEqual(['proactive', 'prefilled', 'autoSubmitted', 'errors', 'form', 'opened', 'started', 'cancelled', 'completed', 'closed', 'elapsed'])
  })

  it('faults: duplicate=1 publishes opened twice; elapsed=wrong adds 12345; seconds=1 uses seconds', async () => {
    let w = await loadWidgets({ duplicate: true, elapsed: 'wrong', seconds: true })
    await new Promise((r) => w.bus.command('Callback.open').always(r))
    await w.settle()
    const opens = w.copies.filter((e) => e.event === 'Callback.opened')
    expect(opens).toHaveLength(2)
    const d = opens[0]!.data
    expect(d.opened).toBeLessThan(1e11) // seconds
    expect(d.elapsed).toBeGreaterThanOrEqual(12345)
  })

  it('legacy=1: no window.CXBus; _genesys.cxwidget.bus and cxwidget.onReady', async () => {
    let bus: any = null
    W._genesys = { cxwidget: { onReady: (b: any) => { bus = b } } }
    loadBus({ legacy: true })
    runScript(CALLBACK_JS)
    await waitFor(() => bus)
    expect(W.CXBus).toBeUndefined()
    expect(W._genesys.cxwidget.bus).toBe(bus)
    expect(W._genesys.cxwidget.version).toMatch(/^8\.5\./)
    expect(W._genesys.widgets).toBeUndefined()
  })
})

describe('demo CallbackService failures: the jqXHR-like scheduleError of each switch', () => {
  const submitOnce = async (w: Awaited<ReturnType<typeof loadWidgets>>) => {
    await new Promise((r) => w.bus.command('Callback.open').always(r))
    await w.type('firstname', 'Ada')
    await w.type('phone', '+44 20 7946 0000')
    w.ui.submit.click()
    await waitFor(() => w.copies.some((e) => e.event.startsWith('CallbackService.schedule')))
    await w.settle()
    return w.copies.find((e) => e.event.startsWith('CallbackService.schedule'))!
  }
  const cases: [status: number, expected: Record<string, unknown>, error: string][] = [
    [500, { readyState: 4, status: 500, statusText: 'Internal Server Error', responseText: '{"message":"Internal Server Error"}', responseJSON: { message: 'Internal Server Error' } }, 'unknown'],
    [429, { readyState: 4, status: 429, statusText: 'Too Many Requests', responseText: 'Too Many Requests' }, 'unknown'],
    [0, { readyState: 0, status: 0, statusText: 'error', responseText: '' }, 'unknown'],
    [400, { readyState: 4, status: 400, statusText: 'Bad Request', responseJSON: { code: 7030, message: 'Callback parameter _customer_number is not a valid phone number' } }, 'Please enter a valid phone number.'],
  ]
  for (const [status, expected, error] of cases) {
    it(`failstatus=${status}`, async () => {
      const w = await loadWidgets({ service: 'fail-once', failstatus: status })
      const err = await submitOnce(w)
      expect(err.event).toBe('CallbackService.scheduleError')
      expect(err.data).toMatchObject(expected)
      if (!('responseJSON' in expected)) expect('responseJSON' in err.data).toBe(false)
      expect(w.sim.callback.meta().errors).toEqual([error])
    })
  }

  it('failNext(n, status) fails the next n requests with that status, then the service succeeds', async () => {
    const w = await loadWidgets()
    w.sim.callback.service.failNext(2, 429)
    await new Promise((r) => w.bus.command('Callback.open').always(r))
    await w.type('firstname', 'Ada')
    await w.type('phone', '+44 20 7946 0000')
    for (let i = 1; i <= 3; i++) {
      w.ui.submit.click()
      await waitFor(() => w.copies.filter((e) => /^CallbackService\.schedule/.test(e.event)).length === i)
      await w.settle()
    }
    expect(w.copies.filter((e) => /^CallbackService\.schedule/.test(e.event)).map((e) => `${e.event}:${e.data.status ?? ''}`))
      .toEqual(['CallbackService.scheduleError:429', 'CallbackService.scheduleError:429', 'CallbackService.scheduled:'])
    expect(w.copies.at(-1)!.event).toBe('Callback.completed')
  })
})

describe('demo housekeeping plugins (housekeeping-sim.js): the traffic of a real 9.0.018.07 page', () => {
  /** Every envelope of the given names, recorded from subscriptions made before the App starts. */
  async function loadAll(config: Record<string, unknown> = {}) {
    const seen: string[] = []
    const commands: string[] = []
    const published: string[] = []
    W._genesys = { widgets: { main: { theme: 'light', lang: 'en' }, callback: { dataURL: '/x' }, onReady: () => {} } }
    loadBus(config)
    await tick() // CXBus registered its own plugin: subscribe works from now
    const rec = (e: Envelope) => seen.push(e.event)
    const sim = W.__cxbusSim
    // record the commands and publishes of every plugin (the App's start-up included)
    W.CXBus.registerPlugin = ((orig) => (name: string) => {
      const iface = orig(name)
      if (iface) {
        const pub = iface.publish
        iface.publish = (ev: string, data?: unknown) => { published.push(`${name}.${ev}`); return pub(ev, data) }
        const reg = iface.registerCommand
        iface.registerCommand = (cmd: string, fn: (e: any) => void) => reg(cmd, (e: any) => { commands.push(`${name}.${cmd}`); fn(e) })
      }
      return iface
    })(W.CXBus.registerPlugin)
    for (const n of ['App.ready', 'App.focus', 'App.theme', 'App.i18n', 'App.language', 'Watchman.ready', 'Watchman.tick', 'StatsService.ready', 'CoBrowse.ready', 'WindowManager.changed', 'Callback.ready', 'Callback.opened', 'Callback.closed']) W.CXBus.subscribe(n, rec)
    if (config.noise !== false) runScript(HOUSEKEEPING_JS)
    runScript(CALLBACK_JS) // starts the App
    return { seen, commands, published, sim }
  }

  it('start-up: every plugin configured, language and theme set, ready events; Watchman uptime:N and tick every second', async () => {
    const { seen, commands, sim } = await loadAll()
    await waitFor(() => seen.includes('App.ready'))
    expect(commands).toEqual(expect.arrayContaining(['App.configure', 'Watchman.configure', 'WindowManager.configure', 'StatsService.configure', 'CoBrowse.configure', 'Callback.configure', 'App.registerI18n', 'App.setLanguage', 'App.setTheme']))
    expect(seen).toEqual(expect.arrayContaining(['Watchman.ready', 'StatsService.ready', 'CoBrowse.ready', 'Callback.ready', 'App.i18n', 'App.language', 'App.theme', 'App.ready']))
    // counted names: every second uptime:N then tick (subscribed by their exact names)
    const uptime: string[] = []
    for (const n of ['Watchman.uptime:1', 'Watchman.uptime:2']) W.CXBus.subscribe(n, (e: Envelope) => uptime.push(e.event))
    const t0 = Date.now()
    await waitFor(() => uptime.length === 2, 3500)
    expect(Date.now() - t0).toBeGreaterThan(1000)
    expect(uptime).toEqual(['Watchman.uptime:1', 'Watchman.uptime:2'])
    expect(seen.filter((e) => e === 'Watchman.tick').length).toBeGreaterThanOrEqual(2)
    expect(sim.published()).toBeGreaterThan(seen.length) // every publish counted, subscribed or not
  })

  it('a Callback window is added and removed per instance (WindowManager.added/removed.Callback#<guid>), with App.focus and App.theme', async () => {
    const { seen, published } = await loadAll()
    await waitFor(() => seen.includes('App.ready'))
    const sim = W.__cxbusSim
    const reg = sim.registry()
    expect(reg.WindowManager.events).toEqual(['WindowManager.changed'])
    const bus = W._genesys.widgets.bus
    const ids: string[] = []
    bus.before('WindowManager.removeWindow', (o: any) => { ids.push(o.id); return o })
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => bus.command('Callback.open').always(r))
      await sim.callback.idle()
      sim.callback.ui.close.click()
      await waitFor(() => ids.length === i + 1)
      await sim.flushed()
    }
    expect(ids).toHaveLength(2)
    expect(ids[0]).toMatch(/^Callback#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(ids[1]).not.toBe(ids[0])
    expect(published.filter((e) => /^WindowManager\.(added|removed)\./.test(e))).toEqual([
      `WindowManager.added.${ids[0]}`, `WindowManager.removed.${ids[0]}`, `WindowManager.added.${ids[1]}`, `WindowManager.removed.${ids[1]}`,
    ])
    expect(seen.filter((e) => e === 'WindowManager.changed')).toHaveLength(4)
    expect(seen.filter((e) => e === 'App.focus')).toHaveLength(2)
    expect(seen.filter((e) => e === 'App.theme').length).toBeGreaterThanOrEqual(3) // start-up + one reTheme per window
    const order = seen.filter((e) => /^(Callback\.(opened|closed)|WindowManager\.changed)$/.test(e))
    expect(order.slice(0, 4)).toEqual(['WindowManager.changed', 'Callback.opened', 'Callback.closed', 'WindowManager.changed'])
  })

  it('noise=0 (unit tests only): a quiet bus with Callback and the App, no start-up traffic', async () => {
    const { seen, commands } = await loadAll({ noise: false })
    await waitFor(() => seen.includes('App.ready'))
    await tick(20)
    expect(commands).toEqual([])
    expect(seen).toEqual(['Callback.ready', 'App.ready'])
  })
})
