// Runs everywhere (panel, popup, CLI, report). Scenario coverage of a QA session: the lifecycle paths a
// QA pass must exercise, each ticked with the interactions that show it. Built on the interaction
// stories (story.ts), so "what happened" is decided in one place. The paths are data, like the
// plugin profiles: a team adds its own in the CLI's --config file ("coverage": [...]), validated
// here with errors that name the field, and `require` lists the paths a CI run must see.
import type { SessionEntry } from './model.ts'
import type { InteractionStory, Outcome } from './story.ts'

/**
 * What an interaction must show to tick a path. Every given field must hold (AND); counts are minimums.
 * - `steps`: the interaction's lifecycle steps, exactly these in this order (minimize, failures aside);
 * - `afterClosed`: it follows a closed interaction of the same plugin on the same page, the one its
 *   label names (its frames' documents count with it; "two in a row": the previous interaction is
 *   ticked with it).
 */
export interface PathMatch {
  outcome?: Outcome | readonly Outcome[]
  steps?: readonly string[]
  submits?: number
  failures?: number
  retries?: number
  minimized?: number
  restored?: number
  autoSubmitted?: boolean
  prefilled?: boolean
  proactive?: boolean
  pageLeft?: boolean
  afterClosed?: boolean
}

export interface CoveragePath {
  /** Stable id, e.g. "failed-retry"; an item's id is "<plugin>/<id>" ("Callback/failed-retry"). */
  id: string
  /** What the path is, for people: "opened → started → submitted → completed → closed". */
  label: string
  /** Plugins the path applies to (default: Callback and SendMessage). */
  plugins?: readonly string[]
  /** How to exercise it when it is missing. */
  howTo: string
  match: PathMatch
}

const BOTH = ['Callback', 'SendMessage'] as const

/** The paths of issue 14: the documented scenarios and the shipped 9.x behaviours a QA pass must see. */
export const DEFAULT_PATHS: readonly CoveragePath[] = [
  {
    id: 'untouched', label: 'opened → cancelled → closed (documented)', plugins: BOTH, match: { steps: ['opened', 'cancelled', 'closed'] },
    howTo: 'Open the window and close it with X without typing (demo: abandon-untouched).',
  },
  {
    id: 'typed-cancel', label: 'opened → started → cancelled → closed (documented)', plugins: BOTH, match: { steps: ['opened', 'started', 'cancelled', 'closed'] },
    howTo: 'Open the window, type in a field, close it with X and confirm "Yes" (demo: abandon-typed).',
  },
  {
    id: 'submitted', label: 'opened → started → submitted → completed → closed (documented)', plugins: BOTH,
    match: { steps: ['opened', 'started', 'submitted', 'completed', 'closed'] },
    howTo: 'Open the window, fill in the form, submit, wait for the confirmation and close it (demo: complete).',
  },
  {
    id: 'auto-submit', label: 'auto-submit (submitted before opened)', plugins: BOTH, match: { autoSubmitted: true },
    howTo: 'Run Callback.open({ form: { autoSubmit: true, firstname, lastname, phonenumber } }) from the page (demo: autosubmit).',
  },
  {
    id: 'failed-retry', label: 'failed submission, then a successful retry', plugins: ['Callback'], match: { failures: 1, retries: 1, outcome: 'completed' },
    howTo: 'Submit with an invalid phone number or a failing service, then fix it and submit again (demo: fail-retry).',
  },
  {
    id: 'failed-cancel', label: 'failed submission, then cancel', plugins: ['Callback'], match: { failures: 1, outcome: 'cancelled' },
    howTo: 'Submit while the service fails, then close the window and confirm (demo: fail-cancel).',
  },
  {
    id: 'minimize', label: 'minimize and restore', plugins: BOTH, match: { minimized: 1, restored: 1 },
    howTo: 'With the window open, minimize it and restore it (demo: minimize).',
  },
  {
    id: 'in-a-row', label: 'two interactions in a row', plugins: BOTH, match: { afterClosed: true },
    howTo: 'Close an interaction and open the window again on the same page (demo: two-in-a-row).',
  },
  {
    id: 'page-left', label: 'reload or navigation during an open interaction', plugins: BOTH, match: { pageLeft: true },
    howTo: 'Switch on Preserve log, open the window, then reload the page or follow a link before closing it.',
  },
]

export type CoverageStatus = 'covered' | 'missing' | 'not-applicable'

export interface CoverageItem {
  /** "<plugin>/<path id>". */
  id: string
  path: string
  plugin: string
  label: string
  howTo: string
  /** not-applicable: the plugin never appears in the session. */
  status: CoverageStatus
  /** Ids of the interactions that show it (story ids), in capture order. */
  interactions: string[]
}

export interface Coverage {
  items: CoverageItem[]
  /** Items covered, and items that apply (plugin seen in the session). */
  covered: number
  applicable: number
}

const short = (name: string): string => name.slice(name.indexOf('.') + 1)
const outcomes = (o: Outcome | readonly Outcome[]): readonly Outcome[] => (typeof o === 'string' ? [o] : o)

/** Plugins that appear in the entries (as a publisher or a command's prefix). */
export function pluginsSeen(entries: readonly SessionEntry[]): Set<string> {
  const seen = new Set<string>()
  for (const e of entries) addPluginSeen(seen, e)
  return seen
}

/** Adds the plugin of one entry to `seen` (a stream of entries: the CLI keeps none of them). */
export function addPluginSeen(seen: Set<string>, e: SessionEntry): void {
  if (e.kind === 'event') seen.add(e.publisher)
  else if (e.kind === 'command') seen.add(e.command.slice(0, Math.max(0, e.command.indexOf('.'))))
}

/** A story's lifecycle steps as one string (joined: one flat string, not a chain of concatenations, kept per story). */
function stepKey(story: InteractionStory): string {
  const labels: string[] = []
  for (const x of story.steps) if (x.kind === 'step') labels.push(x.label)
  return labels.join('\u0000')
}

/**
 * What a path tests of one interaction, read once from its story: all coverage needs, so a long
 * check keeps these instead of the stories (the CLI drops each story once it is printed text).
 */
export interface StoryFacts {
  id: string
  plugin: string
  /** The page its label names (InteractionSummary.page.number): "in a row" pairs interactions of one page. */
  page: number
  /** The lifecycle steps joined by U+0000. */
  steps: string
  outcome: Outcome
  submits: number
  failures: number
  retries: number
  minimized: number
  restored: number
  autoSubmitted: boolean
  prefilled: boolean
  proactive: boolean
  pageLeft: boolean
  superseded: boolean
}

export function storyFacts(st: InteractionStory): StoryFacts {
  const s = st.summary
  return {
    id: st.id, plugin: st.plugin, page: s.page.number, steps: stepKey(st), outcome: s.outcome, submits: s.submits,
    failures: s.failures.length, retries: s.retries, minimized: s.minimized, restored: st.restored, autoSubmitted: s.autoSubmitted,
    prefilled: s.prefilled, proactive: s.proactive, pageLeft: st.pageLeft, superseded: st.superseded,
  }
}

/**
 * A PathMatch with every condition present (null / -1: none): one object shape for every path, so
 * testing thousands of stories against it stays monomorphic.
 */
class CompiledMatch {
  readonly outcomes: readonly Outcome[] | null
  readonly steps: string | null
  readonly submits: number
  readonly failures: number
  readonly retries: number
  readonly minimized: number
  readonly restored: number
  readonly autoSubmitted: boolean | null
  readonly prefilled: boolean | null
  readonly proactive: boolean | null
  readonly pageLeft: boolean | null
  readonly afterClosed: boolean | null
  constructor(m: PathMatch) {
    this.outcomes = m.outcome === undefined ? null : outcomes(m.outcome)
    this.steps = m.steps === undefined ? null : m.steps.join('\u0000')
    this.submits = m.submits ?? -1
    this.failures = m.failures ?? -1
    this.retries = m.retries ?? -1
    this.minimized = m.minimized ?? -1
    this.restored = m.restored ?? -1
    this.autoSubmitted = m.autoSubmitted ?? null
    this.prefilled = m.prefilled ?? null
    this.proactive = m.proactive ?? null
    this.pageLeft = m.pageLeft ?? null
    this.afterClosed = m.afterClosed ?? null
  }

  /** Whether the story `t` shows the path. */
  test(t: Ticked): boolean {
    const f = t.f
    if (this.outcomes !== null && !this.outcomes.includes(f.outcome)) return false
    if (this.steps !== null && f.steps !== this.steps) return false
    if (f.submits < this.submits || f.failures < this.failures || f.retries < this.retries) return false
    if (f.minimized < this.minimized || f.restored < this.restored) return false
    if (this.autoSubmitted !== null && f.autoSubmitted !== this.autoSubmitted) return false
    if (this.prefilled !== null && f.prefilled !== this.prefilled) return false
    if (this.proactive !== null && f.proactive !== this.proactive) return false
    if (this.pageLeft !== null && f.pageLeft !== this.pageLeft) return false
    if (this.afterClosed !== null && t.afterClosed !== this.afterClosed) return false
    return true
  }
}

/** Whether `story` shows `m`; `previous` is the interaction before it of the same plugin on the same page. */
export function matches(m: PathMatch, story: InteractionStory, previous: InteractionStory | undefined): boolean {
  return new CompiledMatch(m).test(ticked(storyFacts(story), previous && ticked(storyFacts(previous), undefined)))
}

/** Ticks every path (DEFAULT_PATHS plus a team's own) with the stories that show it. */
export function computeCoverage(entries: readonly SessionEntry[], stories: readonly InteractionStory[], paths: readonly CoveragePath[] = DEFAULT_PATHS): Coverage {
  return coverageOf(pluginsSeen(entries), stories, paths)
}

/** computeCoverage from the plugins seen in the entries (pluginsSeen / addPluginSeen) instead of the entries. */
export function coverageOf(seen: ReadonlySet<string>, stories: readonly InteractionStory[], paths: readonly CoveragePath[] = DEFAULT_PATHS): Coverage {
  return coverageOfFacts(seen, stories.map(storyFacts), paths)
}

/** coverageOf from the facts of the stories (storyFacts), in capture order. */
export function coverageOfFacts(seen: ReadonlySet<string>, facts: readonly StoryFacts[], paths: readonly CoveragePath[] = DEFAULT_PATHS): Coverage {
  // Each plugin's stories with the interaction before each one, of the same plugin on the same page
  // (stories are in capture order): made once, not once per path.
  const byPlugin = new Map<string, Ticked[]>()
  const last = new Map<number, Map<string, Ticked>>()
  for (const f of facts) {
    let inPage = last.get(f.page)
    if (!inPage) last.set(f.page, (inPage = new Map()))
    let list = byPlugin.get(f.plugin)
    if (!list) byPlugin.set(f.plugin, (list = []))
    const t = ticked(f, inPage.get(f.plugin))
    list.push(t)
    inPage.set(f.plugin, t)
  }
  const items: CoverageItem[] = []
  let mark = 0
  for (const path of paths) {
    const match = new CompiledMatch(path.match)
    const pairs = path.match.afterClosed === true
    for (const plugin of path.plugins ?? BOTH) {
      // Each interaction listed once (`mark`: already listed for this item), in capture order.
      const ids: string[] = []
      mark++
      for (const t of byPlugin.get(plugin) ?? []) {
        if (!match.test(t)) continue
        // "In a row" is shown by the pair.
        if (pairs && t.prev && t.prev.mark !== mark) {
          t.prev.mark = mark
          ids.push(t.prev.f.id)
        }
        if (t.mark !== mark) {
          t.mark = mark
          ids.push(t.f.id)
        }
      }
      const status: CoverageStatus = ids.length ? 'covered' : seen.has(plugin) ? 'missing' : 'not-applicable'
      items.push({ id: `${plugin}/${path.id}`, path: path.id, plugin, label: path.label, howTo: howToFor(path.howTo, plugin), status, interactions: ids })
    }
  }
  return {
    items,
    covered: items.filter((i) => i.status === 'covered').length,
    applicable: items.filter((i) => i.status !== 'not-applicable').length,
  }
}

/** A story as a path tests it: its facts, the one before it of the same plugin on the same page. */
interface Ticked {
  f: StoryFacts
  prev: Ticked | undefined
  /** It follows a closed interaction (not open, not superseded). */
  afterClosed: boolean
  /** The item it was last listed in (coverageOfFacts). */
  mark: number
}

function ticked(f: StoryFacts, prev: Ticked | undefined): Ticked {
  return { f, prev, afterClosed: prev !== undefined && prev.f.outcome !== 'open' && !prev.f.superseded, mark: 0 }
}

/**
 * Required paths that the coverage lacks. A requirement is an item id ("Callback/failed-retry") or a
 * bare path id ("failed-retry": covered for any plugin).
 */
export function missingRequired(coverage: Coverage, required: readonly string[]): string[] {
  return required.filter((r) => !coverage.items.some((i) => i.status === 'covered' && (i.id === r || i.path === r)))
}

/** Requirements that name no path at all (a typo): the CLI refuses them before checking anything. */
export function unknownRequired(paths: readonly CoveragePath[], required: readonly string[]): string[] {
  const known = new Set(paths.flatMap((p) => [p.id, ...(p.plugins ?? BOTH).map((pl) => `${pl}/${p.id}`)]))
  return required.filter((r) => !known.has(r))
}

// ---------------------------------------------------------------------------------------------
// The coverage part of a config file: {"coverage": [CoveragePath...], "require": ["path", ...]}

export class CoverageConfigError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`)
    this.name = 'CoverageConfigError'
  }
}

const MATCH_COUNTS = ['submits', 'failures', 'retries', 'minimized', 'restored'] as const
const MATCH_FLAGS = ['autoSubmitted', 'prefilled', 'proactive', 'pageLeft', 'afterClosed'] as const
const OUTCOMES: readonly Outcome[] = ['completed', 'cancelled', 'no-outcome', 'open']
/**
 * A path's advice for one plugin: the default advice is written for Callback, the plugin the demo
 * page runs; for another one it names that plugin's command and drops the demo's scenario.
 */
function howToFor(howTo: string, plugin: string): string {
  if (plugin === 'Callback') return howTo
  return howTo.replace(/\bCallback\./g, `${plugin}.`).replace(/ \(demo: [^)]*\)/, '')
}

const PATH_KEYS = ['id', 'label', 'plugins', 'howTo', 'match']
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '')

function validateMatch(v: unknown, at: string): PathMatch {
  if (!isRecord(v)) throw new CoverageConfigError(at, 'expected an object of conditions')
  const out: PathMatch = {}
  for (const [k, x] of Object.entries(v)) {
    const here = `${at}.${k}`
    if (k === 'outcome') {
      const list = typeof x === 'string' ? [x] : x
      if (!isStringArray(list) || list.length === 0 || list.some((o) => !OUTCOMES.includes(o as Outcome))) {
        throw new CoverageConfigError(here, `expected one of ${OUTCOMES.join(', ')} (or an array of them), got ${JSON.stringify(x)}`)
      }
      out.outcome = list as Outcome[]
    } else if (k === 'steps') {
      if (!isStringArray(x) || x.length === 0) throw new CoverageConfigError(here, `expected a non-empty array of step names, e.g. ["opened","cancelled","closed"], got ${JSON.stringify(x)}`)
      out.steps = x.map(short)
    } else if ((MATCH_COUNTS as readonly string[]).includes(k)) {
      if (!Number.isInteger(x) || (x as number) < 0) throw new CoverageConfigError(here, `expected a minimum count (an integer >= 0), got ${JSON.stringify(x)}`)
      out[k as (typeof MATCH_COUNTS)[number]] = x as number
    } else if ((MATCH_FLAGS as readonly string[]).includes(k)) {
      if (typeof x !== 'boolean') throw new CoverageConfigError(here, `expected true or false, got ${JSON.stringify(x)}`)
      out[k as (typeof MATCH_FLAGS)[number]] = x
    } else {
      throw new CoverageConfigError(here, `unknown condition (known: outcome, steps, ${[...MATCH_COUNTS, ...MATCH_FLAGS].join(', ')})`)
    }
  }
  if (Object.keys(out).length === 0) throw new CoverageConfigError(at, 'no condition: every interaction would tick this path')
  return out
}

function validatePath(v: unknown, at: string): CoveragePath {
  if (!isRecord(v)) throw new CoverageConfigError(at, 'expected a path object {"id","label","howTo","match"}')
  for (const k of Object.keys(v)) if (!PATH_KEYS.includes(k)) throw new CoverageConfigError(`${at}.${k}`, `unknown field (known: ${PATH_KEYS.join(', ')})`)
  if (typeof v.id !== 'string' || !ID.test(v.id)) throw new CoverageConfigError(`${at}.id`, `expected an id of letters, digits, ".", "_" or "-", got ${JSON.stringify(v.id)}`)
  for (const k of ['label', 'howTo'] as const) {
    if (typeof v[k] !== 'string' || v[k] === '') throw new CoverageConfigError(`${at}.${k}`, `expected a non-empty string, got ${JSON.stringify(v[k])}`)
  }
  if (v.plugins !== undefined && (!isStringArray(v.plugins) || v.plugins.length === 0)) {
    throw new CoverageConfigError(`${at}.plugins`, `expected a non-empty array of plugin names, got ${JSON.stringify(v.plugins)}`)
  }
  return {
    id: v.id, label: v.label as string, howTo: v.howTo as string, match: validateMatch(v.match, `${at}.match`),
    ...(v.plugins !== undefined ? { plugins: v.plugins as string[] } : {}),
  }
}

export interface CoverageConfig {
  /** DEFAULT_PATHS followed by the team's own paths. */
  paths: CoveragePath[]
  require: string[]
}

/**
 * Reads the "coverage" and "require" fields of a config object (other fields are not looked at).
 * A team path with the id of a built-in one replaces it.
 */
export function validateCoverageConfig(config: Record<string, unknown>): CoverageConfig {
  const paths = [...DEFAULT_PATHS]
  if (config.coverage !== undefined) {
    if (!Array.isArray(config.coverage)) throw new CoverageConfigError('coverage', 'expected an array of paths')
    const own = new Set<string>()
    config.coverage.forEach((raw, i) => {
      const p = validatePath(raw, `coverage[${i}]`)
      if (own.has(p.id)) throw new CoverageConfigError(`coverage[${i}].id`, `"${p.id}" is used twice`)
      own.add(p.id)
      const at = paths.findIndex((x) => x.id === p.id)
      if (at >= 0) paths[at] = p
      else paths.push(p)
    })
  }
  let require: string[] = []
  if (config.require !== undefined) {
    if (!isStringArray(config.require)) throw new CoverageConfigError('require', `expected an array of path ids, got ${JSON.stringify(config.require)}`)
    require = config.require
    const unknown = unknownRequired(paths, require)
    if (unknown.length) throw new CoverageConfigError('require', `unknown path ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${paths.map((p) => p.id).join(', ')})`)
  }
  return { paths, require }
}
