// Panel. What the panel shows before there is anything to show: whether a bus was found, what the
// hook looks for (SPEC.md §1), and what to do next.

export interface EmptyStateProps {
  bus: { via: string; widgetsVersion?: string } | null
  recording: boolean
  onImport: () => void
}

export const LOOKED_FOR = [
  'window.CXBus',
  'window._genesys.widgets.bus',
  'window._genesys.widgets.onReady',
  'window._genesys.cxwidget.bus (Widgets 8.5)',
] as const

export function EmptyState({ bus, recording, onImport }: EmptyStateProps) {
  return (
    <div class="empty" data-testid="empty-state">
      {bus ? (
        <>
          <h2>Bus found, no Callback event yet</h2>
          <p>
            Found via <code>{bus.via}</code>
            {bus.widgetsVersion ? ` (Widgets ${bus.widgetsVersion})` : ''}. Open the Callback window on the page to start an
            interaction.
          </p>
        </>
      ) : (
        <>
          <h2>No Genesys Widgets bus found yet</h2>
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
      {!recording && <p class="warn-text">Recording is paused: press Record to capture events.</p>}
      <p>
        Or{' '}
        <button type="button" class="link" onClick={onImport}>
          import a session file
        </button>{' '}
        (you can also drop one on the panel).
      </p>
    </div>
  )
}
