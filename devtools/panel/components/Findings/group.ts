// Panel (pure). Findings grouped by severity (errors first), then by rule (most frequent first), then
// by message: findings of one rule whose messages differ only in their numbers (the same
// meta/elapsed-definition note on six interactions) are one row with a link per finding.
import { SEVERITIES, type Finding, type Severity } from '../../../../src/core/model.ts'

/** Findings of one rule with the same message but for its numbers. */
export interface MessageRow {
  /** The message, numbers shown as "…" when the row holds several findings. */
  text: string
  findings: Finding[]
}

export interface RuleGroup {
  rule: string
  findings: Finding[]
  rows: MessageRow[]
}

const NUMBER = /-?\d+(?:\.\d+)?/g

/** Rows of identical messages (numbers aside), in order of their first finding. */
export function messageRows(findings: readonly Finding[]): MessageRow[] {
  const rows = new Map<string, MessageRow>()
  for (const f of findings) {
    const key = f.message.replace(NUMBER, '#')
    const row = rows.get(key)
    if (row) {
      row.findings.push(f)
      row.text = f.message.replace(NUMBER, '…')
    } else rows.set(key, { text: f.message, findings: [f] })
  }
  return [...rows.values()]
}
export interface SeverityGroup {
  severity: Severity
  count: number
  rules: RuleGroup[]
}

export function groupFindings(findings: readonly Finding[]): SeverityGroup[] {
  const bySeverity = new Map<Severity, Map<string, Finding[]>>()
  for (const f of findings) {
    let rules = bySeverity.get(f.severity)
    if (!rules) bySeverity.set(f.severity, (rules = new Map()))
    const list = rules.get(f.rule)
    if (list) list.push(f)
    else rules.set(f.rule, [f])
  }
  return SEVERITIES.filter((s) => bySeverity.has(s)).map((severity) => {
    const rules = [...bySeverity.get(severity)!].map(([rule, list]) => ({ rule, findings: list, rows: messageRows(list) }))
    rules.sort((a, b) => b.findings.length - a.findings.length || a.rule.localeCompare(b.rule))
    return { severity, count: rules.reduce((n, r) => n + r.findings.length, 0), rules }
  })
}
