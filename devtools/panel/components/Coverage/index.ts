// Panel. The coverage tab.
export { CoveragePane, type CoveragePaneProps } from './CoveragePane.tsx'
