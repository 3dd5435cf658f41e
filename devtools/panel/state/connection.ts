// Panel (transport adapter). Keeps a runtime port to the background open for one inspected tab.
// The MV3 service worker is stopped whenever Chrome likes (idle 30 s, update, crash), which
// disconnects the port: we reconnect with a growing delay, say hello again with the last seq we
// hold so the background replays only what we miss (the store also dedupes on seq), and flush what
// the user asked for meanwhile. Once the extension context is gone (extension reloaded or removed)
// connecting throws, and we stop quietly instead of retrying forever.
// Defensively, a port can also stay silent (for example one opened just as the worker is being
// stopped). The background answers every hello with a state message, so no message within
// helloTimeoutMs means this port is useless: drop it and connect again (the store dedupes).
// The port factory is injected: main.tsx passes runtime.connect, tests pass a fake.
import { panelPortName, type BackgroundToPanel, type PanelToBackground } from '../../../src/core/protocol.ts'
import type { ConnectionStatus } from './store.ts'

/** The subset of runtime.Port we use (same shape in chrome.* and in webextension-polyfill). */
export interface PortLike {
  postMessage(message: unknown): void
  disconnect(): void
  onMessage: { addListener(fn: (message: unknown) => void): void }
  onDisconnect: { addListener(fn: () => void): void }
}

export interface ConnectionOptions {
  tabId: number
  connect(name: string): PortLike
  onMessage(message: BackgroundToPanel): void
  onStatus?(status: ConnectionStatus): void
  /** The last seq the panel holds, read at every (re)connect. */
  afterSeq(): number
  initialDelayMs?: number
  maxDelayMs?: number
  /** ms to wait for the first message on a new port before replacing it (default 2000). */
  helloTimeoutMs?: number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export interface Connection {
  send(message: PanelToBackground): void
  close(): void
}

/** Every message type (a Record over the union: a new type in protocol.ts does not compile until it is here). */
const KNOWN: Record<BackgroundToPanel['type'], true> = { state: true, entries: true, cleared: true, 'tab-closed': true, 'command-result': true }
const TYPES = new Set(Object.keys(KNOWN))

/** The background is ours, but a wrong message must not crash the panel: check the envelope. */
export function isBackgroundToPanel(value: unknown): value is BackgroundToPanel {
  if (typeof value !== 'object' || value === null) return false
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string' || !TYPES.has(type)) return false
  if (type === 'entries') return Array.isArray((value as { entries?: unknown }).entries)
  if (type === 'state') return typeof (value as { state?: unknown }).state === 'object'
  if (type === 'command-result') return typeof (value as { id?: unknown }).id === 'string' && typeof (value as { outcome?: unknown }).outcome === 'string'
  return true
}

export function connectPanel(o: ConnectionOptions): Connection {
  const initial = o.initialDelayMs ?? 100
  const max = o.maxDelayMs ?? 5000
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
  const helloTimeout = o.helloTimeoutMs ?? 2000
  let port: PortLike | null = null
  let watchdog: unknown = null
  let delay = initial
  let timer: unknown = null
  let closed = false
  let attempts = 0
  const queue: PanelToBackground[] = []

  const status = (s: ConnectionStatus): void => o.onStatus?.(s)

  /** Forgets port `p` and schedules the next attempt (after a disconnect or a silent port). */
  const retry = (p: PortLike): void => {
    if (port !== p) return
    port = null
    if (watchdog !== null) clearTimer(watchdog)
    watchdog = null
    if (closed) return
    status('reconnecting')
    timer = setTimer(open, delay)
    delay = Math.min(max, delay * 2)
  }

  const open = (): void => {
    timer = null
    if (closed) return
    let p: PortLike
    try {
      p = o.connect(panelPortName(o.tabId))
    } catch (err) {
      // "Extension context invalidated": this panel page outlived its extension; nothing to retry.
      console.warn('[cxbus-devtools panel] cannot connect, giving up:', err)
      closed = true
      status('closed')
      return
    }
    port = p
    attempts++
    p.onMessage.addListener((message) => {
      if (port !== p) return
      if (watchdog !== null) clearTimer(watchdog)
      watchdog = null
      delay = initial // the worker answers: the next disconnect is a fresh restart, retry fast
      status('connected')
      if (isBackgroundToPanel(message)) o.onMessage(message)
    })
    p.onDisconnect.addListener(() => retry(p))
    watchdog = setTimer(() => {
      watchdog = null
      if (port !== p) return
      console.warn('[cxbus-devtools panel] no answer to hello, reconnecting')
      try {
        p.disconnect()
      } catch {
        // already gone
      }
      retry(p)
    }, helloTimeout)
    try {
      p.postMessage({ type: 'hello', afterSeq: o.afterSeq() } satisfies PanelToBackground)
      while (queue.length) p.postMessage(queue.shift())
    } catch {
      // The port died between connect and post; onDisconnect schedules the retry.
    }
    if (attempts === 1) status('connecting')
  }

  open()

  return {
    send(message) {
      if (port) {
        try {
          port.postMessage(message)
          return
        } catch {
          // fall through: keep it for the next port
        }
      }
      queue.push(message)
    },
    close() {
      closed = true
      if (timer !== null) clearTimer(timer)
      if (watchdog !== null) clearTimer(watchdog)
      port?.disconnect()
      port = null
    },
  }
}
