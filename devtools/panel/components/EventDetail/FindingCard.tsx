// Panel. One finding on the selected event: rule, message, expected and actual values, the rule's
// explanation and fix, and the link to the other events it involves.
import type { Finding } from '../../../../src/core/model.ts'
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { formatValue } from '../../lib/format.ts'
import { RuleExplanation } from '../shared/RichText.tsx'
import { SeverityBadge } from '../shared/SeverityBadge.tsx'

export interface FindingCardProps {
  finding: Finding
  rule: RuleInfo | undefined
  currentSeq: number
  onSelect(seq: number): void
}

export function FindingCard({ finding, rule, currentSeq, onSelect }: FindingCardProps) {
  const others = finding.seq.filter((s) => s !== currentSeq)
  return (
    <div class={`finding-card sev-border-${finding.severity}`} data-testid="detail-finding" data-rule={finding.rule}>
      <div class="finding-head">
        <SeverityBadge severity={finding.severity} /> <code>{finding.rule}</code> {rule ? <span class="muted">{rule.title}</span> : null}
      </div>
      <p class="finding-msg">{finding.message}</p>
      {(finding.expected !== undefined || finding.actual !== undefined) && (
        <dl class="expect">
          <dt>Expected</dt>
          <dd class="mono" data-testid="finding-expected">
            {formatValue(finding.expected, 300)}
          </dd>
          <dt>Actual</dt>
          <dd class="mono" data-testid="finding-actual">
            {formatValue(finding.actual, 300)}
          </dd>
        </dl>
      )}
      {rule && (
        <RuleExplanation rule={rule} />
      )}
      {others.length > 0 && (
        <p class="related">
          Also involves{' '}
          {others.map((s) => (
            <button key={s} type="button" class="link seq-link" onClick={() => onSelect(s)}>
              #{s}
            </button>
          ))}
        </p>
      )}
    </div>
  )
}
