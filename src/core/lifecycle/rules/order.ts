// Runs everywhere. Rule family "order/*" (RULES.md, order of events): before-ready, transition,
// duplicate, no-terminal, both-terminal, autosubmit-first. order/unclosed is an end-of-capture
// finding made by the checker's report(). Reads the interaction state before this event is recorded.
// After lost entries (a `dropped` marker, InteractionState.gap) findings a lost event would explain
// (transition, no-terminal, a never-closed previous interaction) are not made.
import type { StepContext } from '../context.ts'
import { interactionName } from '../segment.ts'

export function checkOrder(ctx: StepContext): void {
  const { step, cp, ia, stream, emitter } = ctx
  const p = cp.profile
  const seq = ctx.entry.seq
  const id = ia.info.id

  // After lost entries (readyUnknown) the ready may have been among them: not reported.
  if (!stream.readySeen && !stream.readyUnknown && !stream.beforeReadyReported) {
    stream.beforeReadyReported = true
    emitter.emit('order/before-ready', [seq], id, `${p.plugin}.${step} before ${p.plugin}.${p.ready} was seen in this page load`, p.ready, step)
  }

  // A gap (lost entries) explains a missing closed, a missing first step or a missing requirement.
  if (ctx.superseded !== null && !ctx.superseded.gap) {
    const old = ctx.superseded
    emitter.emit('order/transition', [old.lastSeq, seq], id,
      `${step} while ${interactionName(old.info)} was never closed (last: ${old.last} at seq ${old.lastSeq})`, p.close, step)
  }

  if (ctx.isNew) {
    const early = p.earlyStart
    if (step === p.open) return
    if (early !== undefined && step === early.step && ctx.data?.[early.flag] === true) {
      emitter.emit('order/autosubmit-first', [seq], id,
        `${step} before ${p.open} with ${early.flag}: true (known 9.x auto-submit behaviour)`, p.open, step)
      return
    }
    if (ia.gap) return
    const prev = stream.lastClosedSeq
    const allowed = [...(cp.transitions[''] ?? [])].filter((s) => s !== early?.step)
    const where = prev === null ? 'as the first event of an interaction' : `after ${p.close}`
    emitter.emit('order/transition', prev === null ? [seq] : [prev, seq], id, `${step} ${where}; expected ${allowed.join(' or ')}`, allowed, step)
    return
  }

  const firstSame = ia.seen.get(step)
  if (firstSame !== undefined && !p.repeatable.includes(step)) {
    emitter.emit('order/duplicate', [firstSame, seq], id, `${step} again in ${interactionName(ia.info)} (first at seq ${firstSame})`, `no second ${step}`, step)
    return
  }
  if (p.terminals.includes(step)) {
    for (const other of p.terminals) {
      const otherSeq = ia.seen.get(other)
      if (other !== step && otherSeq !== undefined) {
        emitter.emit('order/both-terminal', [otherSeq, seq], id, `${step} after ${other} in one interaction`, other, step)
        return
      }
    }
  }
  const next = cp.transitions[ia.last]
  const required = p.requires[step]
  let missingAny = false
  if (required !== undefined) for (const r of required) if (!ia.seen.has(r)) missingAny = true
  if (!ia.gap && (next === undefined || !next.has(step) || missingAny)) {
    const missing = (required ?? []).filter((r) => !ia.seen.has(r))
    const allowed = next === undefined ? [] : [...next].filter((s) => (p.requires[s] ?? []).every((r) => ia.seen.has(r)))
    const why = missing.length > 0 ? ` without ${missing.join(', ')}` : ` after ${ia.last}`
    emitter.emit('order/transition', [ia.lastSeq, seq], id, `${step}${why}; expected ${allowed.join(', ') || 'nothing'}`, allowed, step)
  }
  if (step === p.close && !ia.gap && !seenAny(ia.seen, p.terminals)) {
    emitter.emit('order/no-terminal', [ia.firstSeq, seq], id, `${step} without ${p.terminals.join(' or ')}`, [...p.terminals], step)
  }
}

function seenAny(seen: ReadonlyMap<string, number>, steps: readonly string[]): boolean {
  for (const s of steps) if (seen.has(s)) return true
  return false
}
