// Node (tests). Loads the session files of test/fixtures and small helpers to edit them in tests.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BusEventEntry, JsonObject, Report, Session, SessionEntry } from '../../src/core/model.ts'
import { parseSession } from '../../src/core/session.ts'

// A path, not a URL: test environments such as happy-dom replace the global URL class.
export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.session.json')).map((f) => f.replace('.session.json', '')).sort()
}

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURE_DIR, `${name}.session.json`), 'utf8')
}

/** A fresh copy each call, so tests can edit it. */
export function loadFixture(name: string): Session {
  return parseSession(fixtureText(name))
}

/** The bus event with this seq (throws if it is not one). */
export function ev(session: Session, seq: number): BusEventEntry {
  const e = session.events.find((x) => x.seq === seq)
  if (!e || e.kind !== 'event') throw new Error(`no event with seq ${seq}`)
  return e
}

export function data(session: Session, seq: number): JsonObject {
  return ev(session, seq).data as JsonObject
}

/** Renumbers seq 0..n-1 after entries were inserted, removed or swapped. */
export function renumber(events: SessionEntry[]): SessionEntry[] {
  events.forEach((e, i) => (e.seq = i))
  return events
}

/** The session's events after its first page-load marker moved into a frame's document (its own page-load marker, top: false). */
export function inFrame(s: Session, frameUrl: string): Session {
  const first = s.events[0] as SessionEntry
  const marker: SessionEntry = { seq: 0, kind: 'marker', time: first.time + 1, marker: 'page-load', pageLoadId: 'f1', frameUrl, data: { url: frameUrl, top: false } }
  return { ...s, events: renumber([first, marker, ...s.events.slice(1).map((e) => ({ ...e, pageLoadId: 'f1', frameUrl }))]) }
}

export function rules(report: Report, severity?: string): string[] {
  return report.findings.filter((f) => severity === undefined || f.severity === severity).map((f) => f.rule)
}

export function findingsOf(report: Report, rule: string) {
  return report.findings.filter((f) => f.rule === rule)
}
