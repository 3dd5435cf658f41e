// Panel (pure). The event list's filters: plugin, event, minimum severity and free text, the text
// also matched inside each entry's data. Must stay well under 200 ms on 100 000 entries, so the
// entries' lower-cased search text is indexed once per entries array (lib/textIndex.ts); an import
// builds the index while the file is parsed (state/store.ts).
import type { Finding, SessionEntry, Severity } from '../../../src/core/model.ts'
import { inFocus, matchesPattern } from '../../../src/core/focus.ts'
import { nameOf, pluginOf } from './entries.ts'
import { textIndexOf } from './textIndex.ts'

export interface Filter {
  /** '' = every plugin. */
  plugin: string
  /** Event or command name, or a name pattern (`Watchman.uptime:*`, src/core/focus.ts); '' = every one. */
  event: string
  /** Show only entries with a finding of this severity or worse; '' = all entries. */
  severity: Severity | ''
  text: string
  /**
   * Show the bus entries of plugins outside the focus (housekeeping such as Watchman): off by
   * default. Choosing such a plugin or event in the filter shows them too.
   */
  others: boolean
}

export const EMPTY_FILTER: Filter = { plugin: '', event: '', severity: '', text: '', others: false }

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 }

export function isFilterActive(f: Filter): boolean {
  return f.plugin !== '' || f.event !== '' || f.severity !== '' || f.text.trim() !== ''
}

/** The worst severity among findings, or undefined. */
export function worstSeverity(findings: readonly Finding[] | undefined): Severity | undefined {
  let worst: Severity | undefined
  if (findings) for (const f of findings) if (worst === undefined || RANK[f.severity] < RANK[worst]) worst = f.severity
  return worst
}

/**
 * Whether what a row shows beyond its entry (the rule ids of its findings, its interaction label)
 * contains `needle`. Rule ids and labels repeat across thousands of rows: each is lower-cased and
 * tested once. Only a needle with a space can match across two of them ("transition callback").
 */
function shownMatcher(findingsBySeq: ReadonlyMap<number, readonly Finding[]>, needle: string, rowText?: (entry: SessionEntry) => string): (e: SessionEntry) => boolean {
  const tested = new Map<string, boolean>()
  const has = (text: string): boolean => {
    let hit = tested.get(text)
    if (hit === undefined) tested.set(text, (hit = text.toLowerCase().includes(needle)))
    return hit
  }
  const spans = needle.includes(' ')
  return (e) => {
    const findings = findingsBySeq.get(e.seq)
    const row = rowText ? rowText(e) : ''
    if (findings && spans) return `${findings.map((f) => f.rule).join(' ')} ${row}`.toLowerCase().includes(needle)
    if (findings) for (const f of findings) if (has(f.rule)) return true
    return row !== '' && has(row)
  }
}

/**
 * Indexes (into `entries`) of the rows to show. Page-load and dropped markers stay visible under any
 * filter: they tell where a reload happened or data was lost, which matters most when filtering.
 * `hidden`, when given, gets how many bus entries of other plugins the text matches but the hidden
 * others switch keeps out (a "no match" must not hide hundreds of matches).
 */
export function filterEntries(
  entries: readonly SessionEntry[],
  findingsBySeq: ReadonlyMap<number, readonly Finding[]>,
  filter: Filter,
  /** What the row shows beyond the entry itself (its interaction label): the text matches it too. */
  rowText?: (entry: SessionEntry) => string,
  hidden?: { matches: number },
): number[] {
  const out: number[] = []
  if (hidden) hidden.matches = 0
  const all = filter.others || filter.plugin !== '' || filter.event !== ''
  if (!isFilterActive(filter)) {
    for (let i = 0; i < entries.length; i++) if (all || inFocus(entries[i]!)) out.push(i)
    return out
  }
  const needle = filter.text.trim().toLowerCase()
  const maxRank = filter.severity === '' ? -1 : RANK[filter.severity]
  const hits = needle === '' ? undefined : textIndexOf(entries).matches(needle)
  const shown = shownMatcher(findingsBySeq, needle, rowText)
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    if (e.kind === 'marker') {
      if (e.marker !== 'bus') out.push(i)
      continue
    }
    if (!all && !inFocus(e)) {
      // Housekeeping has no interaction and no finding: the text index alone decides it.
      if (hidden && hits && hits[i] !== 0 && maxRank < 0) hidden.matches++
      continue
    }
    if (filter.plugin !== '' && pluginOf(e) !== filter.plugin) continue
    if (filter.event !== '' && !matchesPattern(nameOf(e), filter.event)) continue
    if (maxRank >= 0) {
      const worst = worstSeverity(findingsBySeq.get(e.seq))
      if (worst === undefined || RANK[worst] > maxRank) continue
    }
    if (hits && hits[i] === 0 && !shown(e)) continue
    out.push(i)
  }
  return out
}
