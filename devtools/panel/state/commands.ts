// Panel. The Commands drawer's state (issue 15): the commands the user sent and how each ended,
// and the free command line's history. Sends only what the user asked for (each call of `send` is
// a click); the answer comes back as a BackgroundToPanel `command-result`. The background times a
// silent page out; the panel also does (a little later), for a background that went away meanwhile.
// While the drawer is disabled `send` itself refuses: a click that was already on its way (a
// confirmation banner, a scenario's next step) cannot get past the drawer's state.
import { newCommandId } from '../../../src/core/commands.ts'
import type { Json, JsonObject, SessionEntry } from '../../../src/core/model.ts'
import type { PanelState, PanelStore } from './store.ts'
import { COMMAND_TIMEOUT_MS, type BackgroundToPanel, type CommandOutcome, type PanelToBackground } from '../../../src/core/protocol.ts'

export interface SentCommand {
  id: string
  name: string
  options: JsonObject
  sentAt: number
  status: 'pending' | CommandOutcome
  detail?: Json
  /** The frame it was sent to, once the background says. */
  target?: string
}

export interface CommandsState {
  /** Newest last; at most MAX_SENT. */
  sent: SentCommand[]
  /** Command lines sent, newest last, without repeats; at most MAX_HISTORY. */
  history: string[]
}

export interface CommandsStore {
  getState(): CommandsState
  subscribe(listener: () => void): () => void
  /** Sends one command (the user clicked); `confirmed` only after the user confirmed it. Resolves with how it ended. */
  send(name: string, options: JsonObject, confirmed?: boolean): Promise<SentCommand>
  receive(message: Extract<BackgroundToPanel, { type: 'command-result' }>): void
  remember(line: string): void
}

const MAX_SENT = 50
const MAX_HISTORY = 30
/** The panel's own limit: the background's plus a margin for the way back. */
export const PANEL_COMMAND_TIMEOUT_MS = COMMAND_TIMEOUT_MS + 2_000

/**
 * Why the Commands drawer cannot send now, or null. An import exists only in the panel (the
 * background never hears of it), so this is the only place that can refuse for it.
 */
export function commandsDisabled(state: Pick<PanelState, 'imported' | 'tabState' | 'connection' | 'tabClosed'>): string | null {
  if (state.imported !== null) return 'Disabled on an imported session: go back to live to send commands.'
  if (state.tabClosed) return 'The inspected tab is closed.'
  if (state.connection !== 'connected') return 'Not connected to the extension.'
  if (!state.tabState?.bus) return 'No bus was found on this tab.'
  if (!state.tabState.recording) return 'The capture is paused: resume it to send commands.'
  return null
}

/** `blocked`: why nothing may be sent now (commandsDisabled of the panel's state), checked at every send. */
export function createCommandsStore(post: (m: PanelToBackground) => void, now: () => number = Date.now, blocked: () => string | null = () => null): CommandsStore {
  let state: CommandsState = { sent: [], history: [] }
  const listeners = new Set<() => void>()
  const waiting = new Map<string, { resolve(c: SentCommand): void; timer: ReturnType<typeof setTimeout> }>()
  const emit = (next: CommandsState): void => {
    state = next
    for (const l of [...listeners]) l()
  }
  const finish = (id: string, patch: Partial<SentCommand>): void => {
    const w = waiting.get(id)
    if (!w) return
    clearTimeout(w.timer)
    waiting.delete(id)
    const sent = state.sent.map((c) => (c.id === id ? { ...c, ...patch } : c))
    emit({ ...state, sent })
    const done = sent.find((c) => c.id === id)
    if (done) w.resolve(done)
  }
  return {
    getState: () => state,
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    send(name, options, confirmed = false) {
      const why = blocked()
      const c: SentCommand = { id: newCommandId(), name, options, sentAt: now(), status: why === null ? 'pending' : 'not-sent', ...(why === null ? {} : { detail: why }) }
      emit({ ...state, sent: [...state.sent, c].slice(-MAX_SENT) })
      if (why !== null) return Promise.resolve(c)
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish(c.id, { status: 'timeout', detail: 'No answer from the background' }), PANEL_COMMAND_TIMEOUT_MS)
        waiting.set(c.id, { resolve, timer })
        post({ type: 'command', id: c.id, name, options, confirmed })
      })
    },
    receive(m) {
      finish(m.id, { status: m.outcome, detail: m.detail, ...(m.target !== undefined ? { target: m.target } : {}) })
    },
    remember(line) {
      const text = line.trim()
      if (!text) return
      emit({ ...state, history: [...state.history.filter((h) => h !== text), text].slice(-MAX_HISTORY) })
    },
  }
}

/** The first live entry after `afterSeq` that `match` accepts, as the store receives it; null after timeoutMs. */
export function waitForEntry(store: PanelStore, match: (e: SessionEntry) => boolean, afterSeq: number, timeoutMs: number): Promise<SessionEntry | null> {
  const find = (): SessionEntry | null => {
    const entries = store.getState().live.entries
    let found: SessionEntry | null = null
    for (let i = entries.length - 1; i >= 0 && entries[i]!.seq > afterSeq; i--) if (match(entries[i]!)) found = entries[i]!
    return found
  }
  return new Promise((resolve) => {
    const now = find()
    if (now) return resolve(now)
    const stop = (e: SessionEntry | null): void => {
      clearTimeout(timer)
      unsubscribe()
      resolve(e)
    }
    const timer = setTimeout(() => stop(null), timeoutMs)
    const unsubscribe = store.subscribe(() => {
      const e = find()
      if (e) stop(e)
    })
  })
}
