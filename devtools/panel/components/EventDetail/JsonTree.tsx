// Panel. A JSON value as a collapsible tree (<details>), rendered as text. Objects and arrays below
// the first levels start collapsed so a huge envelope does not flood the pane.
import type { Json } from '../../../../src/core/model.ts'

export function JsonTree({ value, name, depth = 0 }: { value: Json; name?: string; depth?: number }) {
  const label = name === undefined ? null : <span class="json-key">{JSON.stringify(name)}: </span>
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-leaf">
        {label}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    )
  }
  const isArray = Array.isArray(value)
  const items: [string, Json][] = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value)
  const [open, close] = isArray ? ['[', ']'] : ['{', '}']
  if (items.length === 0) {
    return (
      <div class="json-leaf">
        {label}
        {open}
        {close}
      </div>
    )
  }
  return (
    <details class="json-node" open={depth < 2}>
      <summary>
        {label}
        {open}
        <span class="json-count">
          {' '}
          {items.length} {isArray ? 'items' : 'keys'}{' '}
        </span>
        {close}
      </summary>
      <div class="json-children">
        {items.map(([k, v]) => (
          <JsonTree key={k} value={v} depth={depth + 1} {...(isArray ? {} : { name: k })} />
        ))}
      </div>
    </details>
  )
}
