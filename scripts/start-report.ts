// Node (start script). Where the errors of npm start's session come from: its second page load
// injects faults on purpose, and the summary must say so instead of ending with a bare "N errors".
import { check } from '../src/core/check.ts'
import type { Session } from '../src/core/model.ts'

/** One line per top-frame page load: its description and how many error findings it has. */
export function errorsByPageLoad(session: Session, descriptions: readonly string[]): string[] {
  const loads = session.events
    .filter((e) => e.kind === 'marker' && e.marker === 'page-load' && (e.data as { top?: boolean } | null)?.top !== false)
    .map((e) => e.pageLoadId)
  const loadOf = new Map(session.events.map((e) => [e.seq, e.pageLoadId]))
  const errors = check(session).findings.filter((f) => f.severity === 'error')
  return loads.map((load, i) => {
    const n = errors.filter((f) => loadOf.get(f.seq[f.seq.length - 1] ?? -1) === load).length
    return `Page load ${i + 1} (${descriptions[i] ?? 'no description'}): ${n} error${n === 1 ? '' : 's'}.`
  })
}
