// Panel. What the panel shows while there is nothing to inspect yet (no bus event or command, at
// most our own markers): whether a bus was found, what the hook looks for (SPEC.md §1), what to do
// next, and the markers captured so far (page loads, frames, the bus found), so a user on a page
// without widgets sees that the capture works and where it looked.
import type { SessionEntry } from '../../../../src/core/model.ts'
import { describeMarker, droppedKind, isFrameLoad } from '../../lib/entries.ts'
import { formatClock } from '../../lib/format.ts'

export interface EmptyStateProps {
  bus: { via: string; widgetsVersion?: string } | null
  /** The inspected page (or the imported file's source): "no bus found yet on <url>". */
  url?: string | undefined
  /** The session's entries: only markers while the empty state shows. */
  markers?: readonly SessionEntry[]
  recording: boolean
  /** The inspected tab is closed, or no tab has the panel's id: no bus will come. */
  closed?: boolean
  /** An imported file is shown: it holds what it holds, no hint to act on a page. */
  imported?: boolean
  onImport: () => void
}

export const LOOKED_FOR = [
  'window.CXBus',
  'window._genesys.widgets.bus',
  'window._genesys.widgets.onReady',
  'window._genesys.cxwidget.bus (Widgets 8.5)',
] as const

/** Markers listed under the empty state: the latest ones (a page reloading in a loop adds many). */
export const MAX_EMPTY_MARKERS = 30

export function EmptyState({ bus, url, markers = [], recording, closed = false, imported = false, onImport }: EmptyStateProps) {
  const shown = markers.slice(-MAX_EMPTY_MARKERS)
  return (
    <div class="empty" data-testid="empty-state">
      {imported ? (
        <>
          <h2 data-testid="empty-title">The imported file holds no Callback interaction</h2>
          <p>It holds no bus event or command{markers.length ? ', only the markers below' : ''}.</p>
        </>
      ) : closed ? (
        <>
          <h2 data-testid="empty-title">The inspected tab is closed</h2>
          <p>Nothing can be captured here: the tab was closed, or no open tab has the id this panel was opened with.</p>
        </>
      ) : bus ? (
        <>
          <h2>Bus found, no Callback event yet</h2>
          <p>
            Found via <code>{bus.via}</code>
            {bus.widgetsVersion ? ` (Widgets ${bus.widgetsVersion})` : ''}
            {url ? (
              <>
                {' '}
                on <span class="empty-url">{url}</span>
              </>
            ) : null}
            . Open the Callback window on the page to start an interaction.
          </p>
        </>
      ) : (
        <>
          <h2 data-testid="empty-title">
            No Genesys Widgets bus found yet{url ? ' on ' : ''}
            {url ? <span class="empty-url">{url}</span> : null}
          </h2>
          <p>Looked for:</p>
          <ul>
            {LOOKED_FOR.map((name) => (
              <li key={name}>
                <code>{name}</code>
              </li>
            ))}
          </ul>
          <p>Reload the page with DevTools open if Widgets loaded before the extension, or check that the page loads Genesys Widgets.</p>
        </>
      )}
      {!recording && !closed && <p class="warn-text">Recording is paused: press Record to capture events.</p>}
      <p>
        Or{' '}
        <button type="button" class="link" onClick={onImport}>
          import a session file
        </button>{' '}
        (you can also drop one on the panel).
      </p>
      {shown.length > 0 && (
        <section class="empty-markers" aria-label="Captured so far">
          <h3>Captured so far{markers.length > shown.length ? ` (latest ${shown.length} of ${markers.length})` : ''}</h3>
          <ul data-testid="empty-markers">
            {shown.map((m) => {
              const where = droppedKind(m)
              return (
                <li
                  key={m.seq}
                  class={`empty-marker marker-${m.kind === 'marker' ? m.marker : m.kind}${isFrameLoad(m) ? ' marker-frame-load' : ''}${where && where !== 'overflow' ? ` marker-dropped-${where}` : ''}`}
                  data-testid="empty-marker"
                >
                  <span class="muted">{formatClock(m.time)}</span> {describeMarker(m)}
                </li>
              )
            })}
          </ul>
        </section>
      )}
    </div>
  )
}
