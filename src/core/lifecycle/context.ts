// Runs everywhere. What every rule family receives for one lifecycle event (StepContext) and how it
// reports (Emitter: applies the configured severity, drops 'off' rules). One context object is reused
// for every event so the hot path allocates only findings.
import type { BusEventEntry, Finding, Json } from '../model.ts'
import type { ResolvedOptions } from './options.ts'
import type { CompiledProfile } from './profiles.ts'
import type { InteractionState, StreamState } from './segment.ts'

/** Appends findings to `out` (the checker's list of definite findings). */
export class Emitter {
  out: Finding[] = []
  constructor(private readonly severity: Record<string, string>) {}

  emit(rule: string, seq: number[], interaction: string | null, message: string, expected?: Json, actual?: Json): void {
    const severity = this.severity[rule]
    if (severity === undefined) throw new Error(`rule ${rule} is not in the catalogue`)
    if (severity === 'off') return
    const f: Finding = { rule, severity: severity as Finding['severity'], seq, interaction, message }
    if (expected !== undefined) f.expected = expected
    if (actual !== undefined) f.actual = actual
    this.out.push(f)
  }
}

export interface StepContext {
  entry: BusEventEntry
  /** Short event name, e.g. "opened". */
  step: string
  cp: CompiledProfile
  stream: StreamState
  ia: InteractionState
  isNew: boolean
  superseded: InteractionState | null
  /** The event's data when it is an object, else null (meta/shape reported). */
  data: Record<string, unknown> | null
  /**
   * Metadata values by field index (CompiledProfile.names) that passed the shape and unit checks
   * (and are not stale); `undefined` marks an unusable field, which later checks skip instead of
   * piling up findings.
   */
  values: unknown[]
  opts: ResolvedOptions
  emitter: Emitter
}

/** A value for `actual`/`expected`: JSON-safe and short. */
export function asJson(value: unknown): Json {
  if (value === undefined) return null
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (Array.isArray(value) || typeof value === 'object') return value as Json
  return String(value)
}
