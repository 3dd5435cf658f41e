// Panel. The Coverage tab: the lifecycle paths a QA pass must exercise (src/core/coverage.ts), each
// ticked with links to the interactions that show it; a missing one says how to exercise it. Paths of
// a plugin that is not on the page are summed up in one line, not listed as missing.
import type { Coverage } from '../../../../src/core/coverage.ts'

export interface CoveragePaneProps {
  coverage: Coverage
  /** "Callback #2 · page 1" for an interaction id. */
  labelOf(id: string): string
  onSelectInteraction(id: string): void
  /** Copies the Markdown summary (also in the toolbar, except when docked narrow). */
  onCopySummary?(): void
  copied?: boolean
  /** What to say when no checked plugin is in the session (an imported file is no page that may still load one). */
  emptyText?: string
  /** Required paths not covered (an imported report made with --require): what made it fail. */
  missing?: readonly string[]
}

/** Links shown per path before "N more" (in a row lists nearly every interaction of a long session). */
const MAX_LINKS = 8

export function CoveragePane({ coverage, labelOf, onSelectInteraction, onCopySummary, copied = false, emptyText = 'No Callback or SendMessage on this page yet.', missing = [] }: CoveragePaneProps) {
  const items = coverage.items.filter((c) => c.status !== 'not-applicable')
  const absent = [...new Set(coverage.items.filter((c) => c.status === 'not-applicable').map((c) => c.plugin))]
  return (
    <div class="coverage" data-testid="coverage">
      <p class="coverage-head">
        <strong data-testid="coverage-count">
          {coverage.covered} of {coverage.applicable} paths covered
        </strong>{' '}
        <span class="muted">: the lifecycle paths a QA pass should exercise.</span>
        {onCopySummary && (
          <button type="button" class="tb-btn coverage-copy" data-testid="coverage-copy-summary" title="Copy a short Markdown summary for a ticket" onClick={onCopySummary}>
            {copied ? 'Copied' : 'Copy summary'}
          </button>
        )}
      </p>
      {missing.length > 0 && (
        <p class="coverage-missing" data-testid="coverage-required-missing">
          <strong>Required but missing: {missing.join(', ')}</strong> (the report was made to require them: FAIL)
        </p>
      )}
      {items.length === 0 && <p class="muted" data-testid="coverage-empty">{emptyText}</p>}
      <ul class="coverage-list">
        {items.map((c) => (
          <li key={c.id} class={`cov cov-${c.status}`} data-testid="coverage-item" data-path={c.id} data-status={c.status}>
            <span class="cov-tick" aria-label={c.status === 'covered' ? 'covered' : 'missing'}>
              {c.status === 'covered' ? '✓' : '✗'}
            </span>{' '}
            <code>{c.id}</code> <span>{c.label}</span>
            {c.status === 'covered' ? (
              <div class="cov-links">
                {c.interactions.slice(0, MAX_LINKS).map((id) => (
                  <button key={id} type="button" class="link" data-testid="coverage-link" onClick={() => onSelectInteraction(id)}>
                    {labelOf(id)}
                  </button>
                ))}
                {c.interactions.length > MAX_LINKS && <span class="muted"> and {c.interactions.length - MAX_LINKS} more</span>}
              </div>
            ) : (
              <div class="cov-how muted">How: {c.howTo}</div>
            )}
          </li>
        ))}
      </ul>
      {absent.length > 0 && <p class="muted small">Not on this page, not counted: {absent.join(', ')}.</p>}
    </div>
  )
}
