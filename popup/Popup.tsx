// Popup (Preact, props only). The current tab at a glance: whether a bus was found, the Widgets
// version, counts of events, interactions and findings by severity, and the export and QA report buttons.
import '../src/ui/safeText.ts'
import { Fragment } from 'preact'
import { SEVERITIES, type Severity } from '../src/core/model.ts'
import type { Outcome } from '../src/core/story.ts'

export interface PopupData {
  /** False when the background has no record of this tab (a chrome:// page, or nothing loaded yet). */
  known: boolean
  url?: string
  bus: { via: string; widgetsVersion?: string } | null
  recording: boolean
  events: number
  /** Bus events and commands among them (not our markers): nothing to export while 0. */
  busEntries?: number
  interactions: number
  /** One line per interaction: its label and story sentence (src/core/story.ts). */
  stories: { id: string; label: string; outcome: Outcome; sentence: string }[]
  findings: Record<Severity, number>
  dropped: number
}

export interface PopupProps {
  data: PopupData | null
  error?: string | null
  onExport(): void
  /** Downloads the one-file QA report of the tab. */
  onReport?(): void
}

export function Popup({ data, error, onExport, onReport }: PopupProps) {
  const nothing = !data || data.events === 0 || data.busEntries === 0
  return (
    <div class="popup">
      <h1>cxbus-devtools</h1>
      {error && (
        <p class="error" role="alert" data-testid="popup-failure">
          {error}
        </p>
      )}
      {!data && !error && <p class="muted">Loading…</p>}
      {data && (
        <>
          <p class={`bus ${data.bus ? 'found' : 'missing'}`} data-testid="popup-bus">
            {data.bus
              ? `Bus found via ${data.bus.via}${data.bus.widgetsVersion ? ` · Widgets ${data.bus.widgetsVersion}` : ''}`
              : data.known
                ? 'No Genesys Widgets bus found on this page yet.'
                : 'Nothing captured on this tab.'}
          </p>
          <dl class="counts" data-testid="popup-counts">
            <dt>Events</dt>
            <dd data-testid="popup-events">{data.events}</dd>
            <dt>Interactions</dt>
            <dd data-testid="popup-interactions">{data.interactions}</dd>
            {SEVERITIES.map((s) => (
              <Fragment key={s}>
                <dt>
                  <span class={`dot dot-${s}`} aria-hidden="true" /> {s === 'info' ? 'Info' : `${s[0]!.toUpperCase()}${s.slice(1)}s`}
                </dt>
                <dd data-testid={`popup-${s}`}>{data.findings[s]}</dd>
              </Fragment>
            ))}
          </dl>
          {data.stories.length > 0 && (
            <ul class="stories" data-testid="popup-stories">
              {/* The latest first: the one the tester just played. Ten at most; the panel has all. */}
              {data.stories.slice(-10).reverse().map((st) => (
                <li key={st.id} data-testid="popup-story" data-outcome={st.outcome}>
                  <strong>{st.label}</strong> <span class={`verdict verdict-${st.outcome}`}>{st.sentence}</span>
                </li>
              ))}
            </ul>
          )}
          {data.dropped > 0 && <p class="warn">{data.dropped} events lost (buffer overflow).</p>}
          {!data.recording && <p class="warn">Recording is paused in the panel.</p>}
          <div class="buttons">
            <button type="button" class="export" data-testid="popup-export" disabled={nothing}
              title={nothing ? 'Nothing to export yet: no bus event or command captured' : undefined} onClick={onExport}>
              Export session
            </button>
            {onReport && (
              <button type="button" class="export" data-testid="popup-report" disabled={nothing}
                title={nothing ? 'Nothing to report yet: no bus event or command captured' : 'One HTML file for a ticket: verdict, stories, findings, coverage, notes'} onClick={onReport}>
                Report
              </button>
            )}
          </div>
          <p class="muted hint">Open DevTools → “Callback” for the timeline, the events and the findings.</p>
        </>
      )}
    </div>
  )
}
