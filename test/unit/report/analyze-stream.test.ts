// @vitest-environment node
// Node (vitest). The QA analysis made while the entries stream by (createSessionAnalyzer, what
// `cxbus-devtools check` runs slice by slice and without keeping the entries) equals the analysis of
// the whole session (analyzeSession, what the panel, the popup and the HTML report use), and so does
// the CLI's output, from a text or from a file's bytes.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkText, main } from '../../../cli/main.ts'
import type { Session } from '../../../src/core/model.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { analyzeSession, createSessionAnalyzer, settingsOf, type AnalyzeOptions } from '../../../src/report/analyze.ts'
import { fixtureNames, fixtureText, loadFixture } from '../../support/fixtures.ts'
import { faultySession } from '../../support/faults.ts'
import { generateSession } from '../../support/generate.ts'


function streamed(session: Session, o: Omit<AnalyzeOptions, 'report'>, keepEvents: boolean) {
  const a = createSessionAnalyzer({ ...o, keepEvents })
  for (const e of session.events) a.push(e)
  const { events: _events, ...head } = session
  return a.finish(head)
}

const sessions = (): [string, Session][] => [
  ...fixtureNames().map((n): [string, Session] => [n, loadFixture(n)]),
  ['faulty 1', faultySession(1)],
  ['faulty 2', faultySession(2)],
  ['no pageLoadId', generateSession({ seed: 5, events: 3000, pageLoads: 6, noPageLoadId: true, plugins: ['Callback', 'SendMessage'] })],
]

const config = settingsOf({
  severities: { 'order/autosubmit-first': 'off', 'meta/elapsed-definition': 'warning' },
  coverage: [{ id: 'double-submit', label: 'two submits', howTo: 'Submit twice.', plugins: ['Callback'], match: { submits: 2 } }],
  require: ['double-submit', 'Callback/page-left'],
})

describe('the streaming QA analysis', () => {
  it('the generated faulty capture has what it is meant to test: many page loads, lost entries, failures, findings', () => {
    const a = analyzeSession(faultySession(1))
    expect(a.env.pageLoads.length).toBeGreaterThan(12)
    expect(a.session.events.filter((e) => e.kind === 'marker' && e.marker === 'dropped').length).toBeGreaterThan(10)
    expect(a.stories.filter((s) => s.failures.length > 0).length).toBeGreaterThan(10)
    expect(a.stories.some((s) => s.pageLeft)).toBe(true)
    expect(new Set(a.report.findings.map((f) => f.rule)).size).toBeGreaterThan(8)
    expect(a.counts.error).toBeGreaterThan(0)
  })

  it('equals analyzeSession on the fixtures and generated captures, with default and configured options', () => {
    for (const [name, session] of sessions()) {
      for (const o of [{}, { options: config.options, paths: config.paths, require: config.require }]) {
        const whole = analyzeSession(session, o)
        expect(streamed(session, o, true), name).toEqual(whole)
        // Without the entries: everything but them.
        expect(streamed(session, o, false), name).toEqual({ ...whole, session: { ...session, events: [] } })
      }
    }
  })

  it('the CLI prints what the whole-session analysis says, from a text and from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-stream-'))
    for (const [name, session] of sessions()) {
      const text = name.startsWith('faulty') || name === 'no pageLoadId' ? serializeSession(session) : fixtureText(name)
      const file = join(dir, 'x.session.json')
      writeFileSync(file, text)
      const expected = checkText(file, analyzeSession(parseSession(text)))
      let stdout = ''
      await main(['check', file], { stdout: (s) => void (stdout += s), stderr: () => {}, readFile: async () => text })
      expect(stdout, name).toBe(expected)
      // Without a readFile the CLI reads the file's bytes itself (sessionSlices' ByteSource), as the
      // real process does (in-process: a built dist/ may be older than the source under test).
      let fromBytes = ''
      await main(['check', file], { stdout: (s) => void (fromBytes += s), stderr: () => {} })
      expect(fromBytes, name).toBe(expected)
    }
  }, 60_000)
})
