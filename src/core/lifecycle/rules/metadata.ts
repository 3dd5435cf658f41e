// Runs everywhere. Rule family "meta/*" except elapsed (RULES.md, metadata): shape, timestamp-unit,
// own-timestamp, premature, changed, chronology, terminal-exclusive, flags, form-empty,
// errors-before-submit, stale, clock. checkShape runs first and fills ctx.values with the usable
// values only, so one bad field gives one finding instead of a cascade. Fields are addressed by
// index (see CompiledProfile); names appear only in messages.
import type { StepContext } from '../context.ts'
import { asJson } from '../context.ts'
import { firstTime, firstFieldReport, interactionName, ONCE } from '../segment.ts'

const DAY_MS = 86_400_000
/** Below this an epoch "timestamp" cannot be milliseconds of this century (1e11 ms is 1973). */
const MIN_EPOCH_MS = 1e11

/**
 * Whether a timestamp can be used at all: epoch milliseconds within a day of the envelope time. An
 * unusable one (seconds, another clock) is reported once (meta/timestamp-unit) and never computed with.
 */
export const usableTimestamp = (t: number, envelopeTime: number): boolean => t >= MIN_EPOCH_MS && Math.abs(t - envelopeTime) <= DAY_MS

const EXPECTED_TYPE = {
  boolean: 'a boolean',
  timestamp: 'an integer ms timestamp or false',
  errors: 'false or a non-empty array',
  form: 'an object',
  elapsed: 'a non-negative integer or false',
} as const

export function checkShape(ctx: StepContext): void {
  const { cp, data, values, emitter, entry } = ctx
  const seq = entry.seq
  const { names, types } = cp
  if (data === null) {
    values.fill(undefined)
    emitter.emit('meta/shape', [seq], ctx.ia.info.id, `data of ${ctx.step} is not an object`, 'an object', asJson(entry.data))
    return
  }
  for (let i = 0; i < names.length; i++) {
    const field = names[i] as string
    const type = types[i] as keyof typeof EXPECTED_TYPE
    const v = data[field]
    let ok: boolean
    switch (type) {
      case 'boolean': ok = typeof v === 'boolean'; break
      case 'timestamp': ok = v === false || Number.isInteger(v); break
      case 'errors': ok = v === false || (Array.isArray(v) && v.length > 0); break
      case 'form': ok = typeof v === 'object' && v !== null && !Array.isArray(v); break
      case 'elapsed': ok = v === false || (Number.isInteger(v) && (v as number) >= 0); break
    }
    values[i] = undefined
    if (!ok) {
      // Once per field and interaction, where it first appears (as meta/timestamp-unit below).
      if (firstFieldReport(ctx.ia, 'shape', i)) {
        const what = v === undefined ? 'missing' : 'wrong type'
        emitter.emit('meta/shape', [seq], ctx.ia.info.id, `${field} ${what}: expected ${EXPECTED_TYPE[type]}`, EXPECTED_TYPE[type], v === undefined ? null : asJson(v))
      }
      continue
    }
    if (type === 'timestamp' && v !== false) {
      // An unusable value is never used; it is reported once per field and interaction, on the
      // event where it first appears (the plugin carries timestamps on every later event).
      const t = v as number
      if (!usableTimestamp(t, entry.time)) {
        if (firstFieldReport(ctx.ia, 'unit', i)) {
          const why = t >= MIN_EPOCH_MS
            ? `is more than a day from the envelope time ${entry.time}`
            : `${Math.abs(t * 1000 - entry.time) <= DAY_MS ? 'looks like seconds' : 'is not epoch milliseconds'} (envelope time ${entry.time})`
          emitter.emit('meta/timestamp-unit', [seq], ctx.ia.info.id, `${field} = ${t} ${why}`, entry.time, t)
        }
        continue
      }
    }
    values[i] = v
  }
}

/** Timestamps: stale, own-timestamp, premature, changed, chronology, clock, terminal-exclusive. */
export function checkTimestamps(ctx: StepContext): void {
  const { cp, ia, values, emitter, step, entry } = ctx
  const { names, timestamps } = cp
  const seq = entry.seq
  const id = ia.info.id
  const ownIdx = cp.own.get(step) ?? -1

  if (ctx.isNew && ctx.stream.previous !== null) {
    const prev = ctx.stream.previous
    let staleFields: Record<string, number> | null = null
    for (const f of timestamps) {
      const v = values[f]
      if (typeof v === 'number' && f !== ownIdx && prev[f] === v) {
        ;(staleFields ??= {})[names[f] as string] = v
        ;(ia.stale ??= new Array<unknown>(names.length).fill(undefined))[f] = v
      }
    }
    if (staleFields !== null) {
      emitter.emit('meta/stale', [seq], id,
        `first event of ${interactionName(ia.info)} still carries ${Object.keys(staleFields).join(', ')} of the previous interaction`, false, staleFields)
    }
  }
  const stale = ia.stale
  if (stale !== null) {
    // A stale value is reported once; while it stays the same it is ignored, not re-reported as premature.
    for (const f of timestamps) if (stale[f] !== undefined && values[f] === stale[f]) values[f] = undefined
  }

  const own = ownIdx >= 0 ? values[ownIdx] : undefined
  if (own === false) emitter.emit('meta/own-timestamp', [seq], id, `${step} event with ${step}: false`, 'a timestamp', false)

  for (const f of timestamps) {
    const v = values[f]
    if (v === undefined) continue
    const known = ia.known[f]
    if (known !== undefined) {
      if (v !== known) {
        const knownSeq = ia.knownSeq[f] as number
        emitter.emit('meta/changed', [knownSeq, seq], id, `${names[f]} changed from ${String(known)} (seq ${knownSeq}) to ${String(v)}`, asJson(known), asJson(v))
        ia.known[f] = v
        ia.knownSeq[f] = seq
      }
      continue
    }
    if (v === false) continue
    const stepOfField = cp.stepOf[f]
    // After lost entries the step may have happened unseen: not premature then.
    if (f !== ownIdx && !ia.gap && (stepOfField === undefined || !ia.seen.has(stepOfField))) {
      emitter.emit('meta/premature', [seq], id, `${names[f]} is set on ${step} but ${names[f]} has not happened in ${interactionName(ia.info)}`, false, v as number)
    }
    ia.known[f] = v
    ia.knownSeq[f] = seq
  }

  if (typeof own === 'number') {
    const r = cp.rank[ownIdx] as number
    for (const f of timestamps) {
      const v = values[f]
      const rf = cp.rank[f] as number
      if (f === ownIdx || typeof v !== 'number' || rf === r) continue
      if ((rf < r && v > own) || (rf > r && v < own)) {
        const [a, b] = rf < r ? [f, ownIdx] : [ownIdx, f]
        const aSeq = ia.knownSeq[f] as number
        const na = names[a] as string
        const nb = names[b] as string
        emitter.emit('meta/chronology', aSeq >= 0 && aSeq !== seq ? [aSeq, seq] : [seq], id,
          `${na} (${String(values[a])}) is after ${nb} (${String(values[b])})`, `${na} <= ${nb}`, { [na]: values[a] as number, [nb]: values[b] as number })
      }
    }
    const skew = own - entry.time
    if (Math.abs(skew) > ctx.opts.clockToleranceMs) {
      emitter.emit('meta/clock', [seq], id, `${step} = ${own} is ${skew} ms from the envelope time ${entry.time}`, entry.time, own)
    }
  }

  let setTerminals = 0
  for (const t of cp.terminals) if (typeof values[t] === 'number') setTerminals++
  if (setTerminals > 1 && firstTime(ia, ONCE.terminalExclusive)) {
    const actual: Record<string, number> = {}
    for (const t of cp.terminals) actual[names[t] as string] = values[t] as number
    emitter.emit('meta/terminal-exclusive', [seq], id, `${cp.profile.terminals.join(' and ')} are both set`, 'only one set', actual)
  }
}

/** Flags, form and errors: flags, form-empty, errors-before-submit. */
export function checkFlagsAndForm(ctx: StepContext): void {
  const { cp, ia, values, emitter, step, entry } = ctx
  const { names, f } = cp
  const p = cp.profile
  const seq = entry.seq
  const id = ia.info.id

  if (f.earlyFlag >= 0 && values[f.earlyFlag] === true && values[f.earlyImplies] === false && firstTime(ia, ONCE.flagsImplied)) {
    const implies = names[f.earlyImplies] as string
    emitter.emit('meta/flags', [seq], id, `${names[f.earlyFlag]} without ${implies}`, { [implies]: true }, { [implies]: false })
  }
  for (const i of cp.stableFlags) {
    const v = values[i]
    if (v === undefined) continue
    const known = ia.known[i]
    if (known === undefined) {
      ia.known[i] = v
      ia.knownSeq[i] = seq
    } else if (known !== v) {
      emitter.emit('meta/flags', [ia.knownSeq[i] as number, seq], id, `${names[i]} changed from ${String(known)} to ${String(v)} inside ${interactionName(ia.info)}`, asJson(known), asJson(v))
      ia.known[i] = v
      ia.knownSeq[i] = seq
    }
  }

  if (f.form >= 0 && cp.formOn.has(step)) {
    const form = values[f.form]
    if (form !== undefined && isEmpty(form as object)) {
      emitter.emit('meta/form-empty', [seq], id, `${step} with an empty ${p.formField}`, 'form parameters', {})
    }
  }

  const errors = f.errors >= 0 ? values[f.errors] : undefined
  // Inside a gap the `submitted` may be among the lost entries.
  if (Array.isArray(errors) && !ia.seen.has(p.submit) && !ia.gap && firstTime(ia, ONCE.errorsBeforeSubmit)) {
    emitter.emit('meta/errors-before-submit', [seq], id, `${p.errorsField} set on ${step} before any ${p.submit}`, false, asJson(errors))
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false
  return true
}
