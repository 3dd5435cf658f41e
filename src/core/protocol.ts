// Runs everywhere. Every message that crosses a boundary, defined once, one section per hop:
//   1. page hook (MAIN world)  -> relay (ISOLATED world)   window.postMessage handshake, then a private MessagePort
//   2. relay                   -> background               runtime port named RELAY_PORT
//   3. background              <-> DevTools panel          runtime port named panelPortName(tabId)
//   4. popup / panel           -> background               runtime.sendMessage one-shot requests
// Data from hops 1 and 2 comes from the page and is untrusted: receivers validate it with the guards here
// (the entries of a hook batch once, where its text is parsed: batchEntries, in the background).

import type { Json, JsonObject, SessionEntry, Session, Severity } from './model.ts'

export const PROTOCOL_VERSION = 1

// ---------------------------------------------------------------------------------------------
// 1. hook -> relay

/** Tag of the one window message the hook posts: it carries the MessagePort for everything else. */
export const HOOK_SOURCE = 'cxbus-devtools:hook'

/** Posted on window by the hook (and answered to RELAY_HELLO) with a MessagePort transferred. */
export interface HookConnectMessage {
  source: typeof HOOK_SOURCE
  v: typeof PROTOCOL_VERSION
  type: 'connect'
}

/** Posted on window by the relay when it starts, in case the hook's connect came before it listened. */
export const RELAY_SOURCE = 'cxbus-devtools:relay'
export interface RelayHelloMessage {
  source: typeof RELAY_SOURCE
  v: typeof PROTOCOL_VERSION
  type: 'hello'
}

/** An entry as the hook produces it: the relay adds seq, pageLoadId and frameUrl. */
export type HookEntry = DistributiveOmit<SessionEntry, 'seq' | 'pageLoadId' | 'frameUrl'>

/**
 * Entries as the hook sends them: `count` entries (HookEntry[]) as JSON text, made by the hook from
 * its own copies with the native JSON.stringify it captured at document_start. Text, so that the
 * page's thread clones one string instead of a tree of objects and the relay forwards it without
 * parsing it; the background parses and checks each entry (batchEntries), off the page's thread.
 * `lost`: what refusing the whole batch loses (model.ts lostBy summed: 1 per event or command, a
 * `dropped` marker's count, 0 for other markers), so a relay that must refuse it counts it exactly
 * without reading it.
 */
export interface HookBatch {
  type: 'batch'
  count: number
  lost: number
  text: string
}

/** Sent by the hook over the private MessagePort. */
export type HookToRelay =
  | HookBatch
  /** What the page's bus answered to a panel command the relay handed over (id is the relay's). */
  | { type: 'command-result'; id: string; outcome: BusOutcome; detail: Json }

/** Most entries in one hook batch. */
export const HOOK_BATCH_LIMIT = 1_000
/**
 * Longest batch text (characters). Well under what a runtime message may carry (64 MiB in Chrome),
 * also once the relay's message escapes the text again; the hook splits a batch that would be longer.
 */
export const HOOK_TEXT_LIMIT = 8_000_000

/**
 * Sent by the relay over the port it accepted (the first connect from its own window). The hook may
 * have posted two connects (its own, and its answer to RELAY_HELLO); it sends entries only on the
 * port that said `ready`, queueing them until then, and never switches to another port afterwards.
 */
export type RelayToHook =
  /**
   * `handoff`: a random event type (HANDOFF_BITS), known to the hook and the relay only. The hook
   * hands each batch over by dispatching a CustomEvent of that type on window, detail = handoffText:
   * the relay's listener takes it before dispatchEvent returns, so no batch waits in a port's queue
   * when the document unloads (a port message is a task that may never run then). The relay cancels
   * the event to say it took it; a batch whose event nobody cancelled goes on the port instead, so
   * each batch goes one way only.
   */
  | { type: 'ready'; handoff?: string }
  /** A command the user sent from the panel: the hook runs bus.command(name, options) as a page script would. */
  | { type: 'command'; id: string; name: string; options: JsonObject }

/** Random bits in the hand-over event type: a page can neither guess it nor listen for it. */
export const HANDOFF_BITS = 128
/** A hand-over event type as the relay makes them (hex, HANDOFF_BITS bits). */
export const isHandoffType = (v: unknown): v is string => typeof v === 'string' && v.length === HANDOFF_BITS / 4 && /^[0-9a-f]+$/.test(v)
/**
 * A hand-over event's detail: the batch as one string (a string crosses worlds; objects may not),
 * its counts in front of its text, which goes in as it is (no second escaping, nothing to parse).
 */
export const handoffText = (b: HookBatch): string => `${b.count} ${b.lost} ${b.text}`
/** The batch in a hand-over event's detail, or null (anything else). */
export function handoffBatch(detail: unknown): HookBatch | null {
  if (typeof detail !== 'string') return null
  const head = /^(\d{1,7}) (\d{1,15}) /.exec(detail)
  if (!head) return null
  const b = { type: 'batch', count: Number(head[1]), lost: Number(head[2]), text: detail.slice(head[0].length) }
  return isHookBatch(b) ? b : null
}

/** Most entries the hook keeps in the page while no relay has said `ready` (then it counts drops). */
export const HOOK_QUEUE_LIMIT = 10_000

// ---------------------------------------------------------------------------------------------
// 1b. hook -> test runner (cxbus-devtools/playwright, /puppeteer; no extension, no relay)

/**
 * The function a test runner exposes to every frame before page scripts. The hook takes it (and
 * deletes the global) at install, and calls it with JSON text of HookToTestkit messages.
 */
export const TESTKIT_BINDING = '__cxbusDevtoolsTestkit__'
/**
 * Where the runner's init script puts its capture's key, just before the hook: the hook takes it (and
 * deletes the global) at install, before any page script, and sends it with every message. Playwright's
 * CDP binding is shared and stays on window: a page that calls it itself does not know the key, so
 * the runner rejects what it sends.
 */
export const TESTKIT_KEY = '__cxbusDevtoolsTestkitKey__'

/**
 * `hello` once per document (what the relay's page-load marker says), then the hook's batches.
 * `load` is the hook's id of this document: the runner's pageLoadId for it. A batch's `entries` is
 * the HookBatch's text put in as it is (testkitBatchText), so the runner parses it once. A batch's
 * `url` is the document's at sending (as the relay reads it per batch): a frame's hook installed in
 * its initial about:blank keeps its window when the frame loads a same-origin page.
 */
export type HookToTestkit =
  | { type: 'hello'; key: string; load: string; url: string; top: boolean; time: number }
  | { type: 'batch'; key: string; load: string; url: string; count: number; lost: number; entries: unknown }

/** The JSON text of a HookToTestkit batch, around the batch's own text (no second escaping of it). */
export function testkitBatchText(key: string, load: string, url: string, b: HookBatch, stringify: (v: unknown) => string = JSON.stringify): string {
  return `{"type":"batch","key":${stringify(key)},"load":${stringify(load)},"url":${stringify(url)},"count":${b.count},"lost":${b.lost},"entries":${b.text}}`
}

// ---------------------------------------------------------------------------------------------
// 2. relay -> background

export const RELAY_PORT = 'cxbus-devtools:relay'

export type RelayToBackground =
  /** First message on every (re)connected port. */
  | { type: 'hello'; pageLoadId: string; frameUrl: string; top: boolean; time: number }
  /**
   * A hook batch (or one entry the relay made: the page-load marker, a `dropped` marker) as text,
   * not parsed on the page's thread: its entries are seq, seq + 1, ... seq + count - 1 of this page
   * load, all from frameUrl (batchEntries numbers them). Resent until acked.
   */
  | { type: 'batch'; pageLoadId: string; seq: number; count: number; lost: number; frameUrl: string; text: string }
  /** The bus's answer to a command the background sent to this page load. */
  | { type: 'command-result'; pageLoadId: string; id: string; outcome: BusOutcome; detail: Json }

/**
 * Most entries a relay keeps un-acked; past it new batches are refused and counted in a `dropped`
 * marker. Above the background's per-tab budget (100 000 events), so a burst the tab can store is
 * not cut on the way: a page publishing in a tight loop hands the relay everything before the
 * background can ack anything (they share the page's thread).
 */
export const RELAY_BUFFER_LIMIT = 110_000

export type BackgroundToRelay =
  /** Everything up to and including seq of this page load is stored: the relay may forget it. */
  | { type: 'ack'; pageLoadId: string; seq: number }
  /** A panel command for the hook of this page load (the relay answers with command-result). */
  | { type: 'command'; pageLoadId: string; id: string; name: string; options: JsonObject }

// ---------------------------------------------------------------------------------------------
// 3. background <-> panel

export const PANEL_PORT_PREFIX = 'cxbus-devtools:panel:'
export const panelPortName = (tabId: number): string => `${PANEL_PORT_PREFIX}${tabId}`
export function tabIdFromPanelPort(name: string): number | null {
  if (!name.startsWith(PANEL_PORT_PREFIX)) return null
  const id = Number(name.slice(PANEL_PORT_PREFIX.length))
  return Number.isInteger(id) && id >= 0 ? id : null
}

/** What the background knows about one tab, besides its entries. */
export interface TabState {
  tabId: number
  url: string
  preserveLog: boolean
  recording: boolean
  /** How the bus was found on the current page, or null while none was found. */
  bus: { via: string; widgetsVersion?: string } | null
  /** Entries lost because a bounded buffer overflowed (also recorded as `dropped` markers). */
  dropped: number
  /** Number of entries stored for this tab. */
  count: number
  /** Error/warning/info finding counts of the incremental checker (also the badge). */
  findings: Record<Severity, number>
  /**
   * Set while the background cannot save (quota, storage gone): new entries are kept, retried and
   * not acknowledged, so nothing is lost, but panels see them only once a save succeeds.
   */
  storageError?: string
}

export type PanelToBackground =
  /** First message on every (re)connected port: send me every entry with seq > afterSeq. */
  | { type: 'hello'; afterSeq: number }
  | { type: 'clear' }
  | { type: 'set-preserve-log'; value: boolean }
  | { type: 'set-recording'; value: boolean }
  /**
   * Sent only on a user's click: run bus.command(name, options) in the tab's frame that has the bus
   * (its latest page load). `confirmed`: the user confirmed a command that reaches a real service.
   */
  | { type: 'command'; id: string; name: string; options: JsonObject; confirmed: boolean }

export type BackgroundToPanel =
  | { type: 'state'; state: TabState }
  /** Entries with session-wide seq, in order. */
  | { type: 'entries'; entries: SessionEntry[] }
  /** The store was cleared (by a panel, or by a navigation without preserve log). */
  | { type: 'cleared' }
  /**
   * The inspected tab is closed, or no tab has this id: nothing more will come. The panel keeps what
   * it has (the background forgets the tab), so it can still be exported.
   */
  | { type: 'tab-closed' }
  /** How a panel command ended; `target` is the frame it was sent to (when it was sent). */
  | { type: 'command-result'; id: string; outcome: CommandOutcome; detail: Json; target?: string }

/** What the page's bus did with a command: its deferred resolved or was rejected (detail: its value). */
export type BusOutcome = 'resolved' | 'rejected'
/** ...or no answer within COMMAND_TIMEOUT_MS, or the tool did not send it (detail says why). */
export type CommandOutcome = BusOutcome | 'timeout' | 'not-sent'
/** Longest wait for the bus's answer to a panel command. */
export const COMMAND_TIMEOUT_MS = 5_000

// ---------------------------------------------------------------------------------------------
// 4. one-shot requests (runtime.sendMessage)

export type Request =
  | { type: 'get-tab-state'; tabId: number }
  | { type: 'export-session'; tabId: number }

export interface ResponseMap {
  'get-tab-state': TabState | null
  'export-session': Session
}

// ---------------------------------------------------------------------------------------------
// Runtime guards. Everything that crosses hop 1 or 2 is checked before use: the window channel is
// shared with page scripts, and even the private port's messages are only as trustworthy as the
// page the hook runs in. Guards check shapes, not deep content (the hook's snapshot bounds content).

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export type { Json }

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isSeq = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0
const MARKERS: readonly string[] = ['page-load', 'bus', 'dropped']
/** Longest event or command name accepted (Genesys names are short: "CallbackService.scheduleError"). */
const MAX_NAME = 200
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME

export function isHookConnectMessage(data: unknown): data is HookConnectMessage {
  return isObject(data) && data.source === HOOK_SOURCE && data.v === PROTOCOL_VERSION && data.type === 'connect'
}

export function isRelayHelloMessage(data: unknown): data is RelayHelloMessage {
  return isObject(data) && data.source === RELAY_SOURCE && data.v === PROTOCOL_VERSION && data.type === 'hello'
}

export function isRelayToHook(data: unknown): data is RelayToHook {
  if (!isObject(data)) return false
  return (data.type === 'ready' && (data.handoff === undefined || isHandoffType(data.handoff))) || (data.type === 'command' && isCommandId(data.id) && isCommandName(data.name) && isObject(data.options))
}

/** A command id as panels make them. */
export const isCommandId = (v: unknown): v is string => typeof v === 'string' && /^[\w-]{1,64}$/.test(v)
/** "Plugin.command": what bus.command accepts (SPEC.md §1). */
export const isCommandName = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_NAME && /^[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$.]*$/.test(v)
const isBusOutcome = (v: unknown): v is BusOutcome => v === 'resolved' || v === 'rejected'

/** A command result from the hook (the relay also checks that it asked for this id). */
export function isHookCommandResult(data: unknown): data is Extract<HookToRelay, { type: 'command-result' }> {
  return isObject(data) && data.type === 'command-result' && isCommandId(data.id) && isBusOutcome(data.outcome) && 'detail' in data
}

/** An entry as the hook produces it (no seq/pageLoadId/frameUrl yet). */
export function isHookEntry(e: unknown): e is HookEntry {
  if (!isObject(e) || !isFiniteNumber(e.time) || !('data' in e)) return false
  switch (e.kind) {
    case 'event':
      return isName(e.event) && typeof e.publisher === 'string' && e.publisher.length <= MAX_NAME
    case 'command':
      return isName(e.command)
    case 'marker':
      return typeof e.marker === 'string' && MARKERS.includes(e.marker)
    default:
      return false
  }
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= HOOK_BATCH_LIMIT
const isLost = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
/** A batch's `count` (1 to HOOK_BATCH_LIMIT entries) and `lost` (what refusing it loses). */
export const isBatchCounts = <T extends Record<string, unknown>>(m: T): m is T & { count: number; lost: number } => isCount(m.count) && isLost(m.lost)
const isBatchText = (v: unknown): v is string => typeof v === 'string' && v.length <= HOOK_TEXT_LIMIT

/**
 * A hook batch's envelope (its text is not parsed on the page's thread: batchEntries does, later).
 * A text over HOOK_TEXT_LIMIT passes: the relay refuses it, counted, rather than silently.
 */
export function isHookBatch(data: unknown): data is HookBatch {
  return isObject(data) && data.type === 'batch' && isBatchCounts(data) && typeof data.text === 'string'
}

/** Where a batch's entries go in the session: its slots, and the page load and frame they come from. */
export interface BatchPlace {
  pageLoadId: string
  /** seq of the batch's first entry; entry i is seq + i. */
  seq: number
  count: number
  lost: number
  frameUrl: string
}

/**
 * The entries of a batch (the parsed HookEntry[] of its text), numbered. Each entry is checked
 * (isHookEntry): one malformed entry costs itself, not its batch; the malformed ones (a hook bug:
 * the page cannot reach the hook's port) are counted in one `dropped` marker, never silent, in the
 * slot of the first of them. Anything but an array of exactly `count` items is one such marker for
 * the whole batch, counting what it carried (`lost`).
 */
export function batchEntries(items: unknown, at: BatchPlace, time = Date.now()): SessionEntry[] {
  const { pageLoadId, seq, count, frameUrl } = at
  const dropped = (slot: number, n: number): SessionEntry =>
    ({ kind: 'marker', marker: 'dropped', time, data: { count: n, where: 'background' }, seq: seq + slot, pageLoadId, frameUrl })
  if (!Array.isArray(items) || items.length !== count) return [dropped(0, Math.max(1, at.lost))]
  const out: SessionEntry[] = []
  let bad = 0
  let markAt = 0
  let markSlot = 0
  for (let i = 0; i < count; i++) {
    const e: unknown = items[i]
    if (isHookEntry(e)) out.push({ ...e, seq: seq + i, pageLoadId, frameUrl } as SessionEntry)
    else if (bad++ === 0) {
      markAt = out.length
      markSlot = i
    }
  }
  if (bad > 0) out.splice(markAt, 0, dropped(markSlot, bad))
  return out
}

/** A batch the relay forwards: the JSON.parse of its text, numbered (batchEntries); a text that does not parse, one marker. */
export function relayBatchEntries(msg: Extract<RelayToBackground, { type: 'batch' }>, time = Date.now()): SessionEntry[] {
  let items: unknown
  try {
    items = JSON.parse(msg.text)
  } catch {
    items = undefined
  }
  return batchEntries(items, msg, time)
}

/** A page-load id as relays make them (random, short); also keeps storage keys sane. */
export const isPageLoadId = (v: unknown): v is string => typeof v === 'string' && /^[\w-]{1,64}$/.test(v)

export function isRelayToBackground(msg: unknown): msg is RelayToBackground {
  if (!isObject(msg)) return false
  if (msg.type === 'hello') {
    return isPageLoadId(msg.pageLoadId) && typeof msg.frameUrl === 'string' && typeof msg.top === 'boolean' && isFiniteNumber(msg.time)
  }
  if (msg.type === 'batch') {
    return isPageLoadId(msg.pageLoadId) && isSeq(msg.seq) && isBatchCounts(msg) && typeof msg.frameUrl === 'string' && isBatchText(msg.text)
  }
  if (msg.type === 'command-result') return isPageLoadId(msg.pageLoadId) && isHookCommandResult(msg)
  return false
}

export function isBackgroundToRelay(msg: unknown): msg is BackgroundToRelay {
  if (!isObject(msg) || !isPageLoadId(msg.pageLoadId)) return false
  if (msg.type === 'ack') return Number.isInteger(msg.seq)
  return msg.type === 'command' && isCommandId(msg.id) && isCommandName(msg.name) && isObject(msg.options)
}

export function isPanelToBackground(msg: unknown): msg is PanelToBackground {
  if (!isObject(msg)) return false
  switch (msg.type) {
    case 'hello':
      return Number.isInteger(msg.afterSeq)
    case 'clear':
      return true
    case 'set-preserve-log':
    case 'set-recording':
      return typeof msg.value === 'boolean'
    case 'command':
      return isCommandId(msg.id) && isCommandName(msg.name) && isObject(msg.options) && typeof msg.confirmed === 'boolean'
    default:
      return false
  }
}

export function isRequest(msg: unknown): msg is Request {
  return isObject(msg) && (msg.type === 'get-tab-state' || msg.type === 'export-session') && Number.isInteger(msg.tabId)
}
