// The test kit's answers (testkit/capture.ts): waitFor, check, interactions, expectNoErrors, save.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { check } from '../../src/core/check.ts'
import { parseSession } from '../../src/core/session.ts'
import { TOOL_VERSION } from '../../src/report/version.ts'
import { CxbusCapture } from '../../testkit/capture.ts'
import { loadFixture } from '../support/fixtures.ts'
import { batch, feedSession, send } from './feed.ts'

const capture = () => new CxbusCapture(() => 'Mozilla/5.0 Test')

describe('test kit capture', () => {
  it('waitFor resolves when the entry arrives, and the n-th one with count', async () => {
    const cx = capture()
    const first = cx.waitFor('Callback.closed')
    const second = cx.waitFor('Callback.closed', { count: 2, timeout: 1000 })
    feedSession(cx.collector, loadFixture('shipped-two-in-a-row'))
    const [a, b] = await Promise.all([first, second])
    expect(a.seq).toBeLessThan(b.seq)
    expect(a).toMatchObject({ kind: 'event', event: 'Callback.closed' })
    // already there: at once
    await expect(cx.waitFor('Callback.opened')).resolves.toMatchObject({ event: 'Callback.opened' })
  })

  it('waitFor fails after its timeout, listing what did arrive', async () => {
    const cx = capture()
    await expect(cx.waitFor('Callback.completed', { timeout: 30 })).rejects.toThrow(/Callback.completed did not arrive within 30 ms; nothing arrived/)
    feedSession(cx.collector, loadFixture('shipped-failed-cancel'))
    const err = await cx.waitFor('Callback.completed', { timeout: 30 }).catch((e: Error) => e)
    expect((err as Error).message).toMatch(/arrived: marker:page-load, .*Callback\.opened.*CallbackService\.scheduleError.*Callback\.cancelled/)
  })

  it('check() is the checker on the session file, with the options of a --config file', () => {
    const fixture = loadFixture('faulty-completed-without-submit')
    const cx = capture()
    feedSession(cx.collector, fixture)
    const rules = (r: { findings: { rule: string; severity: string }[] }) => r.findings.map((f) => `${f.severity} ${f.rule}`).sort()
    expect(rules(cx.check())).toEqual(rules(check(fixture)))
    expect(rules(cx.check())).toContain('error order/transition')
    const off = cx.check({ severities: { 'order/transition': 'off' } })
    expect(rules(off)).not.toContain('error order/transition')
    expect(() => cx.check({ severitys: {} })).toThrow(/severitys/)
  })

  it('interactions() tells the stories; expectNoErrors passes on shipped behaviour', () => {
    const cx = capture()
    feedSession(cx.collector, loadFixture('shipped-failed-retry'))
    const [story] = cx.interactions()
    expect(story).toMatchObject({ plugin: 'Callback', summary: { outcome: 'completed' } })
    expect(story!.failures.length).toBe(1)
    expect(() => cx.expectNoErrors()).not.toThrow()
  })

  it('a small maxEntries: what the store evicted is a gap before the first entry kept, not an error (check, stories, report)', () => {
    const cx = new CxbusCapture(() => 'Mozilla/5.0 Test', { maxEntries: 4 })
    feedSession(cx.collector, loadFixture('shipped-two-in-a-row'))
    // Kept: the second interaction from its submitted on; the marker of the evicted ones comes after them.
    const events = cx.session().events
    expect(events.at(-1)).toMatchObject({ marker: 'dropped', data: { where: 'background', plugin: 'Callback' } })
    expect(() => cx.expectNoErrors()).not.toThrow()
    expect(cx.interactions().map((st) => st.sentence)).toEqual([`Completed (opened not captured: lost at #${events.at(-1)!.seq}), 12.9 s`])
    expect(cx.analyze().verdict).toBe('pass')
  })

  it('expectNoErrors throws the CLI text of what failed: the story, the error with its rule, the counts', () => {
    const cx = capture()
    feedSession(cx.collector, loadFixture('faulty-completed-without-submit'))
    let message = ''
    try {
      cx.expectNoErrors()
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/^cxbus: the Callback lifecycle check failed\ncaptured session\n {2}Callback #1 /)
    expect(message).toMatch(/\n {4}error {3}order\/transition +seq [\d,]+ {2}/)
    expect(message).toMatch(/\n {2}[1-9]\d* errors?, \d+ warnings?, \d+ info\n/)
    // The error is not buried: no info findings, and coverage in one line, not the table with its "how:" lines.
    expect(message).not.toMatch(/\n {4}info /)
    expect(message).toMatch(/\n {2}coverage: \d+ of \d+ paths covered\n*$/)
    expect(message).not.toContain('how:')
    // a required path that is missing fails as the CLI's --require does, with the table saying how to cover it
    const ok = capture()
    feedSession(ok.collector, loadFixture('shipped-failed-retry'))
    expect(() => ok.expectNoErrors({ require: ['Callback/failed-cancel'] })).toThrow(/required but missing: Callback\/failed-cancel(.|\n)*how: /)
  })

  it('save() writes the session file, or for .html the report that embeds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-tk-'))
    const cx = capture()
    feedSession(cx.collector, loadFixture('shipped-failed-retry'))
    const file = await cx.save(join(dir, 'out', 'callback.session.json'))
    const saved = parseSession(readFileSync(file, 'utf8'))
    expect(saved.events).toEqual(cx.session().events)
    expect(saved.source?.userAgent).toBe('Mozilla/5.0 Test')
    expect(saved.source?.testKitVersion).toBe(TOOL_VERSION) // what captured it
    const html = readFileSync(await cx.save(join(dir, 'report.html')), 'utf8')
    expect(html).toMatch(/^<!DOCTYPE html>/i)
    expect(html).toContain(`<th>Captured by</th><td>cxbus-devtools ${TOOL_VERSION} (test kit)</td>`)
    expect(parseSession(html).events.length).toBe(saved.events.length) // the report embeds the session
  })

  it('hands out copies: a test that edits what it read does not change the capture or its checks', async () => {
    const cx = new CxbusCapture(() => 'Mozilla/5.0 Test')
    feedSession(cx.collector, loadFixture('shipped-failed-retry'))
    const before = cx.check().findings
    const closed = await cx.waitFor('Callback.closed')
    Object.assign(closed.kind === 'event' ? (closed.data as object) : {}, { opened: 0, closed: 0 })
    for (const e of cx.entries()) if (e.kind === 'event') e.event = 'X'
    cx.session().events.length = 0
    expect(cx.check().findings).toEqual(before)
    expect(cx.entries().filter((e) => e.kind === 'event' && e.event === 'Callback.closed')).toHaveLength(1)
  })

  it('a config that is not valid is a TypeError naming the method, in every method that takes one', async () => {
    const cx = new CxbusCapture(() => 'Mozilla/5.0 Test')
    feedSession(cx.collector, loadFixture('shipped-failed-retry'))
    const bad = { severities: { 'x/y': 'error' } } as never
    for (const [method, call] of [['check', () => cx.check(bad)], ['interactions', () => cx.interactions(bad)], ['expectNoErrors', () => cx.expectNoErrors({ require: ['Callback/bogus'] } as never)]] as const) {
      expect(call).toThrow(TypeError)
      expect(call).toThrow(new RegExp(`^cxbus: ${method}: config is not valid: `))
    }
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-kit-'))
    await expect(cx.save(join(dir, 'x.json'), bad)).rejects.toThrow(/^cxbus: save: config is not valid: severities\.x\/y/)
  })

  it('a batch for a load without hello is still numbered', () => {
    const cx = capture()
    send(cx.collector, batch('x', [{ kind: 'event', time: 1, publisher: 'Callback', event: 'Callback.opened', data: {} }]))
    expect(cx.entries()).toMatchObject([{ seq: 0, pageLoadId: 'x', event: 'Callback.opened' }])
  })
})

describe('test kit options and names', () => {
  it('captureCxbus options are checked at once: a TypeError naming the option', () => {
    const make = (o: unknown) => () => new CxbusCapture(() => '', o as never)
    expect(make({ preserveLog: 'yes' })).toThrow(new TypeError('cxbus: captureCxbus option preserveLog must be true or false, got "yes"'))
    expect(make({ maxEntries: 0 })).toThrow(/^cxbus: captureCxbus option maxEntries must be a whole number of 1 or more, got 0$/)
    expect(make({ config: 5 })).toThrow(/^cxbus: captureCxbus option config must be an object/)
    expect(make({ config: { severitys: {} } })).toThrow(/^cxbus: captureCxbus option config is not valid: .*severitys/)
    expect(make({ preserveLogs: false })).toThrow(/^cxbus: captureCxbus: unknown option "preserveLogs" \(known: preserveLog, maxEntries, config\)/)
    expect(make(7)).toThrow(TypeError)
    expect(make({ preserveLog: false, maxEntries: 5, config: { severities: {} } })).not.toThrow()
  })

  it('a wait for a name the checked plugins never publish says so, with the nearest one', async () => {
    const cx = capture()
    await expect(cx.waitFor('Callback.complete', { timeout: 10 })).rejects.toThrow(/^cxbus: Callback\.complete did not arrive within 10 ms \(not an event of Callback\/SendMessage; did you mean Callback\.completed\?\); nothing arrived/)
    await expect(cx.waitFor('callback.opened', { timeout: 10 })).rejects.toThrow(/did you mean Callback\.opened\?/)
    // a real name, another plugin's: no hint
    await expect(cx.waitFor('Callback.completed', { timeout: 10 })).rejects.toThrow(/within 10 ms; nothing/)
    await expect(cx.waitFor('CallbackService.schedule', { timeout: 10 })).rejects.toThrow(/within 10 ms; nothing/)
  })
})
