// Background (Chrome MV3 service worker / Firefox event page). The router, written against a small
// injected API (index.ts passes the real browser.*; unit tests pass fakes). The hops it serves:
//   1. relay ports (RELAY_PORT, one per frame): parse each batch and validate each entry
//      (protocol.ts batchEntries), store per tab (store.ts), check (badge.ts), persist (persist.ts),
//      THEN ack the relay and show the entries to the tab's panels;
//   2. panel ports (panelPortName(tabId)): on hello{afterSeq} send state and every stored entry after
//      afterSeq (chunked), then live entries; clear, preserve-log and recording switches;
//   3. one-shot requests (get-tab-state, export-session) from extension pages;
//   4. tab closed -> forgotten; settings changed -> findings recomputed.
// Nothing is handled before the stores of the previous worker instance are restored: every
// listener is registered at once (MV3 wakes the worker for them) but waits for `ready`.

import { SESSION_FORMAT, SESSION_VERSION, type CheckOptions, type Json, type Session, type SessionEntry } from '../core/model.ts'
import { confirmationReason } from '../core/commands.ts'
import {
  COMMAND_TIMEOUT_MS,
  RELAY_PORT,
  isPanelToBackground,
  isRelayToBackground,
  relayBatchEntries,
  isRequest,
  tabIdFromPanelPort,
  type BackgroundToPanel,
  type BackgroundToRelay,
  type CommandOutcome,
  type PanelToBackground,
  type Request,
  type ResponseMap,
} from '../core/protocol.ts'
import { normalizeOptions } from '../core/lifecycle/options.ts'
import { Findings, type ActionApi } from './badge.ts'
import { Persister, type StorageArea } from './persist.ts'
import { DEFAULT_MAX_ENTRIES, DroppedSchedule, TabStore } from './store.ts'
import { TOOL_VERSION } from '../report/version.ts'

/** Entries per message to a panel (a replay of 100 000 entries goes out in pieces). */
export const PANEL_CHUNK = 2_000
export { DROPPED_MAX_WAIT_MS, DROPPED_SETTLE_MS } from './store.ts'

export interface PortLike {
  name: string
  sender?: { id?: string; url?: string; tab?: { id?: number } }
  postMessage(message: unknown): void
  disconnect(): void
  onMessage: { addListener(fn: (message: unknown) => void): void }
  onDisconnect: { addListener(fn: () => void): void }
}

export interface MessageSender {
  id?: string
  url?: string
  tab?: { id?: number }
}

export interface BackgroundDeps {
  extensionId: string
  /** chrome-extension://<id>/ (moz-extension://<uuid>/ in Firefox): where our own pages live. */
  extensionOrigin: string
  onConnect(listener: (port: PortLike) => void): void
  onMessage(listener: (message: unknown, sender: MessageSender) => Promise<unknown> | undefined): void
  onTabRemoved(listener: (tabId: number) => void): void
  /** Whether a tab with this id is open (a panel opened as a page can name any id). */
  tabExists?(tabId: number): Promise<boolean>
  /** Storage that survives worker restarts, not browser restarts (IndexedDB, see idb.ts). */
  sessionStorage: StorageArea
  /** storage.local 'settings' (CheckOptions, written by the panel) and its changes. */
  readSettings(): Promise<unknown>
  onSettingsChanged(listener: (value: unknown) => void): void
  action: ActionApi | null
  userAgent: string
  maxEntries?: number
  log?: (...args: unknown[]) => void
}

interface RelayConn {
  port: PortLike
  tabId: number
  pageLoadId: string
  frameUrl: string
  bus: boolean
  /** When its hello came (the newest page load with a bus is the one commanded). */
  since: number
}

interface PanelConn {
  port: PortLike
  tabId: number
  /** Highest seq sent to this panel; -2 until its hello. */
  sentUpTo: number
}

export interface Background {
  ready: Promise<void>
  stores: Map<number, TabStore>
  /** Resolves once every write queued so far is done (tests). */
  idle(): Promise<void>
}

export function createBackground(deps: BackgroundDeps): Background {
  const log = deps.log ?? ((...a: unknown[]) => console.warn('[cxbus-devtools background]', ...a))
  const maxEntries = deps.maxEntries ?? DEFAULT_MAX_ENTRIES
  const stores = new Map<number, TabStore>()
  const panels = new Set<PanelConn>()
  let storageError: string | undefined
  const persist = new Persister(deps.sessionStorage, (id) => stores.get(id), log, undefined, (err) => {
    storageError = err === null ? undefined : `cannot save captured events (${err instanceof Error ? err.message : String(err)}); retrying`
    for (const s of stores.values()) broadcast(s.state.tabId, stateMsg(s))
  })
  const findings = new Findings(deps.action, {}, log)
  let lastWrite: Promise<void> = Promise.resolve()

  const ready = (async () => {
    const restored = await persist.restore(maxEntries)
    for (const [id, s] of restored) {
      stores.set(id, s)
      if (s.hasPendingDropped()) settleDropped(id) // the previous worker stopped before marking them
    }
    findings.setOptions(normalizeOptions(await deps.readSettings().catch(() => undefined)), stores.values())
  })().catch((err) => log('start failed', err))

  /** Every handler runs after the restore, in arrival order (they all chain on one promise). */
  const whenReady = (fn: () => void): void => {
    void ready.then(() => {
      try {
        fn()
      } catch (err) {
        log('handler failed', err)
      }
    })
  }

  function store(tabId: number): TabStore {
    let s = stores.get(tabId)
    if (!s) {
      s = new TabStore(tabId, maxEntries)
      stores.set(tabId, s)
    }
    return s
  }

  const fromExtension = (sender: MessageSender | undefined): boolean =>
    !!sender && sender.id === deps.extensionId && typeof sender.url === 'string' && sender.url.startsWith(deps.extensionOrigin)

  /** Pending drop-marker timers per tab, and when the first eviction they wait for happened. */
  const droppedTimers = new Map<number, ReturnType<typeof setTimeout>>()
  const droppedSchedules = new Map<number, DroppedSchedule>()

  function settleDropped(tabId: number): void {
    const prev = droppedTimers.get(tabId)
    if (prev !== undefined) clearTimeout(prev)
    const s = stores.get(tabId)
    if (!s) return
    let schedule = droppedSchedules.get(tabId)
    if (!schedule) droppedSchedules.set(tabId, (schedule = new DroppedSchedule()))
    const wait = schedule.next(s)
    if (wait !== null) droppedTimers.set(tabId, setTimeout(() => whenReady(() => flushDropped(tabId)), wait))
  }

  /** Stores the tab's `dropped` markers due now (a timer), or all of them (an export must be exact). */
  function flushDropped(tabId: number, all = false): void {
    const t = droppedTimers.get(tabId)
    if (t !== undefined) clearTimeout(t)
    droppedTimers.delete(tabId)
    droppedSchedules.get(tabId)?.flushed()
    const s = stores.get(tabId)
    if (!s || !s.hasPendingDropped()) return
    const added = s.flushDropped(all)
    if (s.hasPendingDropped()) settleDropped(tabId) // housekeeping, later
    if (added.length === 0) return
    findings.push(s, added)
    void save(tabId, added).then(() => {
      pump(tabId)
      broadcast(tabId, stateMsg(s))
    })
  }

  function save(tabId: number, added: readonly SessionEntry[] = [], cleared = false): Promise<void> {
    lastWrite = persist.save(tabId, added, cleared)
    return lastWrite
  }

  // --- panels -----------------------------------------------------------------------------------
  function send(p: PanelConn, msg: BackgroundToPanel): void {
    try {
      p.port.postMessage(msg)
    } catch {
      panels.delete(p) // disconnected in the meantime
    }
  }

  /** Sends each panel of the tab what it has not seen yet, up to what is safely stored. */
  function pump(tabId: number): void {
    const s = stores.get(tabId)
    if (!s) return
    const upTo = persist.persistedSeq(tabId)
    for (const p of panels) {
      if (p.tabId !== tabId || p.sentUpTo < -1) continue
      const entries = s.since(p.sentUpTo, upTo)
      for (let i = 0; i < entries.length; i += PANEL_CHUNK) send(p, { type: 'entries', entries: entries.slice(i, i + PANEL_CHUNK) })
      if (entries.length) p.sentUpTo = (entries[entries.length - 1] as SessionEntry).seq
    }
  }

  function broadcast(tabId: number, msg: BackgroundToPanel): void {
    for (const p of panels) if (p.tabId === tabId && p.sentUpTo >= -1) send(p, msg)
  }

  const stateMsg = (s: TabStore): BackgroundToPanel => ({ type: 'state', state: { ...s.state, findings: { ...s.state.findings }, storageError } })

  function onPanelPort(port: PortLike, tabId: number): void {
    if (!fromExtension(port.sender)) {
      port.disconnect()
      return
    }
    const conn: PanelConn = { port, tabId, sentUpTo: -2 }
    panels.add(conn)
    port.onDisconnect.addListener(() => panels.delete(conn))
    port.onMessage.addListener((msg) =>
      whenReady(() => {
        if (!isPanelToBackground(msg)) return
        const s = store(tabId)
        switch (msg.type) {
          case 'hello':
            conn.sentUpTo = Math.max(-1, msg.afterSeq)
            send(conn, stateMsg(s))
            pump(tabId)
            // A panel opened as a page for a tab that is gone would wait for a bus forever.
            void deps.tabExists?.(tabId).then((open) => {
              if (!open) send(conn, { type: 'tab-closed' })
            })
            return
          case 'clear': {
            // The new capture begins with a `cleared` marker per page load (see TabStore.clearByUser).
            const added = s.clearByUser()
            findings.rebuild(s)
            void save(tabId, added, true).then(() => pump(tabId))
            broadcast(tabId, { type: 'cleared' })
            broadcast(tabId, stateMsg(s))
            return
          }
          case 'set-preserve-log':
            s.state.preserveLog = msg.value
            void save(tabId)
            broadcast(tabId, stateMsg(s))
            return
          case 'command':
            return sendCommand(conn, s, msg)
          case 'set-recording': {
            // Resuming marks what was not recorded (a `paused` marker per page load).
            const added = s.setRecording(msg.value)
            if (added.length) findings.push(s, added)
            void save(tabId, added).then(() => pump(tabId))
            broadcast(tabId, stateMsg(s))
            return
          }
        }
      }),
    )
  }

  // --- panel commands (issue 15): panel -> here -> the relay of the bus's page load -> hook ------
  /** Connected relays by page load; `bus`: the hook of that page load found a bus. */
  const relays = new Map<string, RelayConn>()
  const commands = new Map<string, { panel: PanelConn; relay: RelayConn; timer: ReturnType<typeof setTimeout> }>()

  /** After a worker restart: the bus marker of that page load is in the restored store. */
  const hasBusMarker = (tabId: number, pageLoadId: string): boolean =>
    stores.get(tabId)?.entries.toArray().some((e) => e.pageLoadId === pageLoadId && e.kind === 'marker' && e.marker === 'bus') ?? false

  /** The frame to command: the newest connected page load of the tab whose hook found a bus. */
  function commandTarget(tabId: number): RelayConn | null {
    let best: RelayConn | null = null
    for (const r of relays.values()) if (r.tabId === tabId && r.bus && (!best || r.since >= best.since)) best = r
    return best
  }

  function answerPanel(panel: PanelConn, id: string, outcome: CommandOutcome, detail: Json, target?: string): void {
    send(panel, { type: 'command-result', id, outcome, detail, ...(target !== undefined ? { target } : {}) })
  }

  function sendCommand(panel: PanelConn, s: TabStore, msg: Extract<PanelToBackground, { type: 'command' }>): void {
    // The panel disables the drawer in these cases; checked here as well, where it cannot be bypassed.
    const refuse = (why: string): void => answerPanel(panel, msg.id, 'not-sent', why)
    if (commands.has(msg.id)) return refuse('A command with this id is already waiting')
    if (!s.state.recording) return refuse('The capture is paused: resume it to send commands')
    const reason = confirmationReason(msg.name, msg.options)
    if (reason && !msg.confirmed) return refuse(`Not confirmed: ${reason}`)
    const relay = commandTarget(panel.tabId)
    if (!relay) return refuse('No bus was found on this tab (or its page is gone)')
    const timer = setTimeout(() => {
      if (commands.get(msg.id)?.timer !== timer) return
      commands.delete(msg.id)
      answerPanel(panel, msg.id, 'timeout', `No answer from the bus within ${COMMAND_TIMEOUT_MS / 1000} s`, relay.frameUrl)
    }, COMMAND_TIMEOUT_MS)
    commands.set(msg.id, { panel, relay, timer })
    const out: BackgroundToRelay = { type: 'command', pageLoadId: relay.pageLoadId, id: msg.id, name: msg.name, options: msg.options }
    try {
      relay.port.postMessage(out)
    } catch {
      clearTimeout(timer)
      commands.delete(msg.id)
      refuse('The page went away before the command could be sent')
    }
  }

  function commandResult(relay: RelayConn | null, id: string, outcome: CommandOutcome, detail: Json): void {
    const c = commands.get(id)
    // Only the relay the command went to answers it.
    if (!c || c.relay !== relay) return
    clearTimeout(c.timer)
    commands.delete(id)
    answerPanel(c.panel, id, outcome, detail, relay.frameUrl)
  }

  // --- relays -----------------------------------------------------------------------------------
  function onRelayPort(port: PortLike): void {
    const tabId = port.sender?.tab?.id
    // Only our own content scripts, in a real tab (a page cannot connect: no externally_connectable).
    if (typeof tabId !== 'number' || tabId < 0 || port.sender?.id !== deps.extensionId) {
      port.disconnect()
      return
    }
    let pageLoadId: string | null = null
    let alive = true
    let relay: RelayConn | null = null
    port.onDisconnect.addListener(() => {
      alive = false
      if (relay && relays.get(relay.pageLoadId) === relay) relays.delete(relay.pageLoadId)
    })
    port.onMessage.addListener((msg) =>
      whenReady(() => {
        if (!isRelayToBackground(msg)) return
        if (msg.type === 'hello') {
          pageLoadId = msg.pageLoadId
          relay = { port, tabId, pageLoadId, frameUrl: msg.frameUrl, bus: relays.get(pageLoadId)?.bus ?? hasBusMarker(tabId, pageLoadId), since: Date.now() }
          if (alive) relays.set(pageLoadId, relay)
          return
        }
        // One port, one page load: a relay cannot write into another document's numbering.
        if (msg.pageLoadId !== pageLoadId) return
        if (msg.type === 'command-result') return commandResult(relay, msg.id, msg.outcome, msg.detail)
        // The batch's text is parsed and each entry checked here, not on the page's thread.
        const entries = relayBatchEntries(msg)
        if (relay && entries.some((e) => e.kind === 'marker' && e.marker === 'bus')) relay.bus = true
        const s = store(tabId)
        const { added, cleared } = s.ingest(msg.pageLoadId, entries)
        const ack: BackgroundToRelay = { type: 'ack', pageLoadId: msg.pageLoadId, seq: msg.seq + msg.count - 1 }
        if (cleared) {
          findings.rebuild(s)
          broadcast(tabId, { type: 'cleared' })
        }
        if (added.length) findings.push(s, added)
        if (s.hasPendingDropped()) settleDropped(tabId)
        if (added.some((e) => e.kind === 'marker' && e.marker === 'page-load')) findings.show(s, true)
        void save(tabId, added, cleared).then(() => {
          if (alive) {
            try {
              port.postMessage(ack)
            } catch {
              // the relay resends on its next port; dedupe drops the copies
            }
          }
          pump(tabId)
          broadcast(tabId, stateMsg(s))
        })
      }),
    )
  }

  deps.onConnect((port) => {
    if (port.name === RELAY_PORT) return onRelayPort(port)
    const tabId = tabIdFromPanelPort(port.name)
    if (tabId !== null) return onPanelPort(port, tabId)
    port.disconnect()
  })

  // --- one-shot requests ------------------------------------------------------------------------
  deps.onMessage((message, sender) => {
    if (!isRequest(message) || !fromExtension(sender)) return undefined
    return ready.then(() => answer(message))
  })

  function answer(req: Request): ResponseMap[Request['type']] {
    if (req.type === 'export-session') flushDropped(req.tabId, true) // the export says what is missing, exactly
    const s = stores.get(req.tabId)
    if (req.type === 'get-tab-state') return s ? { ...s.state, findings: { ...s.state.findings } } : null
    const session: Session = s ? s.toSession(deps.userAgent) : { format: SESSION_FORMAT, version: SESSION_VERSION, source: { userAgent: deps.userAgent }, events: [] }
    session.source = { ...session.source, extensionVersion: TOOL_VERSION } // which build captured it: a ticket reader asks
    return session
  }

  // --- tabs and settings ------------------------------------------------------------------------
  deps.onTabRemoved((tabId) =>
    whenReady(() => {
      stores.delete(tabId)
      const t = droppedTimers.get(tabId)
      if (t !== undefined) clearTimeout(t)
      droppedTimers.delete(tabId)
      droppedSchedules.delete(tabId)
      findings.forget(tabId)
      // Its panels keep what they show (a panel opened as a page outlives the tab): it can still be exported.
      for (const p of panels) if (p.tabId === tabId) send(p, { type: 'tab-closed' })
      lastWrite = persist.forget(tabId)
    }),
  )

  deps.onSettingsChanged((value) =>
    whenReady(() => {
      findings.setOptions(normalizeOptions(value), stores.values())
      for (const s of stores.values()) broadcast(s.state.tabId, stateMsg(s))
    }),
  )

  return { ready, stores, idle: () => ready.then(() => lastWrite) }
}

/** Settings come from storage written by our panel; still, take only the fields of CheckOptions. */
