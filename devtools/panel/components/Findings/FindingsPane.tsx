// Panel. Every finding of the session, grouped by severity and rule, then identical messages (numbers
// aside) in one row; each finding links to its event and names its interaction. A rule group with
// many rows shows the first ones and a "more" button, so the pane stays light on a 100 000-event session.
import { useState } from 'preact/hooks'
import type { Finding, Severity } from '../../../../src/core/model.ts'
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { RichText } from '../shared/RichText.tsx'
import { SeverityBadge } from '../shared/SeverityBadge.tsx'
import { groupFindings, type RuleGroup } from './group.ts'

export interface FindingsPaneProps {
  findings: readonly Finding[]
  ruleInfo(id: string): RuleInfo | undefined
  /** "Callback #2 · page 3" for an interaction id. */
  interactionLabel(id: string): string
  onSelect(seq: number): void
  /** Scrolls to this severity's group (set by the toolbar counts). */
  focus?: Severity | null
}

const PAGE = 50

function FindingLink({ f, interactionLabel, onSelect }: { f: Finding; interactionLabel(id: string): string; onSelect(seq: number): void }) {
  const about = f.seq[f.seq.length - 1]
  return (
    <button type="button" class="link finding-link" data-testid="finding-link" data-seq={about} onClick={() => about !== undefined && onSelect(about)}>
      {f.interaction ? `${interactionLabel(f.interaction)} ` : ''}
      {f.seq.map((s) => `#${s}`).join(' ')}
    </button>
  )
}

function RuleGroupView({ group, rule, interactionLabel, onSelect }: { group: RuleGroup; rule: RuleInfo | undefined; interactionLabel(id: string): string; onSelect(seq: number): void }) {
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
        {group.rows.slice(0, limit).map((row, i) => (
          <li key={i} data-testid="finding-item" data-rule={group.rule} data-seq={row.findings[0]!.seq.at(-1)} data-count={row.findings.length}>
            {row.findings.length === 1 ? (
              <FindingLink f={row.findings[0]!} interactionLabel={interactionLabel} onSelect={onSelect} />
            ) : (
              <span class="pill">{row.findings.length}×</span>
            )}{' '}
            {row.text}
            {row.findings.length > 1 && (
              <div class="finding-links">
                {row.findings.map((f, j) => (
                  <FindingLink key={j} f={f} interactionLabel={interactionLabel} onSelect={onSelect} />
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
      {group.rows.length > limit && (
        <button type="button" class="link" onClick={() => setLimit(limit + PAGE * 4)}>
          show more ({group.rows.length - limit} left)
        </button>
      )}
    </details>
  )
}

export function FindingsPane({ findings, ruleInfo, interactionLabel, onSelect, focus }: FindingsPaneProps) {
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
            <RuleGroupView key={r.rule} group={r} rule={ruleInfo(r.rule)} interactionLabel={interactionLabel} onSelect={onSelect} />
          ))}
        </section>
      ))}
    </div>
  )
}
