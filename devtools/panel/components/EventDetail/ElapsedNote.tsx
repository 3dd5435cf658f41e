// Panel. The documented-versus-shipped note of SPEC.md §3: which definition of `elapsed` this event
// follows, with both values, so a reader knows why a number differs from the documentation.
import type { ElapsedDefinition, Json } from '../../../../src/core/model.ts'
import { CALLBACK, profileMap } from '../../../../src/core/lifecycle/profiles.ts'
import { elapsedOf } from '../../../../src/core/story.ts'
import { formatDuration } from '../../lib/format.ts'

const PROFILES = profileMap()

const TEXT: Record<Exclude<ElapsedDefinition, 'not-applicable'>, string> = {
  documented: 'elapsed follows the documented definition: (completed or cancelled) − started.',
  shipped: 'elapsed follows the shipped 9.x definition: (closed or publish time) − opened, not the documented one.',
  both: 'elapsed matches both the documented and the shipped definition here (within the tolerances).',
  absolute: 'elapsed is an absolute epoch time: opened was still false when it was computed (9.x auto-submit).',
  neither: 'elapsed matches neither the documented nor the shipped definition.',
}

/** Why the documented value does not exist (yet) at this event. */
const MISSING = { started: 'started was never set, and the documented formula needs it', outcome: 'no outcome yet' } as const

/**
 * The values come from the same formula the checker uses (elapsedOf), so the note and the finding
 * never name different numbers: before an outcome the documented value is the initial 0.
 */
export function ElapsedNote({ definition, data, time, plugin }: { definition: ElapsedDefinition | undefined; data: Json; time: number; plugin?: string }) {
  if (!definition || definition === 'not-applicable') return null
  const x = elapsedOf(PROFILES.get(plugin ?? '') ?? CALLBACK, data, time)
  return (
    <p class={`elapsed-note elapsed-${definition}`} data-testid="elapsed-note" data-definition={definition}>
      <strong>Documented vs shipped: </strong>
      {TEXT[definition]}
      {x ? (
        <span class="muted" data-testid="elapsed-values">
          {' '}
          Documented value {x.documentedApplies ? formatDuration(x.documented) : `0 (${MISSING[x.documentedMissing ?? 'outcome']}: only the initial 0 fits)`}; shipped value{' '}
          {x.shippedFrom === 'absolute' ? x.shipped : formatDuration(x.shipped)}
          {x.shippedFrom === 'absolute' ? ' (the publish time itself: opened is still false)' : x.shippedFrom === 'publish' ? ' (publish time − opened)' : ''}.
        </span>
      ) : null}
    </p>
  )
}
