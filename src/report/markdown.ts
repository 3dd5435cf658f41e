// Runs everywhere (panel "Copy summary", CLI `check --format markdown`). A short Markdown summary of a
// QA session for a ticket: the verdicts, the findings by rule, the coverage, the notes; about 40
// lines for a normal session (long lists are cut with "… and N more"). Page strings are flattened to
// one line and stripped of what a tracker would render as markup; control and bidi characters are
// escaped here, so the panel's clipboard gets the very text the CLI prints.
import { checkOptionsText, countsText, coverageText, findingsByRule, formatUtc, lossText, noteTarget, verdictText, type QaAnalysis } from './analyze.ts'
import { SEVERITIES } from '../core/model.ts'
import { formatSpan } from '../core/story.ts'
import { escapeControls } from '../core/controls.ts'

/** Page text on one line, without Markdown/HTML syntax a tracker would interpret. */
export function mdText(s: string, max = 160): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
  return cut.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`)
}

const MAX_STORIES = 8
const MAX_RULES = 8
const MAX_NOTES = 5
const MAX_PAGES = 4
const MAX_COVERING = 4

function more<T>(list: readonly T[], max: number, line: (x: T) => string): string[] {
  const out = list.slice(0, max).map(line)
  if (list.length > max) out.push(`- … and ${list.length - max} more`)
  return out
}

/** `optionsFrom`: where check options other than the defaults came from, said with them. */
export function markdownSummary(a: QaAnalysis, title?: string, optionsFrom?: string): string {
  const { env, coverage } = a
  const lines: string[] = []
  lines.push(`### ${verdictText(a.verdict)}: cxbus-devtools QA summary${title ? ` of ${mdText(title, 80)}` : ''}`)
  lines.push('')
  lines.push(`**${countsText(a.counts)}** · ${a.stories.length} interaction${a.stories.length === 1 ? '' : 's'} · ${coverageText(coverage)}`)
  const loss = lossText(a.lost)
  if (loss) lines.push(`**Capture incomplete:** ${mdText(loss, 400)}`)
  const options = checkOptionsText(a)
  if (options.length) lines.push(`Check options${optionsFrom ? ` from ${mdText(optionsFrom, 80)}` : ''}: ${options.map((o) => mdText(o, 80)).join('; ')}`)
  if (a.missing.length) lines.push(`**Required but missing:** ${a.missing.map((m) => `\`${m}\``).join(', ')}`)
  // A session over several pages names them all (up to a few), not just the one it ended on.
  const urls = [...new Set(env.pageLoads.filter((u) => u !== null))]
  const envParts = [
    urls.length > 1 ? null : env.pageUrl ? `Page ${mdText(env.pageUrl, 120)}` : null,
    env.widgetsVersion ? `Widgets ${mdText(env.widgetsVersion, 30)}` : null,
    env.browser ? mdText(env.browser, 40) : null,
    env.extensionVersion ? `extension ${mdText(env.extensionVersion, 20)}` : null,
  ].filter((x) => x !== null)
  if (envParts.length) lines.push(envParts.join(' · '))
  if (urls.length > 1) lines.push(`Pages: ${urls.slice(0, MAX_PAGES).map((u) => mdText(u, 120)).join(', ')}${urls.length > MAX_PAGES ? ` … and ${urls.length - MAX_PAGES} more` : ''}`)
  if (env.from !== null && env.to !== null) {
    lines.push(`Captured ${formatUtc(env.from)}, ${formatSpan(env.to - env.from)}, ${env.events} entries, ${env.pageLoads.length} page load${env.pageLoads.length === 1 ? '' : 's'}`)
  }
  if (a.stories.length) {
    lines.push('', '**Interactions**')
    // Those with an error, then a warning, first: the cut ("... and N more") hides a failing one only when more than eight fail, and says so.
    const rank = new Map<string, number>()
    for (const f of a.report.findings) {
      if (f.severity === 'info') continue
      const r = SEVERITIES.indexOf(f.severity)
      if (f.interaction !== null && r < (rank.get(f.interaction) ?? SEVERITIES.length)) rank.set(f.interaction, r)
    }
    const worst = (id: string): number => rank.get(id) ?? SEVERITIES.length
    const first = [...a.stories].sort((x, y) => worst(x.id) - worst(y.id)) // stable: in order within a rank
    lines.push(...first.slice(0, MAX_STORIES).map((s) => `- ${s.label}: ${mdText(s.sentence)}`))
    // More than eight failing: the cut says how many of those it leaves out fail.
    const rest = first.slice(MAX_STORIES)
    if (rest.length) {
      const withError = rest.filter((s) => worst(s.id) === 0).length
      const withWarning = rest.filter((s) => worst(s.id) === 1).length
      const bad = [withError ? `${withError} with an error` : '', withWarning ? `${withWarning} with a warning` : ''].filter(Boolean)
      lines.push(`- … and ${rest.length} more${bad.length ? ` (${bad.join(', ')})` : ''}`)
    }
  }
  const labels = new Map(a.stories.map((s) => [s.id, s.label]))
  const label = (id: string): string => labels.get(id) ?? id
  const groups = findingsByRule(a.report.findings)
  lines.push('', '**Findings by rule**')
  if (!groups.length) lines.push('- none')
  else {
    lines.push(...more(groups, MAX_RULES, (g) => {
      const f = g.findings[0]!
      const where = f.interaction ? label(f.interaction) : null
      return `- ${g.severity} \`${g.rule}\` ×${g.findings.length}: ${mdText(f.message, 140)}${where ? ` (${where}, seq ${f.seq.join(',')})` : ''}`
    }))
  }
  lines.push('', `**Coverage: ${coverageText(coverage)}**`)
  const shown = coverage.items.filter((c) => c.status !== 'not-applicable')
  for (const c of shown) {
    // A long session covers a path hundreds of times: the first few name it (as `check` prints them).
    const some = c.interactions.slice(0, MAX_COVERING).map(label)
    if (c.interactions.length > MAX_COVERING) some.push(`+${c.interactions.length - MAX_COVERING} more`)
    lines.push(c.status === 'covered' ? `- [x] \`${c.id}\` (${some.join(', ')})` : `- [ ] \`${c.id}\`: ${mdText(c.label)}`)
  }
  if (a.notes.length) {
    lines.push('', `**Notes (${a.notes.length})**`)
    lines.push(...more(a.notes, MAX_NOTES, (n) => `- ${mdText(noteTarget(n, a), 60)}: ${mdText(n.text)}`))
  }
  return escapeControls(lines.join('\n') + '\n')
}
