// Panel. An event's metadata as a table: field, value, type, and how it differs from the previous
// event of the same interaction (added, changed with the value before, unchanged). Changed and
// added rows are highlighted; timestamps also show their wall-clock time.
import type { DiffRow } from '../../lib/diff.ts'
import { describeType, formatClock, formatValue, TIMESTAMP_FIELDS } from '../../lib/format.ts'

const STATUS_TEXT: Record<DiffRow['status'], string> = { added: 'added', removed: 'removed', changed: 'changed', unchanged: '' }

/** `previousName`: the event compared with; null for the first of an interaction; undefined outside any. */
export function MetadataTable({ rows, previousName }: { rows: readonly DiffRow[]; previousName: string | null | undefined }) {
  return (
    <table class="meta" data-testid="metadata-table">
      <caption>
        {previousName
          ? `Changes since the previous event of this interaction (${previousName})`
          : previousName === null
            ? 'First event of its interaction: every field is new'
            : 'Data (not part of an interaction)'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
          <th scope="col">Type</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const value = r.status === 'removed' ? r.before : r.after
          return (
            <tr key={r.key} class={`diff-${r.status}`} data-testid="diff-row" data-key={r.key} data-status={r.status}>
              <th scope="row">{r.key}</th>
              <td class="mono">
                {formatValue(value)}
                {TIMESTAMP_FIELDS.has(r.key) && typeof value === 'number' && value > 1e11 ? <span class="hint"> {formatClock(value)}</span> : null}
              </td>
              <td class="type">{describeType(r.key, value)}</td>
              <td class="change">
                {STATUS_TEXT[r.status]}
                {r.status === 'changed' ? <span class="mono"> was {formatValue(r.before, 60)}</span> : null}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
