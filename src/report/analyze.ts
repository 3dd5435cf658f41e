// Runs everywhere (panel, popup, CLI, bench). Everything a QA hand-over says about one session,
// computed once from the core: the checker's report, the interaction stories, the scenario coverage,
// the notes and the environment. The HTML report, the Markdown summary and the CLI read only this.
import { check, createChecker, createReleasingChecker, mergeFindings } from '../core/check.ts'
import { addPluginSeen, coverageOf, coverageOfFacts, DEFAULT_PATHS, missingRequired, storyFacts, validateCoverageConfig, type Coverage, type CoveragePath, type StoryFacts } from '../core/coverage.ts'
import { countLabel, droppedCount, SEVERITIES, type CheckOptions, type Finding, type Interaction, type Report, type Session, type SessionEntry, type SessionNote, type Severity } from '../core/model.ts'
import { resolveOptions, validateCheckOptions } from '../core/lifecycle/options.ts'
import { gapOrder } from '../core/lanes.ts'
import { isFrameLoad } from '../core/pages.ts'
import type { SessionHead } from '../core/sessionSlices.ts'
import { createStoryBuilder, type InteractionStory } from '../core/story.ts'

export interface Environment {
  pageUrl: string | null
  widgetsVersion: string | null
  /** "Chrome 156", "Firefox 140", from the user agent; null when the session has none. */
  browser: string | null
  userAgent: string | null
  extensionVersion: string | null
  /** The version of the test kit that captured the session (source.testKitVersion), when it did. */
  testKitVersion: string | null
  /** Envelope times of the first and last entry (null for an empty session). */
  from: number | null
  to: number | null
  /** URLs of the top-level page loads, in order (null where the marker named none). */
  pageLoads: (string | null)[]
  events: number
}

export type Verdict = 'fail' | 'warn' | 'pass'

export interface QaAnalysis extends QaSummary {
  session: Session
  report: Report
  stories: InteractionStory[]
}

/** What a QA analysis says besides the report and the stories (what a streamed check keeps too). */
export interface QaSummary {
  coverage: Coverage
  /** Required paths (CLI --require / config "require") the session lacks. */
  missing: string[]
  required: string[]
  notes: SessionNote[]
  counts: Record<Severity, number>
  verdict: Verdict
  env: Environment
  /**
   * Entries the capture says are missing (its `dropped` markers), summed by their `where` ('hook',
   * 'relay', 'background', 'paused', 'cleared'; 'unknown' when a marker names none). The verdict
   * ignores them: lossText says them beside it.
   */
  lost: Record<string, number>
  /** The check options and coverage paths it was made with (with `required`: what a --config file says). */
  options: CheckOptions
  paths: readonly CoveragePath[]
}

export interface AnalyzeOptions {
  options?: CheckOptions
  paths?: readonly CoveragePath[]
  require?: readonly string[]
  /** A report already made with the same options (the panel has one): not checked again. */
  report?: Report
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** "Chrome 156", "Edge 150", "Firefox 140" from a user agent; the agent itself when it names none of them. */
export function browserName(userAgent: string | null): string | null {
  if (!userAgent) return null
  for (const [re, name] of [[/Firefox\/(\d+)/, 'Firefox'], [/Edg\/(\d+)/, 'Edge'], [/Chrom(?:e|ium)\/(\d+)/, 'Chrome']] as const) {
    const m = re.exec(userAgent)
    if (m) return `${name} ${m[1]}`
  }
  return userAgent.length > 60 ? `${userAgent.slice(0, 59)}…` : userAgent
}

export function environmentOf(session: Session): Environment {
  const env = new EnvironmentBuilder()
  for (const e of session.events) env.push(e)
  return env.finish(session)
}

/** The environment made while the entries stream by. */
class EnvironmentBuilder {
  private readonly pageLoads: (string | null)[] = []
  private busVersion: string | null = null
  private from: number | null = null
  private to: number | null = null
  private events = 0

  push(e: SessionEntry): void {
    if (this.events++ === 0) this.from = e.time
    this.to = e.time
    if (e.kind !== 'marker') return
    const d = isObject(e.data) ? e.data : {}
    if (e.marker === 'page-load' && !isFrameLoad(e)) this.pageLoads.push(str(d.url))
    if (e.marker === 'bus' && str(d.widgetsVersion)) this.busVersion = str(d.widgetsVersion)
  }

  finish(head: SessionHead): Environment {
    const src = head.source ?? {}
    const userAgent = str(src.userAgent)
    const pageLoads = this.pageLoads
    return {
      pageUrl: str(src.url) ?? pageLoads.find((u) => u !== null) ?? null,
      widgetsVersion: str(src.widgetsVersion) ?? this.busVersion,
      browser: browserName(userAgent),
      userAgent,
      extensionVersion: str(src.extensionVersion),
      testKitVersion: str(src.testKitVersion),
      from: this.from,
      to: this.to,
      pageLoads,
      events: this.events,
    }
  }
}

/**
 * What the QA analysis takes from each entry, in capture order, given the entry's interaction in the
 * checker's report: the stories, the plugins seen (coverage) and the environment. Keeps no entry.
 */
class QaBuilder {
  private readonly stories = createStoryBuilder()
  readonly seen = new Set<string>()
  private readonly env = new EnvironmentBuilder()
  private readonly lost: Record<string, number> = {}

  push(e: SessionEntry, interaction: string | null | undefined): void {
    this.stories.push(e, interaction)
    addPluginSeen(this.seen, e)
    this.env.push(e)
    const n = droppedCount(e)
    if (n > 0) {
      const d = e.data as Record<string, unknown> | null
      const where = d !== null && typeof d === 'object' && typeof d.where === 'string' && d.where !== '' ? d.where : 'unknown'
      this.lost[where] = (this.lost[where] ?? 0) + n
    }
  }

  finish(session: Session, report: Report, o: AnalyzeOptions): QaAnalysis {
    const stories = this.stories.finish(report, session.source)
    const counts = { error: 0, warning: 0, info: 0 } as Record<Severity, number>
    for (const f of report.findings) counts[f.severity]++
    return { session, report, stories, ...this.summary(session, coverageOf(this.seen, stories, o.paths ?? DEFAULT_PATHS), counts, o) }
  }

  /** The stories of ended interactions, as ReleasingChecker hands them over. */
  take(ia: Interaction): InteractionStory {
    return this.stories.take(ia)
  }

  labelOf(plugin: string, index: number, page: number): string {
    return this.stories.labelOf(plugin, index, page)
  }

  /** What the analysis says besides the report and the stories. */
  summary(head: SessionHead, coverage: Coverage, counts: Record<Severity, number>, o: AnalyzeOptions): QaSummary {
    const required = [...(o.require ?? [])]
    const missing = missingRequired(coverage, required)
    return {
      coverage,
      required,
      missing,
      notes: Array.isArray(head.notes) ? (head.notes as SessionNote[]) : [],
      counts,
      verdict: counts.error > 0 || missing.length > 0 ? 'fail' : counts.warning > 0 ? 'warn' : 'pass',
      env: this.env.finish(head),
      lost: { ...this.lost },
      options: o.options ?? {},
      paths: o.paths ?? DEFAULT_PATHS,
    }
  }
}

export function analyzeSession(session: Session, o: AnalyzeOptions = {}): QaAnalysis {
  const report = o.report ?? check(session, o.options ?? {})
  const qa = new QaBuilder()
  for (const e of gapOrder(session.events)) qa.push(e, e.kind === 'event' ? report.events[e.seq]?.interaction : undefined)
  return qa.finish(session, report, o)
}

/** analyzeSession made while the entries stream by (the CLI reads a file slice by slice). */
export interface SessionAnalyzer {
  /** The next entry of the session, in capture order. */
  push(entry: SessionEntry): void
  /**
   * analyzeSession of the session `head` + the entries pushed. Its `session.events` are the entries
   * pushed when `keepEvents` was asked for (the HTML report embeds them, notes name them), else empty:
   * nothing else reads them.
   */
  finish(head: SessionHead): QaAnalysis
}

export function createSessionAnalyzer(o: Omit<AnalyzeOptions, 'report'> & { keepEvents?: boolean } = {}): SessionAnalyzer {
  const checker = createChecker(o.options ?? {})
  const qa = new QaBuilder()
  const events: SessionEntry[] = []
  return {
    push(e) {
      checker.push(e)
      qa.push(e, e.kind === 'event' ? checker.interactionOf(e.seq) : undefined)
      if (o.keepEvents) events.push(e)
    },
    finish(head) {
      // A store-full marker is pushed where its gap is (lanes.ts gapOrder), but the session kept (the
      // one a report embeds) is the file's: seq order, which a session file must have.
      if (events.some((e, i) => i > 0 && e.seq < (events[i - 1] as SessionEntry).seq)) events.sort((a, b) => a.seq - b.seq)
      return qa.finish({ ...head, events } as Session, checker.finish(), o)
    },
  }
}

/**
 * A check read once to its end that keeps, of each interaction, only what `take` makes of it once it
 * is over (the CLI: its lines of text): nothing else of an interaction outlives it, so a long
 * capture is checked in the memory of its open interactions plus what `take` keeps.
 */
export interface StreamedCheck<T> {
  /** The next entry of the session, in capture order. */
  push(entry: SessionEntry): void
  finish(head: SessionHead): StreamedAnalysis<T>
}

export interface StreamedAnalysis<T> extends QaSummary {
  /** What `take` made of each interaction, in the report's order. */
  interactions: T[]
  /** The label of each (InteractionStory.label: a later page load can add " · page N", so it is made at the end). */
  labels: string[]
  /** Ids of the interactions, in the same order. */
  ids: string[]
  /** Findings of no interaction, in report order. */
  unattached: Finding[]
  /** The findings `keep` takes, all in report order (Report.findings filtered); empty without `keep`. */
  findings: Finding[]
}

/**
 * `take`: the story of an interaction that is over (its label may still change: StreamedAnalysis.labels),
 * its findings in report order and the checker's interaction. `keep`: which findings to keep in one
 * list too (the JSON output lists them apart from the interactions).
 */
export function createStreamedCheck<T>(
  o: Omit<AnalyzeOptions, 'report'>,
  take: (story: InteractionStory, findings: Finding[], ia: Interaction) => T,
  keep?: (f: Finding) => boolean,
): StreamedCheck<T> {
  const checker = createReleasingChecker(o.options ?? {})
  const qa = new QaBuilder()
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 }
  /** Interactions not over yet: their place in the report's order and their findings so far. */
  const open = new Map<string, { at: number; findings: Finding[] }>()
  const interactions: T[] = []
  const facts: StoryFacts[] = []
  /** What each label is made of: plugin, index, page, by place. */
  const keys: [string, number, number][] = []
  const unattached: Finding[] = []
  let kept: Finding[] = []

  const end = (ia: Interaction): void => {
    const slot = open.get(ia.id) as { at: number; findings: Finding[] }
    open.delete(ia.id)
    const story = qa.take(ia)
    facts[slot.at] = storyFacts(story)
    keys[slot.at] = [ia.plugin, ia.index, ia.page]
    interactions[slot.at] = take(story, slot.findings, ia)
  }
  const add = (f: Finding): void => {
    counts[f.severity]++
    if (keep?.(f)) kept.push(f)
    if (f.interaction === null) unattached.push(f)
    // Always one still open (findings name the interaction of the event checked); else, as in
    // the whole analysis, a finding of no story would be counted but not listed.
    else open.get(f.interaction)?.findings.push(f)
  }

  return {
    push(e) {
      const found = checker.push(e)
      const id = e.kind === 'event' ? checker.lastInteraction() : undefined
      // An interaction takes its place in the report's order with its first event.
      if (id != null && !open.has(id)) open.set(id, { at: interactions.length++, findings: [] })
      for (const f of found) add(f)
      qa.push(e, id)
      // After the stories saw the entry: it may be what ends one (a new opened).
      for (const ia of checker.ended()) end(ia)
    },
    finish(head) {
      const definite = kept
      kept = []
      for (const { interaction, unclosed } of checker.remaining()) {
        if (unclosed !== null) add(unclosed)
        end(interaction)
      }
      // The end-of-capture findings sort among the others, as in the checker's report.
      kept = kept.length === 0 ? definite : mergeFindings(definite, kept)
      const coverage = coverageOfFacts(qa.seen, facts, o.paths ?? DEFAULT_PATHS)
      return {
        interactions,
        labels: keys.map(([plugin, index, page]) => qa.labelOf(plugin, index, page)),
        ids: facts.map((f) => f.id),
        unattached,
        findings: kept,
        ...qa.summary(head, coverage, counts, o),
      }
    },
  }
}

/** Findings grouped by rule, most severe first, then by rule id. */
export function findingsByRule(findings: readonly Finding[]): { rule: string; severity: Severity; findings: Finding[] }[] {
  const groups = new Map<string, { rule: string; severity: Severity; findings: Finding[] }>()
  for (const f of findings) {
    const k = `${f.severity}\u0000${f.rule}`
    const g = groups.get(k)
    if (g) g.findings.push(f)
    else groups.set(k, { rule: f.rule, severity: f.severity, findings: [f] })
  }
  return [...groups.values()].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.rule.localeCompare(b.rule))
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** "2 errors, 1 warning, 3 info" (the words of the panel, the badge and the CLI). */
export function countsText(c: Record<Severity, number>): string {
  return SEVERITIES.map((s) => `${c[s]} ${countLabel(s, c[s])}`).join(', ')
}

/** The user's own doing (Pause, Clear), worded apart from losses. */
const BY_USER: Record<string, string> = { paused: 'not recorded while the capture was paused', cleared: 'removed by Clear' }
/** Which buffer a `where` names, for people: "background" meant nothing to a test kit user whose maxEntries was reached. */
const WHERE_TEXT: Record<string, string> = { hook: 'page hook queue full', relay: 'relay buffer full', background: 'store full' }

/**
 * What the `dropped` markers say, one sentence ('' for none): "11 entries were not captured (page hook queue full: 11):
 * the check covers what arrived; 3 entries removed by Clear". Printed by check, the Markdown summary,
 * the HTML report and the test kit: a PASS over a gap must not read as a PASS over everything.
 */
export function lossText(lost: Readonly<Record<string, number>>): string {
  const entries = (n: number): string => plural(n, 'entry', 'entries')
  const losses = Object.entries(lost).filter(([w]) => !(w in BY_USER))
  const total = losses.reduce((sum, [, n]) => sum + n, 0)
  const parts: string[] = []
  if (total > 0) {
    parts.push(`${entries(total)} ${total === 1 ? 'was' : 'were'} not captured (${losses.map(([w, n]) => `${WHERE_TEXT[w] ?? w}: ${n}`).join(', ')}): the check covers what arrived`)
  }
  for (const [w, words] of Object.entries(BY_USER)) if (lost[w]) parts.push(`${entries(lost[w])} ${words}`)
  return parts.join('; ')
}

type Settings = Pick<QaSummary, 'options' | 'paths' | 'required'>

/** What a --config file (or a report's embedded check options, or the test kit's config) says. */
export interface CheckSettings {
  options: CheckOptions
  paths: CoveragePath[]
  require: string[]
}

/** A --config file's content, validated; throws on a bad one. The inverse of checkConfigOf. */
export function settingsOf(raw: unknown): CheckSettings {
  // The coverage part is read here; the rest must be CheckOptions (unknown keys are typos).
  const { coverage, require: req, ...options } = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : { '(root)': raw }) as Record<string, unknown>
  const cov = validateCoverageConfig({ coverage, require: req })
  return { options: validateCheckOptions(options, ['coverage', 'require']), paths: cov.paths, require: cov.require }
}

/**
 * The options an analysis was made with as a --config file's JSON ({severities, tolerances, coverage,
 * require}), null when all are the defaults: what a report embeds, so `check` on it says the same.
 */
export function checkConfigOf(s: Settings): Record<string, unknown> | null {
  const own = s.paths.filter((p) => !DEFAULT_PATHS.includes(p))
  const config: Record<string, unknown> = {
    ...s.options,
    ...(own.length ? { coverage: own } : {}),
    ...(s.required.length ? { require: s.required } : {}),
  }
  if (config.severities !== undefined && Object.keys(config.severities as object).length === 0) delete config.severities
  return Object.keys(config).length ? config : null
}

/** The options that differ from the defaults, for people: ["order/duplicate: error (default warning)", "dispatchToleranceMs: 300 ms (default 250)", ...]; [] for none. */
export function checkOptionsText(s: Settings): string[] {
  const defaults = resolveOptions({})
  const used = resolveOptions(s.options)
  const out: string[] = []
  for (const [id, level] of Object.entries(s.options.severities ?? {})) out.push(`${id}: ${level} (default ${defaults.severity[id]})`)
  for (const k of ['dispatchToleranceMs', 'exactToleranceMs', 'clockToleranceMs'] as const) {
    if (s.options[k] !== undefined) out.push(`${k}: ${used[k]} ms (default ${defaults[k]})`)
  }
  const own = s.paths.filter((p) => !DEFAULT_PATHS.includes(p))
  if (own.length) out.push(`own coverage paths: ${own.map((p) => p.id).join(', ')}`)
  if (s.required.length) out.push(`required paths: ${s.required.join(', ')}`)
  return out
}

/** "FAIL", "PASS with warnings", "PASS": the word at the top of a report. */
export function verdictText(v: Verdict): string {
  return v === 'fail' ? 'FAIL' : v === 'warn' ? 'PASS with warnings' : 'PASS'
}

/** "7 of 9 paths covered" (only the paths of plugins seen in the session count). */
export function coverageText(c: Coverage): string {
  return `${c.covered} of ${plural(c.applicable, 'path')} covered`
}

/** What a note is about, for people: "Callback #2" or "#14 Callback.submitted (Callback #2)". */
export function noteTarget(note: SessionNote, a: Pick<QaAnalysis, 'session' | 'report' | 'stories'>): string {
  const label = (id: string | null | undefined): string | undefined => (id ? (a.stories.find((s) => s.id === id)?.label ?? id) : undefined)
  if (typeof note.interaction === 'string') return label(note.interaction) ?? note.interaction
  const seq = note.seq as number
  const e = a.session.events.find((x) => x.seq === seq)
  const name = !e ? 'event not in the capture' : e.kind === 'event' ? e.event : e.kind === 'command' ? e.command : e.marker
  // Failures and minimize are not lifecycle events, but their story tells where they belong.
  const ia = label(a.report.events[seq]?.interaction ?? a.stories.find((s) => s.steps.some((x) => x.seq === seq))?.id)
  return `#${seq} ${name}${ia ? ` (${ia})` : ''}`
}

/** UTC date and time, seconds: "2026-11-30 11:52:19 UTC" (a ticket is read in other time zones). */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}
