// Runs everywhere (panel, popup, CLI, bench). The QA report as one self-contained HTML file: styles
// inline, system fonts, timelines as inline SVG, no script, no external asset (a Content-Security-
// Policy that forbids scripts and every fetch says so to the browser too), and the session embedded as
// an inert JSON block (src/core/embed.ts) so the file can be imported or checked again.
import { renderToString } from 'preact-render-to-string'
import { escapeControls } from '../core/controls.ts'
import { embedJson, OPTIONS_ID } from '../core/embed.ts'
import { serializeSession } from '../core/session.ts'
import type { QaAnalysis } from './analyze.ts'
import { checkConfigOf, verdictText } from './analyze.ts'
import { ReportDocument, type ReportMeta } from './ReportDocument.tsx'
import { REPORT_CSS } from './styles.ts'

export type { ReportMeta }

/** No script may run, nothing may be fetched; inline styles and data: images only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

export function renderReportHtml(a: QaAnalysis, meta: ReportMeta): string {
  const host = (() => {
    try {
      return a.env.pageUrl ? new URL(a.env.pageUrl).host : ''
    } catch {
      return ''
    }
  })()
  const head = escapeControls(renderToString(
    <head>
      <meta charset="utf-8" />
      <meta http-equiv="Content-Security-Policy" content={REPORT_CSP} />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="generator" content={meta.generator} />
      <title>{`${verdictText(a.verdict)}: cxbus-devtools QA report${host ? ` for ${host}` : ''}`}</title>
      {/* Our own constant, not page data: as is, so CSS quotes are not entity-encoded. */}
      <style dangerouslySetInnerHTML={{ __html: REPORT_CSS }} />
    </head>,
  ))
  // Invisible controls from the page (a bidi override) shown escaped, as the CLI does; the embedded session keeps them.
  const body = escapeControls(renderToString(<ReportDocument a={a} meta={meta} />))
  const config = checkConfigOf(a)
  // Before the session: `check` finds it without scanning megabytes of entries.
  const options = config ? `\n${embedJson(JSON.stringify(config), OPTIONS_ID)}` : ''
  return `<!DOCTYPE html>\n<html lang="en">${head}<body>${body}${options}\n${embedJson(serializeSession(a.session, { compact: true }))}\n</body></html>\n`
}

/** cxbus-report-<host>-<yyyyMMdd-HHmmss>.html, like the session file's name. */
export function reportFileName(sessionFileName: string): string {
  return sessionFileName.replace(/^cxbus-session-/, 'cxbus-report-').replace(/\.json$/, '') + '.html'
}
