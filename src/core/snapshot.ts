// Runs everywhere, and above all inside the page hook (MAIN world), bundled into content/hook.js.
// Its job: turn any value the page hands us (a bus envelope's data, a command's options) into a
// bounded, JSON-safe copy AT THE MOMENT OF RECEIPT, without letting the page crash or stall us and
// without side effects the page could observe beyond reading each property once.
//
// Rules (ARCHITECTURE.md "Copy at receipt", unit-tested case by case in test/unit/snapshot.test.ts):
// - bounded: depth, string length, array length, key count, and a total budget of values and chars;
//   every cut is visible as a labelled placeholder, never silent;
// - cycles -> "[Circular]" (shared, non-cyclic references are copied again, within the budget);
// - functions -> "[Function name]", DOM nodes -> "[Node DIV#id.class]", windows (also cross-origin
//   ones) -> "[Window]", document.all (typeof "undefined") -> "[HTMLAllCollection]";
// - types are told without Object.prototype.toString, which reads Symbol.toStringTag through the
//   page's prototype chain (a getter there would run): by own descriptors, prototype identity and
//   built-in brand checks (tagOf);
// - page getters never run (as in Chrome DevTools' object previews): an accessor property becomes
//   "[Getter]" (a getter could publish, count, or change the page's state); only own data
//   properties are read, so an index getter on Array.prototype is never reached through a hole;
// - Proxies whose traps throw, revoked Proxies -> "[Unreadable: message]" (a Proxy's traps are the
//   one kind of page code that still runs: each at most once per key, as every object's keys are
//   listed once and each key's descriptor read once);
// - page `toJSON` methods are never called; Date -> ISO string (read with the built-in getter);
// - BigInt -> "[BigInt 123]", Symbol values -> "Symbol(desc)"; symbol keys are left out (as JSON does);
// - NaN / Infinity / -Infinity -> "[NaN]" / "[Infinity]" / "[-Infinity]" (JSON has no such numbers);
// - undefined: object keys holding it are left out and array slots become null, exactly as JSON does;
// - key "__proto__" is renamed "[__proto__]": every consumer after this gate (panel, checker,
//   storage, export, CLI) may copy objects with `out[k] = v`, which would turn a "__proto__" key into
//   a prototype change. "constructor" and other keys are kept as plain data properties.
// Setters a page planted on Object.prototype / Array.prototype never run: copied objects inherit
// from a private, empty prototype (OUT_PROTO) instead of Object.prototype, and array slots are
// made with Object.defineProperty.

import type { Json, JsonObject } from './model.ts'

// Built-ins captured when this module is evaluated: in the hook that is document_start, before any
// page script, so a page that later overwrites them cannot change what we do.
const { create: objectCreate, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, prototype: ObjectProto } = Object
const { apply } = Reflect
const hasOwn = Object.hasOwn
/**
 * The prototype of every copied object: empty, its own prototype null, never handed out, so no
 * setter can be on the chain (a page's on Object.prototype, or the __proto__ accessor) and a plain
 * assignment, several times faster than defineProperty, always makes an own data property.
 * JSON.stringify, structured clone and the relay see ordinary objects.
 */
const OUT_PROTO: object = objectCreate(null)

/**
 * The one descriptor put() hands to defineProperty, reused (no object per array slot). It inherits
 * from OUT_PROTO, so nothing: not the `get` or `set` a page may put on Object.prototype (and
 * unlike a null-prototype object, V8 keeps it in its fast form).
 */
const PUT = objectCreate(OUT_PROTO) as PropertyDescriptor
PUT.value = undefined
PUT.enumerable = PUT.writable = PUT.configurable = true
const ownNames = Object.getOwnPropertyNames
/** One empty argument list for apply() on the hot path (no array per call). */
const NO_ARGS: never[] = []
const isArray = Array.isArray
const TAG = Symbol.toStringTag
const DateProto = Date.prototype
const StringCtor = String
const numberIsFinite = Number.isFinite
const numberIsNaN = Number.isNaN
const dateGetTime = Date.prototype.getTime
const dateToISOString = Date.prototype.toISOString
const symbolToString = Symbol.prototype.toString
const bigintToString = BigInt.prototype.toString
const stringSlice = String.prototype.slice
const regexpExec = RegExp.prototype.exec
const stringReplace = String.prototype.replace
const stringTrim = String.prototype.trim
const mathMin = Math.min
/** The DOM's own getters for a node's label (a page may replace them on the prototypes later). */
const domGetter = (key: string): ((this: unknown) => unknown) | undefined => {
  try {
    const c = (globalThis as Record<string, unknown>).HTMLElement as { prototype: object } | undefined
    for (let o: object | null = c ? c.prototype : null; o; o = getPrototypeOf(o)) {
      const d = getOwnPropertyDescriptor(o, key)
      if (d) return d.get as (this: unknown) => unknown
    }
  } catch {
    // no DOM here (background, CLI)
  }
  return undefined
}
const nodeNameGet = domGetter('nodeName')
const idGet = domGetter('id')
const classNameGet = domGetter('className')
/** Node.prototype of this realm, where there is a DOM (a node of another frame is told by its tag). */
const NodeProto = ((globalThis as Record<string, unknown>).Node as { prototype?: object } | undefined)?.prototype
/** %TypedArray%.prototype's built-in Symbol.toStringTag getter: the typed array's name, or undefined. */
const typedArrayTag = getOwnPropertyDescriptor(getPrototypeOf(Uint8Array.prototype) as object, TAG)?.get
/**
 * The `window` getter, an own property of every window: a brand check for a Window of any frame,
 * also a cross-origin one (which shows no prototype and no enumerable keys); it throws on anything else.
 */
const windowGet = (() => {
  try {
    return getOwnPropertyDescriptor(globalThis, 'window')?.get
  } catch {
    return undefined
  }
})()

export interface SnapshotLimits {
  /** Nesting depth below the root that is copied; deeper objects become "[Object]" / "[Array(n)]". */
  maxDepth: number
  /** Longest string kept whole; longer ones are cut with a note of the original length. */
  maxString: number
  /** Items kept per array; the rest is summarised by one "[… N more items]" item. */
  maxArray: number
  /** Keys kept per object; the rest is summarised by one "[…]" key. */
  maxKeys: number
  /** Values (of any kind) copied per snapshot; past it every value is "[Budget exceeded]". */
  maxNodes: number
  /** String characters copied per snapshot (keys and values); past it strings become placeholders. */
  maxChars: number
}

export const DEFAULT_LIMITS: SnapshotLimits = {
  maxDepth: 8,
  maxString: 10_000,
  maxArray: 1_000,
  maxKeys: 200,
  maxNodes: 20_000,
  maxChars: 500_000,
}

export const CIRCULAR = '[Circular]'
export const GETTER = '[Getter]'
export const BUDGET_EXCEEDED = '[Budget exceeded]'
export const PROTO_KEY = '[__proto__]'

/** Marker key for the keys cut by maxKeys. */
export const MORE_KEYS = '[…]'

interface State {
  limits: SnapshotLimits
  nodes: number
  chars: number
  /**
   * Objects on the current path (cycle detection), path[0..depth): at most maxDepth long, so a short
   * scan is cheaper than WeakSet updates on this hot path.
   */
  path: (object | null)[]
}

/** A bounded, JSON-safe copy of `value`. Never throws. */
export function snapshot(value: unknown, limits?: Partial<SnapshotLimits>): Json {
  // A page getter may publish again while we copy (a nested snapshot): that one gets its own path.
  const path = idlePath ?? pathArray()
  idlePath = null
  const state: State = { limits: limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS, nodes: 0, chars: 0, path }
  try {
    const out = copy(value, 0, state)
    return out === undefined ? null : out
  } catch (err) {
    // Nothing below is meant to throw (each page access has its own try); this is the last line.
    return thrown('Unreadable', err)
  } finally {
    for (let i = 0; i < path.length && path[i] !== null; i++) path[i] = null // hold no page object
    idlePath = path
  }
}

/**
 * Path arrays are made with own slots (defineProperty), so writing path[i] never reaches an index
 * setter a page planted on Array.prototype; one is reused from snapshot to snapshot.
 */
function pathArray(): (object | null)[] {
  const path: (object | null)[] = []
  for (let i = 0; i <= DEFAULT_LIMITS.maxDepth; i++) put(path, i, null)
  return path
}
let idlePath: (object | null)[] | null = pathArray()

/** Copy one value; `undefined` means "leave out" (object keys) or null (array slots). */
function copy(value: unknown, depth: number, s: State): Json | undefined {
  if (++s.nodes > s.limits.maxNodes) return BUDGET_EXCEEDED
  switch (typeof value) {
    case 'undefined':
      // document.all is the one object whose typeof is "undefined" ([[IsHTMLDDA]]).
      return value === undefined ? undefined : '[HTMLAllCollection]'
    case 'boolean':
      return value
    case 'number':
      if (numberIsFinite(value)) return value === 0 ? 0 : value // -0 -> 0
      return numberIsNaN(value) ? '[NaN]' : value > 0 ? '[Infinity]' : '[-Infinity]'
    case 'string':
      return copyString(value, s)
    case 'bigint':
      return `[BigInt ${apply(bigintToString, value, [])}]`
    case 'symbol':
      return apply(symbolToString, value, []) as string
    case 'function':
      return describeFunction(value as (...args: unknown[]) => unknown)
    case 'object':
      if (value === null) return null
      return copyObject(value, depth, s)
    default:
      return `[${typeof value}]`
  }
}

function copyString(value: string, s: State): string {
  const { maxString, maxChars } = s.limits
  const room = maxChars - s.chars
  if (room <= 0) return `[String (${value.length} chars): budget exceeded]`
  if (value.length <= maxString && value.length <= room) {
    s.chars += value.length
    return value
  }
  const keep = mathMin(maxString, room)
  s.chars += keep
  return `${apply(stringSlice, value, [0, keep]) as string}…[truncated, ${value.length} chars]`
}

function describeFunction(fn: (...args: unknown[]) => unknown): string {
  let name = ''
  try {
    // Own data property only: a getter named "name" on a page function must not run.
    const v = dataValue(getOwnPropertyDescriptor(fn, 'name'))
    if (typeof v === 'string') name = v
  } catch {
    // A Proxy around a function: keep the anonymous label.
  }
  return name ? `[Function ${apply(stringSlice, name, [0, 100])}]` : '[Function]'
}

function copyObject(obj: object, depth: number, s: State): Json {
  let proto: object | null
  let array: boolean
  try {
    // No page code runs here but a Proxy's getPrototypeOf trap; isArray throws on a revoked Proxy.
    proto = getPrototypeOf(obj)
    array = isArray(obj)
  } catch (err) {
    return thrown('Unreadable', err)
  }
  // The hot path: an object literal (prototype Object.prototype) or an array is nothing special.
  const plain = array || proto === ObjectProto
  if (!plain) {
    let special: string | null
    try {
      special = describeSpecial(obj, proto)
    } catch (err) {
      return thrown('Unreadable', err) // a Proxy whose trap throws
    }
    if (special !== null) return special
  }

  const path = s.path
  for (let i = 0; i < depth; i++) if (path[i] === obj) return CIRCULAR
  if (depth >= s.limits.maxDepth) return array ? '[Array]' : '[Object]'

  if (depth < path.length) path[depth] = obj // entries past the current depth are stale, never scanned
  else put(path, depth, obj)
  return array ? copyArray(obj as unknown[], depth, s) : copyPlain(obj, depth, s, plain ? undefined : proto)
}

/**
 * What Object.prototype.toString would call the object, without running a page getter (it reads
 * Symbol.toStringTag through the prototype chain): the first Symbol.toStringTag on the chain when it
 * is a data property (as on every built-in prototype) or the typed arrays' built-in getter; 'Date' /
 * 'Node' when the chain reaches this realm's Date.prototype / Node.prototype; '' otherwise (also for
 * a page's getter, never called). Bounded: a Proxy's getPrototypeOf trap may invent an endless chain.
 */
function tagOf(obj: object, proto: object | null): string {
  let o: object | null = obj
  for (let level = 0; o !== null && level < 32; level++) {
    if (o === DateProto) return 'Date'
    if (o === NodeProto) return 'Node'
    const d = getOwnPropertyDescriptor(o, TAG)
    if (d !== undefined) {
      if (isData(d)) return typeof d.value === 'string' ? d.value : ''
      const name = d.get === typedArrayTag && typedArrayTag ? apply(typedArrayTag, obj, NO_ARGS) : undefined
      return typeof name === 'string' ? name : ''
    }
    o = level === 0 ? proto : getPrototypeOf(o)
  }
  return ''
}

/** Placeholders for objects that must not be walked key by key; null for ordinary objects. */
function describeSpecial(obj: object, proto: object | null): string | null {
  if (obj === globalThis) return WINDOW
  const tag = tagOf(obj, proto)
  if (tag === '') return proto === null && isWindow(obj) ? WINDOW : null
  if (tag === 'Window' || tag === 'global') return WINDOW
  if (tag === 'Date') {
    try {
      const t = apply(dateGetTime, obj, []) as number
      return numberIsNaN(t) ? '[Invalid Date]' : (apply(dateToISOString, obj, []) as string)
    } catch {
      return '[Date]' // a Proxy or an object faking the tag
    }
  }
  if (tag === 'Node' || test(NODE_TAG, tag)) return describeNode(obj)
  if (tag === 'Promise' || tag === 'Map' || tag === 'Set' || tag === 'WeakMap' || tag === 'WeakSet') return `[${tag}]`
  if (test(TYPED_TAG, tag)) return `[${tag}]` // typed arrays, ArrayBuffer: binary, not data we check
  return null
}

const WINDOW = '[Window]'
/**
 * A cross-origin Window shows a null prototype and no enumerable keys. Only a null-prototype object
 * with an own `window` is brand-checked (the check throws on anything else, which costs microseconds).
 */
function isWindow(obj: object): boolean {
  if (!windowGet || getOwnPropertyDescriptor(obj, 'window') === undefined) return false
  try {
    return apply(windowGet, obj, NO_ARGS) === obj
  } catch {
    return false
  }
}

const TYPED_TAG = /Array(Buffer)?$/
const NODE_TAG = /^(HTML\w*|SVG\w*|MathML\w*|Element|Text|Comment|CDATASection|ProcessingInstruction|Document|HTMLDocument|XMLDocument|DocumentFragment|ShadowRoot|DocumentType|Attr)$/

/** DOM nodes: by their built-in tag (works across frames) or this realm's Node.prototype. */
function describeNode(obj: object): string {
  let label = 'Node'
  try {
    // Built-in getters only: a node from another frame (other built-ins) gets the generic label.
    const read = (get: ((this: unknown) => unknown) | undefined): unknown => (get ? apply(get, obj, NO_ARGS) : undefined)
    const name = read(nodeNameGet)
    if (typeof name === 'string') label += ` ${name}`
    const id = read(idGet)
    if (typeof id === 'string' && id) label += `#${apply(stringSlice, id, [0, 60]) as string}`
    const cls = read(classNameGet)
    if (typeof cls === 'string' && cls) label += `.${apply(stringSlice, apply(stringReplace, apply(stringTrim, cls, []), [/\s+/g, '.']), [0, 60]) as string}`
  } catch {
    // A node subclass with a throwing getter: the generic label is enough.
  }
  return `[${label}]`
}

function copyArray(arr: unknown[], depth: number, s: State): Json {
  let length: number
  try {
    const v = dataValue(getOwnPropertyDescriptor(arr, 'length'))
    length = typeof v === 'number' ? v : 0
  } catch (err) {
    return thrown('Unreadable', err)
  }
  const out: Json[] = []
  const n = mathMin(length, s.limits.maxArray)
  let i = 0
  for (; i < n; i++) {
    if (s.nodes >= s.limits.maxNodes) break
    let v: Json | undefined
    try {
      v = copy(ownValue(arr, i), depth + 1, s)
    } catch (err) {
      v = thrown('Thrown', err)
    }
    put(out, i, v === undefined ? null : v)
  }
  if (i < length) put(out, i, `[… ${length - i} more items]`)
  return out
}

/**
 * Own enumerable string keys, like JSON.stringify, in one pass (a Proxy's ownKeys trap runs once, its
 * getOwnPropertyDescriptor trap once per key): each key's own descriptor, a getter never runs
 * ("[Getter]"). Symbol keys are left out, as JSON.stringify does (listing them would run the ownKeys
 * trap again, and Reflect.ownKeys costs V8 more than the rest of a typical copy). `proto` is given
 * for an object that is not an object literal: there, non-enumerable own `message` and `stack`
 * strings are kept too, with the prototype's own `name` (an Error's fields).
 */
function copyPlain(obj: object, depth: number, s: State, proto: object | null | undefined): Json {
  let keys: string[]
  try {
    keys = ownNames(obj)
  } catch (err) {
    return thrown('Unreadable', err) // a Proxy whose ownKeys trap throws
  }
  const out = objectCreate(OUT_PROTO) as JsonObject
  let kept = 0
  let error = false
  const n = keys.length
  for (let i = 0; i < n; i++) {
    if (kept >= s.limits.maxKeys || s.nodes >= s.limits.maxNodes) {
      set(out, MORE_KEYS, `${n - i} more keys`)
      return out
    }
    const key = keys[i] as string
    let v: Json | undefined
    try {
      const d = getOwnPropertyDescriptor(obj, key)
      if (d === undefined) continue // gone since the listing
      const data = isData(d)
      if (!d.enumerable) {
        if (proto === undefined || (key !== 'message' && key !== 'stack') || !data || typeof d.value !== 'string') continue
        error = true
      }
      // `get` is read on an accessor's descriptor only (a data descriptor would inherit the page's).
      v = copy(data ? d.value : d.get ? GETTER : undefined, depth + 1, s)
    } catch (err) {
      v = thrown('Thrown', err)
    }
    if (v === undefined) continue
    set(out, outKey(key, s), v)
    kept++
  }
  if (error && proto) copyErrorName(proto, out, s)
  return out
}

/** An Error's name lives on its prototype (TypeError.prototype.name), as an own data property. */
function copyErrorName(proto: object, out: JsonObject, s: State): void {
  try {
    const name = dataValue(getOwnPropertyDescriptor(proto, 'name'))
    if (typeof name === 'string' && getOwnPropertyDescriptor(out, 'name') === undefined) set(out, 'name', copyString(name, s))
  } catch {
    // a Proxy as prototype: the message is enough
  }
}

function outKey(key: string, s: State): string {
  if (key === '__proto__') return PROTO_KEY
  return copyString(key, s)
}

/**
 * An own property's value without running page code: a data property's value, GETTER for an
 * accessor with a getter, undefined (left out) for a setter only or a key that is gone.
 */
function ownValue(obj: object, key: string | number | symbol): unknown {
  const d = getOwnPropertyDescriptor(obj, key)
  if (d === undefined) return undefined
  if (isData(d)) return d.value
  return d.get ? GETTER : undefined
}

/**
 * Whether a descriptor from getOwnPropertyDescriptor is a data property's. An accessor's always has
 * an own `get`; reading `d.value` of one would reach a `value` the page put on Object.prototype (and
 * run its getter). The `in` check is the fast one; an own check only when some `get` is there.
 */
export function isData(d: PropertyDescriptor): boolean {
  return !('get' in d) || !hasOwn(d, 'get')
}

/**
 * A data descriptor's value, undefined for an accessor's or none: `d.value` of an accessor's
 * descriptor would reach a `value` the page put on Object.prototype (and run its getter).
 */
export function dataValue(d: PropertyDescriptor | undefined): unknown {
  return d !== undefined && isData(d) ? d.value : undefined
}

/** RegExp test through the captured built-in (a page may replace RegExp.prototype.test). */
function test(re: RegExp, text: string): boolean {
  return apply(regexpExec, re, [text]) !== null
}


function set(out: JsonObject, key: string, value: Json): void {
  out[key] = value
}

/**
 * Own data property, whatever setters the page defined on Object.prototype / Array.prototype,
 * through PUT (a descriptor literal would inherit a `get` or `set` the page put on Object.prototype,
 * which defineProperty reads, running its getter, then refusing the descriptor).
 */
function put(target: object, key: string | number, value: unknown): void {
  PUT.value = value
  defineProperty(target, key, PUT)
  PUT.value = undefined // hold no page object (the cycle path puts them)
}

/** "[Thrown: msg]": the message is read defensively (it may itself be hostile). */
export function thrown(label: string, err: unknown): string {
  let msg = ''
  try {
    if (typeof err === 'object' && err !== null) {
      const v = dataValue(getOwnPropertyDescriptor(err, 'message'))
      if (typeof v === 'string') msg = v
    } else if (typeof err === 'string') msg = err
    else msg = StringCtor(err)
  } catch {
    msg = ''
  }
  if (msg.length > 200) msg = `${apply(stringSlice, msg, [0, 200]) as string}…`
  return msg ? `[${label}: ${msg}]` : `[${label}]`
}
