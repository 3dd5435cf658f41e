// Runs everywhere. Public entry of the rule catalogue (RULES.md as data); see lifecycle/catalogue.ts.
export { RULES, ruleInfo } from './lifecycle/catalogue.ts'
export type { RuleInfo } from './lifecycle/catalogue.ts'
