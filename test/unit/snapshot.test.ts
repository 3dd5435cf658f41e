// Unit tests of src/core/snapshot.ts: every hostile case the page hook may meet (ARCHITECTURE.md
// "Copy at receipt"). Each result must also survive JSON and structured clone unchanged.
import v8 from 'node:v8'
import { describe, expect, it } from 'vitest'
import { BUDGET_EXCEEDED, CIRCULAR, GETTER, MORE_KEYS, PROTO_KEY, snapshot } from '../../src/core/snapshot.ts'
import { fixtureNames, loadFixture } from '../support/fixtures.ts'

const roundTrips = (v: unknown): void => {
  expect(JSON.parse(JSON.stringify(v))).toEqual(v)
  expect(structuredClone(v)).toEqual(v)
}

describe('snapshot', () => {
  it('copies typical Callback metadata exactly', () => {
    const data = {
      proactive: false, prefilled: false, autoSubmitted: false, errors: ['Please enter a valid phone number.'],
      form: { firstname: 'Ada', _customer_number: '+44 20' }, opened: 1732460000149, started: false, elapsed: 12,
    }
    const s = snapshot(data)
    expect(s).toEqual(data)
    expect(s).not.toBe(data)
    roundTrips(s)
  })

  it('is a copy at receipt: later page mutations do not leak in', () => {
    const errors = ['first']
    const data = { errors, form: { a: 1 } }
    const s = snapshot(data) as { errors: string[]; form: { a: number } }
    errors.push('second')
    data.form.a = 2
    expect(s.errors).toEqual(['first'])
    expect(s.form.a).toBe(1)
  })

  it('primitives: NaN, Infinity, -0, BigInt, Symbol, undefined', () => {
    expect(snapshot(NaN)).toBe('[NaN]')
    expect(snapshot(Infinity)).toBe('[Infinity]')
    expect(snapshot(-Infinity)).toBe('[-Infinity]')
    expect(Object.is(snapshot(-0), 0)).toBe(true)
    expect(snapshot(10n)).toBe('[BigInt 10]')
    expect(snapshot(Symbol('x'))).toBe('Symbol(x)')
    expect(snapshot(undefined)).toBe(null)
    expect(snapshot({ a: undefined, b: 1 })).toEqual({ b: 1 })
    expect(snapshot([undefined, 1])).toEqual([null, 1])
  })

  it('cycles become [Circular], shared references are copied twice', () => {
    const a: Record<string, unknown> = { n: 1 }
    a.self = a
    const shared = { x: 1 }
    const s = snapshot({ a, p: shared, q: shared, arr: [a] }) as Record<string, unknown>
    expect(s.a).toEqual({ n: 1, self: CIRCULAR })
    expect(s.p).toEqual({ x: 1 })
    expect(s.q).toEqual({ x: 1 })
    expect(s.arr).toEqual([{ n: 1, self: CIRCULAR }])
    roundTrips(s)
  })

  it('never runs a page getter: accessors become [Getter], also on arrays and through holes', () => {
    let calls = 0
    const o = { plain: 1 }
    Object.defineProperty(o, 'counted', { enumerable: true, get: () => ++calls })
    Object.defineProperty(o, 'bad', { enumerable: true, get: () => { throw new Error('hostile getter') } })
    Object.defineProperty(o, 'setterOnly', { enumerable: true, set: () => void calls++ })
    const arr = [1, , 3] // a hole: reading it plainly would run an index getter of Array.prototype
    Object.defineProperty(arr, 0, { enumerable: true, get: () => ++calls })
    Object.defineProperty(Array.prototype, '1', { configurable: true, get: () => ++calls })
    let s: unknown
    try {
      s = snapshot({ o, arr })
    } finally {
      delete (Array.prototype as unknown as Record<string, unknown>)['1']
    }
    expect(s).toEqual({ o: { plain: 1, counted: GETTER, bad: GETTER }, arr: [GETTER, null, 3] })
    expect(calls).toBe(0)
  })

  it('the shipped Genesys shapes (plain data) are copied in full', () => {
    for (const name of fixtureNames()) {
      for (const e of loadFixture(name).events) expect(snapshot(e.data)).toEqual(e.data)
    }
  })

  it('never runs a Symbol.toStringTag getter of the page (on a class, on Object.prototype or Array.prototype)', () => {
    let calls = 0
    class Custom { a = 1; get [Symbol.toStringTag]() { calls++; return 'Date' } }
    const tagGetter = { configurable: true, get: () => { calls++; return 'Window' } }
    Object.defineProperty(Object.prototype, Symbol.toStringTag, tagGetter)
    Object.defineProperty(Array.prototype, Symbol.toStringTag, tagGetter)
    let s: unknown
    try {
      s = snapshot({ c: new Custom(), list: [1, new Map()], bare: Object.assign(Object.create(null), { b: 2 }) })
    } finally {
      delete (Object.prototype as Record<symbol, unknown>)[Symbol.toStringTag]
      delete (Array.prototype as unknown as Record<symbol, unknown>)[Symbol.toStringTag]
    }
    expect(calls).toBe(0)
    expect(s).toEqual({ c: { a: 1 }, list: [1, '[Map]'], bare: { b: 2 } })
  })

  it("a Proxy's traps run at most once per key and trap (ownKeys once per object)", () => {
    const calls = new Map<string, number>()
    const counting = <T extends object>(name: string, target: T): T => new Proxy(target, new Proxy({}, {
      get: (_, trap: string) => (t: object, key: unknown, ...rest: unknown[]) => {
        const k = `${name} ${trap} ${trap === 'ownKeys' || trap === 'getPrototypeOf' || trap === 'isExtensible' ? '' : String(key)}`
        calls.set(k, (calls.get(k) ?? 0) + 1)
        return (Reflect as unknown as Record<string, (...a: unknown[]) => unknown>)[trap]!(t, key, ...rest)
      },
    }))
    class Widget { constructor(public id = 7) {} }
    const s = snapshot({
      plain: counting('plain', { a: 1, b: { c: 2 }, [Symbol('s')]: 3 }),
      list: counting('list', [1, 2]),
      custom: counting('custom', new Widget()),
      error: counting('error', new TypeError('boom')),
    })
    expect(s).toEqual({
      plain: { a: 1, b: { c: 2 } }, list: [1, 2], custom: { id: 7 },
      error: expect.objectContaining({ name: 'TypeError', message: 'boom' }),
    })
    expect(calls.get('plain ownKeys ')).toBe(1)
    expect(calls.get('plain getOwnPropertyDescriptor a')).toBe(1)
    expect([...calls].filter(([, n]) => n > 1)).toEqual([])
  })

  it('document.all (typeof "undefined") is labelled, not left out', () => {
    // V8's stand-in for document.all: an object whose typeof is "undefined" ([[IsHTMLDDA]]).
    v8.setFlagsFromString('--allow-natives-syntax')
    const all = new Function('return %GetUndetectable()')() as unknown
    expect(typeof all).toBe('undefined')
    expect(snapshot({ all, a: undefined })).toEqual({ all: '[HTMLAllCollection]' })
  })

  it('never runs a getter the page put on Object.prototype.value or .get (property descriptors inherit them)', () => {
    let calls = 0
    const fn = Object.defineProperty(function named() {}, 'name', { get: () => 'x' })
    const err = Object.defineProperty(new Error('boom'), 'message', { get: () => 'x' })
    const data = { get x() { return 1 }, fn, err, list: [1, { y: 2 }] }
    // `get` too: a descriptor the copy hands to defineProperty must not inherit one.
    const getter = (): PropertyDescriptor => ({ __proto__: null, configurable: true, get: () => ++calls }) as PropertyDescriptor
    let s: unknown
    try {
      Object.defineProperty(Object.prototype, 'value', getter())
      Object.defineProperty(Object.prototype, 'get', getter())
      s = snapshot(data)
    } finally {
      delete (Object.prototype as Record<string, unknown>).value
      delete (Object.prototype as Record<string, unknown>).get
    }
    expect(calls).toBe(0)
    expect(s).toEqual({ x: GETTER, fn: '[Function]', err: { stack: expect.any(String), name: 'Error' }, list: [1, { y: 2 }] })
  })

  it('never calls toJSON or toString of page objects', () => {
    const o = { toJSON: () => { throw new Error('no') }, toString: () => { throw new Error('no') }, v: 1 }
    expect(snapshot(o)).toEqual({ toJSON: '[Function toJSON]', toString: '[Function toString]', v: 1 })
  })

  it('functions, Dates, Maps, Promises, typed arrays, errors', () => {
    function named() {}
    const s = snapshot({
      f: named, anon: (() => () => {})(), d: new Date(0), bad: new Date(NaN), m: new Map([[1, 2]]),
      p: Promise.resolve(), u8: new Uint8Array(4), e: new TypeError('boom'),
    }) as Record<string, unknown>
    expect(s.f).toBe('[Function named]')
    expect(s.anon).toBe('[Function]')
    expect(s.d).toBe('1970-01-01T00:00:00.000Z')
    expect(s.bad).toBe('[Invalid Date]')
    expect(s.m).toBe('[Map]')
    expect(s.p).toBe('[Promise]')
    expect(s.u8).toBe('[Uint8Array]')
    expect(s.e).toMatchObject({ name: 'TypeError', message: 'boom' })
  })

  it('DOM nodes become a label', () => {
    const div = document.createElement('div')
    div.id = 'cb'
    div.className = 'a b'
    expect(snapshot({ node: div })).toEqual({ node: '[Node DIV#cb.a.b]' })
    expect(snapshot(document.createTextNode('x'))).toMatch(/^\[Node/)
  })

  it('Proxies whose traps throw, and revoked Proxies, do not throw', () => {
    const hostile = new Proxy({}, {
      ownKeys() { throw new Error('hostile ownKeys') },
      getOwnPropertyDescriptor() { throw new Error('hostile descriptor') },
      get() { throw new Error('hostile get') },
    })
    expect(snapshot(hostile)).toMatch(/^\[Unreadable: hostile (get|ownKeys)\]$/)
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(snapshot({ proxy })).toEqual({ proxy: expect.stringMatching(/^\[Unreadable/) })
    const keysOnly = new Proxy({ a: 1 }, { getOwnPropertyDescriptor() { throw new Error('no descriptor') } })
    expect(snapshot(keysOnly)).toEqual({ a: '[Thrown: no descriptor]' })
  })

  it('__proto__ keys are renamed, constructor kept as data, no prototype is touched', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"opened":1}')
    const s = snapshot(parsed) as Record<string, unknown>
    // Every copy inherits from one private, empty prototype whose own prototype is null.
    const proto = Object.getPrototypeOf(s) as object
    expect(proto).toBe(Object.getPrototypeOf(snapshot({ other: 1 })))
    expect(Object.getPrototypeOf(proto)).toBeNull()
    expect(Reflect.ownKeys(proto)).toEqual([])
    expect(s[PROTO_KEY]).toEqual({ polluted: true })
    expect(Object.prototype.hasOwnProperty.call(s, 'constructor')).toBe(true)
    expect(s.constructor).toEqual({ prototype: { polluted: true } })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    roundTrips(s)
  })

  it('setters planted on Object.prototype never run while building the copy', () => {
    let ran = false
    Object.defineProperty(Object.prototype, 'trap', { configurable: true, set() { ran = true } })
    try {
      const s = snapshot({ trap: 1 }) as Record<string, unknown>
      expect(ran).toBe(false)
      expect(Object.getOwnPropertyDescriptor(s, 'trap')?.value).toBe(1)
    } finally {
      delete (Object.prototype as Record<string, unknown>).trap
    }
  })

  it('symbol keys are left out, as JSON.stringify does', () => {
    expect(snapshot({ [Symbol('hostile')]: 'v', a: 1 })).toEqual({ a: 1 })
  })

  it('frozen objects are copied (the copy is not frozen)', () => {
    const s = snapshot(Object.freeze({ form: Object.freeze({ firstname: 'Ice' }) })) as Record<string, unknown>
    expect(s).toEqual({ form: { firstname: 'Ice' } })
    expect(Object.isFrozen(s)).toBe(false)
  })

  it('a 10 MB string is cut with a note of its length', () => {
    const s = snapshot({ huge: 'x'.repeat(10 * 1024 * 1024) }) as { huge: string }
    expect(s.huge.length).toBeLessThan(10_100)
    expect(s.huge).toMatch(/…\[truncated, 10485760 chars\]$/)
  })

  it('long arrays keep 1000 items and say how many more', () => {
    const s = snapshot(Array.from({ length: 100_000 }, (_, i) => i)) as unknown[]
    expect(s.length).toBe(1001)
    expect(s[999]).toBe(999)
    expect(s[1000]).toBe('[… 99000 more items]')
    expect(snapshot(new Array(3))).toEqual([null, null, null]) // holes
  })

  it('objects keep maxKeys keys and summarise the rest', () => {
    const o = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))
    const s = snapshot(o, { maxKeys: 10 }) as Record<string, unknown>
    expect(Object.keys(s)).toHaveLength(11)
    expect(s[MORE_KEYS]).toBe('490 more keys')
  })

  it('depth is bounded', () => {
    let deep: Record<string, unknown> = { end: true }
    for (let i = 0; i < 20; i++) deep = { next: deep, list: [] }
    let s = snapshot(deep, { maxDepth: 3 }) as Record<string, unknown>
    expect(((s.next as Record<string, unknown>).next as Record<string, unknown>).next).toBe('[Object]')
    s = snapshot([[[[1]]]], { maxDepth: 2 }) as unknown as Record<string, unknown>
    expect(s).toEqual([['[Array]']])
  })

  it('the total budget bounds the work on wide graphs', () => {
    const shared = Array.from({ length: 1000 }, (_, i) => ({ i, s: 'y'.repeat(100) }))
    const wide = Array.from({ length: 1000 }, () => shared) // 1 000 000 objects if copied naively
    const t0 = performance.now()
    const s = JSON.stringify(snapshot(wide))
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(s.length).toBeLessThan(5_000_000)
    expect(s.includes('more items') || s.includes(BUDGET_EXCEEDED)).toBe(true)
  })

  it('errors thrown with hostile messages are labelled safely', () => {
    const msg = {}
    Object.defineProperty(msg, 'message', { get() { throw new Error('again') } })
    // a Proxy whose descriptor trap throws for one key (listing the keys succeeds)
    const o = new Proxy({ x: 1, y: 2 }, {
      getOwnPropertyDescriptor(t, k) {
        if (k === 'x') throw msg
        return Reflect.getOwnPropertyDescriptor(t, k)
      },
    })
    expect(snapshot(o)).toEqual({ x: '[Thrown]', y: 2 })
  })
})
