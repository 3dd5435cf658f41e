// Panel. The event list's filters: plugin, event (names grouped by pattern), minimum severity, free
// text (searched in data too), and the one visible switch that shows the bus entries of plugins
// outside the focus (housekeeping). The text box applies on input; the list filter is fast enough
// not to need a debounce.
import type { Filter } from '../../lib/filter.ts'
import { isFilterActive, EMPTY_FILTER } from '../../lib/filter.ts'

export interface FilterBarProps {
  filter: Filter
  plugins: readonly string[]
  /** Event names grouped by pattern (src/core/focus.ts namePattern). */
  patterns: readonly string[]
  shown: number
  total: number
  /** Bus entries outside the focus, hidden while filter.others is off. */
  others: number
  /** Of those, how many the text filter matches (0 when shown or no text). */
  hiddenMatches?: number
  onChange(filter: Filter): void
}

export function FilterBar({ filter, plugins, patterns, shown, total, others, hiddenMatches = 0, onChange }: FilterBarProps) {
  const set = (patch: Partial<Filter>): void => onChange({ ...filter, ...patch })
  return (
    <div class="filters" role="search">
      <input
        type="search"
        class="filter-text"
        placeholder="Filter (also inside data)"
        aria-label="Filter text"
        data-testid="filter-text"
        value={filter.text}
        onInput={(e) => set({ text: e.currentTarget.value })}
      />
      <select aria-label="Plugin" data-testid="filter-plugin" value={filter.plugin} onChange={(e) => set({ plugin: e.currentTarget.value })}>
        <option value="">All plugins</option>
        {plugins.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <select aria-label="Event" data-testid="filter-event" value={filter.event} onChange={(e) => set({ event: e.currentTarget.value })}>
        <option value="">All events</option>
        {patterns.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <select
        aria-label="Severity"
        data-testid="filter-severity"
        value={filter.severity}
        onChange={(e) => set({ severity: e.currentTarget.value as Filter['severity'] })}
      >
        <option value="">All entries</option>
        <option value="error">Errors</option>
        <option value="warning">Warnings+</option>
        <option value="info">Any finding</option>
      </select>
      {others > 0 && (
        <button
          type="button"
          class={`tb-btn others ${filter.others ? 'on' : ''}`}
          data-testid="filter-others"
          aria-pressed={filter.others}
          title={filter.others ? 'Hide the bus entries of other plugins (housekeeping such as Watchman, WindowManager, App)' : 'Show the bus entries of other plugins (housekeeping such as Watchman, WindowManager, App)'}
          onClick={() => set({ others: !filter.others })}
        >
          {filter.others ? `hide ${others} other bus entries` : hiddenMatches > 0 ? `+${hiddenMatches} matching other bus entries: show` : `+${others} other bus entries: show`}
        </button>
      )}
      <span class="filter-count" data-testid="filter-count">
        {shown === total ? `${total} entries` : `${shown} of ${total}`}
      </span>
      {isFilterActive(filter) && (
        <button type="button" class="link" onClick={() => onChange({ ...EMPTY_FILTER, others: filter.others })}>
          reset
        </button>
      )}
    </div>
  )
}
