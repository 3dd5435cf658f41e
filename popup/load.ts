// Popup. Gathers what the popup shows from the background's one-shot requests (protocol section 4):
// the tab state, and the session itself, checked here with the user's settings so the interaction
// and finding counts match the panel's. Transport injected: main.tsx passes runtime.sendMessage.
import type { CheckOptions, Report, Session } from '../src/core/model.ts'
import { buildStories } from '../src/core/story.ts'
import type { Request, ResponseMap } from '../src/core/protocol.ts'
import type { PopupData } from './Popup.tsx'

export interface PopupDeps {
  request<T extends Request>(req: T): Promise<ResponseMap[T['type']]>
  check(session: Session, options?: CheckOptions): Report
  loadOptions(): Promise<CheckOptions>
}

export async function loadPopupData(tabId: number, d: PopupDeps): Promise<{ data: PopupData; session: Session | null }> {
  const state = await d.request({ type: 'get-tab-state', tabId })
  if (!state) {
    return { data: { known: false, bus: null, recording: true, events: 0, busEntries: 0, interactions: 0, stories: [], findings: { error: 0, warning: 0, info: 0 }, dropped: 0 }, session: null }
  }
  const session = state.count > 0 ? await d.request({ type: 'export-session', tabId }) : null
  const report = session ? d.check(session, await d.loadOptions()) : null
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
  }
}
