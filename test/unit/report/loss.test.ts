// @vitest-environment node
// Node (vitest). Entries the capture lost (`dropped` markers) are counted once (QaSummary.lost, the
// same whole or streamed) and said beside the verdict by check's text (also the test kit's message),
// the Markdown summary and the HTML report; the verdict and exit code stay as they were.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkText, main } from '../../../cli/main.ts'
import type { Session, SessionEntry } from '../../../src/core/model.ts'
import { serializeSession } from '../../../src/core/session.ts'
import { analyzeSession, createStreamedCheck, lossText } from '../../../src/report/analyze.ts'
import { renderReportHtml } from '../../../src/report/html.tsx'
import { markdownSummary } from '../../../src/report/markdown.ts'
import { loadFixture } from '../../support/fixtures.ts'

/** The clean fixture with markers after its interaction: 8 + 3 lost by the hook, 2 by the relay, 4 cleared by the user. */
function withLosses(): Session {
  const s = loadFixture('documented-submitted')
  const last = s.events[s.events.length - 1] as SessionEntry
  const marks = [{ count: 8, where: 'hook' }, { count: 2, where: 'relay' }, { count: 3, where: 'hook' }, { count: 4, where: 'cleared' }]
  const events = [...s.events, ...marks.map((data, i): SessionEntry => ({ seq: last.seq + 1 + i, kind: 'marker', time: last.time + 1 + i, marker: 'dropped', data }))]
  return { ...s, events }
}

const SENTENCE = '13 entries were not captured (page hook queue full: 11, relay buffer full: 2): the check covers what arrived; 4 entries removed by Clear'

describe('lost entries', () => {
  it('are counted by where, the same whole and streamed', () => {
    const s = withLosses()
    const a = analyzeSession(s)
    expect(a.lost).toEqual({ hook: 11, relay: 2, cleared: 4 })
    const st = createStreamedCheck({}, () => 0)
    for (const e of s.events) st.push(e)
    expect(st.finish(s).lost).toEqual(a.lost)
    expect(lossText(a.lost)).toBe(SENTENCE)
    expect(lossText({ paused: 1 })).toBe('1 entry not recorded while the capture was paused')
    expect(lossText({})).toBe('')
    expect(analyzeSession(loadFixture('documented-submitted')).lost).toEqual({})
  })

  it('are said by check (text and markdown), the test kit message and the report; the verdict stays', async () => {
    const text = serializeSession(withLosses())
    let out = ''
    const io = { stdout: (t: string) => void (out += t), stderr: () => {}, readFile: async () => text }
    expect(await main(['check', 'x.session.json'], io)).toBe(0)
    expect(out).toContain(`  ${SENTENCE}`.slice(0, 60))
    expect(out.replace(/\n +/g, ' ')).toContain(SENTENCE)
    out = ''
    expect(await main(['check', '--format', 'markdown', 'x.session.json'], io)).toBe(0)
    expect(out).toContain(`**Capture incomplete:** ${SENTENCE}`)
    out = ''
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-loss-'))
    expect(await main(['report', '-o', join(dir, 'r.html'), 'x.session.json'], io)).toBe(0)
    expect(out).toContain(`PASS, 0 errors, 0 warnings, 1 info, 1 of 9 paths covered; ${SENTENCE} (`)
    const a = analyzeSession(withLosses())
    expect(a.verdict).toBe('pass')
    expect(checkText('captured session', a).replace(/\n +/g, ' ')).toContain(SENTENCE)
    expect(markdownSummary(a)).toContain(SENTENCE)
    expect(renderReportHtml(a, { generatedAt: 0, generator: 'test' })).toContain(`Capture incomplete: ${SENTENCE}.`)
  })
})
