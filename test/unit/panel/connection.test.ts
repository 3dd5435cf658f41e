// The panel's port to the background: hello with the last seq, reconnect with backoff after the
// service worker stops, queue while down, stop once the extension context is gone.
import { describe, expect, it, vi } from 'vitest'
import { connectPanel, isBackgroundToPanel, type PortLike } from '../../../devtools/panel/state/connection.ts'

class FakePort implements PortLike {
  sent: unknown[] = []
  private msg: ((m: unknown) => void)[] = []
  private disc: (() => void)[] = []
  disconnected = false
  constructor(readonly name: string) {}
  postMessage(m: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object')
    this.sent.push(m)
  }
  disconnect(): void {
    this.disconnected = true
  }
  onMessage = { addListener: (fn: (m: unknown) => void) => void this.msg.push(fn) }
  onDisconnect = { addListener: (fn: () => void) => void this.disc.push(fn) }
  deliver(m: unknown): void {
    this.msg.forEach((f) => f(m))
  }
  /** The worker stopped. */
  drop(): void {
    this.disconnected = true
    this.disc.forEach((f) => f())
  }
}

const HELLO_MS = 999

function setup(afterSeq = () => -1) {
  const ports: FakePort[] = []
  /** Reconnect timers (the hello watchdogs are kept apart, in `watchdogs`). */
  const timers: { fn: () => void; ms: number }[] = []
  const watchdogs: { fn: () => void; cleared: boolean }[] = []
  const onMessage = vi.fn()
  const onStatus = vi.fn()
  const conn = connectPanel({
    tabId: 7,
    connect: (name) => {
      const p = new FakePort(name)
      ports.push(p)
      return p
    },
    onMessage,
    onStatus,
    afterSeq,
    helloTimeoutMs: HELLO_MS,
    setTimer: (fn, ms) => {
      if (ms !== HELLO_MS) return timers.push({ fn, ms })
      const w = { fn, cleared: false }
      watchdogs.push(w)
      return w
    },
    clearTimer: (h) => {
      if (typeof h === 'object' && h !== null) (h as { cleared: boolean }).cleared = true
    },
  })
  return { conn, ports, timers, watchdogs, onMessage, onStatus }
}

describe('connectPanel', () => {
  it('opens the tab port and says hello with the last seq', () => {
    const { ports } = setup(() => 41)
    expect(ports[0]!.name).toBe('cxbus-devtools:panel:7')
    expect(ports[0]!.sent[0]).toEqual({ type: 'hello', afterSeq: 41 })
  })

  it('passes valid messages on and ignores malformed ones', () => {
    const { ports, onMessage, onStatus } = setup()
    ports[0]!.deliver({ type: 'entries', entries: [] })
    ports[0]!.deliver({ type: 'bogus' })
    ports[0]!.deliver('nope')
    expect(onMessage).toHaveBeenCalledTimes(1)
    expect(onStatus).toHaveBeenLastCalledWith('connected')
  })

  it('reconnects with a growing delay and resumes after the last seq seen', () => {
    let last = 3
    const { ports, timers, onStatus } = setup(() => last)
    ports[0]!.drop()
    expect(onStatus).toHaveBeenLastCalledWith('reconnecting')
    expect(timers[0]!.ms).toBe(100)
    last = 9
    timers[0]!.fn()
    expect(ports[1]!.sent[0]).toEqual({ type: 'hello', afterSeq: 9 })
    ports[1]!.drop()
    expect(timers[1]!.ms).toBe(200)
    timers[1]!.fn()
    ports[2]!.deliver({ type: 'cleared' }) // healthy again: the next retry is fast
    ports[2]!.drop()
    expect(timers[2]!.ms).toBe(100)
  })

  it('replaces a port that never answers hello, and not one that does', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { ports, timers, watchdogs } = setup()
    watchdogs[0]!.fn() // no message within the timeout
    expect(ports[0]!.disconnected).toBe(true)
    expect(timers).toHaveLength(1)
    timers[0]!.fn()
    expect(ports).toHaveLength(2)
    ports[1]!.deliver({ type: 'cleared' })
    expect(watchdogs[1]!.cleared).toBe(true) // answered: the watchdog is off
    warn.mockRestore()
  })

  it('queues messages while disconnected and sends them after hello', () => {
    const { conn, ports, timers } = setup()
    ports[0]!.drop()
    conn.send({ type: 'clear' })
    timers[0]!.fn()
    expect(ports[1]!.sent).toEqual([{ type: 'hello', afterSeq: -1 }, { type: 'clear' }])
  })

  it('stops quietly when the extension context is invalidated', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const onStatus = vi.fn()
    connectPanel({
      tabId: 1,
      connect: () => {
        throw new Error('Extension context invalidated.')
      },
      onMessage: () => {},
      onStatus,
      afterSeq: () => -1,
    })
    expect(onStatus).toHaveBeenCalledWith('closed')
    warn.mockRestore()
  })

  it('does not reconnect after close', () => {
    const { conn, ports, timers } = setup()
    conn.close()
    ports[0]!.drop()
    expect(timers).toHaveLength(0)
  })

  it('guards the message shapes', () => {
    expect(isBackgroundToPanel({ type: 'entries', entries: [] })).toBe(true)
    expect(isBackgroundToPanel({ type: 'tab-closed' })).toBe(true)
    expect(isBackgroundToPanel({ type: 'entries' })).toBe(false)
    expect(isBackgroundToPanel({ type: 'state', state: {} })).toBe(true)
    expect(isBackgroundToPanel(null)).toBe(false)
  })
})
