// Unit-test support for the panel: small entries and the fixture sessions, read from disk.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Json, Session, SessionEntry } from '../../../src/core/model.ts'
import { parseSession } from '../../../src/core/session.ts'

/** Vitest runs from the repository root; import.meta.url is not a file URL under happy-dom. */
export const fixturePath = (name: string): string => join(process.cwd(), 'test/fixtures', `${name}.session.json`)

export function fixture(name: string): Session {
  return parseSession(readFileSync(fixturePath(name), 'utf8'))
}

export function ev(seq: number, event: string, data: Json = {}, time = 1_764_000_000_000 + seq * 100): SessionEntry {
  return { seq, kind: 'event', time, publisher: event.split('.')[0]!, event, data }
}

export function marker(seq: number, kind: 'page-load' | 'bus' | 'dropped', data: Json = {}, time = 1_764_000_000_000 + seq * 100): SessionEntry {
  return { seq, kind: 'marker', time, marker: kind, data }
}

/** The metadata block of SPEC.md §3 with every value false, plus overrides. */
export function meta(over: Record<string, Json> = {}): Json {
  return {
    proactive: false, prefilled: false, autoSubmitted: false, errors: false, form: {},
    opened: false, started: false, cancelled: false, completed: false, closed: false, elapsed: 0, ...over,
  }
}

export const RLO = '\u202e'
export const ESC = '\\u202e'
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/** Control characters (src/core/controls.ts): a real session (a failed submission, then a retry) with U+202E in everything the page controls. */
export function hostileSession(): Session {
  const s = fixture('shipped-failed-retry')
  const events = s.events.map((e): SessionEntry => {
    if (e.kind === 'event' && e.event === 'CallbackService.scheduleError') return { ...e, data: { ...(e.data as object), statusText: `Bad${RLO}Request\u001b[2J` } }
    if (e.kind === 'event' && e.event === 'Callback.opened') return { ...e, data: { ...(e.data as object), [`tag${RLO}name`]: `gnp${RLO}.exe` } }
    return e
  })
  const last = events[events.length - 1]!
  events.push({ ...ev(last.seq + 1, `Evil${RLO}Plugin.did`, {}, last.time + 10), pageLoadId: 'p1' })
  return { ...s, source: { ...s.source, widgetsVersion: `9.0${RLO}.018` }, events, notes: [{ seq: 3, text: `note ${RLO}here`, time: last.time }] }
}

/** Every text node and tooltip of the document: none may hold a raw control character. */
export function rawControls(): string[] {
  const found: string[] = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (UNSAFE.test(n.nodeValue ?? '')) found.push(n.nodeValue!)
  for (const el of document.body.querySelectorAll('[title], [aria-label]')) {
    for (const a of ['title', 'aria-label']) if (UNSAFE.test(el.getAttribute(a) ?? '')) found.push(`${a}: ${el.getAttribute(a)}`)
  }
  return found
}
