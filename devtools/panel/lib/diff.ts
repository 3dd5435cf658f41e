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

/** One leaf that differs inside an object or array value: `form._customer_number`, `errors[0]`. */
export interface NestedChange {
  path: string
  status: Exclude<DiffStatus, 'unchanged'>
  before?: Json
  after?: Json
}

const IDENT = /^[A-Za-z_$][\w$]*$/

function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  return IDENT.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`
}

/**
 * The nested values that differ between two versions of a field, as paths from the field's name,
 * deepest first reached (at most `max`, the rest counted in `more`). Only objects and arrays have
 * nested changes: a scalar, or a switch between kinds (false → [..]), is one change of the field.
 */
export function nestedChanges(key: string, before: Json | undefined, after: Json | undefined, max = 20): { changes: NestedChange[]; more: number } {
  const changes: NestedChange[] = []
  let more = 0
  const push = (c: NestedChange): void => {
    if (changes.length < max) changes.push(c)
    else more++
  }
  const walk = (path: string, a: Json | undefined, b: Json | undefined): void => {
    if (jsonEqual(a, b)) return
    if (a === undefined) return push({ path, status: 'added', after: b })
    if (b === undefined) return push({ path, status: 'removed', before: a })
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(childPath(path, i), a[i], b[i])
      return
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const k of Object.keys(b)) walk(childPath(path, k), Object.prototype.hasOwnProperty.call(a, k) ? a[k] : undefined, b[k])
      for (const k of Object.keys(a)) if (!Object.prototype.hasOwnProperty.call(b, k)) walk(childPath(path, k), a[k], undefined)
      return
    }
    push({ path, status: 'changed', before: a, after: b })
  }
  const composite = (v: Json | undefined): boolean => typeof v === 'object' && v !== null
  // Same container kind on both sides: list what changed inside; else there is nothing nested to tell.
  if (composite(before) && composite(after) && Array.isArray(before) === Array.isArray(after)) walk(key, before, after)
  return { changes, more }
}
