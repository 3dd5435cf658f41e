// Panel. An event's metadata as a table: field, value, type, and how it differs from the previous
// event of the same interaction (added, changed with the value before, unchanged). Changed and
// added rows are highlighted; timestamps also show their wall-clock time. An object or array that
// changed lists the nested values that changed (`form._customer_number: "a" → "b"`), since its whole
// JSON hides the one field that matters. Fixed column widths, long values wrap inside their cell,
// long names end in "…" (panel.css).
import { nestedChanges, type DiffRow, type NestedChange } from '../../lib/diff.ts'
import type { Json } from '../../../../src/core/model.ts'
import { describeType, formatClock, formatValue, TIMESTAMP_FIELDS } from '../../lib/format.ts'

const STATUS_TEXT: Record<DiffRow['status'], string> = { added: 'added', removed: 'removed', changed: 'changed', unchanged: '' }

/**
 * `previousName`: the event compared with; null for the first of an interaction; 'attributed' for an
 * entry attributed to an interaction without being a lifecycle step; undefined outside any.
 */
export function MetadataTable({ rows, previousName }: { rows: readonly DiffRow[]; previousName: string | null | 'attributed' | undefined }) {
  // Outside the lifecycle there is nothing to compare with: no Change column that would call every field "added".
  const compared = previousName !== 'attributed' && previousName !== undefined
  return (
    <table class={`meta ${compared ? '' : 'meta-plain'}`} data-testid="metadata-table">
      <caption>
        {previousName === 'attributed'
          ? 'Data (part of this interaction, not a lifecycle step: nothing to compare with)'
          : previousName
            ? `Changes since the previous event of this interaction (${previousName})`
            : previousName === null
              ? 'First event of its interaction: every field is new'
              : 'Data (not part of an interaction)'}
      </caption>
      <colgroup>
        <col class="col-field" />
        <col class="col-value" />
        <col class="col-type" />
        {compared && <col class="col-change" />}
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
          <th scope="col">Type</th>
          {compared && <th scope="col">Change</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const value = r.status === 'removed' ? r.before : r.after
          const shown = formatValue(value)
          return (
            <tr key={r.key} class={compared ? `diff-${r.status}` : ''} data-testid="diff-row" data-key={r.key} data-status={compared ? r.status : undefined}>
              <th scope="row" title={r.key}>
                {r.key}
              </th>
              <td class="mono" title={wholeIfCut(shown, value)} data-testid="meta-value">
                {shown}
                {TIMESTAMP_FIELDS.has(r.key) && typeof value === 'number' && value > 1e11 ? <span class="hint"> {formatClock(value)}</span> : null}
              </td>
              <td class="type" title={describeType(r.key, value)}>
                {describeType(r.key, value)}
              </td>
              {compared && (
                <td class="change">
                  {STATUS_TEXT[r.status]}
                  {r.status === 'changed' ? <ChangeDetail row={r} /> : null}
                </td>
              )}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** A value shown cut with "…": whole in its tooltip (up to a screenful; the raw envelope has all of it). */
const wholeIfCut = (shown: string, value: Json | undefined): string | undefined => (shown.endsWith('…') ? formatValue(value, 4000) : undefined)

/** One nested change as text: `form.a: "x" → "y"`, `errors[1]: added "z"`, `form.b: removed (was 1)`; each value cut at `max`. */
export function describeNestedChange(c: NestedChange, max = 80): string {
  if (c.status === 'added') return `${c.path}: added ${formatValue(c.after, max)}`
  if (c.status === 'removed') return `${c.path}: removed (was ${formatValue(c.before, max)})`
  return `${c.path}: ${formatValue(c.before, max)} → ${formatValue(c.after, max)}`
}

function ChangeDetail({ row }: { row: DiffRow }) {
  const { changes, more } = nestedChanges(row.key, row.before as Json | undefined, row.after as Json | undefined)
  if (changes.length === 0) {
    const was = formatValue(row.before, 60)
    const whole = wholeIfCut(was, row.before)
    return <span class="mono" title={whole && `was ${whole}`}> was {was}</span>
  }
  return (
    <ul class="nested-changes mono" data-testid="nested-changes">
      {changes.map((c) => (
        // The tooltip has the values whole (up to a screenful), as the Value column's does.
        <li key={c.path} data-path={c.path} data-status={c.status} title={describeNestedChange(c, 4000)}>
          <span class="path">{c.path}</span>
          <span class="sep">: </span>
          {describeNestedChange(c).slice(c.path.length + 2)}
        </li>
      ))}
      {more > 0 && <li class="muted">… and {more} more</li>}
    </ul>
  )
}
