// Panel. The event list's filters: plugin, event, minimum severity and free text (searched in data
// too). The text box applies on input; the list filter is fast enough not to need a debounce.
import type { Filter } from '../../lib/filter.ts'
import { isFilterActive, EMPTY_FILTER } from '../../lib/filter.ts'

export interface FilterBarProps {
  filter: Filter
  plugins: readonly string[]
  names: readonly string[]
  shown: number
  total: number
  onChange(filter: Filter): void
}

export function FilterBar({ filter, plugins, names, shown, total, onChange }: FilterBarProps) {
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
        {names.map((n) => (
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
        <option value="">Any finding</option>
        <option value="error">Errors</option>
        <option value="warning">Warnings and worse</option>
        <option value="info">With any finding</option>
      </select>
      <span class="filter-count" data-testid="filter-count">
        {isFilterActive(filter) ? `${shown} of ${total}` : `${total} entries`}
      </span>
      {isFilterActive(filter) && (
        <button type="button" class="link" onClick={() => onChange(EMPTY_FILTER)}>
          reset
        </button>
      )}
    </div>
  )
}
