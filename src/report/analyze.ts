// Runs everywhere (panel, popup, CLI, bench). Everything a QA hand-over says about one session,
// computed once from the core: the checker's report, the interaction stories, the scenario coverage,
// the notes and the environment. The HTML report, the Markdown summary and the CLI read only this.
import { check } from '../core/check.ts'
import { computeCoverage, DEFAULT_PATHS, missingRequired, type Coverage, type CoveragePath } from '../core/coverage.ts'
import { countLabel, SEVERITIES, type CheckOptions, type Finding, type Report, type Session, type SessionEntry, type SessionNote, type Severity } from '../core/model.ts'
import { isFrameLoad } from '../core/pages.ts'
import { buildStories, type InteractionStory } from '../core/story.ts'

export interface Environment {
  pageUrl: string | null
  widgetsVersion: string | null
  /** "Chrome 156", "Firefox 140", from the user agent; null when the session has none. */
  browser: string | null
  userAgent: string | null
  extensionVersion: string | null
  /** Envelope times of the first and last entry (null for an empty session). */
  from: number | null
  to: number | null
  /** URLs of the top-level page loads, in order (null where the marker named none). */
  pageLoads: (string | null)[]
  events: number
}

export type Verdict = 'fail' | 'warn' | 'pass'

export interface QaAnalysis {
  session: Session
  report: Report
  stories: InteractionStory[]
  coverage: Coverage
  /** Required paths (CLI --require / config "require") the session lacks. */
  missing: string[]
  required: string[]
  notes: SessionNote[]
  counts: Record<Severity, number>
  verdict: Verdict
  env: Environment
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
  const src = session.source ?? {}
  const entries: readonly SessionEntry[] = session.events
  const pageLoads: (string | null)[] = []
  let busVersion: string | null = null
  for (const e of entries) {
    if (e.kind !== 'marker') continue
    const d = isObject(e.data) ? e.data : {}
    if (e.marker === 'page-load' && !isFrameLoad(e)) pageLoads.push(str(d.url))
    if (e.marker === 'bus' && str(d.widgetsVersion)) busVersion = str(d.widgetsVersion)
  }
  const userAgent = str(src.userAgent)
  return {
    pageUrl: str(src.url) ?? pageLoads.find((u) => u !== null) ?? null,
    widgetsVersion: str(src.widgetsVersion) ?? busVersion,
    browser: browserName(userAgent),
    userAgent,
    extensionVersion: str(src.extensionVersion),
    from: entries.length ? entries[0]!.time : null,
    to: entries.length ? entries[entries.length - 1]!.time : null,
    pageLoads,
    events: entries.length,
  }
}

export function analyzeSession(session: Session, o: AnalyzeOptions = {}): QaAnalysis {
  const report = o.report ?? check(session, o.options ?? {})
  const stories = buildStories(session.events, report, { source: session.source })
  const coverage = computeCoverage(session.events, stories, o.paths ?? DEFAULT_PATHS)
  const counts = { error: 0, warning: 0, info: 0 } as Record<Severity, number>
  for (const f of report.findings) counts[f.severity]++
  const required = [...(o.require ?? [])]
  const missing = missingRequired(coverage, required)
  return {
    session,
    report,
    stories,
    coverage,
    required,
    missing,
    notes: Array.isArray(session.notes) ? session.notes : [],
    counts,
    verdict: counts.error > 0 || missing.length > 0 ? 'fail' : counts.warning > 0 ? 'warn' : 'pass',
    env: environmentOf(session),
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
