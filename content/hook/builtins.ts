// Page world (the hook). The built-ins the hook uses, captured when the hook's bundle runs (document_start,
// before any page script): a page that later replaces or poisons them cannot break the hook. Also the
// hook's own page-unreachable containers (null-prototype arrays and name sets).

export type Fn = (...args: unknown[]) => unknown
export type Bag = Record<string, unknown>

// ---------------------------------------------------------------------------------------------
// Built-ins, captured at document_start: a page that later replaces them cannot break us.
export const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf, prototype: ObjectProto } = Object
export const hasOwn = ObjectProto.hasOwnProperty
export const { apply, ownKeys } = Reflect
export const isArray = Array.isArray
export const now = Date.now
export const setTimer = globalThis.setTimeout
export const idleCallback: Fn | undefined = typeof requestIdleCallback === 'function' ? (requestIdleCallback as Fn) : undefined
export const queueTask: (cb: () => void) => void = typeof queueMicrotask === 'function' ? queueMicrotask : (cb) => void Promise.resolve().then(cb)
export const MC = typeof MessageChannel === 'function' ? MessageChannel : undefined
// Port methods read from a real port's prototype (not the MessagePort global, which a page could
// replace, and which in Node-based tests is not the class MessageChannel makes).
export const portProto: Record<string, unknown> | null = MC ? (() => {
  const probe = new MC()
  probe.port1.close()
  probe.port2.close()
  return Object.getPrototypeOf(probe.port1) as Record<string, unknown>
})() : null
export const portPost = portProto?.postMessage as Fn | undefined
export const portClose = portProto?.close as Fn | undefined
export const portOnMessage = portProto ? getOwnPropertyDescriptor(portProto, 'onmessage')?.set : undefined
export const WeakSetCtor = WeakSet
export const weakHas = WeakSet.prototype.has
export const weakAdd = WeakSet.prototype.add
export const WeakMapCtor = WeakMap
export const weakMapGet = WeakMap.prototype.get
export const weakMapSet = WeakMap.prototype.set
export const stringIndexOf = String.prototype.indexOf
export const stringSlice = String.prototype.slice
export const createObject = Object.create
export const setPrototypeOf = Object.setPrototypeOf
/**
 * A descriptor for defineProperty with no prototype: defineProperty reads `get`, `set` and `value`
 * through the chain, so a `get` the page put on Object.prototype would run (and clash with `value`).
 */
export const descriptor = (d: PropertyDescriptor): PropertyDescriptor => setPrototypeOf(d, null) as PropertyDescriptor
export const mathFloor = Math.floor
// MessageEvent fields through the built-in getters: a page that replaces them on the prototype
// would otherwise be handed our events (and with them the ports they came on).
export const eventGetter = (key: string): Fn | undefined =>
  typeof MessageEvent === 'function' ? (getOwnPropertyDescriptor(MessageEvent.prototype, key)?.get as Fn | undefined) : undefined
export const msgData = eventGetter('data')
export const msgSource = eventGetter('source')
// The pagehide hand-over to the relay (protocol.ts RelayToHook `ready`): a page that replaces
// CustomEvent or EventTarget.prototype.dispatchEvent later gets nothing from it.
export const CustomEventCtor = typeof CustomEvent === 'function' ? CustomEvent : undefined
export const dispatch = typeof EventTarget === 'function' ? (EventTarget.prototype.dispatchEvent as Fn) : undefined
export const stopImmediate = typeof Event === 'function' ? (Event.prototype.stopImmediatePropagation as Fn) : undefined
export function readEvent(ev: object, getter: Fn | undefined, key: string): unknown {
  try {
    if (getter) return apply(getter, ev, [])
  } catch {
    // not a real MessageEvent (tests pass plain objects)
  }
  return (ev as Bag)[key]
}

/**
 * An array the page cannot reach: no prototype, so `a[a.length] = v` defines an own slot instead of
 * running an index setter a page put on Array.prototype, and nothing (slice's species lookup, an
 * iterator) goes through Array.prototype. Every array the hook writes to is made here.
 */
export function list<T>(): T[] {
  return setPrototypeOf([], null) as T[]
}
/** A string-keyed set of the hook's own: a null-prototype object (Set.prototype is the page's). */
export type NameSet = Record<string, true>
export const nameSet = (): NameSet => createObject(null) as NameSet
export const namesOf = (set: NameSet): string[] => ownKeys(set) as string[]
export const mathRandom = Math.random
export const jsonStringify = JSON.stringify
export const promiseThen = Promise.prototype.then
export const noop = (): void => undefined
