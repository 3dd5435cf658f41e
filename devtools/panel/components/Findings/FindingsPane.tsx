// Panel. Every finding of the session, grouped by severity and rule; each one links to its events.
// A rule group with many findings (an info note on every event) shows the first ones and a "more"
// button, so the pane stays light on a 100 000-event session.
import { useState } from 'preact/hooks'
import type { Finding, Severity } from '../../../../src/core/model.ts'
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { RichText } from '../shared/RichText.tsx'
import { SeverityBadge } from '../shared/SeverityBadge.tsx'
import { groupFindings, type RuleGroup } from './group.ts'

export interface FindingsPaneProps {
  findings: readonly Finding[]
  ruleInfo(id: string): RuleInfo | undefined
  onSelect(seq: number): void
  /** Scrolls to this severity's group (set by the toolbar counts). */
  focus?: Severity | null
}

const PAGE = 50

function RuleGroupView({ group, rule, onSelect }: { group: RuleGroup; rule: RuleInfo | undefined; onSelect(seq: number): void }) {
  const [limit, setLimit] = useState(PAGE)
  return (
    <details class="rule-group" open data-testid="finding-group" data-rule={group.rule}>
      <summary>
        <code>{group.rule}</code> <span class="muted">{rule?.title ?? ''}</span> <span class="pill">{group.findings.length}</span>
      </summary>
      {rule && (
        <p class="explain small">
          <RichText text={rule.explanation} />
        </p>
      )}
      <ul class="finding-list">
        {group.findings.slice(0, limit).map((f, i) => {
          const about = f.seq[f.seq.length - 1]
          return (
            <li key={i} data-testid="finding-item" data-rule={f.rule} data-seq={about}>
              <button type="button" class="link finding-link" onClick={() => about !== undefined && onSelect(about)}>
                {f.seq.map((s) => `#${s}`).join(' ')}
              </button>{' '}
              {f.message}
            </li>
          )
        })}
      </ul>
      {group.findings.length > limit && (
        <button type="button" class="link" onClick={() => setLimit(limit + PAGE * 4)}>
          show more ({group.findings.length - limit} left)
        </button>
      )}
    </details>
  )
}

export function FindingsPane({ findings, ruleInfo, onSelect, focus }: FindingsPaneProps) {
  const groups = groupFindings(findings)
  if (groups.length === 0) {
    return (
      <div class="findings-empty muted" data-testid="findings-empty">
        No findings: every event so far follows the lifecycle.
      </div>
    )
  }
  return (
    <div class="findings" data-testid="findings-pane">
      {groups.map((g) => (
        <section
          key={g.severity}
          class={`sev-group ${focus === g.severity ? 'focus' : ''}`}
          data-testid={`findings-${g.severity}`}
          ref={(el) => {
            if (el && focus === g.severity) el.scrollIntoView?.({ block: 'start' })
          }}
        >
          <h3>
            <SeverityBadge severity={g.severity} count={g.count} />
          </h3>
          {g.rules.map((r) => (
            <RuleGroupView key={r.rule} group={r} rule={ruleInfo(r.rule)} onSelect={onSelect} />
          ))}
        </section>
      ))}
    </div>
  )
}
