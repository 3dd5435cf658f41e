// Runs everywhere (panel, popup, CLI, report). One story per interaction, computed once from the
// entries and the checker's report: what happened and how it ended, told the same way everywhere.
// - outcome: completed, cancelled, no-outcome (closed, or ended by a new `opened`, without either)
//   or open (still open when the capture ends, or when its page was left);
// - submissions, each failure of the plugin's service attributed to the interaction that was open
//   in the same page load when it came (9.x publishes only CallbackService.scheduleError for a
//   failed submit), with the HTTP status and the service's code and message; retries (submissions
//   after a failure); minimize and restore (no metadata, so not lifecycle steps for the checker);
// - the flags, both elapsed values (SPEC.md §3), the page and page load, and a sentence for people;
// - a gap: a `dropped` marker (paused, cleared, lost) inside the interaction. A closed interaction
//   whose outcome fell into it takes the outcome its `closed` metadata names, and says it was not captured;
//   one whose `opened` fell into it says so and takes its duration from the metadata's `opened`; one not
//   closed with a gap after its last event says its end (and so its outcome) was not captured.
// One pass over the entries; the lifecycle events' interaction comes from Report.events.
import { droppedPlugin, type Interaction, type Json, type JsonObject, type Report, type SessionEntry, type SessionSource } from './model.ts'
import { expectedElapsed, type ElapsedExpectation } from './lifecycle/rules/elapsed.ts'
import { usableTimestamp } from './lifecycle/rules/metadata.ts'
import { PROFILES, type PluginProfile } from './lifecycle/profiles.ts'
import { gapOrder } from './lanes.ts'
import { interactionLabel, isFrameLoad, PageLoads } from './pages.ts'

export type Outcome = 'completed' | 'cancelled' | 'no-outcome' | 'open'

/** A failed request of the plugin's service, as the service published it (a jqXHR-like object). */
export interface ServiceFailure {
  seq: number
  time: number
  /** Full event name, e.g. "CallbackService.scheduleError". */
  event: string
  /** HTTP status (0: the network failed), null when the payload has none. */
  status: number | null
  statusText: string | null
  /** The service's own error code (`responseJSON.code`, e.g. 7030), null when it gave none. */
  code: number | string | null
  /** The service's message (`responseJSON.message`), null when it gave none. */
  message: string | null
}

export type StoryStepKind = 'step' | 'failure' | 'minimized' | 'restored'

/** One thing that happened in an interaction, in capture order. */
export interface StoryStep {
  seq: number
  time: number
  kind: StoryStepKind
  /** Short name as a lifecycle line shows it: "submitted", "scheduleError 500", "minimized". */
  label: string
}

/** The `summary` of an interaction in `cxbus-devtools check --json` (documented in the README). */
export interface InteractionSummary {
  outcome: Outcome
  submits: number
  failures: { seq: number; status: number | null; code: number | string | null; message: string | null }[]
  /** Submissions that came after a failed one. */
  retries: number
  /** How often the window was minimized (restores: InteractionStory.restored). */
  minimized: number
  autoSubmitted: boolean
  prefilled: boolean
  proactive: boolean
  /** The interaction's elapsed by each definition of SPEC.md §3, from its last event's metadata; null where it does not apply. */
  elapsed: { documented: number | null; shipped: number | null }
  /**
   * The page the interaction happened in: 1-based number of its top-level page load, that page's URL
   * with its query, the page load id of its document, and when that document is a frame's, the
   * frame's URL (null otherwise).
   */
  page: { number: number; url: string | null; pageLoadId: string | null; frameUrl: string | null }
}

/** Where the capture has a hole inside an interaction: its first `dropped` marker there. */
export interface StoryGap {
  /** Seq of the `dropped` marker (the list shows it). */
  seq: number
  /** Why the entries are missing: the capture was paused, cleared, or a buffer overflowed. */
  why: 'paused' | 'cleared' | 'lost'
  /** The outcome the `closed` metadata names when the outcome event itself fell into the gap, else null. */
  outcome: 'completed' | 'cancelled' | null
  /** Neither closed nor an outcome captured, and a `dropped` marker follows its last event: its end (outcome and closed) may be in there. Else null. */
  end: { seq: number; why: StoryGap['why'] } | null
}

export interface InteractionStory {
  id: string
  plugin: string
  index: number
  /** "Callback #2", with " · page 3" when the capture has several page loads (as the panel and CLI name it). */
  label: string
  summary: InteractionSummary
  restored: number
  failures: ServiceFailure[]
  /** Lifecycle steps, failures, minimize and restore, in capture order. */
  steps: StoryStep[]
  /** Minimized periods: from minimize to restore (null while still minimized). */
  minimizedSpans: { from: number; to: number | null }[]
  /** Envelope times of the first and last lifecycle step. */
  start: number
  end: number
  /** Ended by the next `opened` without `closed` (closed lost or never published). */
  superseded: boolean
  /** Still open when a new page loaded (reload or navigation). */
  pageLeft: boolean
  /** Entries missing inside the interaction (null when none). */
  gap: StoryGap | null
  /** Its `opened` fell into the gap: the first step captured is not its start. */
  openedMissing: boolean
  /**
   * How long it took (ms): first to last lifecycle event; when its `opened` was not captured, from the
   * page's own `opened` (the shipped elapsed of its last metadata: (closed or publish time) - opened),
   * null when the metadata has no `opened` either.
   */
  duration: number | null
  /** "Completed after 1 failed submission (HTTP 500 Internal Server Error), 1 retry, 6.2 s". */
  sentence: string
}

export interface StoryOptions {
  profiles?: readonly PluginProfile[]
  /** The session's source (its url is the page of entries without a page-load marker). */
  source?: SessionSource
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: Json | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const short = (name: string): string => name.slice(name.indexOf('.') + 1)

/** Reads a jqXHR-like failure payload; anything else gives nulls, never an exception. */
export function readFailure(entry: SessionEntry & { kind: 'event' }): ServiceFailure {
  const d = isObject(entry.data) ? entry.data : {}
  const body = isObject(d.responseJSON) ? d.responseJSON : {}
  const code = body.code
  return {
    seq: entry.seq,
    time: entry.time,
    event: entry.event,
    status: typeof d.status === 'number' && Number.isInteger(d.status) ? d.status : null,
    statusText: typeof d.statusText === 'string' && d.statusText !== '' ? d.statusText : null,
    code: typeof code === 'number' || (typeof code === 'string' && code !== '') ? code : null,
    message: typeof body.message === 'string' && body.message !== '' ? body.message : null,
  }
}

/** "HTTP 500 Internal Server Error", "HTTP 400 code 7030", "network error" (status 0); `brief` leaves out the status text. */
export function describeFailure(f: ServiceFailure, brief = false): string {
  if (f.status === 0) return 'network error'
  const http = f.status === null ? 'failed request' : `HTTP ${f.status}${!brief && f.statusText ? ` ${f.statusText}` : ''}`
  return f.code === null ? http : `${http} code ${f.code}`
}

/** The failure with the service's message when it says more than the status text: "HTTP 400 Bad Request code 7030: Callback parameter ...". */
export function failureDetail(f: ServiceFailure): string {
  const said = f.message !== null && f.message !== f.statusText ? `: ${f.message}` : ''
  return describeFailure(f) + said
}

/** Lifecycle-line label of a failure: "scheduleError 500", "scheduleError 0". */
const failureLabel = (f: ServiceFailure): string => `${short(f.event)}${f.status === null ? '' : ` ${f.status}`}`

/** `850 ms`, `6.2 s`, `2.5 min`: the precision a person reads a lifecycle with. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms)
  if (abs < 1000) return `${Math.round(ms)} ms`
  if (abs < 120_000) return `${(ms / 1000).toFixed(1)} s`
  if (abs < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`
  // A capture left open for a day reads "26.5 h", not "1590.0 min".
  return `${(ms / 3_600_000).toFixed(1)} h`
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** "paused at #12": a gap's marker, as a reader finds it in the list. */
const gapAt = (g: { seq: number; why: StoryGap['why'] }): string => `${g.why} at #${g.seq}`

/** The sentence for people, from the story's facts. */
export function storySentence(s: Omit<InteractionStory, 'sentence'>): string {
  const { summary: m, failures } = s
  const failed = failures.length ? ` after ${plural(failures.length, 'failed submission')} (${[...new Set(failures.map((f) => describeFailure(f, failures.length > 1)))].join(', ')})` : ''
  // One pass over the steps (a long check tells thousands of stories).
  let started = false
  let completed = false
  let cancelled = false
  for (const x of s.steps) {
    if (x.kind !== 'step') continue
    if (x.label === 'started') started = true
    else if (x.label === 'completed') completed = true
    else if (x.label === 'cancelled') cancelled = true
  }
  // Both outcomes in one interaction (order/both-terminal): never read as a plain success or cancel.
  const both = completed && cancelled
  // What fell into a gap is said, with the gap's marker: `opened`, an outcome read from `closed`, the end.
  const gap = s.gap
  const noOpened = s.openedMissing
  const missed = (what: (string | false | null | undefined)[]): string => {
    const named = what.filter((w) => typeof w === 'string')
    return gap && named.length ? ` (${named.join(' and ')} not captured: ${gapAt(gap)})` : ''
  }
  const end = gap?.end ?? null
  let head: string
  if (end) {
    // Not closed and events missing after its last one: it may have ended there, with either outcome.
    head = noOpened && gap!.seq !== end.seq
      ? `Opened and end not captured (${gapAt(gap!)}, ${gapAt(end)}), outcome unknown${failed}`
      : `End not captured (${gapAt(end)}), outcome unknown${failed}`
  } else {
    switch (m.outcome) {
      case 'completed':
        head = both ? `Completed and cancelled (two outcomes)${failed}` : `Completed${missed([noOpened && 'opened', gap?.outcome])}${failed}`
        break
      case 'cancelled':
        head = both
          ? `Cancelled and completed (two outcomes)${failed}`
          // Without typing only when no gap could hide a `started`.
          : `Cancelled${missed([noOpened && 'opened', gap?.outcome])}${failed || (m.submits ? ' after submitting' : started ? ' after typing' : gap ? '' : ' without typing')}`
        break
      case 'no-outcome':
        head = s.superseded
          ? `Ended without closed or an outcome (a new one opened)${missed([noOpened && 'opened'])}${failed}`
          : gap
            ? `Closed, outcome unknown (events ${gapAt(gap)})${failed}`
            : `Closed without completed or cancelled${failed}`
        break
      default:
        head = `${s.pageLeft ? 'Left open by a page load' : 'Open at the end of the capture'}${missed([noOpened && 'opened'])}${failed}`
    }
  }
  const parts = [head]
  if (m.retries) parts.push(plural(m.retries, 'retry', 'retries'))
  if (m.autoSubmitted) parts.push('auto-submitted')
  else if (m.prefilled) parts.push('prefilled')
  if (m.proactive) parts.push('proactive')
  if (m.minimized) parts.push(`minimized ${m.minimized}×${s.restored < m.minimized ? ` (restored ${s.restored}×)` : ''}`)
  // Not over (or its end not captured): the span ends at its last event, not at the page load or the capture's end.
  const span = s.duration
  // (A single captured event spans nothing: "0 ms until its last event" would only puzzle.)
  if (span !== null && !((m.outcome === 'open' || end) && span === 0)) parts.push(m.outcome === 'open' || end ? `${formatSpan(span)} until its last event` : formatSpan(span))
  return parts.join(', ')
}

/** What the pass keeps per interaction until the story is made. */
interface Draft {
  steps: StoryStep[]
  failures: ServiceFailure[]
  submits: number
  retries: number
  minimized: number
  restored: number
  spans: { from: number; to: number | null }[]
  lastData: Json | undefined
  lastTime: number
  /** What the story reads from the last metadata, taken when the interaction closes (its metadata object is not kept). */
  facts: Facts | null
  superseded: boolean
  /** URL of the frame of the first step (a page without page-load markers still names its page). */
  frameUrl: string | undefined
  /** The first `dropped` marker inside the interaction (or just before its first captured step). */
  gap: { seq: number; why: StoryGap['why'] } | null
  /** The first `dropped` marker since its last captured step (null once a step follows it). */
  tail: { seq: number; why: StoryGap['why'] } | null
}

const newDraft = (): Draft => ({ steps: [], failures: [], submits: 0, retries: 0, minimized: 0, restored: 0, spans: [], lastData: undefined, lastTime: 0, facts: null, superseded: false, frameUrl: undefined, gap: null, tail: null })

interface Facts {
  elapsed: ElapsedExpectation | null
  autoSubmitted: boolean
  prefilled: boolean
  proactive: boolean
  /** The outcome the metadata names (its timestamp is set), null when neither. */
  outcome: 'completed' | 'cancelled' | null
}

function factsOf(profile: PluginProfile | undefined, lastData: Json | undefined, lastTime: number): Facts {
  const data = isObject(lastData) ? lastData : {}
  const said = (step: string): boolean => profile?.terminals.includes(step) === true && (num(data[step]) !== null || data[step] === true)
  return {
    elapsed: profile ? elapsedOf(profile, data, lastTime) : null,
    autoSubmitted: data.autoSubmitted === true,
    prefilled: data.prefilled === true,
    proactive: data.proactive === true,
    outcome: said('completed') ? 'completed' : said('cancelled') ? 'cancelled' : null,
  }
}

/** Why a `dropped` marker's entries are missing. */
function gapWhy(e: SessionEntry): StoryGap['why'] {
  const where = isObject(e.data) ? e.data.where : undefined
  return where === 'paused' || where === 'cleared' ? where : 'lost'
}

/**
 * Stories of every interaction of `report`, in its order. `entries` are the session's entries in
 * capture order (the ones the report was made from).
 */
export function buildStories(entries: readonly SessionEntry[], report: Report, options: StoryOptions = {}): InteractionStory[] {
  const builder = createStoryBuilder(options)
  for (const e of gapOrder(entries)) builder.push(e, e.kind === 'event' ? report.events[e.seq]?.interaction : undefined)
  return builder.finish(report, options.source)
}

/** Stories made while the entries stream by (the CLI checks a file slice by slice and keeps no entry). */
export interface StoryBuilder {
  /** The next entry in capture order, with its interaction in the checker's report (Report.events[seq]). */
  push(entry: SessionEntry, interaction: string | null | undefined): void
  /** The stories of every interaction of the report of the entries pushed, in its order (`source`: the session's). */
  finish(report: Report, source?: SessionSource): InteractionStory[]
  /**
   * The story of one interaction that nothing pushed later can change (closed, or ended by a new
   * one), then forgotten: a long stream keeps only its open interactions. Its label and page are
   * as far as the entries pushed tell (a later page load can add " · page N": labelOf at the end).
   */
  take(ia: Interaction): InteractionStory
  /** The label of an interaction given what all the entries pushed tell (InteractionStory.label). */
  labelOf(plugin: string, index: number, page: number): string
}

export function createStoryBuilder(options: Pick<StoryOptions, 'profiles'> = {}): StoryBuilder {
  const profiles = new Map((options.profiles ?? PROFILES).map((p) => [p.plugin, p]))
  /** Service plugin -> the plugins it serves and the failure events (short names). */
  const services = new Map<string, { served: string; failures: ReadonlySet<string> }[]>()
  for (const p of profiles.values()) {
    for (const s of p.services ?? []) {
      const list = services.get(s.plugin) ?? []
      list.push({ served: p.plugin, failures: new Set(s.failures) })
      services.set(s.plugin, list)
    }
  }
  const drafts = new Map<string, Draft>()
  /** The interaction open in each stream (page load, then plugin): where minimize and failures go. Nested maps: no key string per entry. */
  const current = new Map<string, Map<string, Draft>>()
  // Consecutive events mostly share their publisher: its profile without a lookup.
  let lastPublisher: string | undefined
  let lastProfile: PluginProfile | undefined
  // Consecutive entries mostly share their page load: the previous one's map, without a lookup.
  let lastPageLoadId: string | undefined
  let lastPage: Map<string, Draft> | undefined
  const streams = (pageLoadId: string | undefined): Map<string, Draft> => {
    if (lastPage !== undefined && pageLoadId === lastPageLoadId) return lastPage
    let page = current.get(pageLoadId ?? '')
    if (!page) current.set(pageLoadId ?? '', (page = new Map()))
    lastPageLoadId = pageLoadId
    return (lastPage = page)
  }
  /** "Callback.opened" -> "opened", one slice per distinct name. */
  const shorts = new Map<string, string>()
  const shortOf = (name: string): string => {
    let x = shorts.get(name)
    if (x === undefined) shorts.set(name, (x = short(name)))
    return x
  }
  /** URL of each top-level page load by id, and of each frame's document by id in frameUrls. */
  const urls = new Map<string, string>()
  const frameUrls = new Map<string, string>()
  /** URL of each top-level page by number: the page of entries without a pageLoadId. */
  const pageUrls = new Map<number, string>()
  /** The page boundaries, derived as the checker derives them (its Interaction.page, order/unclosed). */
  const pages = new PageLoads()
  /** The latest `dropped` marker of each page load ('' without one): an interaction begun after it may have lost its start. */
  const gaps = new Map<string, { seq: number; why: StoryGap['why'] }>()

  /** A `dropped` marker: a gap in the interactions open in its page load (every page load without one), unless it is of another plugin only. */
  function noteGap(e: SessionEntry): void {
    const g = { seq: e.seq, why: gapWhy(e) }
    const only = droppedPlugin(e)
    const pages = e.pageLoadId === undefined ? [...current.values()] : [current.get(e.pageLoadId)]
    for (const page of pages) {
      for (const [plugin, d] of page ?? []) {
        const p = profiles.get(plugin)
        if (only !== undefined && only !== plugin && !p?.services?.some((x) => x.plugin === only)) continue
        d.gap ??= g
        d.tail ??= g
      }
    }
    if (only === undefined || profiles.has(only)) gaps.set(e.pageLoadId ?? '', g)
  }
  let firstUrl: string | undefined

  function push(e: SessionEntry, id: string | null | undefined): void {
    pages.add(e)
    if (e.kind === 'marker') {
      if (e.marker === 'dropped') {
        noteGap(e)
        return
      }
      if (e.marker !== 'page-load') return
      const url = isObject(e.data) && typeof e.data.url === 'string' ? e.data.url : undefined
      if (url !== undefined && e.pageLoadId) (isFrameLoad(e) ? frameUrls : urls).set(e.pageLoadId, url)
      if (url !== undefined && !isFrameLoad(e)) {
        firstUrl ??= url
        pageUrls.set(pages.count, url)
      }
      // A new document in this page load ('' without pageLoadIds) starts clean, as the checker's
      // streams do: what was open there was left open, not ended by the next `opened`.
      current.get(e.pageLoadId ?? '')?.clear()
      gaps.delete(e.pageLoadId ?? '')
      return
    }
    if (e.kind !== 'event') return
    if (e.publisher !== lastPublisher) {
      lastPublisher = e.publisher
      lastProfile = profiles.get(e.publisher)
    }
    const profile = lastProfile
    if (profile) {
      const name = shortOf(e.event)
      const page = streams(e.pageLoadId)
      const k = e.publisher
      if (id != null) {
        let d = drafts.get(id)
        if (!d) drafts.set(id, (d = newDraft()))
        const prev = page.get(k)
        if (prev && prev !== d) prev.superseded = true
        if (d.steps.length === 0) {
          d.frameUrl = e.frameUrl
          // The first one begun after a gap without its opened (paused or cleared away): the gap is its.
          const g = gaps.get(e.pageLoadId ?? '')
          if (g) {
            if (name !== profile.open) d.gap = g
            gaps.delete(e.pageLoadId ?? '')
          }
        }
        d.steps.push({ seq: e.seq, time: e.time, kind: 'step', label: name })
        d.tail = null
        d.lastData = e.data
        d.lastTime = e.time
        d.facts = null
        if (name === profile.submit) {
          d.submits++
          if (d.failures.length) d.retries++
        }
        if (name === profile.close) {
          page.delete(k)
          d.facts = factsOf(profile, d.lastData, d.lastTime)
          d.lastData = undefined
        } else page.set(k, d)
        return
      }
      const open = page.get(k)
      const m = profile.minimize
      if (!open || !m) return
      if (name === m.minimized || name === m.restored) open.tail = null
      if (name === m.minimized) {
        open.minimized++
        open.spans.push({ from: e.time, to: null })
        open.steps.push({ seq: e.seq, time: e.time, kind: 'minimized', label: name })
      } else if (name === m.restored) {
        open.restored++
        const span = open.spans[open.spans.length - 1]
        if (span && span.to === null) span.to = e.time
        open.steps.push({ seq: e.seq, time: e.time, kind: 'restored', label: name })
      }
      return
    }
    const served = services.get(e.publisher)
    if (served === undefined) return
    for (const s of served) {
      if (!s.failures.has(shortOf(e.event))) continue
      const open = streams(e.pageLoadId).get(s.served)
      if (!open) continue
      const f = readFailure(e)
      open.failures.push(f)
      open.steps.push({ seq: e.seq, time: e.time, kind: 'failure', label: failureLabel(f) })
      open.tail = null
      break
    }
  }

  function storyOf(ia: Interaction, source: SessionSource | undefined): InteractionStory {
    const d = drafts.get(ia.id) ?? newDraft()
    const profile = profiles.get(ia.plugin)
    const facts = d.facts ?? factsOf(profile, d.lastData, d.lastTime)
    // One pass over its events: the first completed and cancelled, its opened, and the envelope.
    let opened = false
    let completed = -1
    let cancelled = -1
    let start = Infinity
    let end = -Infinity
    for (let i = 0; i < ia.events.length; i++) {
      const x = ia.events[i] as Interaction['events'][number]
      if (completed < 0 && isStep(x.event, 'completed')) completed = i
      if (cancelled < 0 && isStep(x.event, 'cancelled')) cancelled = i
      if (!opened && profile && isStep(x.event, profile.open)) opened = true
      if (x.time < start) start = x.time
      if (x.time > end) end = x.time
    }
    // Closed with its outcome in a gap: the outcome its `closed` metadata names.
    const hidden = completed < 0 && cancelled < 0 && ia.closed && d.gap ? facts.outcome : null
    const outcome: Outcome = completed >= 0 && (cancelled < 0 || completed < cancelled)
      ? 'completed'
      : cancelled >= 0
        ? 'cancelled'
        : hidden ?? (ia.closed || d.superseded ? 'no-outcome' : 'open')
    const openedMissing = d.gap !== null && !opened
    const x = facts.elapsed
    const documented = x?.documentedApplies ? x.documented : null
    const shipped = x && x.shippedFrom !== 'absolute' ? x.shipped : null
    const pageNumber = ia.page
    // A frame's document: the page's URL, and the frame's apart (a story in a frame named the frame as its page).
    const frameUrl = (ia.pageLoadId && frameUrls.get(ia.pageLoadId)) || null
    const url = (ia.pageLoadId && urls.get(ia.pageLoadId)) || (frameUrl === null ? d.frameUrl : undefined) || pageUrls.get(pageNumber) || firstUrl || (typeof source?.url === 'string' ? source.url : null) || null
    const summary: InteractionSummary = {
      outcome,
      submits: d.submits,
      failures: d.failures.map((f) => ({ seq: f.seq, status: f.status, code: f.code, message: f.message })),
      retries: d.retries,
      minimized: d.minimized,
      autoSubmitted: facts.autoSubmitted,
      prefilled: facts.prefilled,
      proactive: facts.proactive,
      elapsed: { documented, shipped },
      page: { number: pageNumber, url, pageLoadId: ia.pageLoadId ?? null, frameUrl },
    }
    // One literal with every field (sentence filled in after): a spread would give each of
    // thousands of stories a hidden class of its own (memory, and slow reads everywhere).
    const story: InteractionStory = {
      id: ia.id,
      plugin: ia.plugin,
      index: ia.index,
      label: interactionLabel(ia.plugin, ia.index, pageNumber, pages.count > 1),
      summary,
      restored: d.restored,
      failures: d.failures,
      steps: d.steps,
      minimizedSpans: d.spans,
      start: ia.events.length ? start : 0,
      end: ia.events.length ? end : 0,
      superseded: d.superseded && !ia.closed,
      // Left open by a page load after its last event: where the checker says so (order/unclosed).
      pageLeft: !ia.closed && !d.superseded && ia.events.length > 0 && pages.leftAfter(ia.pageLoadId, (ia.events[ia.events.length - 1] as Interaction['events'][number]).seq) >= 0,
      gap: d.gap ? { seq: d.gap.seq, why: d.gap.why, outcome: hidden, end: outcome === 'open' || outcome === 'no-outcome' ? d.tail : null } : null,
      openedMissing,
      // Without its opened the first captured event is no start: the page's own opened is.
      duration: openedMissing ? shipped : ia.events.length ? end - start : 0,
      sentence: '',
    }
    story.sentence = storySentence(story)
    return story
  }

  return {
    push,
    finish: (report, source) => report.interactions.map((ia) => storyOf(ia, source)),
    take(ia) {
      const story = storyOf(ia, undefined)
      drafts.delete(ia.id)
      return story
    },
    labelOf: (plugin, index, page) => interactionLabel(plugin, index, page, pages.count > 1),
  }
}

/**
 * Both elapsed values (SPEC.md §3) for one event's metadata and publish time, by the profile's field
 * names: what the checker compares (src/core/lifecycle/rules/elapsed.ts), for the panel's note and
 * the stories. Null when the profile has no elapsed.
 */
export function elapsedOf(profile: PluginProfile, data: Json | undefined, publishTime: number): ElapsedExpectation | null {
  const el = profile.elapsed
  if (!el) return null
  const d = isObject(data) ? data : {}
  // As the checker: a timestamp it cannot use (seconds, another clock) counts as not set.
  const time = (field: string): number | null => {
    const v = num(d[field])
    return v !== null && usableTimestamp(v, publishTime) ? v : null
  }
  let outcome: number | false = false
  for (const t of el.documented.to) {
    const v = time(t)
    if (v !== null) {
      outcome = v
      break
    }
  }
  return expectedElapsed(time(el.documented.from) ?? false, outcome, time(el.shipped.from) ?? false, time(el.shipped.end) ?? false, publishTime)
}

/** short(name) === step, without making the short name. */
const isStep = (name: string, step: string): boolean => name.endsWith(step) && name.indexOf('.') === name.length - step.length - 1

/** `opened #4 +0 ms -> started #5 +829 ms -> submitted #6 +4.2 s -> scheduleError 500 #8 +4.4 s -> ...`, relative to the first step. */
export function lifecycleSteps(story: InteractionStory): string[] {
  const t0 = story.steps[0]?.time ?? 0
  // "#seq" as the panel's list and the findings ("seq 4,5") name entries: a reader finds each one.
  const steps = story.steps.map((s) => `${s.label} #${s.seq} +${formatSpan(s.time - t0)}`)
  // Times count from the first step captured: say so when that is not the opened that fell into a gap.
  if (story.openedMissing) steps.unshift('(opened not captured)')
  if (story.summary.outcome === 'open' || story.superseded) steps.push(story.gap?.end ? '(end not captured)' : story.pageLeft ? '(page left)' : '(not closed)')
  return steps
}
