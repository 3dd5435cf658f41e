// Runs everywhere. Rule family "meta/elapsed*" (RULES.md, SPEC.md §3): classifies each event's
// `elapsed` against the two definitions and reports it.
//   documented: (completed || cancelled) - started, exact (±exactToleranceMs). It applies once an
//     outcome and started are set; before that the documented value does not exist yet, so the only
//     value a page following it can carry is the initial 0 — we accept 0 there as "documented".
//   shipped (9.x): (closed || publish time) - opened. closed - opened is exact; publish time - opened
//     uses the envelope time for the publish time (±dispatchToleranceMs: "now" is read 0-3 ms before
//     dispatch). With opened still false (auto-submit) the shipped formula gives the publish time
//     itself: classified 'absolute' (meta/elapsed-absolute warning), never an error.
// Fresh metadata at `opened` carries elapsed 0, which matches both (shipped: publish - opened ≈ 0).
// Only a value that matches neither where they apply is an error (meta/elapsed).
// Every event's definition is in Report.events; the meta/elapsed-definition note is made once per
// interaction, on the first shipped-only event where the documented value exists too (the outcome,
// or closed), so it can show both real values (SPEC §3: completed 4432 shipped vs 3584 documented).
import type { ElapsedDefinition } from '../../model.ts'
import type { StepContext } from '../context.ts'
import { firstTime, ONCE } from '../segment.ts'

export function checkElapsed(ctx: StepContext): ElapsedDefinition {
  const def = ctx.cp.profile.elapsed
  const f = ctx.cp.f
  if (def === undefined || f.elapsed < 0) return 'not-applicable'
  const { values, opts, entry } = ctx
  const e = values[f.elapsed]
  if (typeof e !== 'number') return 'not-applicable'

  const started = values[f.docFrom]
  const from = values[f.shipFrom]
  const end = values[f.shipEnd]
  let outcome: unknown = false
  for (const t of f.docTo) {
    const v = values[t]
    if (v === undefined) return 'not-applicable'
    if (typeof v === 'number' && outcome === false) outcome = v
  }
  // An unusable input (bad shape, unit or stale) was already reported: do not guess.
  if (started === undefined || from === undefined || end === undefined) return 'not-applicable'

  const x = expectedElapsed(started, outcome, from, end, entry.time)
  const { documented, shipped } = x
  const docOk = x.documentedApplies ? Math.abs(e - documented) <= opts.exactToleranceMs : e === 0
  const tol = x.shippedFrom === 'closed' ? opts.exactToleranceMs : opts.dispatchToleranceMs
  const shippedOk = Math.abs(e - shipped) <= tol

  if (docOk && shippedOk) return 'both'
  if (docOk) return 'documented'
  const seq = [entry.seq]
  const id = ctx.ia.info.id
  const expected = { documented, shipped }
  if (shippedOk && typeof from !== 'number') {
    ctx.emitter.emit('meta/elapsed-absolute', seq, id,
      `${def.field} = ${e} is an absolute time: ${def.shipped.from} is still false, so the shipped formula gives the publish time`, expected, e)
    return 'absolute'
  }
  if (shippedOk) {
    if (x.documentedApplies && firstTime(ctx.ia, ONCE.elapsedDefinition)) {
      ctx.emitter.emit('meta/elapsed-definition', seq, id,
        `${def.field} = ${e} follows the shipped definition (${ctx.cp.formula.shipped} = ${shipped}), not the documented one (${ctx.cp.formula.documented} = ${documented})`, expected, e)
    }
    return 'shipped'
  }
  ctx.emitter.emit('meta/elapsed', seq, id,
    `${def.field} = ${e} matches neither definition (documented ${documented}, shipped ${shipped})`, expected, e)
  return 'neither'
}

/** The values the two definitions of SPEC.md §3 give for one event, as the checker compares them. */
export interface ElapsedExpectation {
  /** (completed or cancelled) - started once both are set; before that 0, the initial value. */
  documented: number
  documentedApplies: boolean
  /** Why it does not apply: 'started' never set (an untouched cancel), or no 'outcome' yet; null when it applies. */
  documentedMissing: 'started' | 'outcome' | null
  /** (closed or publish time) - opened; the publish time itself while opened is still false. */
  shipped: number
  /** 'closed': closed - opened (exact); 'publish': publish time - opened; 'absolute': opened was false. */
  shippedFrom: 'closed' | 'publish' | 'absolute'
}

/**
 * One formula for the checker, the panel's note and the interaction stories, so they never show
 * different "documented" values for the same event. Inputs are metadata values (a number when set).
 */
export function expectedElapsed(started: unknown, outcome: unknown, opened: unknown, closed: unknown, publishTime: number): ElapsedExpectation {
  const documentedApplies = typeof started === 'number' && typeof outcome === 'number'
  const documented = documentedApplies ? (outcome as number) - (started as number) : 0
  const documentedMissing = documentedApplies ? null : typeof started !== 'number' ? 'started' : 'outcome'
  if (typeof opened !== 'number') return { documented, documentedApplies, documentedMissing, shipped: publishTime, shippedFrom: 'absolute' }
  if (typeof closed === 'number') return { documented, documentedApplies, documentedMissing, shipped: closed - opened, shippedFrom: 'closed' }
  return { documented, documentedApplies, documentedMissing, shipped: publishTime - opened, shippedFrom: 'publish' }
}
