// Panel (happy-dom). The QA actions: notes on events and interactions (kept in the store, persisted per
// tab, exported, imported back, dropped with the events by Clear), the Report download (one HTML file
// whose embedded session, notes included, imports back to the same findings) and Copy summary.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { check, createChecker } from '../../../src/core/check.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { loadNotes, notesKey, syncLiveNotes } from '../../../src/ui/notes.ts'
import type { StorageAreaLike } from '../../../src/ui/settings.ts'
import { fixture } from './helpers.ts'

function memoryArea(): StorageAreaLike & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = {}
  return { data, get: async (k) => (k in data ? { [k]: structuredClone(data[k]) } : {}), set: async (items) => void Object.assign(data, structuredClone(items)) }
}

/** Runs `fn` and returns the files it downloaded: name and text. */
async function downloads(fn: () => void): Promise<{ name: string; type: string; text: string }[]> {
  const blobs: Blob[] = []
  const names: string[] = []
  const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download)
  })
  try {
    fn()
  } finally {
    create.mockRestore()
    click.mockRestore()
  }
  return Promise.all(blobs.map(async (b, i) => ({ name: names[i]!, type: b.type, text: await b.text() })))
}

const setup = () => {
  const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
  const area = memoryArea()
  let clipboard = ''
  const actions = createActions({
    store, serializeSession, doc: document, userAgent: 'Mozilla/5.0 Chrome/156.0.0.0',
    copyText: async (t) => void (clipboard = t), now: () => new Date(Date.UTC(2026, 10, 30, 12)),
  })
  store.receive({ type: 'state', state: { tabId: 7, url: 'https://shop.example.test/contact', preserveLog: false, recording: true, bus: { via: 'CXBus', widgetsVersion: '9.0.018.07' }, dropped: 0, count: 0, findings: { error: 0, warning: 0, info: 0 } } })
  store.receive({ type: 'entries', entries: fixture('shipped-failed-retry').events })
  syncLiveNotes(store, area, 7)
  return { store, area, actions, clipboard: () => clipboard }
}

afterEach(() => vi.restoreAllMocks())

describe('notes in the panel', () => {
  it('are added to an event or an interaction, persisted per tab, exported, and dropped by Clear', async () => {
    const { store, area, actions } = setup()
    actions.addNote({ seq: 7 }, '  error shown twice  ')
    actions.addNote({ interaction: 'Callback#1@p1' }, 'retry worked')
    actions.addNote({ seq: 3 }, '   ') // nothing to say: no note
    expect(store.getState().notes).toEqual([
      { seq: 7, text: 'error shown twice', time: Date.UTC(2026, 10, 30, 12) },
      { interaction: 'Callback#1@p1', text: 'retry worked', time: Date.UTC(2026, 10, 30, 12) },
    ])
    await Promise.resolve()
    expect(await loadNotes(area, 7)).toEqual(store.getState().notes)
    expect(area.data[notesKey(7)]).toHaveLength(2)
    const [file] = await downloads(() => actions.exportSession())
    expect(parseSession(file!.text).notes).toEqual(store.getState().notes)
    actions.removeNote(store.getState().notes[0]!)
    expect(store.getState().notes.map((n) => n.text)).toEqual(['retry worked'])
    store.receive({ type: 'cleared' })
    expect(store.getState().notes).toEqual([])
    await Promise.resolve()
    expect(area.data[notesKey(7)]).toEqual([])
  })

  it('are restored for the tab when the panel opens again', async () => {
    const area = memoryArea()
    area.data[notesKey(7)] = [{ seq: 7, text: 'kept', time: 1 }, { bogus: true }]
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    syncLiveNotes(store, area, 7)
    await new Promise((r) => setTimeout(r, 0))
    expect(store.getState().notes).toEqual([{ seq: 7, text: 'kept', time: 1 }])
  })

  it('an imported file keeps its notes; notes added to it go with it, not into the live capture or storage', async () => {
    const { store, area, actions } = setup()
    const s = { ...fixture('shipped-auto-submit'), notes: [{ seq: 4, text: 'auto-submitted from the campaign link', time: 1 }] }
    await actions.importFile(new File([serializeSession(s)], 'campaign.session.json'))
    expect(store.getState().imported?.notes).toEqual(s.notes)
    expect(store.getState().imported?.extra).toEqual({})
    actions.addNote({ seq: 9 }, 'closed by the page')
    expect(store.getState().notes).toEqual([])
    expect(area.data[notesKey(7)]).toBeUndefined()
    const [file] = await downloads(() => actions.exportSession())
    expect(parseSession(file!.text).notes!.map((n) => n.text)).toEqual(['auto-submitted from the campaign link', 'closed by the page'])
    // Settings re-check the import: its notes stay.
    store.setOptions({ exactToleranceMs: 2 })
    expect(store.getState().imported?.notes).toHaveLength(2)
  })
})

describe('Report and Copy summary', () => {
  it('Report downloads one HTML file that imports back with the same findings and the notes', async () => {
    const { store, actions } = setup()
    actions.addNote({ seq: 7 }, '<b>bold?</b>')
    const [file] = await downloads(() => actions.saveReport())
    expect(file!.name).toMatch(/^cxbus-report-shop\.example\.test-\d{8}-\d{6}\.html$/)
    expect(file!.type).toBe('text/html')
    expect(file!.text).toContain('cxbus-devtools 0.1.0')
    expect(file!.text).toContain('&lt;b>bold?&lt;/b>')
    const back = parseSession(file!.text)
    expect(back.source).toMatchObject({ url: 'https://shop.example.test/contact', extensionVersion: '0.1.0' })
    expect(back.notes?.[0]?.text).toBe('<b>bold?</b>')
    expect(check(back).findings).toEqual(store.getState().live.report.findings)
    // The panel's own Import takes the report.
    await actions.importFile(new File([file!.text], file!.name))
    expect(store.getState().imported?.view.report.findings).toEqual(store.getState().live.report.findings)
    expect(store.getState().imported?.notes).toEqual(back.notes)
  })

  it('a report made with other check options imports with them: same verdict, said in the banner, kept in a report made again', async () => {
    const { store, actions } = setup()
    // In the live view the failed retry's elapsed-definition note is info; the report was made with it an error.
    actions.saveSettings({ severities: { 'meta/elapsed-definition': 'error' } })
    const errors = () => store.getState().imported!.view.report.findings.filter((f) => f.severity === 'error').length
    const liveErrors = store.getState().live.report.findings.filter((f) => f.severity === 'error').length
    expect(liveErrors).toBeGreaterThan(0)
    const [made] = await downloads(() => actions.saveReport())
    expect(made!.text).toMatch(/^<!DOCTYPE html>[\s\S]*<title>FAIL/)
    // Back to the defaults, then the report is imported: checked with its own options, not the panel's.
    actions.saveSettings({})
    await actions.importFile(new File([made!.text], 'made.report.html'))
    expect(store.getState().imported?.settings?.options).toEqual({ severities: { 'meta/elapsed-definition': 'error' } })
    expect(errors()).toBe(liveErrors)
    const [again] = await downloads(() => actions.saveReport())
    expect(again!.text).toMatch(/<title>FAIL/)
    expect(again!.text).toContain('meta/elapsed-definition: error (default info)')
    // Saving Settings checks it with the panel's own (as --config does in the CLI).
    actions.saveSettings({})
    expect(store.getState().imported?.settings).toBeNull()
    expect(errors()).toBe(0)
    // A session file has none.
    await actions.importFile(new File([serializeSession(fixture('shipped-failed-retry'))], 'x.session.json'))
    expect(store.getState().imported?.settings).toBeNull()
  })

  it('Copy summary puts the Markdown summary on the clipboard', async () => {
    const { actions, clipboard } = setup()
    expect(await actions.copySummary()).toBe(true)
    expect(clipboard()).toMatch(/^### PASS: cxbus-devtools QA summary\n/)
    expect(clipboard()).toContain('- [x] `Callback/failed-retry` (Callback #1)')
  })
})
