// Panel. The toolbar: record/pause, clear, preserve log, export, import, the QA report and its
// Markdown summary, settings, rules, and the finding counts (clicking a count opens the findings
// pane). Props only: main.tsx wires the actions.
import type { Severity } from '../../../../src/core/model.ts'
import { countLabel, SEVERITIES } from '../../../../src/core/model.ts'

export interface ToolbarProps {
  live: boolean
  recording: boolean
  preserveLog: boolean
  counts: Record<Severity, number>
  eventCount: number
  /** False while the session has no bus event or command (only markers): nothing worth exporting. */
  canExport?: boolean
  widgetsVersion: string | undefined
  onRecord(value: boolean): void
  onClear(): void
  onPreserveLog(value: boolean): void
  onExport(): void
  onImport(): void
  /** Downloads the one-file QA report; disabled like Export, and while an import is being checked. */
  onReport(): void
  onCopySummary(): void
  /** False while the findings are not known yet (an import still being checked). */
  canReport?: boolean
  /** "Copied" for a moment after Copy summary. */
  copied?: boolean
  onSettings(): void
  onRules(): void
  onCounts(severity: Severity): void
}

export { countLabel }

export function Toolbar(p: ToolbarProps) {
  return (
    <div class="toolbar" role="toolbar" aria-label="Capture">
      <button
        type="button"
        class={`tb-btn record ${p.recording ? 'on' : ''}`}
        data-testid="record"
        aria-pressed={p.recording}
        disabled={!p.live}
        title={p.recording ? 'Pause recording' : 'Record'}
        onClick={() => p.onRecord(!p.recording)}
      >
        <span class="rec-dot" aria-hidden="true" />
        {p.recording ? 'Pause' : 'Record'}
      </button>
      <button type="button" class="tb-btn" data-testid="clear" disabled={!p.live} title="Clear the captured events" onClick={p.onClear}>
        Clear
      </button>
      <label class="tb-check tb-squeeze" title="Keep the events across navigations and reloads">
        <input type="checkbox" data-testid="preserve-log" checked={p.preserveLog} disabled={!p.live} onChange={(e) => p.onPreserveLog(e.currentTarget.checked)} />
        <span class="tb-long">Preserve log</span>
        <span class="tb-short">Preserve</span>
      </label>
      <span class="tb-sep" />
      <button type="button" class="tb-btn" data-testid="export" disabled={p.eventCount === 0 || p.canExport === false}
        title={p.eventCount === 0 || p.canExport === false ? 'Nothing to export yet: no bus event or command captured' : 'Download the session file'} onClick={p.onExport}>
        Export
      </button>
      <button type="button" class="tb-btn" data-testid="import" title="Open a session file or a QA report (or drop one on the panel)" onClick={p.onImport}>
        Import
      </button>
      <button type="button" class="tb-btn" data-testid="report" disabled={p.eventCount === 0 || p.canExport === false || p.canReport === false}
        title="Download the QA report: one HTML file with the verdict, each interaction's story and timeline, the findings, the coverage and the notes" onClick={p.onReport}>
        Report
      </button>
      <button type="button" class="tb-btn tb-copy" data-testid="copy-summary" disabled={p.eventCount === 0 || p.canExport === false || p.canReport === false}
        title="Copy a short Markdown summary for a ticket" onClick={p.onCopySummary}>
        {p.copied ? 'Copied' : 'Copy summary'}
      </button>
      <span class="tb-sep" />
      <span class="tb-counts" data-testid="counts">
        {SEVERITIES.map((s) => (
          <button
            key={s}
            type="button"
            class={`count count-${s}`}
            data-testid={`count-${s}`}
            data-count={p.counts[s]}
            title={`Show ${s} findings`}
            onClick={() => p.onCounts(s)}
          >
            <span class={`dot dot-${s}`} aria-hidden="true" />
            {p.counts[s]}
            <span class="count-label"> {countLabel(s, p.counts[s])}</span>
          </button>
        ))}
      </span>
      <span class="tb-fill" />
      {p.widgetsVersion && (
        <span class="tb-version" data-testid="widgets-version" title={`Genesys Widgets ${p.widgetsVersion}`}>
          <span class="tb-long">Widgets </span>
          {p.widgetsVersion}
        </span>
      )}
      <button type="button" class="tb-btn" data-testid="settings" onClick={p.onSettings} title="Settings: rule severities and tolerances" aria-label="Settings">
        <span class="tb-long">Settings</span>
        <span class="tb-short" aria-hidden="true">⚙</span>
      </button>
      <button type="button" class="tb-btn" data-testid="rules" onClick={p.onRules} title="What each rule checks and how to fix it" aria-label="Rules">
        <span class="tb-long">Rules</span>
        <span class="tb-short" aria-hidden="true">?</span>
      </button>
    </div>
  )
}
