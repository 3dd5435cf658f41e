// Panel. The findings pane.
export { FindingsPane, type FindingsPaneProps } from './FindingsPane.tsx'
export { groupFindings } from './group.ts'
