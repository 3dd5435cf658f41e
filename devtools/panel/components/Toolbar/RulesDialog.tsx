// Panel. The rules documentation bundled in the extension: every rule of the catalogue with its
// default severity, what it means and how to fix the page (the same text as the README's table).
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { RichText } from '../shared/RichText.tsx'
import { SeverityBadge } from '../shared/SeverityBadge.tsx'
import { Dialog } from './Dialog.tsx'

export function RulesDialog({ rules, onClose, focus }: { rules: readonly RuleInfo[]; onClose: () => void; focus?: string }) {
  return (
    <Dialog title="Rules" onClose={onClose} testId="rules-dialog">
      <dl class="rules">
        {rules.map((r) => (
          <div key={r.id} id={`rule-${r.id}`} class={`rule ${focus === r.id ? 'focus' : ''}`}>
            <dt>
              <code>{r.id}</code> <SeverityBadge severity={r.severity} /> {r.title}
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
