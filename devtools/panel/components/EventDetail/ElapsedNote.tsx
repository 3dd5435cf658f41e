// Panel. The documented-versus-shipped note of SPEC.md §3: which definition of `elapsed` this event
// follows, with both values, so a reader knows why a number differs from the documentation.
import type { ElapsedDefinition, Json } from '../../../../src/core/model.ts'
import { elapsedSpans } from '../Timeline/layout.ts'
import { formatDuration } from '../../lib/format.ts'

const TEXT: Record<Exclude<ElapsedDefinition, 'not-applicable'>, string> = {
  documented: 'elapsed follows the documented definition: (completed or cancelled) − started.',
  shipped: 'elapsed follows the shipped 9.x definition: (closed or publish time) − opened, not the documented one.',
  both: 'elapsed matches both the documented and the shipped definition here.',
  absolute: 'elapsed is an absolute epoch time: opened was still false when it was computed (9.x auto-submit).',
  neither: 'elapsed matches neither the documented nor the shipped definition.',
}

export function ElapsedNote({ definition, data, time }: { definition: ElapsedDefinition | undefined; data: Json; time: number }) {
  if (!definition || definition === 'not-applicable') return null
  const { documented, shipped } = elapsedSpans(data, time)
  return (
    <p class={`elapsed-note elapsed-${definition}`} data-testid="elapsed-note" data-definition={definition}>
      <strong>Documented vs shipped: </strong>
      {TEXT[definition]}
      {documented || shipped ? (
        <span class="muted">
          {' '}
          Documented value {documented ? formatDuration(documented.value) : 'n/a'}; shipped value {shipped ? formatDuration(shipped.value) : 'n/a'}.
        </span>
      ) : null}
    </p>
  )
}
