/// <reference types="vite/client" />
// Popup page (action popup of the current tab). The only popup module that touches extension APIs:
// finds the active tab, loads its data through the background, and exports its session file.
import browser from 'webextension-polyfill'
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { check } from '../src/core/check.ts'
import { serializeSession } from '../src/core/session.ts'
import type { CheckOptions, Report, Session } from '../src/core/model.ts'
import { analyzeSession } from '../src/report/analyze.ts'
import { renderReportHtml } from '../src/report/html.tsx'
import { TOOL_VERSION } from '../src/report/version.ts'
import { loadNotes } from '../src/ui/notes.ts'
import type { Request } from '../src/core/protocol.ts'
import { loadSettings } from '../src/ui/settings.ts'
import { applyTheme } from '../src/ui/theme.ts'
import { downloadText, exportFileName } from '../src/ui/exportFile.ts'
import { Popup, type PopupData } from './Popup.tsx'
import { loadPopupData } from './load.ts'
import './popup.css'

applyTheme(window, undefined)

function PopupApp() {
  const [data, setData] = useState<PopupData | null>(null)
  const [session, setSession] = useState<Session | null>(null)
  const [checked, setChecked] = useState<{ options: CheckOptions; report: Report | null }>({ options: {}, report: null })
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    ;(async () => {
      const tabId = await popupTabId(window.location.search)
      const result = await loadPopupData(tabId, {
        request: (req: Request) => browser.runtime.sendMessage(req) as never,
        check,
        loadOptions: () => loadSettings(browser.storage.local),
        loadNotes: (id) => loadNotes(browser.storage.session, id),
      })
      setData(result.data)
      setSession(result.session)
      setChecked({ options: result.options, report: result.report })
    })().catch((err: unknown) => setError(`Cannot reach the extension: ${err instanceof Error ? err.message : String(err)}`))
  }, [])
  const onExport = (): void => {
    if (!session) return
    downloadText(document, exportFileName(data?.url ?? session.source?.url, new Date()), serializeSession(session))
  }
  const onReport = (): void => {
    if (!session) return
    const date = new Date()
    const a = analyzeSession(session, { options: checked.options, ...(checked.report ? { report: checked.report } : {}) })
    const html = renderReportHtml(a, { generatedAt: date.getTime(), generator: `cxbus-devtools ${TOOL_VERSION}` })
    downloadText(document, exportFileName(data?.url ?? session.source?.url, date, 'report'), html, 'text/html')
  }
  return <Popup data={data} error={error} onExport={onExport} onReport={onReport} />
}

/**
 * The tab the popup is about: `?tabId=ID` (as the panel takes it: tests and the popup opened as a
 * page), else the active tab (no "tabs" permission needed: its id is always readable).
 */
async function popupTabId(search: string): Promise<number> {
  const param = Number(new URLSearchParams(search).get('tabId'))
  if (Number.isInteger(param) && param > 0) return param
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true })
  if (tab?.id === undefined) throw new Error('No active tab.')
  return tab.id
}

render(<PopupApp />, document.getElementById('app')!)
