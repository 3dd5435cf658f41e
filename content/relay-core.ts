// Relay logic. Runs in the ISOLATED world at document_start in every frame, bundled by
// content/relay.ts (the entry, which passes the real window and browser.runtime) into one
// self-contained IIFE. Kept apart from the entry so unit tests (test/unit/relay.test.ts) can run it
// on a fake window and a fake runtime, without a browser. The only bridge between page and extension:
//   1. takes the FIRST connect message carrying a MessagePort from its own window (the hook's), and
//      ignores every later window message: spoofed connects, fake entries, other frames;
//   2. takes the hook's batches as they are handed over (a CustomEvent of a random type it told the
//      hook over that port only, handled synchronously; the port is the fallback), checks every
//      message's envelope (protocol.ts guards) and gives each hook batch
//      its slots in the page load's numbering (pageLoadId, seq 0, 1, 2, ...) and its frameUrl; a
//      page-load marker comes first. A batch is JSON text the relay forwards as it is: parsing and
//      checking each entry is the background's work (protocol.ts batchEntries), off the page's
//      thread, which this isolated world shares;
//   3. sends each batch to the background on a runtime port and keeps it until the background
//      acks it (the background acks only what it has stored): a stopped service worker (MV3)
//      means reconnect with backoff and resend; a full buffer refuses new batches and says how
//      many entries with one `dropped` marker per gap, never silently, never counting one twice;
//   4. stops quietly once the extension context is invalidated (extension reloaded or removed).

import { RingBuffer } from '../src/core/buffer.ts'
import { lostBy, type JsonObject, type SessionEntry } from '../src/core/model.ts'
import {
  COMMAND_TIMEOUT_MS,
  HOOK_TEXT_LIMIT,
  PROTOCOL_VERSION,
  RELAY_BUFFER_LIMIT,
  RELAY_PORT,
  RELAY_SOURCE,
  isBackgroundToRelay,
  handoffBatch,
  HANDOFF_BITS,
  isHookBatch,
  isHookConnectMessage,
  isHookCommandResult,
  relayBatchEntries,
  type HookBatch,
  type HookEntry,
  type RelayHelloMessage,
  type RelayToBackground,
  type RelayToHook,
} from '../src/core/protocol.ts'

/** The relay's own entries (a `dropped` marker noted on an ack) wait this long for a send. Hook batches go at once. */
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

/** The hook's hand-over of a batch (protocol.ts RelayToHook `ready`), as the relay's listener sees it. */
export interface RelayHandoffEvent {
  readonly detail: unknown
  /** Tells the hook the batch was taken (its dispatchEvent returns false), so it does not post it again. */
  preventDefault(): void
  stopImmediatePropagation(): void
}

/** The part of the content script's window the relay uses. */
export interface RelayWindow {
  readonly top: unknown
  readonly location: { readonly href: string }
  addEventListener(type: 'message', fn: (ev: RelayWindowMessage) => void, capture: boolean): void
  addEventListener(type: 'pagehide' | 'pageshow', fn: (ev: { persisted?: boolean }) => void, capture: boolean): void
  addEventListener(type: string, fn: (ev: RelayHandoffEvent) => void, capture: boolean): void
  removeEventListener(type: 'message', fn: (ev: RelayWindowMessage) => void, capture: boolean): void
  postMessage(message: unknown, targetOrigin: string): void
}

export interface RelayOptions {
  /** Most un-acked entries kept (RELAY_BUFFER_LIMIT); tests pass a small one. */
  bufferLimit?: number
}

/** A batch kept until acked: its entries are seq .. seq + count - 1 of the page load. */
type Held = Omit<Extract<RelayToBackground, { type: 'batch' }>, 'type' | 'pageLoadId'>

/** What startRelay returns: read-only views for tests and the entry. */
export interface Relay {
  readonly pageLoadId: string
  /** Entries kept until acked (including the page-load marker and any `dropped` markers), parsed: for tests. */
  pending(): SessionEntry[]
  readonly stopped: boolean
}

function randomId(bytes = new Uint8Array(12)): string {
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function startRelay(win: RelayWindow, runtime: RelayRuntime, options: RelayOptions = {}): Relay {
  const top = win === win.top
  const pageLoadId = randomId()
  const limit = options.bufferLimit ?? RELAY_BUFFER_LIMIT
  // Batches hold one entry or more: as many slots as entries is always enough.
  const buffer = new RingBuffer<Held>(limit)
  /** Entries in `buffer`. */
  let held = 0
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
  /** A forward of handed-over batches is queued (onHandoff): one microtask for a burst of them. */
  let forwardQueued = false
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null

  /** One entry the relay makes itself (page-load, dropped), as a batch of one. */
  const own = (entry: HookEntry): HookBatch => ({ type: 'batch', count: 1, lost: lostBy(entry), text: JSON.stringify([entry]) })

  /**
   * Appends a batch, or counts it as lost when it does not fit. The newest batch is the one that
   * goes: every batch already in the buffer may have been posted, and a posted batch may be stored
   * by the background (its ack still on the way), so evicting it could count as lost entries that
   * are not. Dropping the newest keeps the count exact: stored entries plus the counts of the
   * `dropped` markers equal the entries the hook sent. Consecutive losses make ONE marker, placed
   * where they happened, once there is room for it (the next add, or an ack that frees slots).
   */
  function add(batch: HookBatch, frameUrl = win.location.href): void {
    const fits = held + batch.count <= limit && batch.text.length <= HOOK_TEXT_LIMIT
    // The marker for a gap goes in only with the batch that ends it: one marker per gap, however
    // many batches it takes (a slot free for the marker alone is not the gap's end).
    if (lost > 0 && fits && held + 1 + batch.count <= limit) noteLost(frameUrl)
    if (lost > 0 || !fits) {
      lost += batch.lost
      return
    }
    buffer.push({ seq: nextSeq, count: batch.count, lost: batch.lost, frameUrl, text: batch.text })
    nextSeq += batch.count
    held += batch.count
  }

  /** Stores the marker for the losses so far, if a slot is free. */
  function noteLost(frameUrl = win.location.href): void {
    if (lost === 0 || held >= limit) return
    const count = lost
    lost = 0
    const marker = own({ kind: 'marker', marker: 'dropped', time: Date.now(), data: { count, where: 'relay' } })
    buffer.push({ seq: nextSeq++, count: 1, lost: marker.lost, frameUrl, text: marker.text })
    held++
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
    const start = buffer.lowerBound((b) => b.seq > sentUpTo)
    try {
      for (let i = start; i < buffer.length; i++) {
        const b = buffer.at(i) as Held
        const msg: RelayToBackground = { type: 'batch', pageLoadId, ...b }
        port.postMessage(msg)
        sentUpTo = b.seq + b.count - 1
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
      buffer.shiftWhile((b) => {
        if (b.seq + b.count - 1 > msg.seq) return false
        held -= b.count
        return true
      })
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
    held = 0
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
      if (stopped || fromHook(e.data) || !isHookBatch(e.data)) return
      take(e.data)
    }
    // The hand-over type goes only over the private port: the page never learns it, so it can
    // neither listen for these events nor forge one.
    const handoff = randomId(new Uint8Array(HANDOFF_BITS / 8))
    win.addEventListener(handoff, onHandoff, true)
    const ready: RelayToHook = { type: 'ready', handoff }
    hookPort.postMessage(ready)
  }

  /** A batch the hook hands over: taken and forwarded before the hook's dispatchEvent returns, even as the page unloads. */
  function onHandoff(ev: RelayHandoffEvent): void {
    if (stopped) return // not cancelled: the hook posts it on the (closed) port, as any batch now
    const b = handoffBatch(ev.detail)
    if (!b) return
    ev.stopImmediatePropagation()
    ev.preventDefault()
    add(b)
    // Forwarded in a microtask, not inside the hook's call: a page publishing in a tight loop would
    // otherwise pay the runtime port's serialization inside its loop. A microtask still runs before
    // the document can go: at the end of the page's task, or right after the pagehide listener that
    // handed the batch over.
    if (!forwardQueued) {
      forwardQueued = true
      queueMicrotask(() => {
        forwardQueued = false
        flush()
      })
    }
  }

  /** A hook batch, from the port or handed over: its text is not parsed here (the background checks each entry). */
  function take(b: HookBatch): void {
    add(b)
    flush()
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

  add(own({ kind: 'marker', marker: 'page-load', time: Date.now(), data: { url: win.location.href, top } }))
  connect()

  return {
    pageLoadId,
    pending: () => buffer.toArray().flatMap((b) => relayBatchEntries({ type: 'batch', pageLoadId, ...b })),
    get stopped() {
      return stopped
    },
  }
}
