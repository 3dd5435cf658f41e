// Panel and popup (pure). Formatting of times, durations and values for display. Kept apart from the
// components so the rules (local clock, signed relative times) are tested once and reused everywhere.
import type { Json } from '../../../src/core/model.ts'

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Wall-clock time of an epoch-ms timestamp in the viewer's time zone: "14:03:07.215". */
export function formatClock(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/**
 * A duration in ms, short enough for a table cell: "850 ms", "4.432 s", "2 min 05 s"; `precise` keeps
 * the milliseconds past a minute too, "2 min 05.200 s" (axis ticks less than a second apart).
 */
export function formatDuration(ms: number, precise = false): string {
  const abs = Math.abs(ms)
  const sign = ms < 0 ? '−' : ''
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`
  const min = Math.floor(abs / 60_000)
  const rest = Math.floor(abs % 60_000)
  return `${sign}${min} min ${pad(Math.floor(rest / 1000))}${precise ? `.${pad(rest % 1000, 3)}` : ''} s`
}

/** Time relative to a reference (the interaction's `opened`), always signed: "+4.432 s", "−3 ms". */
export function formatRelative(ms: number, reference: number | undefined, precise = false): string {
  if (reference === undefined) return ''
  const d = ms - reference
  return d < 0 ? formatDuration(d, precise) : `+${formatDuration(d, precise)}`
}

/** A JSON value on one line, shortened: table cells must not grow with a huge payload. */
export function formatValue(value: Json | undefined, max = 120): string {
  if (value === undefined) return '—'
  const text = JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The type of a metadata value as the rules see it (SPEC.md §3): integers and timestamps apart. */
export function describeType(key: string, value: Json | undefined): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return `array(${value.length})`
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'number'
    return TIMESTAMP_FIELDS.has(key) ? 'integer (timestamp)' : 'integer'
  }
  return typeof value
}

/** Metadata fields that hold ms timestamps (or false) in every lifecycle plugin of SPEC.md §3. */
export const TIMESTAMP_FIELDS: ReadonlySet<string> = new Set(['opened', 'started', 'cancelled', 'completed', 'closed', 'rejected', 'expired'])
