// Page world (the hook). The hook's batches as JSON text, made on the page's thread at idle time:
// one string is what the page's thread then clones (a structured clone of the entries' objects cost
// several times more), and neither the relay (same thread) nor the test kit's binding walks it again.
import { apply, getOwnPropertyDescriptor, getPrototypeOf, isArray, jsonStringify, ObjectProto, ownKeys, setPrototypeOf } from './builtins.ts'

const ArrayProto = Array.prototype

/**
 * The native JSON.stringify runs no page code on the hook's entries (its own copies: plain data
 * properties, made by snapshot.ts) unless the page put a `toJSON` where the lookup from them reaches:
 * Object.prototype or Array.prototype (or gave Array.prototype another prototype). Checked per batch.
 */
function nativeIsSafe(): boolean {
  try {
    return !getOwnPropertyDescriptor(ObjectProto, 'toJSON') && !getOwnPropertyDescriptor(ArrayProto, 'toJSON') && getPrototypeOf(ArrayProto) === ObjectProto
  } catch {
    return false
  }
}

/** JSON text of the hook's own data (JSON values only). Never runs page code. */
export function toJson(value: unknown): string {
  return nativeIsSafe() ? (apply(jsonStringify, JSON, [value]) as string) : write(value)
}

/**
 * JSON text of a batch: one of the hook's null-prototype lists (builtins.ts list()) of entries, on its
 * way out (nothing writes to it any more). It gets Array.prototype back first when the native
 * stringify is used: V8 serializes an array without it several times slower (measured 3x). Its
 * slots are its own and dense, so no page index accessor is reached through the prototype.
 */
export function batchJson(batch: unknown[]): string {
  if (!nativeIsSafe()) return write(batch)
  if (getPrototypeOf(batch) === null) setPrototypeOf(batch, ArrayProto)
  return apply(jsonStringify, JSON, [batch]) as string
}

/** The slow way, for a page that planted a toJSON: own keys only, primitives through the native stringify (no lookup on them). */
function write(value: unknown): string {
  if (value === null || typeof value !== 'object') return (apply(jsonStringify, JSON, [value]) as string | undefined) ?? 'null'
  let text = ''
  if (isArray(value)) {
    const n = getOwnPropertyDescriptor(value, 'length')?.value as number
    for (let i = 0; i < n; i++) text += `${i > 0 ? ',' : ''}${write(getOwnPropertyDescriptor(value, `${i}`)?.value)}`
    return `[${text}]`
  }
  const keys = ownKeys(value)
  let first = true
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]
    const d = typeof k === 'string' ? getOwnPropertyDescriptor(value, k) : undefined
    if (!d || !d.enumerable || d.value === undefined) continue
    text += `${first ? '' : ','}${apply(jsonStringify, JSON, [k]) as string}:${write(d.value)}`
    first = false
  }
  return `{${text}}`
}
