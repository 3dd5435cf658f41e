// Relay. Runs in the ISOLATED world at document_start in every frame, as a self-contained IIFE.
// The only bridge between the page and the extension:
//   1. takes the FIRST connect message carrying a MessagePort from its own window (the hook's), and
//      ignores every later window message: spoofed connects, fake entries, other frames;
//   2. validates every message on that port (protocol.ts guards) and numbers the entries per page
//      load (pageLoadId, seq 0, 1, 2, ...), adding frameUrl; a page-load marker comes first;
//   3. sends them to the background on a runtime port, batched, and keeps each one until the
//      background acks it: a stopped service worker (MV3) means reconnect with backoff and resend;
//      a full buffer drops the oldest and says so with a `dropped` marker, never silently.
//   4. stops quietly once the extension context is invalidated (extension reloaded or removed).

import browser, { type Runtime } from 'webextension-polyfill'
import { RingBuffer } from '../src/core/buffer.ts'
import type { SessionEntry } from '../src/core/model.ts'
import {
  PROTOCOL_VERSION,
  RELAY_BATCH_LIMIT,
  RELAY_BUFFER_LIMIT,
  RELAY_PORT,
  RELAY_SOURCE,
  isBackgroundToRelay,
  isHookConnectMessage,
  isHookToRelay,
  type HookEntry,
  type RelayHelloMessage,
  type RelayToBackground,
  type RelayToHook,
} from '../src/core/protocol.ts'

/** Entries are coalesced for this long (or up to RELAY_BATCH_LIMIT) before a send. */
const BATCH_MS = 16
/** Reconnect backoff after the port drops (service worker stopped): 100 ms doubling up to 5 s. */
const BACKOFF_MIN = 100
const BACKOFF_MAX = 5_000

const top = window === window.top
const pageLoadId = randomId()
const buffer = new RingBuffer<SessionEntry>(RELAY_BUFFER_LIMIT)
let nextSeq = 0
/** Highest seq already sent on the current port; reset on reconnect so un-acked entries are resent. */
let sentUpTo = -1
let port: Runtime.Port | null = null
let hookPort: MessagePort | null = null
let stopped = false
let backoff = BACKOFF_MIN
let flushTimer: ReturnType<typeof setTimeout> | null = null
let reconnectTimer: ReturnType<typeof setTimeout> | null = null

function randomId(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function add(entry: HookEntry, frameUrl = location.href): void {
  const full: SessionEntry = { ...entry, seq: nextSeq++, pageLoadId, frameUrl } as SessionEntry
  buffer.push(full)
  if (buffer.dropped > 0) {
    // The oldest un-acked entries are gone: record how many, in the stream itself.
    const count = buffer.takeDropped()
    buffer.push({ kind: 'marker', marker: 'dropped', time: Date.now(), data: { count, where: 'relay' }, seq: nextSeq++, pageLoadId, frameUrl })
  }
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
  reconnectTimer = null
  if (stopped) return
  let p: Runtime.Port
  try {
    p = browser.runtime.connect({ name: RELAY_PORT })
  } catch (err) {
    onPortGone(err)
    return
  }
  port = p
  sentUpTo = -1
  p.onMessage.addListener((msg: unknown) => {
    if (!isBackgroundToRelay(msg) || msg.pageLoadId !== pageLoadId) return
    backoff = BACKOFF_MIN // the worker is alive and storing
    buffer.shiftWhile((e) => e.seq <= msg.seq)
  })
  p.onDisconnect.addListener(() => {
    if (port === p) onPortGone(browser.runtime.lastError)
  })
  try {
    const hello: RelayToBackground = { type: 'hello', pageLoadId, frameUrl: location.href, top, time: Date.now() }
    p.postMessage(hello)
  } catch (err) {
    onPortGone(err)
    return
  }
  flush()
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
    if (!browser.runtime?.id) return true
  } catch {
    return true
  }
  const msg = err && typeof err === 'object' && 'message' in err ? String((err as { message: unknown }).message) : ''
  return /context invalidated/i.test(msg)
}

function stop(): void {
  stopped = true
  buffer.clear()
  try {
    hookPort?.close() // the hook's posts now go nowhere, at no cost to the page
  } catch {
    // already closed
  }
  hookPort = null
}

// --- hook side -------------------------------------------------------------------------------
function onWindowMessage(ev: MessageEvent): void {
  // Only our own window (not a parent or child frame), only our tag, only once.
  if (hookPort || ev.source !== window || !isHookConnectMessage(ev.data) || !ev.ports[0]) return
  window.removeEventListener('message', onWindowMessage, true)
  hookPort = ev.ports[0]
  hookPort.onmessage = (e: MessageEvent) => {
    if (stopped) return
    const msg = e.data
    if (!isHookToRelay(msg)) return
    const frameUrl = location.href // once per batch: the page's thread pays for every read
    if (msg.type === 'entry') add(msg.entry, frameUrl)
    else for (const entry of msg.entries) add(entry, frameUrl)
  }
  const ready: RelayToHook = { type: 'ready' }
  hookPort.postMessage(ready)
}

window.addEventListener('message', onWindowMessage, true)
// Both content scripts are injected at document_start in one go, so the hook's connect normally
// reaches us. Only if it went by before we listened do we ask again (the hook answers until one
// relay is ready); waiting a moment first keeps this message, which page scripts can see, rare.
const HELLO_AFTER_MS = 50
setTimeout(() => {
  if (hookPort || stopped) return
  const hello: RelayHelloMessage = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, type: 'hello' }
  window.postMessage(hello, '*')
}, HELLO_AFTER_MS)

// A page going away (navigation, reload, tab closed) gets its last batch out now, not in 16 ms.
window.addEventListener('pagehide', () => flush(), true)
// A page restored from the back/forward cache has lost its port: reconnect right away.
window.addEventListener('pageshow', (ev) => {
  if ((ev as PageTransitionEvent).persisted && !port && !stopped) connect()
}, true)

add({ kind: 'marker', marker: 'page-load', time: Date.now(), data: { url: location.href, top } })
connect()
