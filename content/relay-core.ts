// Relay logic. Runs in the ISOLATED world at document_start in every frame, bundled by
// content/relay.ts (the entry, which passes the real window and browser.runtime) into one
// self-contained IIFE. Kept apart from the entry so unit tests (test/unit/relay.test.ts) can run it
// on a fake window and a fake runtime, without a browser. The only bridge between page and extension:
//   1. takes the FIRST connect message carrying a MessagePort from its own window (the hook's), and
//      ignores every later window message: spoofed connects, fake entries, other frames;
//   2. validates every message on that port (protocol.ts guards) and numbers the entries per page
//      load (pageLoadId, seq 0, 1, 2, ...), adding frameUrl; a page-load marker comes first;
//   3. sends them to the background on a runtime port, batched, and keeps each one until the
//      background acks it (the background acks only what it has stored): a stopped service worker
//      (MV3) means reconnect with backoff and resend; a full buffer refuses new entries and says
//      how many with one `dropped` marker per gap, never silently, never counting an entry twice;
//   4. stops quietly once the extension context is invalidated (extension reloaded or removed).

import { RingBuffer } from '../src/core/buffer.ts'
import { lostBy, type JsonObject, type SessionEntry } from '../src/core/model.ts'
import {
  COMMAND_TIMEOUT_MS,
  PROTOCOL_VERSION,
  RELAY_BATCH_LIMIT,
  RELAY_BUFFER_LIMIT,
  RELAY_PORT,
  RELAY_SOURCE,
  isBackgroundToRelay,
  isHookConnectMessage,
  hookMessageEntries,
  isHookEntry,
  isHookCommandResult,
  type HookEntry,
  type RelayHelloMessage,
  type RelayToBackground,
  type RelayToHook,
} from '../src/core/protocol.ts'

/** Entries are coalesced for this long (or up to RELAY_BATCH_LIMIT) before a send. */
export const BATCH_MS = 16
/** Reconnect backoff after the port drops (service worker stopped): 100 ms doubling up to 5 s. */
export const BACKOFF_MIN = 100
export const BACKOFF_MAX = 5_000
/**
 * Both content scripts are injected at document_start in one go, so the hook's connect normally
 * reaches us. Only if it went by before we listened do we ask again (the hook answers until one
 * relay is ready); waiting a moment first keeps this message, which page scripts can see, rare.
 */
export const HELLO_AFTER_MS = 50
/** Most panel commands waiting for the hook's answer at once (a click each; the background times them out). */
export const MAX_OPEN_COMMANDS = 64

/** The part of a runtime.Port the relay uses (browser.runtime.connect's result). */
export interface RelayRuntimePort {
  postMessage(message: unknown): void
  onMessage: { addListener(fn: (message: unknown) => void): void }
  onDisconnect: { addListener(fn: () => void): void }
}

/** The part of browser.runtime the relay uses. */
export interface RelayRuntime {
  connect(info: { name: string }): RelayRuntimePort
  /** The extension id; undefined (or a throwing getter) once the extension context is invalidated. */
  readonly id: string | undefined
  readonly lastError?: unknown
}

/** The hook's private MessagePort, as far as the relay uses it. */
export interface HookPort {
  onmessage: ((ev: { data: unknown }) => void) | null
  postMessage(message: unknown): void
  close(): void
}

/** A message event on the window: only `source` (which window posted it) is trusted. */
export interface RelayWindowMessage {
  source: unknown
  data: unknown
  ports: readonly HookPort[]
  /** Keeps the hook's connect (and its port) from every page listener registered after ours. */
  stopImmediatePropagation(): void
}

/** The part of the content script's window the relay uses. */
export interface RelayWindow {
  readonly top: unknown
  readonly location: { readonly href: string }
  addEventListener(type: 'message', fn: (ev: RelayWindowMessage) => void, capture: boolean): void
  addEventListener(type: 'pagehide' | 'pageshow', fn: (ev: { persisted?: boolean }) => void, capture: boolean): void
  removeEventListener(type: 'message', fn: (ev: RelayWindowMessage) => void, capture: boolean): void
  postMessage(message: unknown, targetOrigin: string): void
}

export interface RelayOptions {
  /** Most un-acked entries kept (RELAY_BUFFER_LIMIT); tests pass a small one. */
  bufferLimit?: number
}

/** What startRelay returns: read-only views for tests and the entry. */
export interface Relay {
  readonly pageLoadId: string
  /** Entries kept until acked (including the page-load marker and any `dropped` markers). */
  pending(): SessionEntry[]
  readonly stopped: boolean
}

function randomId(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function startRelay(win: RelayWindow, runtime: RelayRuntime, options: RelayOptions = {}): Relay {
  const top = win === win.top
  const pageLoadId = randomId()
  const buffer = new RingBuffer<SessionEntry>(options.bufferLimit ?? RELAY_BUFFER_LIMIT)
  let nextSeq = 0
  /** Highest seq already sent on the current port; reset on reconnect so un-acked entries are resent. */
  let sentUpTo = -1
  /** Entries (events, commands) a full buffer refused that no `dropped` marker has counted yet. */
  let lost = 0
  let port: RelayRuntimePort | null = null
  let hookPort: HookPort | null = null
  let stopped = false
  let backoff = BACKOFF_MIN
  let flushTimer: ReturnType<typeof setTimeout> | null = null
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null

  /**
   * Appends, or counts the entry as lost when the buffer is full. The newest entry is the one that
   * goes: every entry already in the buffer may have been posted, and a posted entry may be stored
   * by the background (its ack still on the way), so evicting it could count as lost an entry that
   * is not. Dropping the newest keeps the count exact: stored entries plus the counts of the
   * `dropped` markers equal the entries the hook sent. Consecutive losses make ONE marker, placed
   * where they happened, once there is room for it (the next add, or an ack that frees slots).
   */
  function add(entry: HookEntry, frameUrl = win.location.href): void {
    if (lost > 0) noteLost(frameUrl)
    if (lost > 0 || buffer.length >= buffer.capacity) {
      lost += lostBy(entry)
      return
    }
    buffer.push({ ...entry, seq: nextSeq++, pageLoadId, frameUrl } as SessionEntry)
  }

  /** Stores the marker for the losses so far, if a slot is free. */
  function noteLost(frameUrl = win.location.href): void {
    if (lost === 0 || buffer.length >= buffer.capacity) return
    const count = lost
    lost = 0
    buffer.push({ kind: 'marker', marker: 'dropped', time: Date.now(), data: { count, where: 'relay' }, seq: nextSeq++, pageLoadId, frameUrl })
  }

  /** After adding (once per hook message, not per entry): send now when a batch is full, else soon. */
  function entriesAdded(): void {
    scheduleFlush(buffer.length - buffer.lowerBound((e) => e.seq > sentUpTo) >= RELAY_BATCH_LIMIT)
  }

  function scheduleFlush(now: boolean): void {
    if (now) {
      flush()
      return
    }
    if (flushTimer === null) flushTimer = setTimeout(flush, BATCH_MS)
  }

  function flush(): void {
    if (flushTimer !== null) clearTimeout(flushTimer)
    flushTimer = null
    if (!port || stopped) return
    const start = buffer.lowerBound((e) => e.seq > sentUpTo)
    try {
      for (let i = start; i < buffer.length; i += RELAY_BATCH_LIMIT) {
        const entries = buffer.slice(i, i + RELAY_BATCH_LIMIT)
        const msg: RelayToBackground = { type: 'entries', pageLoadId, entries }
        port.postMessage(msg)
        sentUpTo = (entries[entries.length - 1] as SessionEntry).seq
      }
    } catch (err) {
      // The port died between disconnect events; onDisconnect (or the next connect) resends.
      onPortGone(err)
    }
  }

  function connect(): void {
    // A pending reconnect (e.g. when pageshow connects first) must not open a second port.
    if (reconnectTimer !== null) clearTimeout(reconnectTimer)
    reconnectTimer = null
    if (stopped) return
    let p: RelayRuntimePort
    try {
      p = runtime.connect({ name: RELAY_PORT })
    } catch (err) {
      onPortGone(err)
      return
    }
    port = p
    sentUpTo = -1
    p.onMessage.addListener((msg: unknown) => {
      if (port !== p || !isBackgroundToRelay(msg) || msg.pageLoadId !== pageLoadId) return
      if (msg.type === 'command') return toHook(msg.id, msg.name, msg.options)
      backoff = BACKOFF_MIN // the worker is alive and storing
      buffer.shiftWhile((e) => e.seq <= msg.seq)
      if (lost > 0) {
        noteLost() // the gap is marked as soon as there is room, not only when the page publishes again
        scheduleFlush(false)
      }
    })
    p.onDisconnect.addListener(() => {
      if (port === p) onPortGone(lastError())
    })
    try {
      const hello: RelayToBackground = { type: 'hello', pageLoadId, frameUrl: win.location.href, top, time: Date.now() }
      p.postMessage(hello)
    } catch (err) {
      onPortGone(err)
      return
    }
    flush()
  }

  function lastError(): unknown {
    try {
      return runtime.lastError
    } catch {
      return undefined
    }
  }

  /** Worker stopped -> reconnect later and resend; extension gone -> stop for good, quietly. */
  function onPortGone(err: unknown): void {
    port = null
    if (stopped) return
    if (contextInvalidated(err)) {
      stop()
      return
    }
    if (reconnectTimer === null) reconnectTimer = setTimeout(connect, backoff)
    backoff = Math.min(backoff * 2, BACKOFF_MAX)
  }

  function contextInvalidated(err: unknown): boolean {
    try {
      if (!runtime.id) return true
    } catch {
      return true // Chrome throws on any runtime access once the context is gone
    }
    const msg = err && typeof err === 'object' && 'message' in err ? String((err as { message: unknown }).message) : ''
    return /context invalidated/i.test(msg)
  }

  function stop(): void {
    stopped = true
    buffer.clear()
    if (flushTimer !== null) clearTimeout(flushTimer)
    if (reconnectTimer !== null) clearTimeout(reconnectTimer)
    flushTimer = reconnectTimer = null
    try {
      hookPort?.close() // the hook's posts now go nowhere, at no cost to the page
    } catch {
      // already closed
    }
    hookPort = null
  }

  // --- panel commands (issue 15): background -> hook, and the bus's answer back ---------------
  /** Ids of the commands handed to the hook and not answered yet: only these answers go back. */
  const asked = new Set<string>()

  function toHook(id: string, name: string, options: JsonObject): void {
    if (!hookPort || stopped || asked.size >= MAX_OPEN_COMMANDS) return // the background times it out
    asked.add(id)
    setTimeout(() => asked.delete(id), COMMAND_TIMEOUT_MS) // the background has given up on it by then
    const msg: RelayToHook = { type: 'command', id, name, options }
    try {
      hookPort.postMessage(msg)
    } catch {
      asked.delete(id)
    }
  }

  function fromHook(data: unknown): boolean {
    if (!isHookCommandResult(data)) return false
    if (!asked.delete(data.id)) return true // not one we asked for
    const msg: RelayToBackground = { type: 'command-result', pageLoadId, id: data.id, outcome: data.outcome, detail: data.detail }
    try {
      port?.postMessage(msg)
    } catch {
      // the background times the command out
    }
    return true
  }

  // --- hook side -------------------------------------------------------------------------------
  /**
   * Registered at document_start, before any page script, so it runs before every page listener:
   * each hook connect is stopped here and its port never reaches the page (the hook offers one per
   * `hello`, and a page may post `hello`s too). The listener stays for the page's lifetime for that.
   */
  function onWindowMessage(ev: RelayWindowMessage): void {
    // Only our own window (not a parent or child frame), only our tag, only once.
    if (ev.source !== win || !isHookConnectMessage(ev.data)) return
    ev.stopImmediatePropagation()
    const offered = ev.ports?.[0]
    if (hookPort || stopped || !offered) {
      try {
        offered?.close() // an extra offer (answer to a page's hello): nobody else gets it either
      } catch {
        // already closed
      }
      return
    }
    hookPort = offered
    hookPort.onmessage = (e) => {
      if (stopped || fromHook(e.data)) return
      const entries = hookMessageEntries(e.data)
      if (!entries) return
      const frameUrl = win.location.href // once per batch: the page's thread pays for every read
      let invalid = 0
      for (const entry of entries) {
        if (isHookEntry(entry)) add(entry, frameUrl)
        else invalid++
      }
      // Malformed entries (a hook bug; the page cannot reach this port) are counted, never silent.
      if (invalid > 0) add({ kind: 'marker', marker: 'dropped', time: Date.now(), data: { count: invalid, where: 'relay' } }, frameUrl)
      entriesAdded()
    }
    const ready: RelayToHook = { type: 'ready' }
    hookPort.postMessage(ready)
  }

  win.addEventListener('message', onWindowMessage, true)
  setTimeout(() => {
    if (hookPort || stopped) return
    const hello: RelayHelloMessage = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, type: 'hello' }
    win.postMessage(hello, '*')
  }, HELLO_AFTER_MS)

  // A page going away (navigation, reload, tab closed) gets its last batch out now, not in 16 ms.
  win.addEventListener('pagehide', () => flush(), true)
  // A page restored from the back/forward cache has lost its port: reconnect right away.
  win.addEventListener('pageshow', (ev) => {
    if (ev.persisted && !port && !stopped) connect()
  }, true)

  add({ kind: 'marker', marker: 'page-load', time: Date.now(), data: { url: win.location.href, top } })
  entriesAdded()
  connect()

  return {
    pageLoadId,
    pending: () => buffer.toArray(),
    get stopped() {
      return stopped
    },
  }
}
