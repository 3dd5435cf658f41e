// @vitest-environment node
// Node (vitest). Scenario coverage (src/core/coverage.ts): each demo scenario ticks its path with the
// interactions that show it, on the shipped fixtures, the real-looking demo capture and SendMessage;
// team paths and "require" from a config file, validated with errors that name the field.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import { computeCoverage, CoverageConfigError, DEFAULT_PATHS, missingRequired, validateCoverageConfig, type Coverage } from '../../../src/core/coverage.ts'
import type { Session } from '../../../src/core/model.ts'
import { parseSession } from '../../../src/core/session.ts'
import { buildStories } from '../../../src/core/story.ts'
import { FIXTURE_DIR, loadFixture } from '../../support/fixtures.ts'

const coverageOf = (s: Session, paths = DEFAULT_PATHS): Coverage => computeCoverage(s.events, buildStories(s.events, check(s), { source: s.source }), paths)
const covered = (c: Coverage): Record<string, string[]> => Object.fromEntries(c.items.filter((i) => i.status === 'covered').map((i) => [i.id, i.interactions]))

describe('coverage of each demo scenario', () => {
  it.each([
    ['documented-close-untouched', { 'Callback/untouched': ['Callback#1@p1'] }],
    ['documented-typed-cancel', { 'Callback/typed-cancel': ['Callback#1@p1'] }],
    ['documented-submitted', { 'Callback/submitted': ['Callback#1@p1'] }],
    ['shipped-auto-submit', { 'Callback/auto-submit': ['Callback#1@p1'] }],
    ['shipped-failed-retry', { 'Callback/failed-retry': ['Callback#1@p1'] }],
    ['shipped-failed-cancel', { 'Callback/failed-cancel': ['Callback#1@p1'] }],
    ['shipped-two-in-a-row', {
      'Callback/untouched': ['Callback#1@p1'], 'Callback/submitted': ['Callback#2@p1'], 'Callback/minimize': ['Callback#2@p1'],
      'Callback/in-a-row': ['Callback#1@p1', 'Callback#2@p1'],
    }],
  ])('%s', (name, expected) => {
    const c = coverageOf(loadFixture(name))
    expect(covered(c)).toEqual(expected)
    // Nothing of SendMessage on these pages: its paths do not count.
    expect(c.items.filter((i) => i.plugin === 'SendMessage').every((i) => i.status === 'not-applicable')).toBe(true)
    expect(c.applicable).toBe(9)
    expect(c.covered).toBe(Object.keys(expected).length)
  })

  it('the demo QA pass captured through the extension covers every Callback path, a reload included', () => {
    const s = parseSession(readFileSync(join(FIXTURE_DIR, 'demo', 'qa-pass.session.json'), 'utf8'))
    const c = coverageOf(s)
    expect(c.covered).toBe(9)
    const pageLeft = c.items.find((i) => i.id === 'Callback/page-left')!
    expect(pageLeft.interactions).toHaveLength(1)
    const stories = buildStories(s.events, check(s))
    expect(stories.find((st) => st.id === pageLeft.interactions[0])!.sentence).toMatch(/^Left open by a page load/)
  })

  it('an interaction still open at the end of the capture is not a page left, and the next one is not "in a row"', () => {
    const s = loadFixture('shipped-two-in-a-row')
    // Drop the first interaction's cancelled/closed: the second superseded it.
    s.events = s.events.filter((e) => !(e.kind === 'event' && (e.event === 'Callback.cancelled' || e.event === 'Callback.closed') && e.seq < 8))
    const c = covered(coverageOf(s))
    expect(c['Callback/in-a-row']).toBeUndefined()
    expect(c['Callback/page-left']).toBeUndefined()
  })

  it('SendMessage gets the same paths where they apply (its failures are not attributed: no failed-* paths)', () => {
    const s = loadFixture('shipped-two-in-a-row')
    for (const e of s.events) {
      if (e.kind === 'event' && e.publisher === 'Callback') Object.assign(e, { publisher: 'SendMessage', event: e.event.replace('Callback.', 'SendMessage.') })
      if (e.kind === 'command') e.command = e.command.replace('Callback.', 'SendMessage.')
    }
    const c = coverageOf(s)
    expect(Object.keys(covered(c))).toEqual(['SendMessage/untouched', 'SendMessage/submitted', 'SendMessage/minimize', 'SendMessage/in-a-row'])
    expect(c.items.map((i) => i.id).filter((id) => id.startsWith('SendMessage/failed'))).toEqual([])
    expect(c.items.filter((i) => i.plugin === 'Callback').every((i) => i.status === 'not-applicable')).toBe(true)
    // The advice names the plugin's own command, and no demo scenario (the demo runs Callback only).
    const auto = c.items.find((i) => i.id === 'SendMessage/auto-submit')!
    expect(auto.status).toBe('missing')
    expect(auto.howTo).toBe('Run SendMessage.open({ form: { autoSubmit: true, firstname, lastname, phonenumber } }) from the page.')
    expect(c.items.filter((i) => i.plugin === 'SendMessage').map((i) => i.howTo).join(' ')).not.toMatch(/Callback|demo:/)
  })

  it('a missing path keeps its how-to; required paths missing are listed, by full or bare id', () => {
    const c = coverageOf(loadFixture('documented-submitted'))
    const missing = c.items.find((i) => i.id === 'Callback/page-left')!
    expect(missing.status).toBe('missing')
    expect(missing.howTo).toMatch(/Preserve log/)
    expect(missingRequired(c, ['submitted', 'Callback/submitted', 'page-left', 'SendMessage/submitted'])).toEqual(['page-left', 'SendMessage/submitted'])
  })
})

describe('team paths and require in the config', () => {
  it('adds a team path (plain data) and ticks it', () => {
    const cfg = validateCoverageConfig({
      coverage: [{ id: 'proactive-complete', label: 'proactive offer completed', plugins: ['Callback'], howTo: 'Accept a proactive offer.', match: { proactive: true, outcome: 'completed' } },
        { id: 'slow-retry', label: 'two submits', howTo: 'Submit twice.', match: { submits: 2, steps: ['Callback.opened', 'started', 'submitted', 'submitted', 'completed', 'closed'] } }],
      require: ['slow-retry'],
    })
    expect(cfg.paths.map((p) => p.id)).toEqual([...DEFAULT_PATHS.map((p) => p.id), 'proactive-complete', 'slow-retry'])
    const s = loadFixture('shipped-failed-retry')
    const c = coverageOf(s, cfg.paths)
    expect(covered(c)['Callback/slow-retry']).toEqual(['Callback#1@p1'])
    expect(c.items.find((i) => i.id === 'Callback/proactive-complete')!.status).toBe('missing')
    expect(missingRequired(c, cfg.require)).toEqual([])
  })

  it('a team path with a built-in id replaces it', () => {
    const cfg = validateCoverageConfig({ coverage: [{ id: 'page-left', label: 'navigation', howTo: 'Navigate.', match: { pageLeft: true }, plugins: ['Callback'] }] })
    expect(cfg.paths.filter((p) => p.id === 'page-left')).toEqual([{ id: 'page-left', label: 'navigation', howTo: 'Navigate.', match: { pageLeft: true }, plugins: ['Callback'] }])
  })

  it.each([
    [{ coverage: {} }, 'coverage: expected an array of paths'],
    [{ coverage: [{ id: 'a b', label: 'x', howTo: 'y', match: { pageLeft: true } }] }, 'coverage[0].id: expected an id of letters'],
    [{ coverage: [{ id: 'a', label: '', howTo: 'y', match: { pageLeft: true } }] }, 'coverage[0].label: expected a non-empty string'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: {} }] }, 'coverage[0].match: no condition'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: { outcome: 'done' } }] }, 'coverage[0].match.outcome: expected one of completed, cancelled, no-outcome, open'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: { failures: -1 } }] }, 'coverage[0].match.failures: expected a minimum count'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: { pageleft: true } }] }, 'coverage[0].match.pageleft: unknown condition'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: { pageLeft: 'yes' } }] }, 'coverage[0].match.pageLeft: expected true or false'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: { pageLeft: true }, color: 1 }] }, 'coverage[0].color: unknown field'],
    [{ coverage: [{ id: 'a', label: 'x', howTo: 'y', match: { pageLeft: true } }, { id: 'a', label: 'x', howTo: 'y', match: { pageLeft: true } }] }, 'coverage[1].id: "a" is used twice'],
    [{ require: 'page-left' }, 'require: expected an array of path ids'],
    [{ require: ['page-left', 'pageleft'] }, 'require: unknown path "pageleft" (known: untouched,'],
  ])('refuses %j with a message naming the field', (config, message) => {
    expect(() => validateCoverageConfig(config)).toThrow(CoverageConfigError)
    expect(() => validateCoverageConfig(config)).toThrow(message)
  })
})
