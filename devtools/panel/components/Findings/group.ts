// Panel (pure). Findings grouped by severity (errors first), then by rule (most frequent first).
import { SEVERITIES, type Finding, type Severity } from '../../../../src/core/model.ts'

export interface RuleGroup {
  rule: string
  findings: Finding[]
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
    const rules = [...bySeverity.get(severity)!].map(([rule, list]) => ({ rule, findings: list }))
    rules.sort((a, b) => b.findings.length - a.findings.length || a.rule.localeCompare(b.rule))
    return { severity, count: rules.reduce((n, r) => n + r.findings.length, 0), rules }
  })
}
