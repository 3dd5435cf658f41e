// Node (npm run bench). The one-file QA report (src/report) of a generated 50 000-event shipped-9.x
// session, in Node as the CLI makes it (the panel and the popup run the same code): time from the
// parsed session to the HTML string (check, stories, coverage, render, embedding), split into the
// analysis and the rendering; and the file's size, of which the embedded session is the bulk.
// Each time is the median of RUNS.
import { embedJson } from '../src/core/embed.ts'
import { parseSession, serializeSession } from '../src/core/session.ts'
import { analyzeSession } from '../src/report/analyze.ts'
import { renderReportHtml } from '../src/report/html.tsx'
import { generateSession } from '../test/support/generate.ts'
import { median } from './stats.ts'

export const name = 'report'
export const targets: Record<string, string> = {
  reportMs: '< 2000',
  restMB: '< 1',
}

const EVENTS = 50_000
const RUNS = 5
const MB = 2 ** 20

export async function run(): Promise<Record<string, number | string>> {
  const session = generateSession({ events: EVENTS, seed: 14, pageLoads: 3 })
  const meta = { generatedAt: Date.now(), generator: 'bench' }
  const total: number[] = []
  const analysis: number[] = []
  let html = ''
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    const a = analyzeSession(session)
    const t1 = performance.now()
    html = renderReportHtml(a, meta)
    total.push(performance.now() - t0)
    analysis.push(t1 - t0)
  }
  const embedded = embedJson(serializeSession(session, { compact: true })).length
  const t2 = performance.now()
  const back = parseSession(html)
  const readBackMs = performance.now() - t2
  if (back.events.length !== session.events.length) throw new Error('the report does not give its session back')
  const a = analyzeSession(session)
  return {
    events: session.events.length,
    interactions: a.stories.length,
    reportMs: median(total),
    analysisMs: median(analysis),
    renderMs: median(total) - median(analysis),
    fileMB: html.length / MB,
    embeddedSessionMB: embedded / MB,
    restMB: (html.length - embedded) / MB,
    readBackMs,
  }
}
