// Node (tests, bench). Generates valid captures of the shipped 9.x runtime (SPEC.md §2-3) from a seed:
// an emulation of the plugin's metadata object, not of the checker, so property tests and the bench
// see realistic sessions: ready first, the three documented scenarios, auto-submit (submitted before
// opened, elapsed absolute), failed submit then retry or cancel (errors kept), minimize/restore,
// interactions in a row with fresh metadata, several plugins interleaved and several page loads.
// Timing follows §2: own timestamp 0-8 ms before the envelope time, "now" 0-3 ms before it,
// cancelled and closed 0-1 ms apart.
import type { Json, JsonObject, Session, SessionEntry } from '../../src/core/model.ts'
import { SESSION_FORMAT, SESSION_VERSION } from '../../src/core/model.ts'

export type Scenario = 'close-untouched' | 'typed-cancel' | 'complete' | 'auto-submit' | 'failed-retry' | 'failed-cancel' | 'minimize'
export const SCENARIOS: readonly Scenario[] = ['close-untouched', 'typed-cancel', 'complete', 'auto-submit', 'failed-retry', 'failed-cancel', 'minimize']

export interface GenerateOptions {
  seed?: number
  /** Interactions per plugin and page load (default 3). Ignored when `events` is given. */
  interactions?: number
  /** Generate until exactly this many entries (the last interaction may stay unclosed). */
  events?: number
  /** Page loads (default 1); each gets its own pageLoadId "p1", "p2", ... */
  pageLoads?: number
  /** Plugins on the page, interleaved in time (default ['Callback']). */
  plugins?: readonly ('Callback' | 'SendMessage')[]
  /** Scenarios to draw from (default all). */
  scenarios?: readonly Scenario[]
  /** Leave out pageLoadId (older captures); page loads are then separated by page-load markers only. */
  noPageLoadId?: boolean
  /** Epoch of the first page load (default 1764000000000). */
  base?: number
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An entry before numbering (seq is assigned once the plugins are interleaved). */
type Raw = SessionEntry

interface Meta {
  proactive: boolean
  prefilled: boolean
  autoSubmitted: boolean
  errors: false | string[]
  form: JsonObject
  opened: number | false
  started: number | false
  cancelled: number | false
  completed: number | false
  closed: number | false
  elapsed: number
}

const fresh = (): Meta => ({
  proactive: false, prefilled: false, autoSubmitted: false, errors: false, form: {},
  opened: false, started: false, cancelled: false, completed: false, closed: false, elapsed: 0,
})

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara']
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov']

/** One plugin instance on one page: its metadata object and its clock. */
class PluginSim {
  private meta = fresh()
  private lastEnv = 0
  private serviceReady = false
  constructor(
    private readonly plugin: string,
    private readonly r: () => number,
    private readonly out: Raw[],
    public t: number,
  ) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.r() * (max - min + 1))
  }
  wait(min: number, max: number): void {
    this.t += this.int(min, max)
  }

  private env(ts: number): number {
    const env = Math.max(this.lastEnv, ts + this.int(0, 8))
    this.lastEnv = env
    return env
  }

  private emit(event: string, data: Json, time: number, publisher = this.plugin): void {
    this.out.push({ seq: -1, kind: 'event', time, publisher, event: `${publisher}.${event}`, data })
  }

  command(name: string, data: JsonObject): void {
    this.out.push({ seq: -1, kind: 'command', time: this.env(this.t), command: `${this.plugin}.${name}`, data })
  }

  ready(): void {
    this.emit('ready', {}, this.env(this.t))
  }

  /** Publish a lifecycle step the way 9.x does: set the own timestamp, compute elapsed from "now", copy. */
  step(name: 'opened' | 'started' | 'submitted' | 'completed' | 'cancelled' | 'closed', opts: { freshElapsed?: boolean } = {}): void {
    const m = this.meta
    const ts = this.t
    if (name !== 'submitted') m[name] = ts
    const env = this.env(ts)
    const now = Math.max(ts, env - this.int(0, 3))
    // Shipped formula: (closed || now) - opened, with opened possibly false (= 0).
    m.elapsed = opts.freshElapsed ? 0 : (m.closed !== false ? m.closed : now) - (m.opened === false ? 0 : m.opened)
    this.emit(name, snapshot(m), env)
    this.t = env
    if (name === 'closed') this.meta = fresh()
  }

  plain(name: 'minimized' | 'unminimized'): void {
    this.emit(name, {}, this.env(this.t))
  }

  fillForm(): void {
    const i = this.int(0, FIRST.length - 1)
    this.meta.form = {
      firstname: FIRST[i] as string, lastname: LAST[i] as string,
      _customer_number: `+1555${this.int(1000000, 9999999)}`, subject: 'Billing', _desired_time: 'asap',
    }
  }

  /** CallbackService companion events (only for Callback): loaded on first submit. */
  service(event: 'scheduled' | 'scheduleError'): void {
    if (this.plugin !== 'Callback') return
    if (!this.serviceReady) {
      this.serviceReady = true
      this.emit('ready', {}, this.env(this.t), 'CallbackService')
    }
    const data: Json = event === 'scheduled'
      ? { id: `cb-${this.int(1, 1e6)}` }
      : { readyState: 4, status: 400, statusText: 'Bad Request', responseText: '{"error":"phone"}', responseJSON: { error: 'phone' } }
    this.emit(event, data, this.env(this.t), 'CallbackService')
  }

  failSubmit(): void {
    this.service('scheduleError')
    // One shared array that keeps growing; each published event carries a copy (snapshot).
    const errs = this.meta.errors === false ? [] : this.meta.errors
    errs.push(errs.length === 0 ? 'Please enter a valid phone number.' : 'unknown')
    this.meta.errors = errs
  }

  close(outcome: 'cancelled' | 'completed'): void {
    if (outcome === 'cancelled') {
      this.step('cancelled')
      this.wait(0, 1)
      this.step('closed')
    } else {
      this.step('completed')
      this.wait(800, 4000)
      this.step('closed')
    }
  }

  run(s: Scenario): void {
    if (s === 'auto-submit') {
      this.command('open', { form: { autoSubmit: true, firstname: 'Ada', lastname: 'Lovelace', phonenumber: '+15550100' } })
      this.wait(1, 5)
      this.meta.prefilled = true
      this.meta.autoSubmitted = true
      this.fillForm()
      this.step('submitted')
      this.wait(5, 40)
      this.step('opened', {})
      this.wait(0, 1)
      this.step('started')
      this.wait(150, 1200)
      this.service('scheduled')
      this.close('completed')
      return
    }
    if (this.r() < 0.5) {
      this.command('open', {})
      this.wait(1, 30)
    }
    this.step('opened', { freshElapsed: true })
    if (s === 'close-untouched') {
      this.wait(500, 5000)
      this.close('cancelled')
      return
    }
    if (s === 'minimize') {
      this.wait(200, 2000)
      this.plain('minimized')
      this.wait(500, 5000)
      this.plain('unminimized')
    }
    this.wait(300, 3000)
    this.step('started')
    if (s === 'typed-cancel' || (s === 'minimize' && this.r() < 0.5)) {
      this.wait(1000, 8000)
      this.close('cancelled')
      return
    }
    this.wait(2000, 9000)
    this.fillForm()
    this.step('submitted')
    if (s === 'failed-retry' || s === 'failed-cancel') {
      this.wait(100, 900)
      this.failSubmit()
      this.wait(2000, 6000)
      if (s === 'failed-cancel') {
        this.close('cancelled')
        return
      }
      this.fillForm()
      this.step('submitted')
    }
    this.wait(150, 1200)
    this.service('scheduled')
    this.wait(0, 5)
    this.close('completed')
  }
}

function snapshot(m: Meta): JsonObject {
  return { ...m, errors: m.errors === false ? false : [...m.errors], form: { ...m.form } }
}

export function generateSession(options: GenerateOptions = {}): Session {
  const r = rng(options.seed ?? 1)
  const plugins = options.plugins ?? ['Callback']
  const scenarios = options.scenarios ?? SCENARIOS
  const pageLoads = Math.max(1, options.pageLoads ?? 1)
  const target = options.events
  const perPage = options.interactions ?? 3
  const entries: SessionEntry[] = []
  let seq = 0
  let pageStart = options.base ?? 1764000000000

  for (let page = 1; target !== undefined ? entries.length < target : page <= pageLoads; page++) {
    const pageLoadId = options.noPageLoadId ? undefined : `p${page}`
    const url = `https://shop.example.test/contact?visit=${page}`
    const raw: Raw[] = [{ seq: -1, kind: 'marker', time: pageStart, marker: 'page-load', data: { url } }]
    raw.push({ seq: -1, kind: 'marker', time: pageStart + 40, marker: 'bus', data: { via: 'CXBus', widgetsVersion: '9.0.018.07' } })
    let pageEnd = pageStart
    // Page loads for a `events` target are long (many interactions) so a page holds many entries.
    const count = target !== undefined ? Math.max(perPage, 200) : perPage
    for (const plugin of plugins) {
      const sim = new PluginSim(plugin, r, raw, pageStart + 300 + simOffset(plugin))
      sim.ready()
      for (let i = 0; i < count; i++) {
        sim.wait(700, 20000)
        sim.run(scenarios[Math.floor(r() * scenarios.length)] as Scenario)
      }
      pageEnd = Math.max(pageEnd, sim.t)
    }
    // Interleave the plugins by envelope time; each plugin's own entries stay in order (stable sort).
    raw.sort((a, b) => a.time - b.time)
    for (const e of raw) {
      if (target !== undefined && entries.length >= target) break
      const entry = { ...e, seq: seq++ }
      if (pageLoadId !== undefined) entry.pageLoadId = pageLoadId
      entry.frameUrl = url
      entries.push(entry)
    }
    pageStart = pageEnd + 60_000
  }

  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    source: { url: 'https://shop.example.test/contact', widgetsVersion: '9.0.018.07', userAgent: 'generator' },
    events: entries,
  }
}

/** Start the second plugin a little later so the two timelines interleave rather than coincide. */
function simOffset(plugin: string): number {
  return plugin === 'Callback' ? 0 : 137
}
