// Node (test kit). One capture of one page, whatever drives it: the adapters (playwright.ts,
// puppeteer.ts) only inject the hook and route its calls to a Collector; everything a test asks
// (waitFor, the session file, the checker's report, the stories, the CLI's text) is answered here,
// with the project's own core (check.ts, story.ts, report/analyze.ts, the CLI's text).
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { check } from '../src/core/check.ts'
import { matchesPattern, namePattern } from '../src/core/focus.ts'
import { PROFILES } from '../src/core/lifecycle/profiles.ts'
import type { Report, Session, SessionEntry } from '../src/core/model.ts'
import { describe, serializeSession } from '../src/core/session.ts'
import type { InteractionStory } from '../src/core/story.ts'
import { analyzeSession, type QaAnalysis } from '../src/report/analyze.ts'
import { renderReportHtml } from '../src/report/html.tsx'
import { TOOL_VERSION } from '../src/report/version.ts'
import { failureText } from '../cli/main.ts'
import { settingsOf, type CheckSettings } from '../src/report/analyze.ts'
import { Collector, entryName, type CollectorOptions } from './collector.ts'

export { entryName }

/** The content of a --config file (severities, tolerances, coverage, require): see the README. */
export type CheckConfig = Record<string, unknown>

export interface WaitOptions {
  /** Milliseconds (default 10 000); a finite number of 0 or more. */
  timeout?: number
  /** Wait for the n-th such entry since the capture began (default 1); a whole number of 1 or more (0 is refused: nothing to wait for). */
  count?: number
}

export interface CaptureOptions extends CollectorOptions {
  /** Options of check(), interactions() and expectNoErrors() when they are called without (a --config object). */
  config?: CheckConfig
}


const claimed = new WeakSet<object>()

/** What each adapter calls on the page (unguarded), and where its kit is. */
const DRIVERS = {
  Playwright: { module: 'cxbus-devtools/playwright', methods: ['on', 'exposeBinding', 'addInitScript'] },
  Puppeteer: { module: 'cxbus-devtools/puppeteer', methods: ['on', 'exposeFunction', 'evaluateOnNewDocument', 'browser'] },
} as const
export type Driver = keyof typeof DRIVERS

/** What `page` is instead of a page of `driver` (for the message), or null when it is one. */
function notAPage(page: unknown, driver: Driver): string | null {
  if (typeof page !== 'object' || page === null) return describe(page)
  const has = (m: string): boolean => typeof (page as Record<string, unknown>)[m] === 'function'
  // First: a Playwright context has a page's methods too, but would mix the pages it opens in one capture.
  if (has('newPage')) return 'a browser or browser context (it has newPage()): pass a page, e.g. await browser.newPage()'
  const missing = DRIVERS[driver].methods.filter((m) => !has(m))
  if (missing.length === 0) return null
  const other = (Object.keys(DRIVERS) as Driver[]).find((d) => d !== driver && DRIVERS[d].methods.every(has))
  if (other) return `a ${other} page: use captureCxbus from ${DRIVERS[other].module}`
  return `an object without ${missing.map((m) => `${m}()`).join(', ')}`
}

/**
 * The adapters call it first: a page of the wrong driver (or none) fails with what was expected,
 * not with the runner's "page.exposeBinding is not a function"; and one capture per page: a second
 * captureCxbus on the same page fails with this, not with the runner's "already registered".
 */
export function claimPage(page: unknown, driver: Driver): void {
  const wrong = notAPage(page, driver)
  if (wrong) throw new TypeError(`cxbus: captureCxbus (${DRIVERS[driver].module}) needs a ${driver} page, got ${wrong}`)
  if (claimed.has(page as object)) throw new Error('cxbus: captureCxbus was already called on this page: use the capture it returned (one capture per page; a popup the page opens is another page and needs its own)')
  claimed.add(page as object)
}

export class CxbusCapture {
  readonly collector: Collector
  private config: CheckConfig

  /** Throws a TypeError naming the option when `options` is not CaptureOptions (before anything starts). */
  constructor(
    private readonly userAgent: () => string,
    options: CaptureOptions = {},
  ) {
    checkCaptureOptions(options)
    this.collector = new Collector(options)
    this.config = options.config ?? {}
  }

  /**
   * Every captured entry so far, in session order, with every `dropped` marker due (exact counts).
   * Copies: a test that edits what it reads (to normalise a snapshot) does not edit the capture.
   */
  entries(): SessionEntry[] {
    this.collector.flushDropped(true)
    return structuredClone(this.collector.entries())
  }

  /**
   * Resolves with the entry once `name` (an event or command, e.g. "Callback.completed") has been
   * captured `count` times; rejects after `timeout` ms, or at once when the page closes, with how
   * many did arrive and the list of what did. A name or option that cannot be waited for rejects at
   * once with a TypeError.
   */
  waitFor(name: string, options: WaitOptions = {}): Promise<SessionEntry> {
    const invalid = invalidWait(name, options)
    if (invalid) return Promise.reject(new TypeError(`cxbus: waitFor: ${invalid}`))
    const { timeout = 10_000, count = 1 } = options ?? {}
    // A namePattern ("Watchman.uptime:*", as arrivedText lists names with ids in them) matches them all.
    const pattern = name.endsWith('*')
    const matching = (): SessionEntry[] => this.collector.entries().filter((e) => (pattern ? matchesPattern(entryName(e), name) : entryName(e) === name))
    /**
     * The count-th once that many arrived: evicted ones (a small maxEntries) count too, and then the
     * entry is the last of them stored (the count-th itself is gone).
     */
    const reached = (): SessionEntry | undefined => {
      const stored = matching()
      const { sent, last } = this.collector.sent(name)
      const e = stored[count - 1] ?? (sent >= count ? last : undefined)
      return e && structuredClone(e) // a copy, as entries()
    }
    const now = reached()
    if (now) return Promise.resolve(now)
    const failure = (why: string): Error => {
      const stored = matching().length
      const n = Math.max(stored, this.collector.sent(name).sent)
      const evicted = n > stored ? `, ${n - stored} evicted (maxEntries)` : ''
      const what = count > 1 ? `${count} × ${name} did not arrive ${why} (${n} of ${count} arrived${evicted})` : `${name} did not arrive ${why}`
      const hint = n === 0 ? notAnEventHint(name) : ''
      return new Error(`cxbus: ${what}${hint}; ${arrivedText(this.collector.entries())}`)
    }
    if (this.closed) return Promise.reject(failure(`before ${this.closed}`))
    return new Promise((resolve, reject) => {
      const stop = (): void => {
        clearTimeout(timer)
        offEntries()
        this.closeListeners.delete(onClose)
      }
      const timer = setTimeout(() => {
        stop()
        reject(failure(`within ${timeout} ms`))
      }, timeout)
      const onClose = (): void => {
        stop()
        reject(failure(`before ${this.closed}`))
      }
      this.closeListeners.add(onClose)
      const offEntries = this.collector.onEntries(() => {
        const e = reached()
        if (!e) return
        stop()
        resolve(e)
      })
    })
  }

  /** Why nothing more can arrive ("the page was closed"), once the adapter saw it; null before. */
  closed: string | null = null
  private readonly closeListeners = new Set<() => void>()

  /** The adapter's page closed: waits fail at once instead of running out their time. */
  pageClosed(why = 'the page was closed'): void {
    if (this.closed) return
    this.closed = why
    for (const fn of [...this.closeListeners]) fn()
  }

  /** The session file of SPEC.md §4: what the extension's Export writes for the same page (a copy, as entries()). */
  session(): Session {
    return structuredClone(this.capturedSession())
  }

  /** The session over the stored entries themselves (for the checks, which only read it). */
  private capturedSession(): Session {
    const s = this.collector.session(this.userAgent())
    s.source = { ...s.source, testKitVersion: TOOL_VERSION } // what captured it, as the extension's export says
    return s
  }

  /** The checker's report (findings, interactions), with the options of a --config file. */
  check(config: CheckConfig = this.config): Report {
    return check(this.capturedSession(), settingsFor('check', config).options)
  }

  /** The interaction stories (outcome, failures, steps, sentence), as the panel and the CLI tell them. */
  interactions(config: CheckConfig = this.config): InteractionStory[] {
    return this.analyzeAs('interactions', config).stories
  }

  /** Checker, stories, coverage and verdict at once (what the HTML report shows). */
  analyze(config: CheckConfig = this.config): QaAnalysis {
    return this.analyzeAs('analyze', config)
  }

  private analyzeAs(method: string, config: CheckConfig): QaAnalysis {
    const s = settingsFor(method, config)
    const session = this.capturedSession()
    return analyzeSession(session, { options: s.options, report: check(session, s.options), paths: s.paths, require: s.require })
  }

  /**
   * Throws when the capture has an error finding or misses a required path (what makes
   * `cxbus-devtools check` exit 1); the message is the CLI's text for it (failureText: the errors only).
   */
  expectNoErrors(config: CheckConfig = this.config): void {
    const a = this.analyzeAs('expectNoErrors', config)
    if (a.counts.error === 0 && a.missing.length === 0) return
    throw new Error(`cxbus: the Callback lifecycle check failed\n${failureText('captured session', a)}`)
  }

  /** Writes the session file, or for a `.html` path the self-contained QA report (which embeds it). */
  async save(path: string, config: CheckConfig = this.config): Promise<string> {
    if (typeof path !== 'string' || path === '') throw new TypeError(`cxbus: save needs a file path (.json: the session file, .html: the report), got ${describe(path)}`)
    settingsFor('save', config) // a bad config fails for a session file too, not only for the report
    await mkdir(dirname(path), { recursive: true })
    const text = /\.html?$/i.test(path)
      ? renderReportHtml(this.analyzeAs('save', config), { generatedAt: Date.now(), generator: `cxbus-devtools ${TOOL_VERSION} (test kit)`, fileName: basename(path) })
      : serializeSession(this.capturedSession())
    await writeFile(path, text)
    return path
  }
}

const OPTION_CHECKS: Record<keyof CaptureOptions, (v: unknown) => string | null> = {
  preserveLog: (v) => (typeof v === 'boolean' ? null : `must be true or false, got ${describe(v)}`),
  maxEntries: (v) => (Number.isInteger(v) && (v as number) >= 1 ? null : `must be a whole number of 1 or more, got ${describe(v)}`),
  config: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object (what a --config file holds), got ${describe(v)}`
    try {
      settingsOf(v) // its own errors now, not at the first check()
      return null
    } catch (e) {
      return `is not valid: ${(e as Error).message}`
    }
  },
}

/** The settings of a method's config, or a TypeError that names the method (as every other misuse). */
function settingsFor(method: string, config: unknown): CheckSettings {
  try {
    return settingsOf(config)
  } catch (e) {
    throw new TypeError(`cxbus: ${method}: config is not valid: ${(e as Error).message}`)
  }
}

/** captureCxbus's options, refused at once: a typo or a wrong type would otherwise pass silently. */
function checkCaptureOptions(options: unknown): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`cxbus: captureCxbus options must be an object ({ preserveLog, maxEntries, config }), got ${describe(options)}`)
  for (const [key, value] of Object.entries(options)) {
    const check = Object.hasOwn(OPTION_CHECKS, key) ? OPTION_CHECKS[key as keyof CaptureOptions] : null
    if (!check) throw new TypeError(`cxbus: captureCxbus: unknown option ${JSON.stringify(key)} (known: ${Object.keys(OPTION_CHECKS).join(', ')})`)
    const why = value === undefined ? null : check(value)
    if (why) throw new TypeError(`cxbus: captureCxbus option ${key} ${why}`)
  }
}

/**
 * For a wait that timed out with none arrived: a name of a checked plugin (its prefix, in any case)
 * that plugin never publishes, with the nearest name it does (a typo waits forever otherwise).
 */
export function notAnEventHint(name: string): string {
  const dot = name.indexOf('.')
  const profile = PROFILES.find((p) => p.plugin.toLowerCase() === name.slice(0, dot).toLowerCase())
  if (dot < 0 || !profile) return ''
  const known = [...profile.steps, profile.ready, ...Object.values(profile.minimize ?? {})].map((s) => `${profile.plugin}.${s}`)
  if (known.includes(name)) return ''
  const nearest = known.reduce((a, b) => (distance(b.toLowerCase(), name.toLowerCase()) < distance(a.toLowerCase(), name.toLowerCase()) ? b : a))
  return ` (not an event of ${PROFILES.map((p) => p.plugin).join('/')}; did you mean ${nearest}?)`
}

/** Edit distance (Levenshtein), for the nearest name. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]!
}

const WAIT_OPTIONS: readonly string[] = ['timeout', 'count'] satisfies (keyof WaitOptions)[]

/** Why waitFor cannot wait for this (a message for a TypeError), or null. */
function invalidWait(name: unknown, options: unknown): string | null {
  if (typeof name !== 'string' || name.trim() === '') return `the name of an entry is needed ("Callback.completed", "marker:page-load"), got ${describe(name)}`
  if (options === null || options === undefined) return null
  if (typeof options !== 'object') return `options must be an object ({ timeout, count }), got ${describe(options)}`
  const unknown = Object.keys(options).find((k) => !WAIT_OPTIONS.includes(k))
  if (unknown !== undefined) return `unknown option ${JSON.stringify(unknown)} (known: ${WAIT_OPTIONS.join(', ')})`
  const { count, timeout } = options as Record<string, unknown>
  if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 1)) return `count must be a whole number of 1 or more, got ${describe(count)} (to check that something did not arrive, read entries())`
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0)) return `timeout must be a number of milliseconds (0 or more), got ${describe(timeout)}`
  return null
}

/**
 * "arrived: Callback.ready, Callback.opened ×2, Watchman.uptime:* ×40 (45 entries)", or that nothing
 * did and why that may be. Names with counters or ids are grouped as the panel's event filter groups
 * them (src/core/focus.ts namePattern), so a page's housekeeping does not bury the rest.
 */
export function arrivedText(entries: readonly SessionEntry[]): string {
  const counts = new Map<string, number>()
  for (const e of entries) {
    const group = namePattern(entryName(e))
    counts.set(group, (counts.get(group) ?? 0) + 1)
  }
  if (entries.length === 0) return 'nothing arrived (was captureCxbus(page) called before page.goto?)'
  const names = [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n))
  return `arrived: ${names.join(', ')} (${entries.length} entries)`
}
