// Panel. A coloured severity label; the colour also comes with the word, never colour alone.
import type { Severity } from '../../../../src/core/model.ts'

export function SeverityBadge({ severity, count }: { severity: Severity; count?: number }) {
  return (
    <span class={`sev sev-${severity}`} data-severity={severity}>
      {count === undefined ? severity : `${count} ${severity}${count === 1 || severity === 'info' ? '' : 's'}`}
    </span>
  )
}
