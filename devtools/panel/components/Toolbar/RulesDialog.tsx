// Panel. The rules documentation bundled in the extension: every rule of the catalogue with its
// severity in effect (the user's settings; the default too when it differs), what it means and how to
// fix the page (the same text as the README's table).
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { RichText } from '../shared/RichText.tsx'
import { SeverityBadge } from '../shared/SeverityBadge.tsx'
import { Dialog } from './Dialog.tsx'
import type { Severity } from '../../../../src/core/model.ts'

function EffectiveSeverity({ rule, level }: { rule: RuleInfo; level: Severity | 'off' }) {
  return (
    <span data-testid="rule-severity" data-rule={rule.id} data-level={level}>
      {level === 'off' ? <span class="sev sev-off">off</span> : <SeverityBadge severity={level} />}
      {level !== rule.severity ? <span class="muted"> (default {rule.severity})</span> : null}
    </span>
  )
}

export interface RulesDialogProps {
  rules: readonly RuleInfo[]
  /** The user's severity per rule (CheckOptions.severities); missing rules use their default. */
  severities?: Readonly<Record<string, Severity | 'off'>> | undefined
  onClose: () => void
  focus?: string
}

export function RulesDialog({ rules, severities, onClose, focus }: RulesDialogProps) {
  return (
    <Dialog title="Rules" onClose={onClose} testId="rules-dialog">
      <dl class="rules">
        {rules.map((r) => (
          <div key={r.id} id={`rule-${r.id}`} class={`rule ${focus === r.id ? 'focus' : ''}`}>
            <dt>
              <code>{r.id}</code> <EffectiveSeverity rule={r} level={severities?.[r.id] ?? r.severity} /> {r.title}
            </dt>
            <dd>
              <RichText text={r.explanation} />
              <br />
              <em>Fix: </em>
              <RichText text={r.fix} />
            </dd>
          </div>
        ))}
      </dl>
    </Dialog>
  )
}
