// Page hook logic. Runs in the page's MAIN world at document_start in every frame, before any page
// script, bundled by content/hook.ts into one self-contained IIFE (crxjs standaloneFiles). Kept apart
// from the entry so unit tests can install it on fake windows, and so the bundle exports nothing
// (an IIFE with exports would become an enumerable page global). Its job, and nothing more:
//   1. find the Genesys bus in every form SPEC.md §1 lists (window.CXBus now or later,
//      _genesys.widgets.bus / onReady, legacy _genesys.cxwidget, in any frame, seconds late);
//   2. subscribe to every Callback/CallbackService event and to every event of every plugin the
//      bus registry lists (also plugins registered later), and record commands;
//   3. copy each envelope at receipt (src/core/snapshot.ts) and, at idle time, hand the copies in
//      batches of JSON text (content/hook/json.ts) to content/relay.ts: handed over synchronously as
//      events of a type only the relay and the hook know (told over a private MessagePort, which is
//      the fallback; protocol.ts section 1), or, in a test runner, to the function the runner exposed
//      (content/hook/transport.ts, protocol.ts section 1b).
// The built-ins it uses are captured in content/hook/builtins.ts.
// The page must not notice us (ARCHITECTURE.md): built-ins are captured before page code runs, every
// callback is wrapped in try/catch, page handlers (onReady, CXBus setters) are chained, never
// replaced, commands are observed through the bus's own before() hook and are never changed.

import { dataValue, isData, snapshot } from '../src/core/snapshot.ts'
import {
  HOOK_BATCH_LIMIT, HOOK_QUEUE_LIMIT, HOOK_SOURCE, HOOK_TEXT_LIMIT, PROTOCOL_VERSION, RELAY_SOURCE, HANDOFF_BITS, handoffText, type HookBatch, type HookEntry, type HookToRelay,
} from '../src/core/protocol.ts'
import type { Json } from '../src/core/model.ts'
import {
  apply, createObject, CustomEventCtor, defineProperty, descriptor, dispatch, getOwnPropertyDescriptor, getPrototypeOf, hasOwn, idleCallback, isArray, list, mathFloor, mathRandom, MC,
  msgData, msgSource, nameSet, namesOf, now, ownKeys, portClose, portOnMessage, portPost, queueTask, readEvent, setTimer, stopImmediate,
  stringIndexOf, stringSlice, weakAdd, weakHas, weakMapGet, weakMapSet, WeakMapCtor, WeakSetCtor, type Bag, type Fn, type NameSet,
} from './hook/builtins.ts'
import { batchJson } from './hook/json.ts'
import { testkitSink, type HookWindow } from './hook/transport.ts'

export type { HookWindow }

type EventEntry = { kind: 'event'; time: number; publisher: string; event: string; data: Json }

/** Where the page exposes the bus (SPEC.md §1, checked in this order). */
type Via = 'CXBus' | 'widgets' | 'cxwidget'

/** Lifecycle events SPEC.md §2 names, subscribed explicitly: registry() does not list them all. */
const LIFECYCLE = ['ready', 'opened', 'started', 'submitted', 'completed', 'cancelled', 'closed', 'minimized', 'unminimized']
const KNOWN_EVENTS: Record<string, string[]> = {
  Callback: LIFECYCLE,
  CallbackService: ['ready', 'scheduled', 'scheduleError', 'availableSlots', 'availabilityError'],
  SendMessage: LIFECYCLE,
  WebChat: LIFECYCLE.concat('rejected'),
  ClickToCall: LIFECYCLE.concat('expired'),
}
const KNOWN_COMMANDS: Record<string, string[]> = {
  Callback: ['open', 'close', 'minimize', 'showEWT', 'showOverlay', 'hideOverlay'],
  CallbackService: ['schedule', 'availability'],
  SendMessage: ['open', 'close', 'minimize'],
  WebChat: ['open', 'close', 'minimize', 'endChat'],
  ClickToCall: ['open', 'close'],
}
/** Scan for late buses every SCAN_MS for SCAN_FOR_MS, then look at the registry every SLOW_MS. */
const SCAN_MS = 250
const SCAN_FOR_MS = 30_000
const SLOW_MS = 5_000
/** Entries held for the idle moment before a page that never idles has them posted at once. */
const FLUSH_AT = 50_000
/**
 * Longest a busy page waits for its batch to go to the relay (an idle page sends it at once). Past
 * a burst of page work, not in it: with 100 ms, bursts of 2 000 events on a loaded machine got the
 * batch's work (stringify, post, the relay's forward: about 3 µs per event) between their handlers.
 */
const IDLE_DEADLINE_MS = 250
/** Subscribe retries while a 9.0.018.07 bus answers false (its CXBus plugin does not exist yet). */
const RETRY_DELAYS = [0, 10, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 15_000, 30_000]

/** Symbol-ish, non-enumerable install flag: skip if a hook already runs in this window. */
const INSTALLED = '__cxbusDevtoolsHook__'
/** Our own plugin's name starts with this (never tapped, hidden from the registry scan). */
const OWN_PLUGIN = 'cxbusDevtools'
/** Most ports offered before one relay says ready (each `hello` gets one). */
const MAX_OFFERS = 16
/** After unsubscribing, how long our handler may still be handed events the bus scheduled before. */
const UNSUBSCRIBE_GRACE_MS = 3_000
/** Longest event name the protocol carries (protocol.ts isName). */
const MAX_NAME = 200


interface BusState {
  bus: Bag
  via: Via
  subscribed: NameSet
  /** What subscribe() returned per subscribed name (an id for unsubscribe), null-prototype. */
  ids: Record<string, unknown>
  /** The plugin each subscribed name belongs to (plugin names may contain dots), null-prototype. */
  owner: Record<string, string>
  /** Names whose subscribe returned false; retried on RETRY_DELAYS. */
  pending: NameSet
  retry: number
  /** Plugin interface from registerPlugin (for registry() and before()), once we have one. */
  plugin: Bag | null
  hooked: NameSet
  versionSent: boolean
}


/** Installs the hook on `win` (the page's window; tests pass fake windows). Never throws. */
export function installHook(win: HookWindow): void {
  try {
    if (apply(hasOwn, win, [INSTALLED])) return
    defineProperty(win, INSTALLED, descriptor({ value: true, enumerable: false, configurable: false, writable: false }))
  } catch {
    return
  }
  const winPost = win.postMessage
  const winListen = win.addEventListener

  // --- transport -------------------------------------------------------------------------------
  // Where batches go once a receiver is ready: the relay's private port (the extension), or the
  // function a test runner exposed before page scripts (the test kit, testkitSink). Set once, never
  // switched. Until then entries wait in a bounded queue.
  let post: ((msg: HookToRelay) => void) | null = testkitSink(win)
  /** The relay's port once it said ready: the only one panel commands are taken from. */
  let relayPort: MessagePort | null = null
  /** The relay's hand-over event type (protocol.ts RelayToHook `ready`). */
  let handoff: string | null = null
  const offered = list<MessagePort>()
  // Queue while no relay said ready: items [head, queue.length) are waiting.
  let queue = list<HookEntry>()
  let head = 0
  let dropped = 0

  // Entries for the relay are batched and sent when the page is idle, as JSON text (hook/json.ts):
  // turning them into text, posting it and the relay's work on receipt (its isolated world shares
  // the page's thread) then come after the page's own handlers instead of between them. An idle
  // callback with a deadline, so a busy page still gets its batch out within IDLE_DEADLINE_MS;
  // pagehide (navigation) flushes at once.
  // Kept in batches of HOOK_BATCH_LIMIT as they come (`full`, then `out`), so a flush posts them
  // as they are: no slicing (slow on the null-prototype arrays the hook uses) on the page's thread.
  let out = list<HookEntry>()
  let full = list<HookEntry[]>()
  let held = 0
  let outScheduled = false

  function flushOut(): void {
    outScheduled = false
    if (!post || held === 0) return
    const batches = full
    if (out.length > 0) batches[batches.length] = out
    full = list()
    out = list()
    held = 0
    // Losses since the last batch (queue overflow before the relay was ready, a failed post) go
    // first, as a marker of their own: never silent.
    const lost = dropped
    dropped = 0
    if (lost > 0) {
      const first = list<HookEntry>()
      first[0] = marker('dropped', { count: lost, where: 'hook' })
      postBatch(first)
    }
    for (let i = 0; i < batches.length; i++) postBatch(batches[i] as HookEntry[])
  }

  /** Posts one batch as text; one over HOOK_TEXT_LIMIT is split in halves (an entry alone never is that long). */
  function postBatch(batch: HookEntry[]): void {
    let lost = 0
    for (let i = 0; i < batch.length; i++) lost += lostOf(batch[i] as HookEntry)
    try {
      const text = batchJson(batch)
      if (text.length > HOOK_TEXT_LIMIT && batch.length > 1) {
        const half = mathFloor(batch.length / 2)
        const a = list<HookEntry>()
        const b = list<HookEntry>()
        for (let i = 0; i < batch.length; i++) (i < half ? a : b)[i < half ? i : i - half] = batch[i] as HookEntry
        postBatch(a)
        postBatch(b)
        return
      }
      if (text.length > HOOK_TEXT_LIMIT) throw new Error('entry too long')
      const msg: HookToRelay = { type: 'batch', count: batch.length, lost, text }
      if (post) post(msg)
    } catch {
      dropped += lost // e.g. an error we did not foresee: counted, reported with the next batch
    }
  }

  /**
   * Hands a batch to the relay synchronously: a port message is a task that may never run once the
   * document unloads (a navigation right after the page published), a dispatched event is handled
   * before dispatchEvent returns. True if the relay took it (it cancels the event); false sends it
   * on the port. Only built-ins captured at install, on a type the page never sees.
   */
  function handOver(msg: HookBatch): boolean {
    if (!handoff || !CustomEventCtor || !dispatch) return false
    try {
      // A null-prototype init: reading its fields runs no getter a page put on Object.prototype.
      const init = createObject(null) as CustomEventInit<string>
      init.cancelable = true
      init.detail = handoffText(msg)
      return apply(dispatch, win, [new CustomEventCtor(handoff, init)]) === false
    } catch {
      return false
    }
  }

  // The test kit's runner sends soon, not at idle time: a reload or goto the test does right after
  // the page published must find the batch sent (over CDP the runner drops a call from a document
  // being replaced, so pagehide is too late). A timer set at the end of the task that published (from a
  // microtask): the bus's handler timers set in that task run first, then the send, well before
  // the test's next command reaches the page.
  const eager = post !== null

  function scheduleFlush(): void {
    if (outScheduled) return
    try {
      if (eager) queueTask(() => setTimer(flushOut, 0))
      else if (idleCallback) apply(idleCallback, win, [flushOut, { timeout: IDLE_DEADLINE_MS }])
      else setTimer(flushOut, 0)
    } catch {
      setTimer(flushOut, 0)
    }
    outScheduled = true
  }

  function send(entry: HookEntry): void {
    try {
      if (post) {
        out[out.length] = entry
        if (out.length >= HOOK_BATCH_LIMIT) {
          full[full.length] = out
          out = list()
        }
        // A page publishing in a tight loop never goes idle: past FLUSH_AT, send right away. Posting
        // (a structured clone) costs more than the capture itself, so the loop pays it rarely.
        if (++held >= FLUSH_AT) flushOut()
        else scheduleFlush()
        return
      }
      // No relay yet (the two content scripts start in either order): keep a bounded queue.
      if (queue.length - head >= HOOK_QUEUE_LIMIT) {
        queue[head++] = undefined as unknown as HookEntry // oldest out, counted, reported on connect
        dropped++
        if (head >= HOOK_QUEUE_LIMIT) {
          // Compact now and then, or a page that never gets a relay grows the array without bound.
          const live = list<HookEntry>()
          for (let i = head; i < queue.length; i++) live[live.length] = queue[i] as HookEntry
          queue = live
          head = 0
        }
      }
      queue[queue.length] = entry
    } catch {
      dropped++
    }
  }

  /**
   * Offers the relay a private port with a `connect` window message. The relay's window listener,
   * registered at document_start before any page script, takes it and stops it there (page
   * listeners never see it), so only the relay holds the other end and only it can say `ready`.
   * Offers are bounded: a page posting `hello`s in a loop makes no more than MAX_OFFERS ports.
   */
  function offerPort(): void {
    if (!MC || post || offers >= MAX_OFFERS) return
    try {
      offers++
      const ch = new MC()
      const mine = ch.port1
      offered[offered.length] = mine
      apply(portOnMessage as Fn, mine, [
        (ev: MessageEvent) => {
          try {
            const d = readEvent(ev, msgData, 'data') as Bag | null
            if (!d || typeof d !== 'object') return
            // Only the relay holds the other end of this port (it said ready on it): a panel command.
            if (relayPort === mine && own(d, 'type') === 'command') return runCommand(own(d, 'id'), own(d, 'name'), own(d, 'options'))
            if (post || d.type !== 'ready') return
            // The first port that says ready wins, forever; a page cannot make us switch later.
            // No RegExp here (its methods are the page's by now, and would see the type): its length.
            const type = own(d, 'handoff')
            if (typeof type === 'string' && type.length === HANDOFF_BITS / 4) handoff = type
            post = (msg) => {
              if (!(msg.type === 'batch' && handOver(msg))) apply(portPost as Fn, mine, [msg])
            }
            relayPort = mine
            for (let i = 0; i < offered.length; i++) if (offered[i] !== mine) apply(portClose as Fn, offered[i], [])
            offered.length = 0
            const q = queue
            const from = head
            queue = list()
            head = 0
            for (let i = from; i < q.length; i++) send(q[i] as HookEntry)
          } catch {
            // never into the page
          }
        },
      ])
      apply(winPost, win, [{ source: HOOK_SOURCE, v: PROTOCOL_VERSION, type: 'connect' }, '*', [ch.port2]])
    } catch {
      // postMessage unavailable (sandboxed frame): nothing to relay to.
    }
  }

  let offers = 0
  try {
    apply(winListen, win, [
      'message',
      (ev: MessageEvent) => {
        try {
          // A relay that started after our first connect asks again; answer only until one is ready.
          if (readEvent(ev, msgSource, 'source') !== win) return
          const d = readEvent(ev, msgData, 'data') as Bag | null
          if (!d || typeof d !== 'object' || isArray(d)) return
          if (dataValue(getOwnPropertyDescriptor(d, 'source')) !== RELAY_SOURCE || dataValue(getOwnPropertyDescriptor(d, 'type')) !== 'hello') return
          // The handshake is ours: page listeners (registered after us) do not see it.
          if (stopImmediate) apply(stopImmediate, ev, [])
          offerPort()
        } catch {
          // never into the page
        }
      },
      true,
    ])
  } catch {
    // no window listener: the first connect below still reaches a relay that already listens
  }
  offerPort()

  // --- panel commands (issue 15) ------------------------------------------------------------------
  /** The name of the panel command being run: the command entry it makes is marked as sent from the panel. */
  let panelCommand: string | null = null

  function reply(id: string, outcome: 'resolved' | 'rejected', detail: unknown): void {
    try {
      const msg: HookToRelay = { type: 'command-result', id, outcome, detail: detail === undefined ? null : snapshot(detail) }
      if (post) post(msg)
    } catch {
      // the relay times the command out
    }
  }

  /**
   * Runs a command from the panel through the page's own bus object, exactly as a page script
   * calling bus.command(name, options) would (the options object was made in the page's realm by
   * the port), and reports how its deferred ends. Page code runs here (the bus, its handlers),
   * guarded; nothing of it reaches the page's own code as an exception.
   */
  function runCommand(id: unknown, name: unknown, options: unknown): void {
    if (typeof id !== 'string' || typeof name !== 'string') return
    const bus = primary?.bus
    const command = bus ? method(bus, 'command') : null
    if (!bus || !command) return reply(id, 'rejected', 'No bus with command() in this frame')
    let result: unknown
    panelCommand = name
    try {
      result = apply(command, bus, [name, options])
    } catch (err) {
      return reply(id, 'rejected', err)
    } finally {
      panelCommand = null
    }
    let settled = false
    const settle = (outcome: 'resolved' | 'rejected') => (value: unknown): void => {
      if (settled) return
      settled = true
      reply(id, outcome, value)
    }
    try {
      const done = isBag(result) ? method(result, 'done') : null
      const fail = isBag(result) ? method(result, 'fail') : null
      const then = isBag(result) ? method(result, 'then') : null
      if (done && fail) {
        apply(done, result, [settle('resolved')])
        apply(fail, result, [settle('rejected')])
      } else if (then) apply(then, result, [settle('resolved'), settle('rejected')])
      else reply(id, 'resolved', result === undefined ? '[command() returned no deferred]' : result)
    } catch (err) {
      settle('rejected')(err)
    }
  }

  /** What losing the entry loses (model.ts lostBy, without the page's Number.isInteger): the hook's markers are its own. */
  function lostOf(e: HookEntry): number {
    if (e.kind !== 'marker') return 1
    return e.marker === 'dropped' ? ((e.data as { count: number }).count) : 0
  }

  function marker(kind: 'bus' | 'dropped', data: Json): HookEntry {
    return { kind: 'marker', marker: kind, time: now(), data }
  }

  // --- safe reads of page objects ------------------------------------------------------------
  /** Own data property only: never runs a page getter. */
  function own(obj: unknown, key: string): unknown {
    try {
      if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined
      return dataValue(getOwnPropertyDescriptor(obj, key))
    } catch {
      return undefined
    }
  }
  /** Own data property, or a method inherited from the bus's prototype (buses are class instances). */
  function method(obj: Bag, key: string): Fn | null {
    try {
      const v = obj[key]
      return typeof v === 'function' ? (v as Fn) : null
    } catch {
      return null
    }
  }
  const isBag = (v: unknown): v is Bag => v !== null && (typeof v === 'object' || typeof v === 'function')

  // --- buses -------------------------------------------------------------------------------------
  let primary: BusState | null = null
  const seenBuses = new WeakSetCtor<object>()
  const wrappedCommands = new WeakSetCtor<object>()
  const chained = new WeakMapCtor<object, Fn>()
  const trappedOnReady = new WeakSetCtor<object>()

  /**
   * One bus per frame carries the events: CXBus and _genesys.widgets.bus are two faces of the same
   * dispatcher in 9.x (the QuickBus is a plugin of CXBus), so subscribing on both would record every
   * event twice. The first bus found is subscribed; later ones only get their commands observed.
   */
  function foundBus(bus: unknown, via: Via): void {
    try {
      if (!isBag(bus) || apply(weakHas, seenBuses, [bus])) return
      if (!method(bus, 'subscribe')) return
      apply(weakAdd, seenBuses, [bus])
      tapRegister(bus)
      if (primary) {
        if (!primary.plugin) wrapCommand(bus)
        return
      }
      primary = { bus, via, subscribed: nameSet(), ids: createObject(null) as Record<string, unknown>, owner: createObject(null) as Record<string, string>, pending: nameSet(), retry: 0, plugin: null, hooked: nameSet(), versionSent: false }
      const version = readVersion()
      primary.versionSent = version !== undefined
      send(marker('bus', version !== undefined ? { via, widgetsVersion: version } : { via }))
      const known = ownKeys(KNOWN_EVENTS) as string[]
      for (let k = 0; k < known.length; k++) {
        const plugin = known[k] as string
        const names = KNOWN_EVENTS[plugin] as string[]
        for (let i = 0; i < names.length; i++) subscribe(primary, `${plugin}.${names[i]}`, plugin)
      }
      attachPlugin(primary)
      if (!primary.plugin) wrapCommand(bus)
      flushPending(primary)
    } catch {
      // never into the page
    }
  }

  function subscribe(st: BusState, name: string, plugin: string): void {
    if (st.subscribed[name]) return
    st.owner[name] = plugin
    if (tapped[plugin]) {
      delete st.pending[name] // captured at publish time: no subscription needed
      return
    }
    const sub = method(st.bus, 'subscribe')
    let ok: unknown = false
    try {
      ok = sub ? apply(sub, st.bus, [name, eventHandler(plugin, name)]) : false
    } catch {
      ok = false
    }
    // 9.0.018.07 answers false (and drops the handler) until its own CXBus plugin exists.
    if (ok === false) st.pending[name] = true
    else {
      st.subscribed[name] = true
      delete st.pending[name]
      st.ids[name] = ok
      handlerState(name).attached = true
    }
  }

  function flushPending(st: BusState): void {
    if (namesOf(st.pending).length === 0 && st.plugin) return
    const delay = RETRY_DELAYS[st.retry]
    if (delay === undefined) return
    st.retry++
    const run = (): void => {
      try {
        const names = namesOf(st.pending)
        for (let i = 0; i < names.length; i++) subscribe(st, names[i] as string, st.owner[names[i] as string] ?? pluginOf(names[i] as string))
        if (!st.plugin) attachPlugin(st)
        if (namesOf(st.pending).length > 0 || !st.plugin) flushPending(st)
      } catch {
        // never into the page
      }
    }
    if (delay === 0) queueTask(run)
    else setTimer(run, delay)
  }

  /** Handlers by event name, so one name never gets two handlers and the event name is known. */
  function eventHandler(plugin: string, name: string): Fn {
    const handler = function cxbusDevtoolsHandler(envelope: unknown): void {
      try {
        if (capturedAtPublish(plugin, name, envelope)) return
        // Copy at receipt: the page mutates `errors` and `form` after publishing (SPEC.md §2).
        const env = snapshot(envelope)
        const e = (isBag(env) && !isArray(env) ? env : {}) as Record<string, Json>
        const time = typeof e.time === 'number' ? e.time : now()
        const event = typeof e.event === 'string' && e.event ? safeName(e.event) : name
        const publisher = typeof e.publisher === 'string' ? safeName(e.publisher) : plugin
        const data: Json = 'data' in e && e.data !== undefined ? (e.data as Json) : {}
        noteCoreReady(event)
        send({ kind: 'event', time, publisher, event, data })
        // A plugin just became ready: its commands can be observed and its events listed from now.
        if (isReadyName(name)) checkRegistry()
      } catch {
        // never into the page
      }
    }
    // Named after us in the built (minified) hook too: a page developer looking at the bus's
    // subscribers, or at a stack trace, can tell whose handler this is.
    try {
      defineProperty(handler, 'name', descriptor({ value: 'cxbusDevtoolsHandler' }))
    } catch {
      // keeps whatever name it has
    }
    return handler
  }

  const isReadyName = (n: string): boolean => n.length > 6 && apply(stringSlice, n, [-6]) === '.ready'
  const pluginOf = (n: string): string => apply(stringSlice, n, [0, apply(stringIndexOf, n, ['.']) as number]) as string
  /** The relay refuses a batch with an over-long name: cut it here instead. */
  const safeName = (n: string): string => (n.length > MAX_NAME ? (apply(stringSlice, n, [0, MAX_NAME]) as string) : n)
  /** Registry and registerCommand take names either full ("Callback.open") or short ("open"). */
  const qualified = (plugin: string, n: string): string => (apply(stringIndexOf, n, ['.']) === -1 ? `${plugin}.${n}` : n)

  // --- capture at publish time ------------------------------------------------------------------
  // A subscriber costs the page one more timer per event (the bus runs every handler in its own
  // setTimeout), about as much as a page handler itself. So for every plugin that registers through
  // a bus face we know (registerPlugin on CXBus, the QuickBus, the legacy bus), the hook wraps the
  // publish() of the interface it gets back, records the event right there (same this, arguments,
  // return value and exceptions), and drops its subscriptions to that plugin's events. Plugins
  // registered any other way (before us, through a private path) stay covered by the subscriptions.
  /** Plugin names whose publish() we wrap. */
  const tapped = createObject(null) as Record<string, true>
  /**
   * Per event name our handler was ever subscribed to (one record, so a publish looks up one name,
   * not three): whether our handler may be called for it, and the publishes it awaits there.
   * - attached: subscribed, or unsubscribed less than UNSUBSCRIBE_GRACE_MS ago (a bus may still
   *   deliver what it scheduled before); publishes are awaited by data object (a WeakMap entry each);
   * - unsubscribed: past that, by name only (the counter `awaiting`): a bus that said it unsubscribed
   *   and did not still gets each event recorded once, and an honest one costs the page no WeakMap
   *   work per publish. The counter also serves publishes without an object while attached.
   */
  type HandlerState = { attached: boolean; unsubscribed: boolean; awaiting: number }
  const handlerStates = createObject(null) as Record<string, HandlerState>
  const handlerState = (name: string): HandlerState => (handlerStates[name] ??= { attached: false, unsubscribed: false, awaiting: 0 })
  /** Publishes captured but not yet seen by our handler (if still subscribed), by data object. */
  const awaitingData = new WeakMapCtor<object, number>()
  const tappedRegister = new WeakSetCtor<object>()
  /** Wrappers wrapAfter made (never wrapped again). */
  const ourWrappers = new WeakSetCtor<object>()
  const tappedIfaces = new WeakSetCtor<object>()

  /** Wraps bus.registerPlugin: interfaces it returns get their publish() tapped. */
  function tapRegister(bus: Bag): void {
    if (apply(weakHas, tappedRegister, [bus])) return
    apply(weakAdd, tappedRegister, [bus])
    wrapAfter(bus, 'registerPlugin', (args, iface) => {
      const name = args[0]
      if (typeof name === 'string' && name && isBag(iface) && apply(stringIndexOf, name, [OWN_PLUGIN]) !== 0) tapPlugin(safeName(name), iface)
    })
  }

  /**
   * Replaces obj[key] (where replaceMethod allows) by a wrapper that calls it exactly as before and
   * then tells `after` the arguments and the result; `after` never reaches the page.
   */
  function wrapAfter(obj: Bag, key: string, after: (args: unknown[], result: unknown) => void): void {
    const original = method(obj, key)
    // Already ours: a facade of a bus we wrapped (a Proxy, an object inheriting from the bus) hands
    // out the same method. One wrapper per underlying bus, however many facades the page makes.
    if (!original || apply(weakHas, ourWrappers, [original])) return
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const result = apply(original, this, args)
      try {
        after(args, result)
      } catch {
        // never into the page
      }
      return result
    }
    apply(weakAdd, ourWrappers, [wrapper])
    replaceMethod(obj, key, original, wrapper)
  }

  /**
   * A plugin interface we saw being made: its publish() records events, its registerCommand()
   * observes each command as soon as it exists, so the very command that loads a plugin lazily
   * (CallbackService.schedule on the first submit) is recorded too.
   */
  function tapPlugin(plugin: string, iface: Bag): void {
    if (apply(weakHas, tappedIfaces, [iface])) return
    apply(weakAdd, tappedIfaces, [iface])
    wrapAfter(iface, 'registerCommand', (args) => {
      const cmd = args[0]
      if (primary && typeof cmd === 'string' && cmd) hookCommand(primary, safeName(qualified(plugin, cmd)), true)
    })
    tapPublish(plugin, iface)
  }

  let fullNamesKept = 0
  const MAX_CACHED_NAMES = 2_000
  /** Copying an event runs the page's getters; one that publishes again is not copied in turn... */
  let copying = 0
  /** ...and is recorded after the event being copied, in the order the bus saw them. */
  let nested = list<EventEntry>()

  /** The interface methods that publish an event under the plugin's name (Genesys' Bus API). */
  const PUBLISHERS = ['publish', 'republish', 'publishDirect']

  /**
   * Wraps every publishing method the interface has; the plugin counts as tapped (its subscriptions
   * are dropped) only if all of them could be wrapped. Otherwise the wrappers pass through without
   * recording and the subscriptions keep covering the plugin, so nothing is recorded twice.
   */
  function tapPublish(plugin: string, iface: Bag): void {
    // Full names by short name, made once: this runs on every publish of the page.
    const fullNames = createObject(null) as Record<string, string>
    const ready = safeName(`${plugin}.ready`)
    let all = true
    let any = false
    for (let i = 0; i < PUBLISHERS.length; i++) {
      const key = PUBLISHERS[i] as string
      const original = method(iface, key)
      if (!original) continue
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        if (!tapped[plugin]) return apply(original, this, args)
        // Count before the bus runs (a bus may run handlers at once: ours must find the count), copy
        // after: the bus dispatches in timers by default, so no handler has changed the data yet,
        // and whatever a page getter publishes while we copy comes after this event.
        const time = now() // the moment the bus stamps its envelopes with
        let expected: Expected | null = null
        try {
          expected = expectOwnHandler(plugin, fullNames, args)
        } catch {
          // never into the page
        }
        let result: unknown
        try {
          result = apply(original, this, args)
        } catch (err) {
          unexpect(expected) // not published: nothing for our handler to drop
          throw err // reaches the caller as before, unrecorded
        }
        try {
          const entry = expected && publishedEntry(plugin, expected.event, args, time)
          if (entry && copying > 0) nested[nested.length] = entry
          else if (entry) {
            sendEvent(entry, entry.event === ready)
            // A new list only when a page getter did publish while we copied: making one (a
            // null-prototype array) on every publish cost the page 0.25 µs per event.
            if (nested.length > 0) {
              const after = nested
              nested = list()
              for (let n = 0; n < after.length; n++) sendEvent(after[n] as EventEntry)
            }
          }
        } catch {
          // never into the page
        }
        return result
      }
      any = true
      if (!replaceMethod(iface, key, original, wrapped)) all = false // frozen or an accessor
    }
    if (!any || !all) return // subscriptions cover this plugin
    tapped[plugin] = true
    if (primary) dropTappedSubscriptions(primary)
  }

  /** What our own handler (if still subscribed: `awaited`) will be handed for a publish: to drop it then. */
  type Expected = { event: string; data: object | null; awaited: boolean }

  function expectOwnHandler(plugin: string, fullNames: Record<string, string>, args: unknown[]): Expected | null {
    const short = args[0]
    if (typeof short !== 'string' || !short) return null
    // the bus prefixes the publisher's name
    let event = fullNames[short]
    if (event === undefined) {
      event = safeName(`${plugin}.${short}`)
      if (fullNamesKept++ < MAX_CACHED_NAMES) fullNames[short] = event // a page inventing names forever is not cached
    }
    const st = handlerStates[event]
    if (st === undefined) return { event, data: null, awaited: false } // never subscribed to
    if (st.attached) {
      // Our handler may still get this one from the bus (unsubscribe failed or is not supported).
      const raw = args.length < 2 ? undefined : args[1]
      const data = isBag(raw) ? raw : null
      if (data) apply(weakMapSet, awaitingData, [data, ((apply(weakMapGet, awaitingData, [data]) as number | undefined) ?? 0) + 1])
      else st.awaiting++
      return { event, data, awaited: true }
    }
    if (st.unsubscribed) st.awaiting++
    return { event, data: null, awaited: st.unsubscribed }
  }

  function unexpect(expected: Expected | null): void {
    if (!expected || !expected.awaited) return
    if (expected.data) takeAwaited(expected.data)
    else takeAwaitedName(expected.event)
  }

  /** One publish fewer awaited for this data object / event name; false if none was. */
  function takeAwaited(data: object): boolean {
    const n = apply(weakMapGet, awaitingData, [data]) as number | undefined
    if (!n) return false
    apply(weakMapSet, awaitingData, [data, n - 1])
    return true
  }
  function takeAwaitedName(event: string): boolean {
    const st = handlerStates[event]
    if (!st || st.awaiting === 0) return false
    st.awaiting--
    return true
  }

  function sendEvent(entry: EventEntry, ready = isReadyName(entry.event)): void {
    noteCoreReady(entry.event)
    send(entry)
    if (ready) setTimer(checkRegistry, 0) // its commands can be observed now
  }

  /** The entry for a publish on a tapped interface, copied now (before any handler runs). */
  function publishedEntry(plugin: string, event: string, args: unknown[], time: number): EventEntry {
    const raw = args.length < 2 ? undefined : args[1]
    let data: Json
    if (raw === undefined) data = {}
    else if (copying > 0) data = '[Not copied: published by a page getter while the hook copied another event]'
    else {
      copying++
      try {
        data = snapshot(raw)
      } finally {
        copying--
      }
    }
    return { kind: 'event', time, publisher: plugin, event, data }
  }

  /** True when our handler got an event already recorded at publish time (or a ready republished). */
  function capturedAtPublish(plugin: string, name: string, envelope: unknown): boolean {
    if (!tapped[plugin]) return false
    const data = own(envelope, 'data')
    // by the object first; a publish without data reaches handlers with an object the bus made
    if (isBag(data) && takeAwaited(data)) return true
    return takeAwaitedName(name) // false: published some way we do not wrap, so record it
  }

  /** Unsubscribes our handlers from events of tapped plugins, where the bus lets us. */
  function dropTappedSubscriptions(st: BusState): void {
    const owner = st.plugin && method(st.plugin, 'unsubscribe') ? st.plugin : method(st.bus, 'unsubscribe') ? st.bus : null
    const unsubscribe = owner ? method(owner, 'unsubscribe') : null
    const subscribed = namesOf(st.subscribed)
    for (let i = 0; i < subscribed.length; i++) {
      const n = subscribed[i] as string
      if (!tapped[st.owner[n] ?? pluginOf(n)]) continue
      const id = st.ids[n]
      // Only by the id subscribe() gave us: never by event name, which would remove page handlers.
      if (!unsubscribe || (typeof id !== 'string' && typeof id !== 'number') || (typeof id === 'string' && (id === n || apply(stringIndexOf, id, ['.']) !== -1))) continue
      try {
        if (apply(unsubscribe, owner, [id]) === false) continue
      } catch {
        continue
      }
      delete st.subscribed[n]
      delete st.ids[n]
      setTimer(() => {
        if (st.subscribed[n]) return // subscribed again meanwhile
        const h = handlerState(n)
        h.attached = false
        h.unsubscribed = true
      }, UNSUBSCRIBE_GRACE_MS)
    }
  }

  /**
   * A plugin interface of our own gives registry() (absent on 9.0.018.07's CXBus) and before():
   * observing commands through before() sees every command whoever sends it (page, widgets, any
   * bus face) without touching the page's bus objects; the hook returns the options unchanged.
   */
  function attachPlugin(st: BusState): void {
    if (st.plugin) return
    const reg = method(st.bus, 'registerPlugin')
    if (!reg) return
    try {
      const name = `${OWN_PLUGIN}${mathFloor((apply(mathRandom, Math, []) as number) * 1e9)}`
      const iface = apply(reg, st.bus, [name])
      if (!isBag(iface)) return // false: the bus is not ready yet (retried) or the name is taken
      st.plugin = iface
    } catch {
      return
    }
    dropTappedSubscriptions(st)
    checkRegistry()
  }

  /** The newest before() callback per command name: only it records (a name may be hooked twice). */
  const latestBefore = createObject(null) as Record<string, object>

  /**
   * `again`: hook even if a before() for this name seemed to take already. A bus whose before()
   * answers without `false` while the command's plugin does not exist yet may have dropped it;
   * registerCommand tells us for sure that it exists now.
   */
  function hookCommand(st: BusState, name: string, again = false): void {
    const plugin = st.plugin
    if (!plugin || (!again && st.hooked[name])) return
    const before = method(plugin, 'before')
    if (!before) return
    const token = {}
    try {
      const ok = apply(before, plugin, [
        name,
        function cxbusDevtoolsBefore(options: unknown): unknown {
          try {
            if (latestBefore[name] === token) recordCommand(name, options)
          } catch {
            // never into the page
          }
          return options // unchanged: returning false would cancel the command
        },
      ])
      if (ok !== false) latestBefore[name] = token
      // false: that plugin is not registered yet; the next registry check tries again.
      if (ok !== false) st.hooked[name] = true
    } catch {
      // before() refused this name; the command simply is not recorded
    }
  }

  function recordCommand(name: string, options: unknown): void {
    // The relay refuses a whole batch for one malformed entry (protocol.ts): names are never empty
    // or over-long. (Events get theirs from safeName and the subscribed name.)
    if (!name) return
    name = safeName(name)
    const entry: HookEntry = { kind: 'command', time: now(), command: name, data: options === undefined ? {} : snapshot(options) }
    if (panelCommand === name) entry.origin = 'panel'
    send(entry)
    // Commands load plugins lazily (CallbackService on the first submit): look for new ones soon.
    setTimer(checkRegistry, 50)
  }

  /** Fallback without before(): wrap command() on the bus object, same this, args and return value. */
  function wrapCommand(bus: Bag): void {
    if (apply(weakHas, wrappedCommands, [bus])) return
    const original = method(bus, 'command')
    if (!original) return
    apply(weakAdd, wrappedCommands, [bus])
    // A frozen bus keeps its command(): commands are not recorded, events still are.
    replaceMethod(bus, 'command', original, function (this: unknown, ...args: unknown[]): unknown {
      try {
        // once our plugin exists, before() records commands: not twice
        if (typeof args[0] === 'string' && !primary?.plugin) recordCommand(args[0], args[1])
      } catch {
        // never into the page
      }
      return apply(original, this, args)
    })
  }

  /**
   * Puts `wrapped` where `obj[key]` was (an own property, or one inherited from a class), with the
   * original's name and length and the same enumerability; false where that would change what the
   * page sees: an accessor (its getter and setter must keep running), a non-configurable property,
   * a frozen object, or a Proxy that does not really store it.
   */
  function replaceMethod(obj: Bag, key: string, original: Fn, wrapped: Fn): boolean {
    try {
      let d: PropertyDescriptor | undefined
      let isOwn = true
      for (let o: object | null = obj, i = 0; o && i < 32 && !d; o = getPrototypeOf(o), i++) {
        d = getOwnPropertyDescriptor(o, key)
        if (!d) isOwn = false
      }
      if (!d || dataValue(d) !== original || (isOwn && !d.configurable)) return false
      // name and length read as own data only: a getter the page put on its function never runs.
      defineProperty(wrapped, 'name', descriptor({ value: own(original, 'name') }))
      defineProperty(wrapped, 'length', descriptor({ value: own(original, 'length') }))
      defineProperty(obj, key, descriptor({ value: wrapped, writable: true, configurable: true, enumerable: !!d.enumerable }))
      return dataValue(getOwnPropertyDescriptor(obj, key)) === wrapped
    } catch {
      return false
    }
  }

  /** Subscribes to the events and observes the commands of every plugin registry() lists. */
  function checkRegistry(): void {
    try {
      const st = primary
      if (!st) return
      const known = ownKeys(KNOWN_COMMANDS) as string[]
      for (let k = 0; k < known.length; k++) {
        const plugin = known[k] as string
        const names = KNOWN_COMMANDS[plugin] as string[]
        for (let i = 0; i < names.length; i++) hookCommand(st, `${plugin}.${names[i]}`)
      }
      const registry = st.plugin ? method(st.plugin, 'registry') : method(st.bus, 'registry')
      if (!registry) return
      const reg = apply(registry, st.plugin ?? st.bus, [])
      if (!isBag(reg)) return
      const plugins = ownKeys(reg)
      for (let p = 0; p < plugins.length && p < 500; p++) {
        const pluginName = plugins[p]
        if (typeof pluginName !== 'string' || apply(stringIndexOf, pluginName, [OWN_PLUGIN]) === 0) continue
        const info = own(reg, pluginName)
        eachName(own(info, 'events'), pluginName, (n) => subscribe(st, n, pluginName))
        eachName(own(info, 'commands'), pluginName, (n) => hookCommand(st, n))
      }
      if (namesOf(st.pending).length > 0) flushPending(st)
      if (!st.versionSent) {
        const version = readVersion()
        if (version !== undefined) {
          st.versionSent = true
          send(marker('bus', { via: st.via, widgetsVersion: version }))
        }
      }
    } catch {
      // never into the page
    }
  }

  /** Registry names, every one a plugin's event or command, full or short. */
  function eachName(names: unknown, plugin: string, fn: (name: string) => void): void {
    if (!isArray(names)) return
    const length = own(names, 'length') as number
    for (let i = 0; i < length && i < 500; i++) {
      const n = own(names, `${i}`) // own slots only: a hole would read the page's Array.prototype
      if (typeof n !== 'string' || !n || n.length > 200) continue
      fn(qualified(plugin, n))
    }
  }

  /** The widgets version: widgets-core's answer, else where a page exposes it as plain data (getters are never run). */
  function readVersion(): string | undefined {
    const g = genesysValue()
    const widgets = own(g, 'widgets')
    const candidates = [
      askedVersion(widgets),
      own(cxbusValue(), 'version'),
      own(widgets, 'version'),
      own(own(widgets, 'main'), 'version'),
      own(own(g, 'cxwidget'), 'version'),
      primary ? own(primary.bus, 'version') : undefined,
    ]
    for (let i = 0; i < candidates.length; i++) {
      const v = candidates[i]
      if (typeof v === 'string' && v && v.length < 100) return v
    }
    return undefined
  }

  /** widgets-core is loaded (its onReady ran, or App.ready was published): common.data may be asked. */
  let coreReady = false
  let versionAsked = false
  const noteCoreReady = (event: string): void => {
    if (event === 'App.ready') coreReady = true
  }
  /**
   * 9.0.018.07 has no version property: widgets-core answers common.data("version"). Page code, so
   * called once, only after widgets-core is ready, only if it is an own plain function, guarded.
   */
  function askedVersion(widgets: unknown): unknown {
    if (!coreReady || versionAsked) return undefined
    const common = own(widgets, 'common')
    const data = own(common, 'data')
    if (typeof data !== 'function') return undefined
    versionAsked = true
    try {
      return apply(data as Fn, common, ['version'])
    } catch {
      return undefined
    }
  }

  // --- window.CXBus and window._genesys: keep them assignable, see every assignment -------------
  // Readers declared first: installing a trap on a global that already has a value runs the
  // discovery code at once, and that code reads both globals.
  let cxbusValue: () => unknown = () => undefined
  let genesysValue: () => unknown = () => undefined
  cxbusValue = trapGlobal('CXBus', (v) => foundBus(v, 'CXBus'))
  genesysValue = trapGlobal('_genesys', () => scan())

  /**
   * Replaces a window global by an accessor that stores the value and tells us about assignments;
   * returns a reader for it. An accessor already there (the page, a test tool, another extension)
   * keeps running: we call its getter and setter. A global that does not exist yet is defined
   * non-enumerable and becomes enumerable on its first assignment, as a plain `window.X = v` would
   * (visible difference left: `'CXBus' in window` is true before the page assigns it).
   * A non-configurable global cannot be trapped; the scan loop still reads it.
   */
  function trapGlobal(key: string, onSet: (v: unknown) => void): () => unknown {
    let value: unknown
    let prevGet: (() => unknown) | undefined
    let ourGet: unknown
    const read = (): unknown => {
      try {
        // The page may have replaced our accessor with Object.defineProperty: read what is there,
        // through the page's own getter if it defined one (it may hand out a new facade each time;
        // the bus found first stays the one we subscribe on, so a new facade changes nothing).
        const current = getOwnPropertyDescriptor(win, key)
        if (current && isData(current)) return current.value
        if (current && current.get && current.get !== ourGet) return apply(current.get, win, [])
        if (prevGet) return apply(prevGet, win, [])
        return value
      } catch {
        return undefined
      }
    }
    try {
      const d = getOwnPropertyDescriptor(win, key)
      if (d && !d.configurable) return () => own(win, key)
      value = dataValue(d)
      prevGet = d && !isData(d) ? d.get : undefined
      const prevSet = d && !isData(d) ? d.set : undefined
      let enumerable = d ? !!d.enumerable : false
      const desc: PropertyDescriptor = descriptor({
        configurable: true,
        enumerable,
        get(): unknown {
          return prevGet ? apply(prevGet, this, []) : value
        },
        set(v: unknown): void {
          if (prevSet) apply(prevSet, this, [v])
          else if (!prevGet) value = v
          try {
            if (!enumerable) {
              enumerable = true
              desc.enumerable = true
              defineProperty(win, key, desc)
            }
            onSet(read())
          } catch {
            // never into the page
          }
        },
      })
      ourGet = desc.get
      defineProperty(win, key, desc)
      if (read() !== undefined) onSet(read())
    } catch {
      // leave the global alone
    }
    return read
  }

  /** The _genesys keys that hold a bus (their names are also the `via` we report). */
  const HOLDERS: Via[] = ['widgets', 'cxwidget']

  /** Looks everywhere a bus can be; cheap, idempotent, run on a timer and on page events. */
  function scan(): void {
    try {
      // Read every scan, also once a bus is found: a page that replaced our trap with its own
      // getter is read through it (once here, guarded), and the bus face it returns gets its
      // registerPlugin wrapped (once per underlying bus, see wrapAfter).
      const c = cxbusValue()
      if (c !== undefined) foundBus(c, 'CXBus')
      const g = genesysValue()
      if (!isBag(g)) return
      for (let i = 0; i < HOLDERS.length; i++) {
        const key = HOLDERS[i] as Via
        const via = key
        const holder = own(g, key)
        if (!isBag(holder)) continue
        trapOnReady(holder, via)
        const bus = own(holder, 'bus')
        if (bus !== undefined) foundBus(bus, via)
      }
    } catch {
      // never into the page
    }
  }

  /**
   * onReady(bus) is called by the widgets once ready. We keep the page's handler (set before or
   * after us) and call ours first, then the page's with the same this/arguments/return value.
   */
  function trapOnReady(holder: Bag, via: Via): void {
    if (apply(weakHas, trappedOnReady, [holder])) return
    apply(weakAdd, trappedOnReady, [holder])
    try {
      const d = getOwnPropertyDescriptor(holder, 'onReady')
      if (d && (!d.configurable || !isData(d))) return // someone else's accessor: leave it, scan finds the bus
      let pageFn: unknown = dataValue(d)
      // Called before the page's handler: every plugin exists now, so commands the page sends from
      // its onReady are observed too.
      const ours = (bus: unknown): void => {
        coreReady = true
        foundBus(bus, via)
        scan()
        checkRegistry()
      }
      defineProperty(holder, 'onReady', descriptor({
        configurable: true,
        enumerable: d ? !!d.enumerable : true,
        get(): unknown {
          if (typeof pageFn !== 'function') return ours
          let w = apply(weakMapGet, chained, [pageFn]) as Fn | undefined
          if (!w) {
            const fn = pageFn as Fn
            w = function (this: unknown, ...args: unknown[]): unknown {
              try {
                ours(args[0])
              } catch {
                // never into the page
              }
              return apply(fn, this, args)
            }
            apply(weakMapSet, chained, [pageFn, w])
          }
          return w
        },
        set(v: unknown): void {
          pageFn = v
        },
      }))
    } catch {
      // frozen holder: the scan loop still finds holder.bus
    }
  }

  // --- late and lazy loads: scan on a short timer for a while, then watch the registry ----------
  const started = now()
  const tick = (): void => {
    scan()
    checkRegistry()
    setTimer(tick, now() - started < SCAN_FOR_MS ? SCAN_MS : SLOW_MS)
  }
  setTimer(tick, SCAN_MS)
  try {
    apply(winListen, win, ['pagehide', flushOut, true])
    apply(winListen, win, ['DOMContentLoaded', scan, true])
    apply(winListen, win, ['load', scan, true])
  } catch {
    // the timer is enough
  }
  scan()
}
