// @vitest-environment node
// Node (vitest + fast-check). Properties on generated shipped-9.x sessions (test/support/generate.ts):
// valid sessions give no error; each single mutation gives its expected rule id at the mutated event;
// the incremental checker equals the batch check on every prefix.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { check, createChecker } from '../../../src/core/check.ts'
import type { BusEventEntry, Interaction, JsonObject, Report, Session } from '../../../src/core/model.ts'
import { generateSession, type GenerateOptions } from '../../support/generate.ts'
import { renumber } from '../../support/fixtures.ts'

const arbOptions: fc.Arbitrary<GenerateOptions> = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  interactions: fc.integer({ min: 1, max: 4 }),
  pageLoads: fc.integer({ min: 1, max: 2 }),
  plugins: fc.constantFrom<GenerateOptions['plugins']>(['Callback'], ['SendMessage'], ['Callback', 'SendMessage']),
  noPageLoadId: fc.boolean(),
})

const RUNS = { numRuns: 80 }

interface Picked {
  session: Session
  report: Report
  ia: Interaction
  entries: BusEventEntry[]
}

/** Generates a session and picks one interaction (by `pick`) that satisfies `want`. */
function pickInteraction(opts: GenerateOptions, pick: number, want: (ia: Interaction) => boolean): Picked | null {
  const session = generateSession(opts)
  const report = check(session)
  const candidates = report.interactions.filter(want)
  if (candidates.length === 0) return null
  const ia = candidates[pick % candidates.length]!
  const bySeq = new Map(session.events.map((e) => [e.seq, e]))
  const entries = ia.events.map((e) => bySeq.get(e.seq) as BusEventEntry)
  return { session, report, ia, entries }
}

const step = (e: BusEventEntry) => e.event.slice(e.event.indexOf('.') + 1)
const meta = (e: BusEventEntry) => e.data as JsonObject
const has = (ia: Interaction, s: string) => ia.events.some((e) => e.event.endsWith(`.${s}`))

function expectRule(report: Report, rule: string, seq?: number): void {
  const hits = report.findings.filter((f) => f.rule === rule && (seq === undefined || f.seq.includes(seq)))
  expect(hits, `${rule}${seq === undefined ? '' : ` at seq ${seq}`} in ${JSON.stringify(report.findings.map((f) => [f.rule, f.seq]))}`).not.toEqual([])
}

describe('generated valid sessions', () => {
  it('give no error and no warning but the auto-submit elapsed-absolute', () => {
    fc.assert(fc.property(arbOptions, (opts) => {
      const r = check(generateSession(opts))
      expect(r.findings.filter((f) => f.severity !== 'info' && f.rule !== 'meta/elapsed-absolute')).toEqual([])
      expect(r.interactions.length).toBeGreaterThan(0)
    }), RUNS)
  })
})

describe('single mutations give their rule', () => {
  it('shift one timestamp (started before opened) -> meta/chronology', () => {
    fc.assert(fc.property(arbOptions, fc.nat(), (opts, pick) => {
      const p = pickInteraction(opts, pick, (ia) => has(ia, 'started'))
      fc.pre(p !== null)
      const { session, entries } = p!
      const opened = entries.map(meta).find((m) => typeof m.opened === 'number')!.opened as number
      for (const e of entries) if (typeof meta(e).started === 'number') meta(e).started = opened - 1000
      const startedSeq = entries.find((e) => step(e) === 'started')!.seq
      expectRule(check(session), 'meta/chronology', startedSeq)
    }), RUNS)
  })

  it('swap two events of one interaction -> order/transition', () => {
    fc.assert(fc.property(arbOptions, fc.nat(), fc.nat(), (opts, pick, at) => {
      const p = pickInteraction(opts, pick, (ia) => ia.events.length >= 2)
      fc.pre(p !== null)
      const { session, entries } = p!
      const pairs = entries.slice(1).map((e, i) => [entries[i]!, e] as const).filter(([a, b]) => step(a) !== step(b))
      fc.pre(pairs.length > 0)
      const [a, b] = pairs[at % pairs.length]!
      const ia = session.events.indexOf(a)
      const ib = session.events.indexOf(b)
      session.events[ia] = b
      session.events[ib] = a
      expectRule(check(renumber(session.events)), 'order/transition')
    }), RUNS)
  })

  it('drop closed -> order/transition (a next interaction follows) or order/unclosed (capture ends)', () => {
    fc.assert(fc.property(arbOptions, fc.nat(), (opts, pick) => {
      const p = pickInteraction(opts, pick, (ia) => ia.closed)
      fc.pre(p !== null)
      const { session, report, ia, entries } = p!
      const closed = entries.at(-1)!
      // Does the same stream (plugin, page load) continue after this interaction?
      const nextPageLoad = session.events.find((e) => e.seq > closed.seq && e.kind === 'marker' && e.marker === 'page-load')?.seq ?? Infinity
      const continues = report.interactions.some((o) => o.plugin === ia.plugin && o.pageLoadId === ia.pageLoadId && o.index === ia.index + 1 && o.events[0]!.seq < nextPageLoad)
      session.events.splice(session.events.indexOf(closed), 1)
      expectRule(check(session), continues ? 'order/transition' : 'order/unclosed')
    }), RUNS)
  })

  it('seconds instead of milliseconds -> meta/timestamp-unit', () => {
    fc.assert(fc.property(arbOptions, fc.nat(), fc.nat(), (opts, pick, at) => {
      const p = pickInteraction(opts, pick, () => true)
      fc.pre(p !== null)
      const own = p!.entries.filter((e) => step(e) !== 'submitted')
      const e = own[at % own.length]!
      meta(e)[step(e)] = Math.floor((meta(e)[step(e)] as number) / 1000)
      expectRule(check(p!.session), 'meta/timestamp-unit', e.seq)
    }), RUNS)
  })

  it('change a timestamp already set -> meta/changed', () => {
    fc.assert(fc.property(arbOptions, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 5000 }), (opts, pick, at, delta) => {
      const p = pickInteraction(opts, pick, (ia) => ia.events.length >= 2)
      fc.pre(p !== null)
      const { entries } = p!
      const openedAt = entries.findIndex((e) => step(e) === 'opened')
      const later = entries.slice(openedAt + 1)
      fc.pre(openedAt >= 0 && later.length > 0)
      const e = later[at % later.length]!
      meta(e).opened = (meta(e).opened as number) + delta
      expectRule(check(p!.session), 'meta/changed', e.seq)
    }), RUNS)
  })

  it('corrupt elapsed -> meta/elapsed', () => {
    fc.assert(fc.property(arbOptions, fc.nat(), fc.nat(), fc.integer({ min: 300, max: 10_000_000 }), (opts, pick, at, delta) => {
      const p = pickInteraction(opts, pick, () => true)
      fc.pre(p !== null)
      const e = p!.entries[at % p!.entries.length]!
      meta(e).elapsed = (meta(e).elapsed as number) + delta
      expectRule(check(p!.session), 'meta/elapsed', e.seq)
    }), RUNS)
  })
})

describe('incremental = batch', () => {
  it('on every prefix of generated (and damaged) sessions', () => {
    fc.assert(fc.property(arbOptions, fc.array(fc.nat(), { maxLength: 3 }), fc.option(fc.nat()), (opts, drops, marker) => {
      const s = generateSession({ ...opts, interactions: Math.min(opts.interactions ?? 1, 2) })
      for (const d of drops) s.events.splice(d % s.events.length, 1) // lose entries: findings of every kind
      if (marker !== null) {
        const at = marker % s.events.length
        const near = s.events[at]!
        s.events.splice(at, 0, { seq: -1, kind: 'marker', time: near.time, marker: 'dropped', pageLoadId: near.pageLoadId, data: { count: drops.length } })
        renumber(s.events)
      }
      const checker = createChecker()
      const pushed = []
      for (let k = 0; k < s.events.length; k++) {
        pushed.push(...checker.push(s.events[k]!))
        expect(checker.report()).toEqual(check(s.events.slice(0, k + 1)))
      }
      const final = checker.report().findings
      for (const f of pushed) expect(final).toContainEqual(f)
    }), { numRuns: 25 })
  })
})
