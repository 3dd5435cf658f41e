// The panel's QA parts in happy-dom: the Coverage tab (ticks link to their interactions, missing paths
// say how), notes added in the Detail pane (markers in the list and on the timeline, removable), and
// the Report and Copy summary buttons.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { createChecker } from '../../../src/core/check.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { RULES } from '../../../src/core/rules.ts'
import { App } from '../../../devtools/panel/App.tsx'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { fixture } from './helpers.ts'
import { MAX_NOTE_CHARS } from '../../../src/core/model.ts'

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

function mount(name = 'shipped-two-in-a-row') {
  const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
  const copied: string[] = []
  const actions = createActions({ store, serializeSession, doc: document, userAgent: 'UA', copyText: async (t) => void copied.push(t) })
  render(<App store={store} actions={actions} rules={RULES} />)
  act(() => store.receive({ type: 'entries', entries: fixture(name).events }))
  return { store, actions, copied }
}

describe('Coverage tab', () => {
  it('ticks the paths the session shows, links them to their interactions, says how to do the others', () => {
    mount()
    fireEvent.click(screen.getByTestId('tab-coverage'))
    expect(screen.getByTestId('coverage-count').textContent).toBe('4 of 9 paths covered')
    const items = screen.getAllByTestId('coverage-item')
    expect(items.map((i) => [i.getAttribute('data-path'), i.getAttribute('data-status')])).toEqual([
      ['Callback/untouched', 'covered'], ['Callback/typed-cancel', 'missing'], ['Callback/submitted', 'covered'], ['Callback/auto-submit', 'missing'],
      ['Callback/failed-retry', 'missing'], ['Callback/failed-cancel', 'missing'], ['Callback/minimize', 'covered'], ['Callback/in-a-row', 'covered'],
      ['Callback/page-left', 'missing'],
    ])
    expect(items[8]!.textContent).toContain('How: Switch on Preserve log')
    expect(screen.getByTestId('coverage').textContent).toContain('Not on this page, not counted: SendMessage.')
    // A link selects the interaction: its lane is the current one.
    fireEvent.click(within(items[6]!).getByTestId('coverage-link'))
    expect(document.querySelector('[data-testid=timeline-lane].current')?.getAttribute('data-lane')).toBe('Callback#2@p1')
  })
})

describe('notes in the Detail pane', () => {
  it('adds a note to the event or its interaction, marks the row and the timeline mark, and removes it', () => {
    const { store } = mount()
    fireEvent.click(document.querySelector('[data-testid=timeline-mark][data-seq="14"]')!)
    const form = screen.getByTestId('notes')
    fireEvent.input(within(form).getByTestId('note-text'), { target: { value: 'completed came <late>' } })
    fireEvent.click(within(form).getByTestId('note-add'))
    expect(store.getState().notes).toMatchObject([{ seq: 14, text: 'completed came <late>' }])
    expect(screen.getAllByTestId('note')[0]!.textContent).toContain('completed came <late>')
    expect(document.querySelector('#row-14 [data-testid=row-note]')).not.toBeNull()
    expect(document.querySelector('[data-lane="Callback#2@p1"] [data-testid=timeline-note]')).not.toBeNull()
    // On the interaction, through the target choice.
    fireEvent.change(within(form).getByTestId('note-target'), { target: { value: 'interaction' } })
    fireEvent.input(within(form).getByTestId('note-text'), { target: { value: 'whole interaction felt slow' } })
    fireEvent.click(within(form).getByTestId('note-add'))
    expect(store.getState().notes[1]).toMatchObject({ interaction: 'Callback#2@p1', text: 'whole interaction felt slow' })
    expect(screen.getAllByTestId('note')).toHaveLength(2)
    fireEvent.click(screen.getByTestId('tab-interactions'))
    expect(screen.getByTestId('interaction-note').textContent).toContain('whole interaction felt slow')
    fireEvent.click(document.querySelector('[data-testid=timeline-mark][data-seq="14"]')!)
    fireEvent.click(screen.getAllByTestId('note-remove')[0]!)
    expect(store.getState().notes.map((n) => n.text)).toEqual(['whole interaction felt slow'])
    expect(document.querySelector('#row-14 [data-testid=row-note]')).toBeNull()
  })
})

describe('Detail pane order (QA: docked right, the notes box pushed the findings out of view)', () => {
  it('shows the entry\'s findings before the notes', () => {
    mount()
    fireEvent.click(document.querySelector('[data-testid=timeline-mark][data-seq="14"]')!)
    const detail = screen.getByTestId('event-detail')
    const findings = detail.querySelector('section[aria-label="Findings on this event"]')!
    expect(findings).not.toBeNull()
    expect(findings.compareDocumentPosition(within(detail).getByTestId('notes')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
  })
})

describe('note length (QA: a 5 000-character note was exported cut to 4 000)', () => {
  it('says and enforces the limit where the note is typed: what is exported is what was typed', async () => {
    const { store, actions } = mount()
    fireEvent.click(document.querySelector('[data-testid=timeline-mark][data-seq="14"]')!)
    const form = screen.getByTestId('notes')
    const box = within(form).getByTestId('note-text') as HTMLTextAreaElement
    expect(box.maxLength).toBe(MAX_NOTE_CHARS)
    // Over the limit (a value set around maxlength): said, and Add note refuses, Ctrl+Enter too.
    fireEvent.input(box, { target: { value: 'x'.repeat(5000) } })
    expect(within(form).getByTestId('note-count').textContent).toBe('1000 characters over the limit of 4000: shorten the note')
    expect((within(form).getByTestId('note-add') as HTMLButtonElement).disabled).toBe(true)
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true })
    expect(store.getState().notes).toEqual([])
    // At the limit: the counter says so, and the whole text is kept and exported.
    const text = 'y'.repeat(MAX_NOTE_CHARS - 1) + 'z'
    fireEvent.input(box, { target: { value: text } })
    expect(within(form).getByTestId('note-count').textContent).toBe(`${MAX_NOTE_CHARS} / ${MAX_NOTE_CHARS}`)
    fireEvent.click(within(form).getByTestId('note-add'))
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    actions.exportSession()
    expect(parseSession(await blobs[0]!.text()).notes?.map((n) => n.text)).toEqual([text])
  })
})

describe('Report and Copy summary', () => {
  it('Report downloads the HTML report; Copy summary copies the Markdown and says so', async () => {
    const { copied } = mount('shipped-failed-cancel')
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    fireEvent.click(screen.getByTestId('report'))
    expect(blobs[0]!.type).toBe('text/html')
    expect(parseSession(await blobs[0]!.text()).events).toHaveLength(fixture('shipped-failed-cancel').events.length)
    await act(async () => void fireEvent.click(screen.getByTestId('copy-summary')))
    expect(copied[0]).toContain('- [x] `Callback/failed-cancel` (Callback #1)')
    // Also from the Coverage tab (the toolbar's copy is hidden when docked narrow).
    fireEvent.click(screen.getByTestId('tab-coverage'))
    await act(async () => void fireEvent.click(screen.getByTestId('coverage-copy-summary')))
    expect(copied).toHaveLength(2)
    await waitFor(() => expect(screen.getByTestId('copy-summary').textContent).toBe('Copied'))
  })
})
