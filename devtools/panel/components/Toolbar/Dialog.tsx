// Panel. A minimal modal (settings, rules): Escape or the close button dismisses it.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'

export function Dialog({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ComponentChildren; testId: string }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => ref.current?.focus(), [])
  return (
    <div class="backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        ref={ref}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header class="dialog-head">
          <h2>{title}</h2>
          <button type="button" class="link" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div class="dialog-body">{children}</div>
      </div>
    </div>
  )
}
