// Node (test kit). One capture of one page, whatever drives it: the adapters (playwright.ts,
// puppeteer.ts) only inject the hook and route its calls to a Collector; everything a test asks
// (waitFor, the session file, the checker's report, the stories, the CLI's text) is answered here,
// with the project's own core (check.ts, story.ts, report/analyze.ts, the CLI's text).
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { check } from '../src/core/check.ts'
import type { Report, Session, SessionEntry } from '../src/core/model.ts'
import { serializeSession } from '../src/core/session.ts'
import type { InteractionStory } from '../src/core/story.ts'
import { analyzeSession, type QaAnalysis } from '../src/report/analyze.ts'
import { renderReportHtml } from '../src/report/html.tsx'
import { TOOL_VERSION } from '../src/report/version.ts'
import { checkText, settingsOf } from '../cli/main.ts'
import { Collector, type CollectorOptions } from './collector.ts'

/** The content of a --config file (severities, tolerances, coverage, require): see the README. */
export type CheckConfig = Record<string, unknown>

export interface WaitOptions {
  /** Milliseconds (default 10 000). */
  timeout?: number
  /** Wait for the n-th such entry since the capture began (default 1). */
  count?: number
}

export interface CaptureOptions extends CollectorOptions {
  /** Options of check(), interactions() and expectNoErrors() when they are called without (a --config object). */
  config?: CheckConfig
}

/** Name of an entry as waitFor matches it: the event or command name ("Callback.completed"), or "marker:page-load". */
export function entryName(e: SessionEntry): string {
  return e.kind === 'event' ? e.event : e.kind === 'command' ? e.command : `marker:${e.marker}`
}

export class CxbusCapture {
  readonly collector: Collector
  private config: CheckConfig

  constructor(
    private readonly userAgent: () => string,
    options: CaptureOptions = {},
  ) {
    this.collector = new Collector(options)
    this.config = options.config ?? {}
  }

  /** Every captured entry so far, in session order. */
  entries(): SessionEntry[] {
    return this.collector.entries()
  }

  /**
   * Resolves with the entry once `name` (an event or command, e.g. "Callback.completed") has been
   * captured `count` times; rejects after `timeout` ms with the list of what did arrive.
   */
  waitFor(name: string, { timeout = 10_000, count = 1 }: WaitOptions = {}): Promise<SessionEntry> {
    const found = (): SessionEntry | undefined => this.entries().filter((e) => entryName(e) === name)[count - 1]
    const now = found()
    if (now) return Promise.resolve(now)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        reject(new Error(`cxbus: ${count > 1 ? `${count} × ` : ''}${name} did not arrive within ${timeout} ms; ${arrivedText(this.entries())}`))
      }, timeout)
      const off = this.collector.onEntries(() => {
        const e = found()
        if (!e) return
        clearTimeout(timer)
        off()
        resolve(e)
      })
    })
  }

  /** The session file of SPEC.md §4: what the extension's Export writes for the same page. */
  session(): Session {
    return this.collector.session(this.userAgent())
  }

  /** The checker's report (findings, interactions), with the options of a --config file. */
  check(config: CheckConfig = this.config): Report {
    return check(this.session(), settingsOf(config).options)
  }

  /** The interaction stories (outcome, failures, steps, sentence), as the panel and the CLI tell them. */
  interactions(config: CheckConfig = this.config): InteractionStory[] {
    return this.analyze(config).stories
  }

  /** Checker, stories, coverage and verdict at once (what the HTML report shows). */
  analyze(config: CheckConfig = this.config): QaAnalysis {
    const s = settingsOf(config)
    const session = this.session()
    return analyzeSession(session, { report: check(session, s.options), paths: s.paths, require: s.require })
  }

  /**
   * Throws when the capture has an error finding or misses a required path (what makes
   * `cxbus-devtools check` exit 1); the message is the CLI's text for it.
   */
  expectNoErrors(config: CheckConfig = this.config): void {
    const a = this.analyze(config)
    if (a.counts.error === 0 && a.missing.length === 0) return
    throw new Error(`cxbus: the Callback lifecycle check failed\n${checkText('captured session', a)}`)
  }

  /** Writes the session file, or for a `.html` path the self-contained QA report (which embeds it). */
  async save(path: string, config: CheckConfig = this.config): Promise<string> {
    await mkdir(dirname(path), { recursive: true })
    const text = /\.html?$/i.test(path)
      ? renderReportHtml(this.analyze(config), { generatedAt: Date.now(), generator: `cxbus-devtools ${TOOL_VERSION} (test kit)`, fileName: basename(path) })
      : serializeSession(this.session())
    await writeFile(path, text)
    return path
  }
}

/** "arrived: Callback.ready, Callback.opened ×2 (5 entries)", or that nothing did and why that may be. */
export function arrivedText(entries: readonly SessionEntry[]): string {
  const counts = new Map<string, number>()
  for (const e of entries) counts.set(entryName(e), (counts.get(entryName(e)) ?? 0) + 1)
  if (entries.length === 0) return 'nothing arrived (was captureCxbus(page) called before page.goto?)'
  const names = [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n))
  return `arrived: ${names.join(', ')} (${entries.length} entries)`
}
