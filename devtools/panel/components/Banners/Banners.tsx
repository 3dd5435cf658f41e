// Panel. One-line banners above the panel's content: the imported-file view, an error (an invalid
// import names the position of the problem), lost events, the connection state and a closed tab.

/** `options`: the check options an imported report carries, in use for it ([] for none). */
export function ImportedBanner({ name, progress, options = [], onBack }: { name: string; progress: number; options?: readonly string[]; onBack: () => void }) {
  return (
    <div class="banner banner-info" data-testid="imported-banner" role="status" data-checked={progress >= 1}>
      <span>
        Viewing imported file <strong>{name}</strong>
        {progress < 1 && <span class="muted" data-testid="check-progress"> · checking… {Math.floor(progress * 100)}%</span>}
        {options.length > 0 && (
          <span data-testid="imported-options">
            {' '}· checked with the check options the report was made with: {options.join('; ')} (saving Settings checks it with yours)
          </span>
        )}
      </span>
      <button type="button" class="link" onClick={onBack} data-testid="back-to-live">
        back to live
      </button>
    </div>
  )
}

export function ErrorBanner({ title, message, onDismiss }: { title: string; message: string; onDismiss: () => void }) {
  return (
    <div class="banner banner-error" data-testid="error-banner" role="alert">
      <span>
        <strong>{title}</strong> {message}
      </span>
      <button type="button" class="link" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  )
}

export function DroppedBanner({ count }: { count: number }) {
  return (
    <div class="banner banner-warning" data-testid="dropped-banner" role="status">
      {count} event{count === 1 ? ' was' : 's were'} lost because a capture buffer overflowed. A marker row says how many and where the gap is
      (the extension's full store evicts the oldest: its row comes after the events that evicted them and names the # they were before).

    </div>
  )
}

export function StorageBanner({ message }: { message: string }) {
  return (
    <div class="banner banner-warning" data-testid="storage-banner" role="status">
      The extension {message}. Nothing is lost: new events appear here once saving works again.
    </div>
  )
}

export function ConnectionBanner({ status }: { status: 'reconnecting' | 'closed' }) {
  return (
    <div class="banner banner-warning" data-testid="connection-banner" role="status">
      {status === 'reconnecting'
        ? 'Reconnecting to the extension background…'
        : 'The extension was reloaded or removed: close and reopen DevTools to capture again.'}
    </div>
  )
}

export function TabClosedBanner() {
  return (
    <div class="banner banner-warning" data-testid="tab-closed-banner" role="status">
      The inspected tab is closed: nothing more is captured here. What this panel shows stays until you close it; export it to keep it.
    </div>
  )
}
