// Panel. The one store of the panel, fed by protocol messages (BackgroundToPanel) and by the user's
// imports. It owns the live session (entries deduplicated on seq, an incremental checker) and, while
// the user looks at an imported file, that file's session; components only read snapshots of it.
//
// Why batching: a busy page can publish hundreds of events per second and a reconnect replays up to
// 100 000 at once. Incoming entries are queued and applied once per animation frame: one checker
// report, one derived view and one render per frame, whatever the message rate.
// Why the live view drops entries: the background keeps a bounded store and evicts the oldest, then
// says so with a `dropped` marker counting them. The panel received them before; it drops them when
// that marker comes, so the view (its counts, Export, the report) holds what the background holds and
// an entry is never counted both as captured and as lost.
// Why imports are checked in slices: a 50 000-event file takes longer to check than to parse. The
// list is rendered at once from the parsed entries, then the checker runs in slices between frames
// (the panel stays responsive), and findings, lanes and counts appear when it is done.
import type { CheckOptions, Finding, Report, Session, SessionEntry, SessionNote, SessionSource, Severity } from '../../../src/core/model.ts'
import type { BackgroundToPanel, TabState } from '../../../src/core/protocol.ts'
import type { SessionHead } from '../../../src/core/sessionSlices.ts'
import type { CheckSettings } from '../../../src/report/analyze.ts'
import { evictedBefore, evictedWith, gapOrder } from '../../../src/core/lanes.ts'
import { createStoryBuilder, type InteractionStory } from '../../../src/core/story.ts'
import { StringPool } from '../lib/stringPool.ts'
import { deferTask } from '../lib/tasks.ts'
import { textIndexOf } from '../lib/textIndex.ts'
import { buildView, EMPTY_REPORT, NameIndex, viewOfSession, type SessionView } from './view.ts'

/** The part of the engine (src/core/check.ts) the store needs; injected so tests can count calls. */
export interface Checker {
  push(entry: SessionEntry): Finding[]
  /** The interaction the entry with this seq was placed in (src/core/check.ts). */
  interactionOf(seq: number): string | null | undefined
  report(): Report
  /** report() once nothing more is pushed, without copying the checker's state (src/core/check.ts). */
  finish?(): Report
  reset(): void
  counts(): Record<Severity, number>
}
export interface Engine {
  createChecker(options?: CheckOptions): Checker
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'none'

export interface ImportedSession {
  name: string
  source: SessionSource | undefined
  /** The file's other top-level fields (not format, version, source, notes, events): kept on export. */
  extra: Record<string, unknown>
  /** The file's notes, and those added while viewing it. */
  notes: SessionNote[]
  view: SessionView
  /**
   * The check options a QA report carries (made with options other than the defaults), used for it
   * instead of the panel's, as `check` does; null for a session file, or once Settings are saved.
   */
  settings: CheckSettings | null
  /** Share of the entries checked so far (1 when done); the view has findings only when done. */
  progress: number
}

export interface PanelState {
  /** The live capture of the inspected tab. */
  live: SessionView
  /** Set while an imported file replaces the live view. */
  imported: ImportedSession | null
  tabState: TabState | null
  /** The inspected tab is closed (or never existed): nothing more will come; what is shown stays. */
  tabClosed: boolean
  /** The tester's notes on the live capture (the imported file's are in `imported`). */
  notes: SessionNote[]
  connection: ConnectionStatus
  /** A problem to show in the error banner (an invalid import, a lost connection). */
  error: { title: string; message: string } | null
  options: CheckOptions
}

export interface PanelStore {
  getState(): PanelState
  subscribe(listener: () => void): () => void
  /** Applies one message from the background. */
  receive(message: BackgroundToPanel): void
  /** Highest seq received so far (-1 when none): what hello{afterSeq} asks to resume after. */
  lastSeq(): number
  setConnection(status: ConnectionStatus): void
  importSession(name: string, session: Session): void
  /**
   * Shows an imported file while it is parsed (src/core/sessionSlices.ts): the list grows slice by
   * slice, then finish() checks it. fail() puts back what was shown before.
   */
  beginImport(name: string): ImportSink
  backToLive(): void
  showError(title: string, message: string): void
  dismissError(): void
  /** New checker settings: the live and the imported sessions are checked again. */
  setOptions(options: CheckOptions): void
  /** Replaces the notes of the session shown (the imported one if any, else the live one). */
  setNotes(notes: SessionNote[]): void
  /** Replaces the live capture's notes (restored from storage when the panel opens). */
  setLiveNotes(notes: SessionNote[]): void
  /** Applies queued entries now (the scheduler calls it; tests call it directly). */
  flush(): void
}

export interface ImportSink {
  /** The next parsed entries; `restart`: they replace the ones added so far. */
  add(entries: readonly SessionEntry[], restart: boolean): void
  /** Every entry is added: the rest of the file (and a report's embedded check options), then the check in slices. */
  finish(head: SessionHead, settings?: CheckSettings | null): void
  fail(): void
}

/** ms between two updates of the list while an import is parsed (the first slice shows at once). */
export const PARSE_UPDATE_MS = 250

export interface StoreOptions {
  engine: Engine
  options?: CheckOptions
  /**
   * Runs `fn` soon, once per batch: requestAnimationFrame in the panel, or a timer of `delayMs` when
   * updates have become expensive. Tests run it when they choose, whatever the machine's load.
   */
  schedule?: (fn: () => void, delayMs?: number) => void
  /** Runs the next slice of an import's check: a new task in the panel (deferTask), synchronous in tests. */
  defer?: (fn: () => void) => void
  /**
   * A check slice goes on past CHECK_SLICE entries while it has taken less than this many ms: long
   * enough to be efficient, short enough to keep the panel responsive (default 25: a GC pause can come on top).
   */
  sliceMs?: number
}

/** Fewest entries checked per slice of an import. */
export const CHECK_SLICE = 2000
/** Interactions whose story is told at a time once an import is checked (a slice goes on while under sliceMs). */
export const STORY_SLICE = 500


const defaultSchedule = (fn: () => void, delayMs?: number): void => {
  if (delayMs !== undefined) setTimeout(fn, delayMs)
  else if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => fn())
  else setTimeout(fn, 16)
}

export function createPanelStore({ engine, options = {}, schedule = defaultSchedule, defer = deferTask, sliceMs = 25 }: StoreOptions): PanelStore {
  const listeners = new Set<() => void>()
  let checker = engine.createChecker(options)
  let entries: SessionEntry[] = []
  let seqIndex = new Map<number, number>()
  let names = new NameIndex()
  let maxSeq = -1
  let pending: SessionEntry[] = []
  let scheduled = false
  /** Bumped by every import and settings change: a slice of an older check stops. */
  let importRun = 0
  /** ms the last live update took (checker report + derived view). */
  let lastUpdateMs = 0

  let state: PanelState = {
    live: buildView(entries, EMPTY_REPORT, seqIndex, names),
    imported: null,
    tabState: null,
    tabClosed: false,
    notes: [],
    connection: 'none',
    error: null,
    options,
  }

  const emit = (next: Partial<PanelState>): void => {
    state = { ...state, ...next }
    for (const l of [...listeners]) l()
  }

  const liveView = (): SessionView => buildView(entries, entries.length ? checker.report() : EMPTY_REPORT, seqIndex, names)

  const resetLive = (): void => {
    checker = engine.createChecker(state.options)
    entries = []
    seqIndex = new Map()
    names = new NameIndex()
    maxSeq = -1
    pending = []
  }

  /** Appends one entry unless its seq was seen (a replay after a reconnect overlaps what we have); `checked`: pushed to the checker too. */
  const append = (entry: SessionEntry, checked = true): boolean => {
    if (seqIndex.has(entry.seq)) return false
    seqIndex.set(entry.seq, entries.length)
    entries.push(entry)
    names.add(entry)
    if (entry.seq > maxSeq) maxSeq = entry.seq
    if (checked) checker.push(entry)
    return true
  }

  /**
   * Checks these entries again from scratch (new settings, or entries the background evicted left
   * out): listed in seq order, checked with each store-full marker where its entries were (gapOrder).
   */
  const recheck = (kept: readonly SessionEntry[]): void => {
    resetLive()
    for (const e of kept) append(e, false)
    for (const e of gapOrder(entries)) checker.push(e)
  }

  const flush = (): void => {
    scheduled = false
    if (pending.length === 0) return
    const batch = pending
    pending = []
    let added = 0
    const t0 = performance.now()
    const evicted: ((e: SessionEntry) => boolean)[] = []
    /** A store-full marker that is a gap before entries already checked: they are checked again. */
    let gapBehind = false
    for (const e of batch) {
      if (!append(e)) continue
      added++
      const gone = evictedWith(e)
      if (gone) evicted.push(gone)
      if ((evictedBefore(e) ?? Infinity) < e.seq) gapBehind = true
    }
    if (evicted.length) {
      const kept = entries.filter((e) => !evicted.some((gone) => gone(e)))
      if (kept.length < entries.length || gapBehind) recheck(kept)
    }
    if (added > 0) emit({ live: liveView() })
    lastUpdateMs = performance.now() - t0
  }

  /**
   * Next live update: at the next frame, unless updates have become expensive (a report over
   * 100 000 entries takes tens of ms): then wait 4x as long as the last one took, so a busy page
   * never keeps the panel more than a fifth of its time re-deriving the view.
   */
  const scheduleFlush = (): void => {
    if (scheduled || !pending.length) return
    scheduled = true
    schedule(flush, lastUpdateMs > 8 ? Math.min(1000, lastUpdateMs * 4) : undefined)
  }

  /** Shows an imported session at once, then checks it slice by slice. */
  const showImported = (name: string, source: SessionSource | undefined, extra: Record<string, unknown>, events: readonly SessionEntry[], notes: SessionNote[], names?: NameIndex, settings: CheckSettings | null = null): void => {
    const run = ++importRun
    const unchecked = viewOfSession(events, EMPTY_REPORT, names)
    // Notes added while the check runs are kept: read them from the state, not from the closure.
    const imported = (view: SessionView, progress: number): ImportedSession => ({ name, source, extra, view, settings, progress, notes: state.imported?.notes ?? notes })
    emit({ imported: imported(unchecked, events.length ? 0 : 1), error: null })
    const checker = engine.createChecker(settings?.options ?? state.options)
    // Stories are told in the same slices: telling 170 000 entries at once would be one long task.
    const stories = createStoryBuilder()
    // Checked with each store-full marker where its entries were; listed in seq order.
    const ordered = gapOrder(events)
    let next = 0
    const slice = (): void => {
      if (run !== importRun) return
      // At least CHECK_SLICE entries, then more while the slice stays under sliceMs.
      const started = performance.now()
      let end = Math.min(events.length, next + CHECK_SLICE)
      try {
        for (;;) {
          for (; next < end; next++) {
            const e = ordered[next]!
            checker.push(e)
            stories.push(e, e.kind === 'event' ? checker.interactionOf(e.seq) : undefined)
          }
          if (next >= events.length || performance.now() - started >= sliceMs) break
          end = Math.min(events.length, next + 1000)
        }
      } catch (err) {
        // A checker failure (a bug of ours) must still leave a readable panel: the events stay
        // listed unchecked, and the banner says why there are no findings.
        emit({ imported: imported(unchecked, 1), error: { title: `Cannot check ${name}:`, message: err instanceof Error ? err.message : String(err) } })
        return
      }
      if (next < events.length) {
        emit({ imported: imported(unchecked, next / events.length) })
        defer(slice)
      } else {
        // The report, the stories (told STORY_SLICE interactions at a time: finish() reads only the
        // report's interactions), the view and then the findings on screen, in tasks of their own.
        defer(() => {
          if (run !== importRun) return
          // The import's checker is done with: its state becomes the report, no copy of it.
          const report = checker.finish ? checker.finish() : checker.report()
          const told: InteractionStory[] = []
          const tell = (): void => {
            if (run !== importRun) return
            const started = performance.now()
            while (told.length < report.interactions.length) {
              const part = report.interactions.slice(told.length, told.length + STORY_SLICE)
              for (const st of stories.finish({ ...report, interactions: part })) told.push(st)
              if (performance.now() - started >= sliceMs) break
            }
            if (told.length < report.interactions.length) defer(tell)
            else {
              // The view's look-ups (findings by seq, interactions by id) and the render in two tasks.
              defer(() => {
                if (run !== importRun) return
                const view = unchecked.withReport(report, told)
                defer(() => run === importRun && emit({ imported: imported(view, 1) }))
              })
            }
          }
          defer(tell)
        })
      }
    }
    if (events.length) defer(slice)
  }

  const store: PanelStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    receive(message) {
      switch (message.type) {
        case 'state':
          emit({ tabState: message.state })
          break
        case 'entries':
          for (const e of message.entries) {
            if (e.seq > maxSeq) maxSeq = e.seq // hello{afterSeq} must not re-ask for what is queued
            pending.push(e)
          }
          scheduleFlush()
          break
        case 'cleared':
          // The notes were about the events just cleared.
          resetLive()
          emit({ live: liveView(), notes: [] })
          break
        case 'tab-closed':
          if (!state.tabClosed) emit({ tabClosed: true })
          break
      }
    },
    lastSeq: () => maxSeq,
    setConnection(status) {
      if (status !== state.connection) emit({ connection: status })
    },
    importSession(name, session) {
      const { format: _format, version: _version, source, events, notes, ...extra } = session
      state = { ...state, imported: null }
      showImported(name, source, extra, events, notes ?? [])
    },
    beginImport(name) {
      const run = ++importRun
      const before = state.imported
      let events: SessionEntry[] = []
      let names = new NameIndex()
      let shownAt = -Infinity
      const strings = new StringPool()
      return {
        add(entries, restart) {
          if (run !== importRun) return
          if (restart) {
            events = []
            names = new NameIndex()
          }
          for (const e of entries) {
            strings.share(e)
            events.push(e)
            names.add(e)
          }
          // The text filter's index, in the same tasks: typed right after the import, a filter
          // over 100 000 entries does not have to serialise them all first.
          textIndexOf(events).extend()
          // The first slice at once, then now and then: each update re-derives the list.
          if (performance.now() - shownAt < PARSE_UPDATE_MS) return
          shownAt = performance.now()
          emit({ imported: { name, source: undefined, extra: {}, view: viewOfSession(events, EMPTY_REPORT, names), settings: null, progress: 0, notes: [] }, error: null })
        },
        finish(head, settings = null) {
          if (run !== importRun) return
          textIndexOf(events).extend(1) // the last, short chunk
          const { format: _format, version: _version, source, notes, ...extra } = head
          state = { ...state, imported: null } // the file's notes, not those of the partial view
          showImported(name, source, extra, events, (notes as SessionNote[] | undefined) ?? [], names, settings)
        },
        fail() {
          if (run !== importRun) return
          // What was shown before comes back (checked again if its check was cut short by this import).
          if (before && before.progress < 1) {
            state = { ...state, imported: before }
            showImported(before.name, before.source, before.extra, before.view.entries, before.notes, undefined, before.settings)
          } else {
            importRun++
            emit({ imported: before })
          }
        },
      }
    },
    backToLive() {
      importRun++
      emit({ imported: null })
    },
    showError(title, message) {
      emit({ error: { title, message } })
    },
    dismissError() {
      emit({ error: null })
    },
    setOptions(next) {
      state = { ...state, options: next }
      flush()
      recheck(entries)
      emit({ live: liveView() })
      // Saved Settings win over a report's own options (as --config does in the CLI): it is checked with them.
      const imported = state.imported
      if (imported) showImported(imported.name, imported.source, imported.extra, imported.view.entries, imported.notes)
    },
    setNotes(notes) {
      if (state.imported) emit({ imported: { ...state.imported, notes } })
      else emit({ notes })
    },
    setLiveNotes(notes) {
      emit({ notes })
    },
    flush,
  }
  return store
}

/** The session currently shown: the imported one if any, else the live one. */
export function currentView(state: PanelState): SessionView {
  return state.imported?.view ?? state.live
}

/** The notes of the session shown. */
export function currentNotes(state: PanelState): SessionNote[] {
  return state.imported?.notes ?? state.notes
}
