// Panel (pure). What changed in an event's metadata since the previous event of the same interaction:
// the heart of the detail view, because lifecycle bugs are values that change when they must not
// (meta/changed) or do not change when they must (meta/own-timestamp).
import type { Json } from '../../../src/core/model.ts'

export type DiffStatus = 'added' | 'removed' | 'changed' | 'unchanged'

export interface DiffRow {
  key: string
  status: DiffStatus
  before?: Json
  after?: Json
}

export function isPlainObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep equality of two JSON values (key order does not matter). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((v, i) => jsonEqual(v, b[i]))
  }
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]))
}

/**
 * One row per key of either object, in the order of `next` then keys only `previous` had.
 * Without a previous event every key is "added": the first event of an interaction shows its full
 * starting state. Non-object data (a scalar payload) is compared as a single "(value)" row.
 */
export function diffMetadata(previous: Json | undefined, next: Json): DiffRow[] {
  if (!isPlainObject(next)) {
    const before = previous === undefined || isPlainObject(previous) ? undefined : previous
    const status: DiffStatus = before === undefined ? 'added' : jsonEqual(before, next) ? 'unchanged' : 'changed'
    return [{ key: '(value)', status, ...(before !== undefined ? { before } : {}), after: next }]
  }
  const prev = isPlainObject(previous) ? previous : undefined
  const rows: DiffRow[] = []
  for (const [key, after] of Object.entries(next)) {
    if (!prev || !Object.prototype.hasOwnProperty.call(prev, key)) rows.push({ key, status: 'added', after })
    else {
      const before = prev[key]
      rows.push({ key, status: jsonEqual(before, after) ? 'unchanged' : 'changed', before, after })
    }
  }
  if (prev) for (const [key, before] of Object.entries(prev)) if (!Object.prototype.hasOwnProperty.call(next, key)) rows.push({ key, status: 'removed', before })
  return rows
}
