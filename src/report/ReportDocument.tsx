// Runs everywhere (rendered to a string). The body of the QA report: verdict, environment, each
// interaction's story with its timeline, the findings by rule with explanations and fixes, the
// coverage table and the notes. Props only, text only: every value from the session is a JSX text
// child or attribute, escaped by the renderer; no link leaves the document.
import { RULES, type RuleInfo } from '../core/rules.ts'
import { lifecycleSteps, formatSpan, type InteractionStory } from '../core/story.ts'
import type { Finding, SessionNote } from '../core/model.ts'
import { RuleExplanation } from '../../devtools/panel/components/shared/RichText.tsx'
import { formatValue } from '../../devtools/panel/lib/format.ts'
import { checkOptionsText, countsText, coverageText, findingsByRule, formatUtc, lossText, noteTarget, verdictText, type QaAnalysis } from './analyze.ts'
import { TimelineLegend, TimelineSvg, timelineContext } from './TimelineSvg.tsx'

export interface ReportMeta {
  /** When the report was made (epoch ms). */
  generatedAt: number
  /** "cxbus-devtools 0.1.0" (panel, popup) or "cxbus-devtools 0.1.0 (command line)". */
  generator: string
  /** Name of the file the session came from, when there is one. */
  fileName?: string
}

const ruleMap = new Map<string, RuleInfo>(RULES.map((r) => [r.id, r]))

/**
 * Bounds that keep the report readable and its markup under 1 MB for a 50 000-event session (the
 * embedded session holds everything; the panel shows all of it): stories drawn in full, the rest in a
 * table, occurrences listed per rule, interactions named per coverage item.
 */
export const REPORT_LIMITS = { stories: 60, table: 400, perRule: 25, perPath: 6 }
/** An anchor per interaction from its position: ids can hold anything a page load id held. */
const anchor = (i: number): string => `ia-${i + 1}`

function Value({ v }: { v: unknown }) {
  return <code>{formatValue(v as never, 300)}</code>
}

function FindingLine({ f, label }: { f: Finding; label?: string | undefined }) {
  return (
    <li class={`finding sev-${f.severity}`}>
      <span class={`badge sev-${f.severity}`}>{f.severity}</span> <code>{f.rule}</code> <span class="muted">seq {f.seq.join(', ')}</span>
      {label ? <span class="muted"> · {label}</span> : null} <span>{f.message}</span>
      {(f.expected !== undefined || f.actual !== undefined) && (
        <span class="expect">
          {' '}
          (expected <Value v={f.expected} />, actual <Value v={f.actual} />)
        </span>
      )}
    </li>
  )
}

function NoteList({ notes, a }: { notes: readonly SessionNote[]; a: QaAnalysis }) {
  if (!notes.length) return null
  return (
    <ul class="notes">
      {notes.map((n, i) => (
        <li key={i} class="note">
          <span class="note-icon" aria-hidden="true">✎</span> <span class="muted">{noteTarget(n, a)} · {formatUtc(n.time)}</span>
          <div class="note-text">{n.text}</div>
        </li>
      ))}
    </ul>
  )
}

interface StoryProps {
  story: InteractionStory
  i: number
  a: QaAnalysis
  ctx: ReturnType<typeof timelineContext>
  findings: readonly Finding[]
  notes: readonly SessionNote[]
}

function Story({ story, i, a, ctx, findings, notes }: StoryProps) {
  const worst = findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'ok'
  return (
    <section class={`story story-${worst}`} id={anchor(i)} data-interaction={story.id}>
      <h3>
        {story.label} <span class={`outcome outcome-${story.summary.outcome}${worst === 'ok' ? '' : ' outcome-flagged'}`}>{story.summary.outcome}</span>
        {notes.length > 0 && <span class="note-count" title="notes">✎ {notes.length}</span>}
      </h3>
      <p class="sentence">{story.sentence}</p>
      <p class="steps mono">{lifecycleSteps(story).join(' → ')}</p>
      <TimelineSvg story={story} ctx={ctx} />
      {(story.summary.page.url || story.summary.page.frameUrl) && (
        <p class="muted small">
          Page {story.summary.page.number || '?'}: {story.summary.page.url ?? 'URL unknown'}
          {story.summary.page.frameUrl && <> · in a frame: {story.summary.page.frameUrl}</>}
        </p>
      )}
      {findings.length > 0 && (
        <ul class="findings">
          {findings.map((f, k) => (
            <FindingLine key={k} f={f} />
          ))}
        </ul>
      )}
      <NoteList notes={notes} a={a} />
    </section>
  )
}

/** Groups items by a key, keeping their order. */
function groupBy<T>(items: readonly T[], key: (x: T) => string | null | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const x of items) {
    const k = key(x)
    if (k == null) continue
    const list = out.get(k)
    if (list) list.push(x)
    else out.set(k, [x])
  }
  return out
}

/**
 * Which stories are drawn in full: those with an error or warning, with a note, and the first that
 * shows each covered path; then the others in capture order, up to the limit.
 */
export function pickStories(a: QaAnalysis, findingsOf: ReadonlyMap<string, Finding[]>, notesOf: ReadonlyMap<string, SessionNote[]>, limit: number): Set<string> {
  const picked = new Set<string>()
  const add = (id: string): void => void (picked.size < limit && picked.add(id))
  for (const s of a.stories) if (findingsOf.get(s.id)?.some((f) => f.severity !== 'info') || notesOf.has(s.id)) add(s.id)
  for (const c of a.coverage.items) if (c.interactions[0]) add(c.interactions[0])
  for (const s of a.stories) add(s.id)
  return picked
}

export function ReportDocument({ a, meta }: { a: QaAnalysis; meta: ReportMeta }) {
  const { env, coverage } = a
  const findingsOf = groupBy(a.report.findings, (f) => f.interaction)
  // A note on an event goes with the story that event is a step of (failures and minimize included).
  const storyOfSeq = new Map<number, string>()
  for (const s of a.stories) for (const step of s.steps) storyOfSeq.set(step.seq, s.id)
  const notesOf = groupBy(a.notes, (n) => (typeof n.interaction === 'string' ? n.interaction : typeof n.seq === 'number' ? storyOfSeq.get(n.seq) : undefined))
  const full = pickStories(a, findingsOf, notesOf, REPORT_LIMITS.stories)
  const ctx = timelineContext(a, full)
  const rest = a.stories.filter((s) => !full.has(s.id))
  const labelOf = new Map(a.stories.map((s, i) => [s.id, { label: s.label, i, drawn: full.has(s.id) }]))
  const groups = findingsByRule(a.report.findings)
  const absent = [...new Set(coverage.items.filter((c) => c.status === 'not-applicable').map((c) => c.plugin))]
  const options = checkOptionsText(a)
  return (
    <main class="report">
      <header class={`verdict verdict-${a.verdict}`} data-testid="verdict">
        <h1>
          {verdictText(a.verdict)} <span class="title">cxbus-devtools QA report</span>
        </h1>
        <p>
          <strong>{countsText(a.counts)}</strong> · {a.stories.length} interaction{a.stories.length === 1 ? '' : 's'} · {coverageText(coverage)}
          {a.missing.length > 0 && <span class="missing"> · required but missing: {a.missing.join(', ')}</span>}
        </p>
        {lossText(a.lost) !== '' && <p class="loss" data-testid="loss">Capture incomplete: {lossText(a.lost)}.</p>}
      </header>

      <section>
        <h2>Environment</h2>
        <table class="env">
          <tbody>
            {/* Over several page URLs "Page" named only one (the URL when saved): the Page loads row below names each, as the Markdown summary does. */}
            {new Set(env.pageLoads.filter((u) => u !== null)).size <= 1 && <tr><th>Page</th><td>{env.pageUrl === null ? 'not recorded' : <Url url={env.pageUrl} />}</td></tr>}
            <tr><th>Widgets version</th><td>{env.widgetsVersion ?? 'not recorded'}</td></tr>
            <tr><th>Browser</th><td>{env.browser ?? 'not recorded'}{env.userAgent && <div class="muted small">{env.userAgent}</div>}</td></tr>
            <tr><th>Captured by</th><td>{env.extensionVersion ? `cxbus-devtools ${env.extensionVersion} (extension)` : env.testKitVersion ? `cxbus-devtools ${env.testKitVersion} (test kit)` : 'not recorded'}</td></tr>
            <tr>
              <th>Capture</th>
              <td>
                {env.from === null || env.to === null ? 'empty' : `${formatUtc(env.from)} to ${formatUtc(env.to)} (${formatSpan(env.to - env.from)}), ${env.events} entries`}
              </td>
            </tr>
            <tr>
              <th>Check options</th>
              <td data-testid="check-options">
                {options.length === 0 ? 'the defaults' : <ul class="options">{options.map((o, i) => <li key={i}>{o}</li>)}</ul>}
              </td>
            </tr>
            <tr>
              <th>Page loads</th>
              <td>
                {env.pageLoads.length === 0 ? 'none recorded' : (
                  <ol class="pages">{env.pageLoads.map((u, i) => <li key={i}>{u === null ? 'URL not recorded' : <Url url={u} />}</li>)}</ol>
                )}
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section>
        <h2>Interactions</h2>
        {a.stories.length === 0 && <p class="muted">No Callback or SendMessage interaction in this session.</p>}
        {full.size > 0 && <TimelineLegend />}
        {a.stories.map((s, i) =>
          full.has(s.id) ? <Story key={s.id} story={s} i={i} a={a} ctx={ctx} findings={findingsOf.get(s.id) ?? []} notes={notesOf.get(s.id) ?? []} /> : null,
        )}
        {rest.length > 0 && (
          <>
            <h3>Other interactions ({rest.length})</h3>
            <p class="muted small">
              Drawn above: the interactions with errors, warnings or notes, and the first of each covered path. All {a.stories.length} are in the
              embedded session: import this file in the panel to see every one.
            </p>
            <table class="others">
              <tbody>
                {rest.slice(0, REPORT_LIMITS.table).map((s) => (
                  <tr key={s.id}>
                    <td>{s.label}</td>
                    <td>{s.sentence}</td>
                    <td class="muted">{(findingsOf.get(s.id) ?? []).length || ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rest.length > REPORT_LIMITS.table && <p class="muted">… and {rest.length - REPORT_LIMITS.table} more.</p>}
          </>
        )}
      </section>

      <section>
        <h2>Findings</h2>
        {groups.length === 0 && <p class="muted">No findings.</p>}
        {groups.map((g) => {
          const rule = ruleMap.get(g.rule)
          return (
            <div key={`${g.severity}${g.rule}`} class={`rule sev-border-${g.severity}`} data-rule={g.rule}>
              <h3>
                <span class={`badge sev-${g.severity}`}>{g.severity}</span> <code>{g.rule}</code> {rule?.title ?? ''} <span class="muted">× {g.findings.length}</span>
              </h3>
              {rule && (
                <RuleExplanation rule={rule} />
              )}
              <ul class="findings">
                {g.findings.slice(0, REPORT_LIMITS.perRule).map((f, k) => (
                  <FindingLine key={k} f={f} label={f.interaction ? (labelOf.get(f.interaction)?.label ?? f.interaction) : undefined} />
                ))}
              </ul>
              {g.findings.length > REPORT_LIMITS.perRule && <p class="muted small">… and {g.findings.length - REPORT_LIMITS.perRule} more.</p>}
            </div>
          )
        })}
      </section>

      <section>
        <h2>Coverage: {coverageText(coverage)}</h2>
        <table class="coverage">
          <thead>
            <tr><th></th><th>path</th><th>what</th><th>shown by / how to exercise it</th></tr>
          </thead>
          <tbody>
            {coverage.items.filter((c) => c.status !== 'not-applicable').map((c) => (
              <tr key={c.id} class={`cov-${c.status}`} data-path={c.id} data-status={c.status}>
                <td class="tick">{c.status === 'covered' ? '✓' : c.status === 'missing' ? '✗' : '–'}</td>
                <td><code>{pathIdParts(c.id)}</code>{a.required.some((r) => r === c.id || r === c.path) && <span class="badge req">required</span>}</td>
                <td>{c.label}</td>
                <td>
                  {c.status === 'covered'
                    ? c.interactions.slice(0, REPORT_LIMITS.perPath).map((id, k) => {
                        const l = labelOf.get(id)
                        return (
                          <span key={id}>
                            {k > 0 ? ', ' : ''}
                            {l?.drawn ? <a href={`#${anchor(l.i)}`}>{l.label}</a> : (l?.label ?? id)}
                          </span>
                        )
                      })
                    : c.howTo}
                  {c.interactions.length > REPORT_LIMITS.perPath && <span class="muted"> and {c.interactions.length - REPORT_LIMITS.perPath} more</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {absent.length > 0 && <p class="muted small">Not on this page, so not counted: {absent.join(', ')}.</p>}
      </section>

      <section>
        <h2>Notes ({a.notes.length})</h2>
        {a.notes.length === 0 ? <p class="muted">No notes.</p> : <NoteList notes={a.notes} a={a} />}
      </section>

      <footer class="muted small">
        Made by {meta.generator} on {formatUtc(meta.generatedAt)}{meta.fileName ? ` from ${meta.fileName}` : ''}. The session is embedded in this
        file: import it in the panel (Import) or run <code>cxbus-devtools check</code> on it to see the same findings
        {options.length > 0 ? ' (check uses the check options above, embedded too; the panel uses its own settings)' : ''}.
      </footer>
    </main>
  )
}

/** Longest URL shown whole: a page can have a URL of many kilobytes; the full one is in the tooltip (and the embedded session). */
const MAX_URL_CHARS = 300

function Url({ url }: { url: string }) {
  return url.length <= MAX_URL_CHARS ? <>{url}</> : <span title={url}>{`${url.slice(0, MAX_URL_CHARS - 1)}… (${url.length} characters)`}</span>
}

/** "Callback/failed-retry" with a break opportunity after the slash: a narrow page wraps it there, not mid-word. */
function pathIdParts(id: string) {
  const at = id.indexOf('/')
  return at < 0 ? id : [id.slice(0, at + 1), <wbr key="b" />, id.slice(at + 1)]
}
