// Runs everywhere (panel, background badge, CLI, tests). The lifecycle checker: one incremental
// implementation (createChecker: push one entry, get the findings that became definite) and the batch
// check() built on it, so both give the same findings on every prefix of a capture.
// Per entry: profile lookup -> segmentation -> order rules -> metadata rules -> elapsed -> record.
// End-of-capture findings (order/unclosed) are made by report()/counts() from the open interactions,
// without changing state, so a report can be taken after any push.
import { focusPlugins } from './focus.ts'
import { gapOrder } from './lanes.ts'
import { isFrameLoad, PageLoads } from './pages.ts'
import { droppedPlugin } from './model.ts'
import type { BusEventEntry, CheckOptions, ElapsedDefinition, Finding, Interaction, Report, Session, SessionEntry, Severity } from './model.ts'
import { Emitter, type StepContext } from './lifecycle/context.ts'
import { resolveOptions } from './lifecycle/options.ts'
import { compileProfile, PROFILES, type CompiledProfile, type PluginProfile } from './lifecycle/profiles.ts'
import { checkElapsed } from './lifecycle/rules/elapsed.ts'
import { checkFlagsAndForm, checkShape, checkTimestamps } from './lifecycle/rules/metadata.ts'
import { checkOrder } from './lifecycle/rules/order.ts'
import { Segmenter, eventInfo, interactionName, type InteractionState } from './lifecycle/segment.ts'

export interface IncrementalChecker {
  /** Checks one entry (in seq order); returns the findings that became definite with it. */
  push(entry: SessionEntry): Finding[]
  /** Equals check(all pushed entries), including end-of-capture findings. Copies: O(size). */
  report(): Report
  /** Finding counts by severity of report(), in O(open interactions): cheap enough for a badge. */
  counts(): Record<Severity, number>
  /** The interaction the entry with this seq was placed in (null: none), undefined for entries that are not lifecycle events. */
  interactionOf(seq: number): string | null | undefined
  /** report() once nothing more is pushed, without its copies: the checker must not be used after. */
  finish(): Report
  reset(): void
}

export interface CheckerConfig extends CheckOptions {
  /** Plugin profiles to check (default: Callback and SendMessage). */
  profiles?: readonly PluginProfile[]
}

export function check(input: Session | SessionEntry[], options?: CheckerConfig): Report {
  const all = Array.isArray(input) ? input : input.events
  const checker = createCheckerImpl(options, all.at(-1)?.seq)
  // A store-full marker counts as a gap where its entries were, not after the survivors.
  for (const entry of gapOrder(all)) checker.push(entry)
  return checker.finish()
}

/** Findings in a report: by the last seq involved, then rule id (stable for ties). */
export function compareFindings(a: Finding, b: Finding): number {
  const d = (a.seq[a.seq.length - 1] ?? 0) - (b.seq[b.seq.length - 1] ?? 0)
  return d !== 0 ? d : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0
}

export function createChecker(options: CheckerConfig = {}): IncrementalChecker {
  return createCheckerImpl(options)
}

/**
 * The checker of a capture read once to its end (the CLI): it keeps nothing of an interaction once
 * it is over, and neither the findings nor Report.events, so its memory is that of the interactions
 * still open. The caller keeps what it needs of push()'s findings and of each ended interaction.
 */
export interface ReleasingChecker {
  /** Checks one entry (in seq order); returns the findings that became definite with it. */
  push(entry: SessionEntry): Finding[]
  /** The interaction the entry pushed last was placed in (null: none), undefined when it is not a lifecycle event. */
  lastInteraction(): string | null | undefined
  /**
   * The interactions the last push ended: closed, or ended by a new one. Nothing pushed later
   * changes them or adds findings to them.
   */
  ended(): readonly Interaction[]
  /** At the end of the capture: the interactions still open, in order, each with its order/unclosed finding (null when that rule is off). */
  remaining(): { interaction: Interaction; unclosed: Finding | null }[]
}

export function createReleasingChecker(options: CheckerConfig = {}): ReleasingChecker {
  const c = createCheckerImpl(options, undefined, true)
  return { push: c.push, lastInteraction: c.lastInteraction, ended: c.ended, remaining: c.remaining }
}

/**
 * The one implementation. `lastSeq`, when known (batch), presizes Report.events. `release`: what
 * ReleasingChecker says (report(), finish() and interactionOf() are then not usable).
 */
function createCheckerImpl(options: CheckerConfig = {}, lastSeq?: number, release = false): IncrementalChecker & ReleasingChecker {
  const opts = resolveOptions(options)
  /** Per publisher: its compiled profile and the reused array of an event's metadata values. */
  const compiled = new Map<string, Compiled>()
  for (const p of options.profiles ?? PROFILES) {
    const cp = compileProfile(p)
    compiled.set(p.plugin, { cp, values: new Array<unknown>(cp.names.length).fill(undefined) })
  }
  /** Plugins whose lost entries make a gap: the profiles' and their services' (focus.ts). */
  const checked = focusPlugins(options.profiles ?? PROFILES)
  const unclosedSeverity = opts.severity['order/unclosed']
  /** "Callback.opened" -> "opened" ('' for events that are neither ready nor a step), cached: one lookup per event. */
  const stepNames = new Map<string, { step: string; name: string }>()
  let lastPublisher: string | null = null
  let last: Compiled | undefined

  let pages = new PageLoads()
  let seg = new Segmenter(pages, !release)
  /** Released mode: the interaction of the last entry, and the interactions its push ended. */
  let lastId: string | null | undefined
  const endedNow: Interaction[] = []
  /** Definite findings, already in report order (each push only adds findings ending at its seq). */
  let findings: Finding[] = []
  // A sparse array indexed by seq (a Record<number, ...>): filling it is much cheaper than an object's
  // integer keys, which matters at 100 000 events (bench/check.bench.ts).
  let events: { interaction: string | null; elapsed: ElapsedDefinition }[] =
    lastSeq !== undefined && lastSeq >= 0 && lastSeq < 2 ** 24 ? new Array(lastSeq + 1) : []
  /** Length events has without presizing: the same report whichever way it was filled. */
  let eventsLength = 0
  let counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 }
  const emitter = new Emitter(opts.severity)
  emitter.out = findings
  // One context reused for every event: the hot path allocates only what the report keeps.
  const ctx = { opts, emitter, isNew: false, superseded: null, data: null, step: '' } as unknown as StepContext

  function pushEvent(entry: BusEventEntry): Finding[] {
    // Consecutive events mostly come from one publisher: skip the map lookup then.
    let c: Compiled | undefined
    if (entry.publisher === lastPublisher) c = last
    else {
      c = compiled.get(entry.publisher)
      lastPublisher = entry.publisher
      last = c
    }
    if (c === undefined) return NONE
    const cp = c.cp
    const p = cp.profile
    let known = stepNames.get(entry.event)
    if (known === undefined) {
      const short = entry.event.slice(entry.event.indexOf('.') + 1)
      known = { step: short === p.ready || cp.steps.has(short) ? short : '', name: entry.event }
      stepNames.set(entry.event, known)
    }
    const step = known.step
    // The first copy of the name: what the report keeps (Interaction.events) instead of each entry's own.
    const name = known.name
    if (step === '') return NONE // minimized, unminimized, events the profile does not know
    const stream = seg.stream(cp, entry.pageLoadId)
    if (step === p.ready) {
      stream.readySeen = true
      return NONE
    }

    const raw = entry.data
    const data = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null
    const ia = seg.locate(stream, step, data, entry.seq)
    if (release) {
      lastId = ia.info.id
      if (seg.superseded !== null) endedNow.push(seg.superseded.info)
    }
    ctx.entry = entry
    ctx.step = step
    ctx.cp = cp
    ctx.stream = stream
    ctx.ia = ia
    ctx.isNew = seg.isNew
    ctx.superseded = seg.superseded
    ctx.data = data
    ctx.values = c.values
    const start = findings.length
    checkOrder(ctx)
    checkShape(ctx)
    checkTimestamps(ctx)
    checkFlagsAndForm(ctx)
    const elapsed = checkElapsed(ctx)
    seg.record(stream, ia, step, entry.seq, entry.time, name)
    if (release) {
      if (ia.info.closed) endedNow.push(ia.info)
    } else {
      events[entry.seq] = eventInfo(ia, elapsed)
      eventsLength = entry.seq + 1
    }

    const added = findings.length - start
    if (added === 0) return NONE
    if (added > 1) {
      // All end at this seq: order them by rule in place.
      const tail = findings.splice(start, added).sort(compareFindings)
      findings.push(...tail)
    }
    for (let i = start; i < findings.length; i++) counts[(findings[i] as Finding).severity]++
    if (!release) return findings.slice(start)
    // Nothing is kept: the list itself is handed over (it held only this push's findings).
    const out = findings
    emitter.out = findings = []
    return out
  }

  function unclosed(): Finding[] {
    if (unclosedSeverity === 'off' || unclosedSeverity === undefined) return []
    const out: Finding[] = []
    for (const ia of seg.open) out.push(unclosedFinding(ia, unclosedSeverity, pages))
    return out
  }

  function build(copy: boolean): Report {
    if (events.length !== eventsLength) events.length = eventsLength
    const extra = unclosed()
    const all = extra.length === 0 ? (copy ? findings.slice() : findings) : mergeFindings(findings, extra)
    return {
      interactions: copy ? seg.interactions.map(snapshot) : seg.interactions.map((ia) => ia.info),
      findings: all,
      events: copy ? events.slice() : events,
    }
  }

  return {
    push(entry) {
      if (release) {
        lastId = undefined
        endedNow.length = 0
      }
      pages.add(entry)
      if (entry.kind === 'event') return pushEvent(entry)
      if (entry.kind === 'marker' && entry.marker === 'page-load') seg.pageLoad(entry.pageLoadId, !isFrameLoad(entry))
      else if (entry.kind === 'marker' && entry.marker === 'dropped') {
        // Lost housekeeping (a marker naming an unchecked plugin) leaves no gap in checked histories.
        const plugin = droppedPlugin(entry)
        if (plugin === undefined || checked.has(plugin)) seg.dropped(entry.pageLoadId)
      }
      return NONE
    },
    report: () => build(true),
    // The checker is discarded: hand its state over instead of copying it (same content as report()).
    finish: () => build(false),
    interactionOf: (seq) => events[seq]?.interaction,
    lastInteraction: () => lastId,
    ended: () => endedNow,
    remaining: () => [...seg.open].map((ia) => ({ interaction: ia.info, unclosed: unclosedSeverity === 'off' || unclosedSeverity === undefined ? null : unclosedFinding(ia, unclosedSeverity, pages) })),
    counts() {
      const c = { ...counts }
      if (unclosedSeverity !== 'off' && unclosedSeverity !== undefined) c[unclosedSeverity] += seg.open.size
      return c
    },
    reset() {
      pages = new PageLoads()
      seg = new Segmenter(pages)
      findings = []
      emitter.out = findings
      events = []
      eventsLength = 0
      counts = { error: 0, warning: 0, info: 0 }
    },
  }
}

/**
 * A copy of `sorted` (report order) with the few findings `extra` (end-of-capture ones) inserted where
 * they sort: binary search, after any they tie with.
 */
export function mergeFindings(sorted: readonly Finding[], extra: Finding[]): Finding[] {
  const all = sorted.slice()
  for (const f of extra.sort(compareFindings).reverse()) all.splice(upperBound(all, f), 0, f)
  return all
}

/** Index after the last finding that sorts before or with `f`. */
function upperBound(list: readonly Finding[], f: Finding): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareFindings(list[mid] as Finding, f) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

interface Compiled {
  cp: CompiledProfile
  values: unknown[]
}

/** Shared empty result: frozen so a caller cannot add to it. */
const NONE: Finding[] = Object.freeze([]) as unknown as Finding[]

/** Open at the end: left open by a page load after its last event (the stories read the same PageLoads.leftAfter), or at the capture's end. */
function unclosedFinding(ia: InteractionState, severity: Severity, pages: PageLoads): Finding {
  const p = ia.cp.profile
  const leftAt = pages.leftAfter(ia.info.pageLoadId, ia.lastSeq)
  const where = leftAt >= 0 ? `a page load (seq ${leftAt}) left ${interactionName(ia.info)} open` : `capture ends inside ${interactionName(ia.info)}`
  return {
    rule: 'order/unclosed',
    severity,
    seq: ia.firstSeq === ia.lastSeq ? [ia.lastSeq] : [ia.firstSeq, ia.lastSeq],
    interaction: ia.info.id,
    message: `${where} (last: ${ia.last}, no ${p.close})`,
    expected: p.close,
    actual: ia.last,
  }
}

function snapshot(ia: InteractionState): Interaction {
  return { ...ia.info, events: ia.info.events.slice() }
}
