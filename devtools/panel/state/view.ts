// Panel (pure). What the components read about one session (the live capture or an imported file):
// the entries, the checker's report and the look-ups derived from it once per update, so rendering
// never scans 100 000 entries to answer "which findings are on this event?".
import type { Finding, Interaction, Report, SessionEntry, Severity } from '../../../src/core/model.ts'
import { PageLoads } from '../../../src/core/pages.ts'
import { inFocus, namePattern } from '../../../src/core/focus.ts'
import { buildStories, type InteractionStory } from '../../../src/core/story.ts'
import { interactionLabel, nameOf, pluginOf } from '../lib/entries.ts'

export interface SessionView {
  /** Entries in capture order. Append-only in the live view (read `length` for what is current). */
  entries: readonly SessionEntry[]
  report: Report
  /** Findings by the seq of the event they are about (the last seq of Finding.seq). */
  findingsBySeq: ReadonlyMap<number, readonly Finding[]>
  interactionById: ReadonlyMap<string, Interaction>
  /**
   * Time of each interaction's `opened`: the zero of "+opened" times. None when `opened` was not
   * captured (paused, cleared, lost): a time since another event would read as a wrong duration.
   */
  openedAt: ReadonlyMap<string, number>
  counts: Record<Severity, number>
  /** Plugins and full event/command names seen, sorted. */
  plugins: readonly string[]
  names: readonly string[]
  /** The event filter's choices: names grouped by pattern (`Watchman.uptime:*`), sorted. */
  patterns: readonly string[]
  /** Bus entries of plugins outside the focus (housekeeping): hidden until the user shows them. */
  otherCount: number
  /** One story per interaction (computed on first use, then kept for this view). */
  readonly stories: readonly InteractionStory[]
  storyById(id: string): InteractionStory | undefined
  /** The interaction an entry belongs to: a lifecycle event's, or the one a failure or minimize was attributed to. */
  interactionOf(seq: number): string | null
  /** Widgets version named by the capture's bus markers, if any. */
  widgetsVersion: string | undefined
  /** The latest bus marker's finding (how the bus was found), if any. */
  bus: { via: string; widgetsVersion?: string } | undefined
  /** Number of top-level page loads (an interaction's own page: Interaction.page). */
  pageCount: number
  /** True once the session has a bus event or command (not only our markers). */
  hasBusEntries: boolean
  /** Index into `entries` by seq. */
  indexOf(seq: number): number | undefined
  /** The same entries with another report (an import's check finished, or new settings), and its stories when already told. */
  withReport(report: Report, stories?: InteractionStory[]): SessionView
}

export const EMPTY_REPORT: Report = { interactions: [], findings: [], events: {} }

/** Incremental lists of plugins and names (a Set per view, sorted only when a new one appears). */
export class NameIndex {
  private readonly pluginSet = new Set<string>()
  private readonly nameSet = new Set<string>()
  plugins: string[] = []
  names: string[] = []
  private readonly patternSet = new Set<string>()
  patterns: string[] = []
  otherCount = 0
  /** From the latest `bus` marker that named it. */
  widgetsVersion: string | undefined
  bus: { via: string; widgetsVersion?: string } | undefined
  /** Page loads counted as entries arrive (src/core/pages.ts: the checker and the CLI count them the same way). */
  private readonly numbering = new PageLoads()
  get pageCount(): number {
    return this.numbering.count
  }

  add(entry: SessionEntry): void {
    // Every entry, as the checker feeds it: a page whose page-load marker is gone counts from its entries.
    this.numbering.add(entry)
    if (entry.kind === 'marker') {
      const data = typeof entry.data === 'object' && entry.data !== null && !Array.isArray(entry.data) ? (entry.data as Record<string, unknown>) : {}
      if (entry.marker === 'bus') {
        const v = data.widgetsVersion
        if (typeof v === 'string' && v) this.widgetsVersion = v
        this.bus = { via: String(data.via ?? '?'), ...(typeof v === 'string' && v ? { widgetsVersion: v } : {}) }
      }
      return
    }
    const plugin = pluginOf(entry)
    const name = nameOf(entry)
    if (plugin && !this.pluginSet.has(plugin)) {
      this.pluginSet.add(plugin)
      this.plugins = [...this.pluginSet].sort()
    }
    if (!inFocus(entry)) this.otherCount++
    if (!this.nameSet.has(name)) {
      this.nameSet.add(name)
      this.names = [...this.nameSet].sort()
      const pattern = namePattern(name)
      if (!this.patternSet.has(pattern)) {
        this.patternSet.add(pattern)
        this.patterns = [...this.patternSet].sort()
      }
    }
  }
}

export function buildView(entries: readonly SessionEntry[], report: Report, seqIndex: ReadonlyMap<number, number>, names: NameIndex): SessionView {
  return makeView(entries, report, (seq) => seqIndex.get(seq), names)
}

function makeView(entries: readonly SessionEntry[], report: Report, indexOf: (seq: number) => number | undefined, names: NameIndex, told?: InteractionStory[]): SessionView {
  const findingsBySeq = new Map<number, Finding[]>()
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 }
  for (const f of report.findings) {
    counts[f.severity]++
    const about = f.seq[f.seq.length - 1]
    if (about === undefined) continue
    const list = findingsBySeq.get(about)
    if (list) list.push(f)
    else findingsBySeq.set(about, [f])
  }
  const interactionById = new Map<string, Interaction>()
  const openedAt = new Map<string, number>()
  for (const i of report.interactions) {
    interactionById.set(i.id, i)
    const opened = i.events.find((e) => e.event.endsWith('.opened'))
    if (opened) openedAt.set(i.id, opened.time)
  }
  let stories: InteractionStory[] | undefined = told
  let byId: Map<string, InteractionStory> | undefined
  let attributed: Map<number, string> | undefined
  // Unchecked (an import being parsed or checked): no interaction, no story, nothing to scan for.
  const allStories = (): InteractionStory[] => (stories ??= report.interactions.length === 0 ? [] : buildStories(entries, report))
  return {
    entries,
    report,
    get stories() {
      return allStories()
    },
    storyById(id) {
      byId ??= new Map(allStories().map((st) => [st.id, st]))
      return byId.get(id)
    },
    interactionOf(seq) {
      const id = report.events[seq]?.interaction
      if (id != null) return id
      if (report.interactions.length === 0) return null // not checked yet: no story to tell
      if (!attributed) {
        attributed = new Map()
        for (const st of allStories()) for (const step of st.steps) if (step.kind !== 'step') attributed.set(step.seq, st.id)
      }
      return attributed.get(seq) ?? null
    },
    findingsBySeq,
    interactionById,
    openedAt,
    counts,
    plugins: names.plugins,
    names: names.names,
    patterns: names.patterns,
    otherCount: names.otherCount,
    widgetsVersion: names.widgetsVersion,
    bus: names.bus,
    pageCount: names.pageCount,
    hasBusEntries: names.names.length > 0,
    indexOf,
    withReport: (next, nextStories) => makeView(entries, next, indexOf, names, nextStories),
  }
}

/**
 * A view of a whole session at once (an imported file). Session files list entries by increasing
 * seq, so seq look-ups are a binary search over the entries themselves: no 50 000-key map to build
 * before the first render. A file out of order falls back to a map.
 */
export function viewOfSession(entries: readonly SessionEntry[], report: Report, indexed?: NameIndex): SessionView {
  // `indexed`: the names of these entries, already collected while they were parsed.
  const names = indexed ?? new NameIndex()
  let sorted = true
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    if (!indexed) names.add(e)
    if (i > 0 && e.seq <= entries[i - 1]!.seq) sorted = false
  }
  if (!sorted) {
    const seqIndex = new Map<number, number>()
    entries.forEach((e, i) => seqIndex.set(e.seq, i))
    return buildView(entries, report, seqIndex, names)
  }
  const indexOf = (seq: number): number | undefined => {
    let lo = 0
    let hi = entries.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const s = entries[mid]!.seq
      if (s === seq) return mid
      if (s < seq) lo = mid + 1
      else hi = mid - 1
    }
    return undefined
  }
  return makeView(entries, report, indexOf, names)
}

/**
 * How the list names an entry's interaction: "Callback #1", with " · page 2" when the session has
 * more than one page load (the timeline's lanes say the page too). '' outside any interaction.
 */
export function interactionLabelOf(view: SessionView, seq: number, short = false): string {
  const id = view.interactionOf(seq)
  if (id == null) return ''
  const i = view.interactionById.get(id)
  if (!i) return id
  return interactionLabel(i.plugin, i.index, i.page, view.pageCount > 1, short)
}
