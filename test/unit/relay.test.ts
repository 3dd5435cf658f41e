// Unit tests of the relay (content/relay-core.ts) on a fake window, a fake hook MessagePort and a fake
// browser.runtime, with Vitest's fake timers driving batching, reconnect backoff and the late hello:
// who may connect, shape checks, numbering, resend after a worker restart, acks, overflow, shutdown.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  BACKOFF_MIN,
  BATCH_MS,
  HELLO_AFTER_MS,
  startRelay,
  type HookPort,
  type RelayOptions,
  type RelayRuntime,
  type RelayRuntimePort,
  type RelayWindow,
  type RelayHandoffEvent,
  type RelayWindowMessage,
} from '../../content/relay-core.ts'
import type { SessionEntry } from '../../src/core/model.ts'
import { lostBy } from '../../src/core/model.ts'
import { handoffText, HOOK_BATCH_LIMIT, HOOK_SOURCE, HOOK_TEXT_LIMIT, PROTOCOL_VERSION, RELAY_PORT, RELAY_SOURCE, relayBatchEntries, type HookBatch, type HookEntry, type RelayToBackground } from '../../src/core/protocol.ts'

const URL0 = 'https://shop.test/checkout'
const CONNECT = { source: HOOK_SOURCE, v: PROTOCOL_VERSION, type: 'connect' }

const ev = (event: string, data: HookEntry['data'] = {}): HookEntry => ({ kind: 'event', time: 1_000, publisher: event.split('.')[0] as string, event, data })
/** A batch as the hook posts it: the entries as JSON text, with their count and what losing them loses. */
const batch = (entries: unknown[]): HookBatch =>
  ({ type: 'batch', count: entries.length, lost: entries.reduce((n: number, e) => n + lostBy(e as Record<string, unknown>), 0), text: JSON.stringify(entries) })

class FakeRuntimePort implements RelayRuntimePort {
  sent: RelayToBackground[] = []
  dead = false
  private msgFns: ((m: unknown) => void)[] = []
  private discFns: (() => void)[] = []
  postMessage(m: unknown): void {
    if (this.dead) throw new Error('Attempting to use a disconnected port object')
    this.sent.push(structuredClone(m) as RelayToBackground)
  }
  onMessage = { addListener: (fn: (m: unknown) => void) => void this.msgFns.push(fn) }
  onDisconnect = { addListener: (fn: () => void) => void this.discFns.push(fn) }
  /** A message from the background (an ack, or anything a test wants to try). */
  receive(m: unknown): void {
    for (const f of this.msgFns) f(structuredClone(m))
  }
  /** The service worker stopped: the port is gone. */
  drop(): void {
    this.dead = true
    for (const f of this.discFns) f()
  }
  /** Entries of every `batch` message, in order, as the background reads them. */
  entries(): SessionEntry[] {
    return this.sent.flatMap((m) => (m.type === 'batch' ? relayBatchEntries(m, 0) : []))
  }
}

class FakeRuntime implements RelayRuntime {
  ports: FakeRuntimePort[] = []
  names: string[] = []
  id: string | undefined = 'ext-id'
  lastError: unknown = undefined
  /** When set, connect() throws it (background unreachable, or extension gone). */
  connectError: Error | null = null
  connect(info: { name: string }): FakeRuntimePort {
    if (this.connectError) throw this.connectError
    this.names.push(info.name)
    const p = new FakeRuntimePort()
    this.ports.push(p)
    return p
  }
  get port(): FakeRuntimePort {
    return this.ports.at(-1) as FakeRuntimePort
  }
}

class FakeHookPort implements HookPort {
  onmessage: ((ev: { data: unknown }) => void) | null = null
  posted: unknown[] = []
  closed = false
  postMessage(m: unknown): void {
    this.posted.push(m)
  }
  close(): void {
    this.closed = true
  }
  /** What the hook posts (structured-cloned, like a real MessagePort). */
  send(data: unknown): void {
    this.onmessage?.({ data: structuredClone(data) })
  }
}

class FakeWindow implements RelayWindow {
  top: unknown = this
  location = { href: URL0 }
  posted: unknown[] = []
  listeners: { type: string; fn: (ev: never) => void }[] = []
  addEventListener(type: string, fn: (ev: never) => void): void {
    this.listeners.push({ type, fn })
  }
  removeEventListener(type: string, fn: (ev: never) => void): void {
    this.listeners = this.listeners.filter((l) => l.type !== type || l.fn !== fn)
  }
  postMessage(m: unknown): void {
    this.posted.push(m)
  }
  dispatch(type: 'message', ev: RelayWindowMessage): void
  dispatch(type: 'pagehide' | 'pageshow', ev: { persisted?: boolean }): void
  /** Any other type: an event the hook (or a page) dispatched on the window. */
  dispatch(type: string, ev: RelayHandoffEvent): void
  dispatch(type: string, ev: unknown): void {
    for (const l of this.listeners.slice()) if (l.type === type) (l.fn as (e: unknown) => void)(ev)
  }
  /** Messages a listener stopped (page listeners registered after the relay's never see them). */
  stopped: unknown[] = []
  /** A window message as `source` would post it. */
  message(source: unknown, data: unknown, ports: HookPort[] = []): void {
    const stopped = this.stopped
    this.dispatch('message', { source, data, ports, stopImmediatePropagation: () => void stopped.push(data) })
  }
}

/** A relay whose hook connected (the normal case), with its fakes. */
function setup(options: RelayOptions = {}, runtime = new FakeRuntime()) {
  const win = new FakeWindow()
  const relay = startRelay(win, runtime, options)
  const hook = new FakeHookPort()
  win.message(win, CONNECT, [hook])
  return { win, runtime, relay, hook }
}

const seqs = (entries: SessionEntry[]): number[] => entries.map((e) => e.seq)
const names = (entries: SessionEntry[]): string[] => entries.map((e) => (e.kind === 'event' ? e.event : e.kind === 'marker' ? `marker:${e.marker}` : e.command))

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('relay: the page side', () => {
  it('accepts only the first connect from its own window, with our tag and a port', () => {
    const win = new FakeWindow()
    const runtime = new FakeRuntime()
    startRelay(win, runtime)
    const parent = new FakeWindow()
    const fromParent = new FakeHookPort()
    const untagged = new FakeHookPort()
    win.message(parent, CONNECT, [fromParent]) // another frame's window
    win.message(win, { ...CONNECT, source: 'evil' }, [untagged])
    win.message(win, { ...CONNECT, v: PROTOCOL_VERSION + 1 }, [untagged])
    win.message(win, CONNECT, []) // no port
    expect(fromParent.posted).toEqual([])
    expect(fromParent.onmessage).toBeNull()
    expect(untagged.onmessage).toBeNull()

    const hook = new FakeHookPort()
    win.message(win, CONNECT, [hook])
    expect(hook.posted).toEqual([{ type: 'ready', handoff: expect.stringMatching(/^[0-9a-f]{32}$/) }])
    // A second connect (the hook's answer to a page's hello) gets nothing and is closed.
    const second = new FakeHookPort()
    win.message(win, CONNECT, [second])
    expect(second.posted).toEqual([])
    expect(second.onmessage).toBeNull()
    expect(second.closed).toBe(true)
    // Every hook connect from its own window is stopped before page listeners (its port with it),
    // the first and the later ones; another frame's and untagged messages are left alone.
    expect(win.stopped).toEqual([CONNECT, CONNECT, CONNECT])

    hook.send(batch([ev('Callback.opened')]))
    vi.advanceTimersByTime(BATCH_MS)
    expect(names(runtime.port.entries())).toEqual(['marker:page-load', 'Callback.opened'])
  })

  it('ignores entries posted on the window, from its own window or another frame', () => {
    const win = new FakeWindow()
    const runtime = new FakeRuntime()
    startRelay(win, runtime)
    win.message(win, { type: 'entry', entry: ev('Callback.completed') })
    win.message(new FakeWindow(), { type: 'entries', entries: [ev('Callback.completed')] })
    win.message(win, { source: HOOK_SOURCE, v: PROTOCOL_VERSION, type: 'entry', entry: ev('Callback.completed') })
    vi.advanceTimersByTime(BATCH_MS * 10)
    expect(names(runtime.port.entries())).toEqual(['marker:page-load'])
  })

  it('checks every hook message\'s envelope; the entries are checked where the text is parsed, a malformed one counted', () => {
    const { runtime, hook } = setup()
    const badEnvelopes: unknown[] = [
      null,
      'Callback.opened',
      { ...batch([ev('Callback.opened')]), count: HOOK_BATCH_LIMIT + 1 },
      { ...batch([ev('Callback.opened')]), count: 0 },
      { ...batch([ev('Callback.opened')]), lost: -1 },
      { ...batch([ev('Callback.opened')]), text: [ev('Callback.opened')] },
      { type: 'entries', entries: [ev('Callback.opened')] }, // objects: not the protocol any more
      { type: 'other', entries: [ev('Callback.opened')] },
    ]
    for (const m of badEnvelopes) hook.send(m)
    expect(runtime.port.sent.filter((m) => m.type === 'batch')).toHaveLength(1) // the page-load marker
    const badEntries: unknown[] = [
      { ...ev('Callback.opened'), time: '1000' },
      { kind: 'marker', marker: 'not-a-marker', time: 1, data: {} },
      { kind: 'event', event: 'x'.repeat(201), publisher: 'x', time: 1, data: {} },
      { kind: 'event', event: 'Callback.opened', publisher: 'Callback', time: 1 }, // no data
      { kind: 'bogus', time: 1, data: {} },
    ]
    // one bad entry costs itself, not its batch: the good ones around it arrive, the bad ones are
    // counted in one marker in the slot of the first (protocol.ts batchEntries, the background's)
    hook.send(batch([ev('Callback.opened'), ...badEntries, ev('Callback.started')]))
    hook.send(batch([badEntries[0]]))
    hook.send({ type: 'batch', count: 2, lost: 2, text: 'not json' }) // forwarded as it is: one marker for it
    const sent = runtime.port.entries()
    expect(names(sent)).toEqual(['marker:page-load', 'Callback.opened', 'marker:dropped', 'Callback.started', 'marker:dropped', 'marker:dropped'])
    expect(sent.filter((e) => e.kind === 'marker' && e.marker === 'dropped').map((e) => e.data)).toEqual([
      { count: badEntries.length, where: 'background' },
      { count: 1, where: 'background' },
      { count: 2, where: 'background' },
    ])
    expect(seqs(sent)).toEqual([0, 1, 2, 7, 8, 9])
    expect(runtime.port.sent.at(-1)).toMatchObject({ type: 'batch', seq: 9, count: 2, lost: 2, text: 'not json' })
  })

  it('refuses a batch text over HOOK_TEXT_LIMIT, counted in its marker, never sent', () => {
    const { runtime, hook } = setup()
    hook.send({ type: 'batch', count: 3, lost: 3, text: 'x'.repeat(HOOK_TEXT_LIMIT + 1) })
    hook.send(batch([ev('Callback.opened')]))
    expect(runtime.port.sent.every((m) => m.type !== 'batch' || m.text.length <= HOOK_TEXT_LIMIT)).toBe(true)
    expect(names(runtime.port.entries())).toEqual(['marker:page-load', 'marker:dropped', 'Callback.opened'])
    expect(runtime.port.entries()[1]).toMatchObject({ seq: 1, data: { count: 3, where: 'relay' } })
  })

  it('asks the hook again after HELLO_AFTER_MS only if no connect came', () => {
    const late = new FakeWindow()
    startRelay(late, new FakeRuntime())
    vi.advanceTimersByTime(HELLO_AFTER_MS - 1)
    expect(late.posted).toEqual([])
    vi.advanceTimersByTime(1)
    expect(late.posted).toEqual([{ source: RELAY_SOURCE, v: PROTOCOL_VERSION, type: 'hello' }])

    const { win } = setup()
    vi.advanceTimersByTime(HELLO_AFTER_MS * 2)
    expect(win.posted).toEqual([])
  })
})

describe('relay: numbering and sending', () => {
  it('sends hello, then the page-load marker as seq 0, then entries numbered per page load', () => {
    const { runtime, relay, hook, win } = setup()
    expect(runtime.names).toEqual([RELAY_PORT])
    expect(relay.pageLoadId).toMatch(/^[0-9a-f]{24}$/)
    const [hello, first] = runtime.port.sent
    expect(hello).toEqual({ type: 'hello', pageLoadId: relay.pageLoadId, frameUrl: URL0, top: true, time: expect.any(Number) })
    expect(first).toEqual({ type: 'batch', pageLoadId: relay.pageLoadId, seq: 0, count: 1, lost: 0, frameUrl: URL0, text: expect.any(String) })
    expect(runtime.port.entries()).toEqual([
      { kind: 'marker', marker: 'page-load', time: expect.any(Number), data: { url: URL0, top: true }, seq: 0, pageLoadId: relay.pageLoadId, frameUrl: URL0 },
    ])

    hook.send(batch([ev('Callback.ready')]))
    win.location.href = `${URL0}#step2` // frameUrl is read per hook batch
    const second = batch([ev('Callback.opened'), ev('Callback.started')])
    hook.send(second)
    // each hook batch (the hook coalesced it already) goes at once, its text as the hook made it
    expect(runtime.port.sent).toHaveLength(4)
    expect(runtime.port.sent[3]).toEqual({ type: 'batch', pageLoadId: relay.pageLoadId, seq: 2, count: 2, lost: 2, frameUrl: `${URL0}#step2`, text: second.text })
    const sent = runtime.port.entries()
    expect(sent.map((e) => [e.seq, e.pageLoadId, e.frameUrl])).toEqual([
      [0, relay.pageLoadId, URL0],
      [1, relay.pageLoadId, URL0],
      [2, relay.pageLoadId, `${URL0}#step2`],
      [3, relay.pageLoadId, `${URL0}#step2`],
    ])
  })

  it('gives each page load (each frame) its own pageLoadId and seq from 0; a frame says top: false', () => {
    const a = setup()
    const frame = new FakeWindow()
    frame.top = a.win
    const runtime = new FakeRuntime()
    const b = startRelay(frame, runtime)
    expect(b.pageLoadId).not.toBe(a.relay.pageLoadId)
    expect(runtime.port.entries()).toEqual([expect.objectContaining({ seq: 0, pageLoadId: b.pageLoadId, data: { url: URL0, top: false } })])
    expect(runtime.port.sent[0]).toMatchObject({ type: 'hello', top: false })
  })

  it('sends a full hook batch at once, as one message; a relay marker waiting for its timer goes on pagehide', () => {
    const runtime = new FakeRuntime()
    const { hook, win, relay } = setup({ bufferLimit: HOOK_BATCH_LIMIT + 2 }, runtime)
    hook.send(batch(Array.from({ length: HOOK_BATCH_LIMIT }, (_, i) => ev('Callback.minimized', { i }))))
    expect(runtime.port.sent.filter((m) => m.type === 'batch')).toHaveLength(2) // no timer needed
    expect(runtime.port.entries()).toHaveLength(1 + HOOK_BATCH_LIMIT)
    hook.send(batch([ev('Callback.closed'), ev('Callback.closed')])) // does not fit: refused, counted
    runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: 0 }) // room: the marker is noted, sent in BATCH_MS...
    win.dispatch('pagehide', {}) // ...or now, as the page goes away
    expect(runtime.port.entries().at(-1)).toMatchObject({ kind: 'marker', marker: 'dropped', seq: 1 + HOOK_BATCH_LIMIT, data: { count: 2, where: 'relay' } })
  })
})

describe('relay: nothing lost', () => {
  it('forgets batches on ack, whole ones only, ignoring acks of another page load and malformed ones', () => {
    const { runtime, relay, hook } = setup()
    hook.send(batch([ev('Callback.ready')]))
    hook.send(batch([ev('Callback.opened'), ev('Callback.started')]))
    runtime.port.receive({ type: 'ack', pageLoadId: 'someoneelse', seq: 3 })
    runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: '3' })
    runtime.port.receive({ type: 'nack', pageLoadId: relay.pageLoadId, seq: 3 })
    expect(seqs(relay.pending())).toEqual([0, 1, 2, 3])
    runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: 1 })
    expect(seqs(relay.pending())).toEqual([2, 3])
    runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: 2 }) // the background acks whole batches: kept
    expect(seqs(relay.pending())).toEqual([2, 3])
    runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: 3 })
    expect(relay.pending()).toEqual([])
  })

  it('resends what is not acked after the port drops, with backoff, on a new port', () => {
    const { runtime, relay, hook } = setup()
    hook.send(batch([ev('Callback.ready')]))
    hook.send(batch([ev('Callback.opened'), ev('Callback.started')]))
    const first = runtime.port
    first.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: 1 })
    first.drop() // service worker stopped
    hook.send(batch([ev('Callback.submitted')])) // captured while no port
    vi.advanceTimersByTime(BACKOFF_MIN - 1)
    expect(runtime.ports).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(runtime.ports).toHaveLength(2)
    const second = runtime.port
    expect(second.sent[0]).toMatchObject({ type: 'hello', pageLoadId: relay.pageLoadId })
    expect(seqs(second.entries())).toEqual([2, 3, 4]) // un-acked, in order, and the new one
    expect(names(second.entries())).toEqual(['Callback.opened', 'Callback.started', 'Callback.submitted'])

    // No ack on this port: the next reconnect waits twice as long, and resends the same entries.
    second.drop()
    vi.advanceTimersByTime(BACKOFF_MIN * 2 - 1)
    expect(runtime.ports).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(seqs(runtime.port.entries())).toEqual([2, 3, 4])
  })

  it('a page restored from the back/forward cache reconnects once, not again when the pending retry fires', () => {
    const { runtime, win } = setup()
    runtime.port.drop() // the page went into the cache: its port is gone, a retry is scheduled
    win.dispatch('pageshow', { persisted: true }) // restored before the retry fired
    expect(runtime.ports).toHaveLength(2)
    vi.advanceTimersByTime(BACKOFF_MIN * 4)
    expect(runtime.ports).toHaveLength(2) // the old retry was cancelled: one live port
  })

  it('keeps retrying while the background cannot be reached', () => {
    const runtime = new FakeRuntime()
    runtime.connectError = new Error('Could not establish connection. Receiving end does not exist.')
    const { relay, hook } = setup({}, runtime)
    hook.send(batch([ev('Callback.ready')]))
    vi.advanceTimersByTime(BACKOFF_MIN + BATCH_MS)
    expect(relay.stopped).toBe(false)
    expect(runtime.ports).toHaveLength(0)
    runtime.connectError = null
    vi.advanceTimersByTime(BACKOFF_MIN * 4)
    expect(runtime.ports).toHaveLength(1)
    expect(names(runtime.port.entries())).toEqual(['marker:page-load', 'Callback.ready'])
  })

  it('bounded: a full buffer refuses new entries, and one marker counts the whole gap once there is room', () => {
    const runtime = new FakeRuntime()
    const { relay, hook } = setup({ bufferLimit: 4 }, runtime)
    runtime.port.drop() // worker gone: nothing is acked, the buffer fills
    runtime.connectError = new Error('Could not establish connection. Receiving end does not exist.')
    hook.send(batch([ev('Callback.ready'), ev('Callback.opened'), ev('Callback.started')]))
    expect(seqs(relay.pending())).toEqual([0, 1, 2, 3]) // full, nothing lost yet
    // Entries already in the buffer may have been posted (and stored): they stay, the new ones go.
    for (let i = 0; i < 50; i++) hook.send(batch([ev('Callback.minimized', { i })]))
    expect(seqs(relay.pending())).toEqual([0, 1, 2, 3])
    runtime.connectError = null
    vi.advanceTimersByTime(10_000)
    runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: 3 })
    // the ack frees slots: one marker for the 50, at once (not only when the page publishes again)
    expect(relay.pending()).toEqual([
      expect.objectContaining({ kind: 'marker', marker: 'dropped', seq: 4, pageLoadId: relay.pageLoadId, frameUrl: URL0, data: { count: 50, where: 'relay' } }),
    ])
    hook.send(batch([ev('Callback.submitted')]))
    vi.advanceTimersByTime(BATCH_MS)
    expect(names(runtime.port.entries())).toEqual(['marker:page-load', 'Callback.ready', 'Callback.opened', 'Callback.started', 'marker:dropped', 'Callback.submitted'])
    expect(seqs(runtime.port.entries())).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('bounded: entries kept plus marker counts equal the entries sent, under a flood with acks in between', () => {
    const runtime = new FakeRuntime()
    const { relay, hook } = setup({ bufferLimit: 1_000 }, runtime)
    let sent = 0
    const stored = new Map<number, SessionEntry>()
    const ackAll = (): void => {
      for (const e of runtime.port.entries()) stored.set(e.seq, e)
      const last = [...stored.keys()].pop()
      if (last !== undefined) runtime.port.receive({ type: 'ack', pageLoadId: relay.pageLoadId, seq: last })
    }
    for (let round = 0; round < 20; round++) {
      for (let b = 0; b < 5; b++) {
        const entries = Array.from({ length: HOOK_BATCH_LIMIT / 2 }, () => ev('Callback.minimized', { i: sent++ }))
        hook.send(batch(entries))
      }
      vi.advanceTimersByTime(BATCH_MS)
      ackAll() // the background stores and acks what it got: room for the next round
    }
    // also a hook `dropped` marker passing through: its count is carried, never counted as 1
    hook.send(batch([{ kind: 'marker', marker: 'dropped', time: 1, data: { count: 7, where: 'hook' } }]))
    vi.advanceTimersByTime(BATCH_MS)
    ackAll()
    vi.advanceTimersByTime(BATCH_MS)
    ackAll()
    const all = [...stored.values()]
    const events = all.filter((e) => e.kind === 'event').length
    const dropped = all.filter((e) => e.kind === 'marker' && e.marker === 'dropped')
    const lost = dropped.reduce((n, e) => n + (e.data as { count: number }).count, 0)
    expect(events + lost).toBe(sent + 7)
    expect(lost).toBeGreaterThan(0)
    expect(dropped.length).toBeLessThanOrEqual(21) // one per gap (per round), never one per entry
    expect(relay.pending()).toEqual([])
  })
})

/** A hand-over event as the hook dispatches it: its detail, and whether a listener cancelled or stopped it. */
function handoffEvent(detail: unknown) {
  const ev = { detail, cancelled: 0, stopped: 0 }
  const e: RelayHandoffEvent & typeof ev = Object.assign(ev, {
    preventDefault: () => void ev.cancelled++,
    stopImmediatePropagation: () => void ev.stopped++,
  })
  return e
}
const handoffOf = (hook: FakeHookPort): string => (hook.posted[0] as { handoff: string }).handoff

describe('relay: the hand-over (a batch taken before the hook\'s dispatchEvent returns)', () => {
  it('tells the hook a fresh 128-bit event type on its private port only; a batch handed over with it is taken once, sent in the next microtask, and cancelled', async () => {
    const { win, runtime, hook } = setup()
    const type = handoffOf(hook)
    expect(type).toMatch(/^[0-9a-f]{32}$/)
    expect(handoffOf(setup().hook)).not.toBe(type) // each relay its own
    expect(JSON.stringify([win.posted, win.stopped])).not.toContain(type) // never on the window
    const e = handoffEvent(handoffText(batch([ev('Callback.opened'), ev('Callback.closed')])))
    win.dispatch(type, e)
    // Taken now, forwarded in a microtask: not inside the page's task (a publishing loop does not pay
    // for the runtime port), yet before any timer or the document's end (a page unloading next loses nothing).
    expect(names(runtime.port.entries())).toEqual(['marker:page-load'])
    await Promise.resolve()
    expect(names(runtime.port.entries())).toEqual(['marker:page-load', 'Callback.opened', 'Callback.closed'])
    expect([e.cancelled, e.stopped]).toEqual([1, 1]) // cancelled: the hook does not post it on the port too
    vi.advanceTimersByTime(10 * BATCH_MS)
    expect(names(runtime.port.entries())).toHaveLength(3)
  })

  it('a page guessing the type, or forging a detail, gets nothing taken and nothing cancelled', () => {
    const win = new FakeWindow()
    const runtime = new FakeRuntime()
    startRelay(win, runtime)
    expect(win.listeners.map((l) => l.type).sort()).toEqual(['message', 'pagehide', 'pageshow']) // none before the handshake
    const hook = new FakeHookPort()
    win.message(win, CONNECT, [hook])
    const type = handoffOf(hook)
    const good = handoffText(batch([ev('Callback.opened')]))
    const tries = [
      ...['cxbus-devtools:handoff', 'f'.repeat(32), type.toUpperCase(), type.slice(1)].map((t) => [t, good] as const),
      ...[batch([ev('Callback.opened')]), [good], null, 42, '1 0', `x${good}`, '0 0 []', `${HOOK_BATCH_LIMIT + 1} 0 []`, '1 -1 []'].map((d) => [type, d] as const),
    ]
    for (const [t, d] of tries) {
      const e = handoffEvent(d)
      win.dispatch(t, e)
      expect([t, e.cancelled, e.stopped]).toEqual([t, 0, 0])
    }
    expect(names(runtime.port.entries())).toEqual(['marker:page-load'])
  })

  it('a stopped relay takes nothing (the hook\'s batch goes on the closed port, as every batch now)', () => {
    const { win, runtime, relay, hook } = setup()
    const type = handoffOf(hook)
    const before = handoffEvent(handoffText(batch([ev('Callback.opened')])))
    win.dispatch(type, before)
    expect(before.cancelled).toBe(1)
    runtime.id = undefined
    runtime.port.drop()
    expect(relay.stopped).toBe(true)
    const e = handoffEvent(handoffText(batch([ev('Callback.opened')])))
    win.dispatch(type, e)
    expect(e.cancelled).toBe(0)
  })

  it('a batch over the buffer\'s room is counted in a marker like one from the port: stored + dropped == handed over', async () => {
    const { win, runtime, hook } = setup({ bufferLimit: 4 })
    const type = handoffOf(hook)
    for (let i = 0; i < 5; i++) win.dispatch(type, handoffEvent(handoffText(batch([ev('Callback.opened', { i })]))))
    await Promise.resolve()
    runtime.port.receive({ type: 'ack', pageLoadId: runtime.port.sent.find((m) => m.type === 'hello')?.pageLoadId, seq: 3 })
    win.dispatch(type, handoffEvent(handoffText(batch([ev('Callback.closed')]))))
    await Promise.resolve()
    vi.advanceTimersByTime(BATCH_MS)
    const got = runtime.port.entries()
    const stored = got.filter((e) => e.kind === 'event').length
    const dropped = got.filter((e) => e.kind === 'marker' && e.marker === 'dropped').reduce((n, e) => n + (e.data as { count: number }).count, 0)
    expect(stored + dropped).toBe(6)
    expect(dropped).toBeGreaterThan(0)
  })
})

describe('relay: extension context invalidated', () => {
  it('stops quietly when the port drops and the runtime is gone: no reconnect, hook port closed', () => {
    const { runtime, relay, hook } = setup()
    runtime.id = undefined // what Chrome shows after the extension is reloaded
    runtime.port.drop()
    expect(relay.stopped).toBe(true)
    expect(hook.closed).toBe(true)
    expect(relay.pending()).toEqual([])
    expect(() => hook.send(batch([ev('Callback.opened')]))).not.toThrow()
    vi.advanceTimersByTime(60_000)
    expect(runtime.ports).toHaveLength(1)
  })

  it('stops when connect throws "Extension context invalidated", also if runtime access throws', () => {
    const runtime = new FakeRuntime()
    const { relay, hook } = setup({}, runtime)
    runtime.connectError = new Error('Extension context invalidated.')
    runtime.port.drop()
    vi.advanceTimersByTime(BACKOFF_MIN)
    expect(relay.stopped).toBe(true)
    expect(hook.closed).toBe(true)

    const throwing = new FakeRuntime()
    const b = setup({}, throwing)
    Object.defineProperty(throwing, 'id', { get: () => { throw new Error('Extension context invalidated.') } })
    throwing.port.drop()
    expect(b.relay.stopped).toBe(true)
    vi.advanceTimersByTime(60_000)
    expect(throwing.ports).toHaveLength(1)
  })

  it('a send that throws on a dead port is resent on the next one', () => {
    const { runtime, hook } = setup()
    runtime.port.dead = true // died without a disconnect event yet
    hook.send(batch([ev('Callback.opened')]))
    vi.advanceTimersByTime(BATCH_MS)
    vi.advanceTimersByTime(BACKOFF_MIN)
    expect(runtime.ports).toHaveLength(2)
    expect(names(runtime.port.entries())).toEqual(['marker:page-load', 'Callback.opened'])
  })
})

describe('relay: panel commands (issue 15)', () => {
  it('hands its page load\'s commands to the hook and only the answers it asked for back; a window message is no command', () => {
    const { win, runtime, relay, hook } = setup()
    const cmd = { type: 'command', id: 'c1', name: 'Callback.open', options: {} }
    runtime.port.receive({ ...cmd, pageLoadId: 'someone-else' })
    runtime.port.receive({ ...cmd, pageLoadId: relay.pageLoadId, name: 'not a name' })
    win.message(win, { ...cmd, pageLoadId: relay.pageLoadId }) // the page cannot reach the background this way
    const ready = hook.posted[0]
    expect(hook.posted).toEqual([ready])
    runtime.port.receive({ ...cmd, pageLoadId: relay.pageLoadId })
    expect(hook.posted).toEqual([ready, cmd])
    hook.send({ type: 'command-result', id: 'other', outcome: 'resolved', detail: null }) // never asked
    hook.send({ type: 'command-result', id: 'c1', outcome: 'rejected', detail: 'User must confirm close' })
    hook.send({ type: 'command-result', id: 'c1', outcome: 'resolved', detail: null }) // answered already
    const results = runtime.port.sent.filter((m) => m.type === 'command-result')
    expect(results).toEqual([{ type: 'command-result', pageLoadId: relay.pageLoadId, id: 'c1', outcome: 'rejected', detail: 'User must confirm close' }])
  })
})
