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
