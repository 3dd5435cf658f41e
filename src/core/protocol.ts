// Runs everywhere. Every message that crosses a boundary, defined once, one section per hop:
//   1. page hook (MAIN world)  -> relay (ISOLATED world)   window.postMessage handshake, then a private MessagePort
//   2. relay                   -> background               runtime port named RELAY_PORT
//   3. background              <-> DevTools panel          runtime port named panelPortName(tabId)
//   4. popup / panel           -> background               runtime.sendMessage one-shot requests
// Data from hops 1 and 2 comes from the page and is untrusted: receivers validate it with the guards here.

import type { Json, SessionEntry, Session, Severity } from './model.ts'

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

/** Sent by the hook over the private MessagePort. */
export type HookToRelay = { type: 'entry'; entry: HookEntry }

// ---------------------------------------------------------------------------------------------
// 2. relay -> background

export const RELAY_PORT = 'cxbus-devtools:relay'

export type RelayToBackground =
  /** First message on every (re)connected port. */
  | { type: 'hello'; pageLoadId: string; frameUrl: string; top: boolean; time: number }
  /** Entries numbered per page load (seq 0, 1, 2, ... of this pageLoadId); resent until acked. */
  | { type: 'entries'; pageLoadId: string; entries: SessionEntry[] }

export type BackgroundToRelay =
  /** Everything up to and including seq of this page load is stored: the relay may forget it. */
  { type: 'ack'; pageLoadId: string; seq: number }

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
}

export type PanelToBackground =
  /** First message on every (re)connected port: send me every entry with seq > afterSeq. */
  | { type: 'hello'; afterSeq: number }
  | { type: 'clear' }
  | { type: 'set-preserve-log'; value: boolean }
  | { type: 'set-recording'; value: boolean }

export type BackgroundToPanel =
  | { type: 'state'; state: TabState }
  /** Entries with session-wide seq, in order. */
  | { type: 'entries'; entries: SessionEntry[] }
  /** The store was cleared (by a panel, or by a navigation without preserve log). */
  | { type: 'cleared' }

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

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export type { Json }
