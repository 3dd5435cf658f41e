// Popup. Gathers what the popup shows from the background's one-shot requests (protocol section 4):
// the tab state, and the session itself, checked here with the user's settings so the interaction
// and finding counts match the panel's, with the tester's notes of the tab (the panel keeps them).
// Transport injected: main.tsx passes runtime.sendMessage.
import type { CheckOptions, Report, Session, SessionNote } from '../src/core/model.ts'
import { buildStories } from '../src/core/story.ts'
import type { Request, ResponseMap } from '../src/core/protocol.ts'
import type { PopupData } from './Popup.tsx'

export interface PopupDeps {
  request<T extends Request>(req: T): Promise<ResponseMap[T['type']]>
  check(session: Session, options?: CheckOptions): Report
  loadOptions(): Promise<CheckOptions>
  /** The tab's notes (storage.session, written by the panel). */
  loadNotes?(tabId: number): Promise<SessionNote[]>
}

export interface PopupLoad {
  data: PopupData
  /** The tab's session with its notes (null when nothing was captured). */
  session: Session | null
  options: CheckOptions
  /** The checker's report of `session` with `options`. */
  report: Report | null
}

export async function loadPopupData(tabId: number, d: PopupDeps): Promise<PopupLoad> {
  const state = await d.request({ type: 'get-tab-state', tabId })
  if (!state) {
    return { data: { known: false, bus: null, recording: true, events: 0, busEntries: 0, interactions: 0, stories: [], findings: { error: 0, warning: 0, info: 0 }, dropped: 0 }, session: null, options: {}, report: null }
  }
  const exported = state.count > 0 ? await d.request({ type: 'export-session', tabId }) : null
  const notes = exported && d.loadNotes ? await d.loadNotes(tabId) : []
  const session = exported && notes.length ? { ...exported, notes } : exported
  const options = await d.loadOptions()
  const report = session ? d.check(session, options) : null
  const findings = { error: 0, warning: 0, info: 0 }
  if (report) for (const f of report.findings) findings[f.severity]++
  return {
    data: {
      known: true,
      url: state.url,
      bus: state.bus,
      recording: state.recording,
      events: session ? session.events.length : state.count,
      busEntries: session ? session.events.filter((e) => e.kind !== 'marker').length : 0,
      interactions: report ? report.interactions.length : 0,
      stories: session && report ? buildStories(session.events, report, { source: session.source }).map((st) => ({ id: st.id, label: st.label, outcome: st.summary.outcome, sentence: st.sentence })) : [],
      findings: report ? findings : state.findings,
      dropped: state.dropped,
    },
    session,
    options,
    report,
  }
}
