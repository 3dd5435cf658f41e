// Settings storage adapter and the toolbar actions: export (file name, session content), import
// (valid file replaces the view, invalid file shows the validator's error), settings persistence.
import { describe, expect, it, vi } from 'vitest'
import { createChecker } from '../../../src/core/check.ts'
import { EMPTY_FILTER, filterEntries } from '../../../devtools/panel/lib/filter.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { loadSettings, normalizeOptions, saveSettings, type StorageAreaLike } from '../../../src/ui/settings.ts'
import { buildSession, exportFileName } from '../../../src/ui/exportFile.ts'
import { fixture } from './helpers.ts'
import { TOOL_VERSION } from '../../../src/report/version.ts'

function memoryArea(initial: Record<string, unknown> = {}): StorageAreaLike & { data: Record<string, unknown> } {
  const data = { ...initial }
  return { data, get: async (k) => (k in data ? { [k]: data[k] } : {}), set: async (items) => void Object.assign(data, items) }
}

describe('settings', () => {
  it('keeps only valid severities and tolerances', () => {
    expect(normalizeOptions({ severities: { 'meta/elapsed': 'off', x: 'loud' }, dispatchToleranceMs: 300, clockToleranceMs: -1, exactToleranceMs: 'a' })).toEqual({
      severities: { 'meta/elapsed': 'off' },
      dispatchToleranceMs: 300,
    })
    expect(normalizeOptions(null)).toEqual({})
  })
  it('round-trips through storage under "settings"', async () => {
    const area = memoryArea()
    await saveSettings(area, { exactToleranceMs: 2 })
    expect(area.data.settings).toEqual({ exactToleranceMs: 2 })
    expect(await loadSettings(area)).toEqual({ exactToleranceMs: 2 })
  })
  it('falls back to defaults when storage fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(await loadSettings({ get: () => Promise.reject(new Error('x')), set: async () => {} })).toEqual({})
    warn.mockRestore()
  })
})

describe('export', () => {
  it('names the file after the host and the time', () => {
    expect(exportFileName('https://shop.example.test:8443/contact', new Date(2026, 10, 25, 12, 3, 4))).toBe('cxbus-session-shop.example.test_8443-20261125-120304.json')
    expect(exportFileName(undefined, new Date(2026, 0, 1))).toBe('cxbus-session-page-20260101-000000.json')
  })
  it('builds a session file that the validator accepts, without empty source fields', () => {
    const s = fixture('shipped-two-in-a-row')
    const built = buildSession(s.events, { url: 'https://a.test/', widgetsVersion: undefined, userAgent: 'UA' })
    expect(built.source).toEqual({ url: 'https://a.test/', userAgent: 'UA' })
    expect(parseSession(serializeSession(built)).events).toHaveLength(s.events.length)
  })
})

describe('actions', () => {
  const setup = () => {
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    const send = vi.fn()
    const area = memoryArea()
    const actions = createActions({
      store, send, serializeSession, doc: document, userAgent: 'UA/1',
      persistSettings: (o) => saveSettings(area, o), now: () => new Date(2026, 10, 25, 12, 0, 0),
    })
    return { store, send, area, actions }
  }

  it('sends record, clear and preserve-log to the background', () => {
    const { actions, send } = setup()
    actions.setRecording(false)
    actions.clear()
    actions.setPreserveLog(true)
    expect(send.mock.calls.map((c) => c[0])).toEqual([{ type: 'set-recording', value: false }, { type: 'clear' }, { type: 'set-preserve-log', value: true }])
  })

  it('imports a valid file into the view', async () => {
    const { actions, store } = setup()
    const text = serializeSession(fixture('faulty-completed-without-submit'))
    await actions.importFile(new File([text], 'bug.session.json'))
    expect(store.getState().imported?.name).toBe('bug.session.json')
    expect(store.getState().error).toBeNull()
  })

  it('reads an import a few bytes per task, characters split between two reads included', async () => {
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    const actions = createActions({ store, serializeSession, doc: document, userAgent: 'UA/1', readChunkBytes: 7 })
    const session = fixture('shipped-failed-retry')
    // Two- and three-byte characters: with 7-byte reads many of them are cut in two.
    session.events[3] = { ...session.events[3]!, data: { name: 'Zoë Ünal €€€ 日本' } }
    const file = new File([serializeSession(session)], 'utf8.session.json')
    const slice = vi.spyOn(file, 'slice')
    await actions.importFile(file)
    expect(slice.mock.calls.length).toBeGreaterThan(100)
    expect(store.getState().error).toBeNull()
    expect(store.getState().imported!.view.entries).toEqual(parseSession(serializeSession(session)).events)
  })

  it('builds the text filter’s index while it parses an import: the first text filter serialises nothing', async () => {
    const { actions, store } = setup()
    await actions.importFile(new File([serializeSession(fixture('shipped-failed-retry'))], 'retry.session.json'))
    const view = store.getState().imported!.view
    const stringify = vi.spyOn(JSON, 'stringify')
    try {
      const rows = filterEntries(view.entries, view.findingsBySeq, { ...EMPTY_FILTER, text: 'scheduleerror' })
      expect(rows.length).toBeGreaterThan(0)
      expect(stringify).not.toHaveBeenCalled()
    } finally {
      stringify.mockRestore()
    }
  })

  it('shows the validator error, with the position, for an invalid file and keeps the view', async () => {
    const { actions, store } = setup()
    const bad = JSON.parse(serializeSession(fixture('shipped-two-in-a-row')))
    bad.events[3].seq = '3'
    await actions.importFile(new File([JSON.stringify(bad)], 'bad.json'))
    const s = store.getState()
    expect(s.imported).toBeNull()
    expect(s.error?.title).toBe('Cannot import bad.json:')
    expect(s.error?.message).toMatch(/^events\[3\]\.seq/)
    await actions.importFile(new File(['{not json'], 'x.json'))
    expect(store.getState().error?.message).toMatch(/not JSON/)
  })

  it('exports the live session with the page source, as a download', () => {
    const { actions, store } = setup()
    store.receive({ type: 'state', state: { tabId: 1, url: 'https://shop.example.test/p', preserveLog: false, recording: true, bus: { via: 'CXBus', widgetsVersion: '9.0.018.07' }, dropped: 0, count: 0, findings: { error: 0, warning: 0, info: 0 } } })
    store.receive({ type: 'entries', entries: fixture('shipped-two-in-a-row').events })
    const blobs: Blob[] = []
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
    let clicked: HTMLAnchorElement | undefined
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked = this
    })
    actions.exportSession()
    expect(clicked?.download).toBe('cxbus-session-shop.example.test-20261125-120000.json')
    expect(blobs).toHaveLength(1)
    create.mockRestore()
    click.mockRestore()
    return blobs[0]!.text().then((text) => {
      const s = parseSession(text)
      // The extension's version too: a QA report names the build that captured the session.
      expect(s.source).toEqual({ url: 'https://shop.example.test/p', widgetsVersion: '9.0.018.07', userAgent: 'UA/1', extensionVersion: TOOL_VERSION })
      expect(s.events).toHaveLength(fixture('shipped-two-in-a-row').events.length)
    })
  })

  it('exports an imported file with its unknown top-level and source fields', async () => {
    const { actions, store } = setup()
    const original = { ...fixture('shipped-two-in-a-row'), capturedBy: { tool: 'other', v: 3 }, comment: '', source: { url: 'https://a.test/', team: 'qa', empty: '' } }
    await actions.importFile(new File([serializeSession(original)], 'in.session.json'))
    expect(store.getState().imported).not.toBeNull()
    const blobs: Blob[] = []
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    actions.exportSession()
    create.mockRestore()
    click.mockRestore()
    const out = JSON.parse(await blobs[0]!.text())
    expect(out.capturedBy).toEqual({ tool: 'other', v: 3 })
    expect(out.comment).toBe('')
    expect(out.source).toEqual({ url: 'https://a.test/', team: 'qa', empty: '' })
    expect(out.events).toEqual(JSON.parse(serializeSession(original)).events)
    // settings re-check the import: the fields must survive that too
    store.setOptions({ exactToleranceMs: 2 })
    expect(store.getState().imported?.extra).toEqual({ capturedBy: { tool: 'other', v: 3 }, comment: '' })
  })

  it('refuses a file over the size limit before reading it', async () => {
    const { actions, store } = setup()
    const file = new File(['{}'], 'huge.json')
    Object.defineProperty(file, 'size', { value: 120 * 1024 * 1024 })
    const text = vi.spyOn(file, 'text')
    await actions.importFile(file)
    expect(text).not.toHaveBeenCalled()
    expect(store.getState().error).toEqual({ title: 'Cannot import huge.json:', message: 'file too large: 120.0 MB, the limit is 100.0 MB' })
    expect(store.getState().imported).toBeNull()
  })

  it('applies settings at once and persists them', async () => {
    const { actions, store, area } = setup()
    actions.saveSettings({ severities: { 'meta/elapsed-definition': 'off' } })
    expect(store.getState().options).toEqual({ severities: { 'meta/elapsed-definition': 'off' } })
    await Promise.resolve()
    expect(area.data.settings).toEqual({ severities: { 'meta/elapsed-definition': 'off' } })
  })
})
