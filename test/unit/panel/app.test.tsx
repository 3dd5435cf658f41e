// The panel UI in happy-dom, without the extension: the App fed by a store, as main.tsx wires it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { createChecker } from '../../../src/core/check.ts'
import { serializeSession } from '../../../src/core/session.ts'
import { RULES } from '../../../src/core/rules.ts'
import { analyzeSession } from '../../../src/report/analyze.ts'
import { renderReportHtml } from '../../../src/report/html.tsx'
import type { SessionEntry } from '../../../src/core/model.ts'
import type { TabState } from '../../../src/core/protocol.ts'
import { App } from '../../../devtools/panel/App.tsx'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { InteractionsPane, PAGE } from '../../../devtools/panel/components/Interactions/InteractionsPane.tsx'
import { check } from '../../../src/core/check.ts'
import { buildStories } from '../../../src/core/story.ts'
import { generateSession } from '../../support/generate.ts'
import { ev, fixture, marker, meta } from './helpers.ts'

afterEach(cleanup)

/** Store updates come from outside Preact (the port): tests apply them inside act() to render. */
function mount() {
  const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
  const send = vi.fn()
  const actions = createActions({ store, send, serializeSession, doc: document, userAgent: 'UA' })
  const utils = render(<App store={store} actions={actions} rules={RULES} />)
  return { store, send, ...utils }
}

const tab = (over: Partial<TabState> = {}): TabState => ({
  tabId: 1, url: 'https://shop.example.test/', preserveLog: false, recording: true, bus: null, dropped: 0, count: 0,
  findings: { error: 0, warning: 0, info: 0 }, ...over,
})

const rows = () => screen.queryAllByTestId('event-row')

describe('empty state', () => {
  it('says what was looked for while no bus was found', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    const empty = screen.getByTestId('empty-state')
    expect(empty.textContent).toContain('No Genesys Widgets bus found yet')
    expect(empty.textContent).toContain('window.CXBus')
    expect(empty.textContent).toContain('window._genesys.widgets.bus')
  })
  it('says the tab is closed instead of waiting for a bus when the background says so', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    act(() => store.receive({ type: 'tab-closed' }))
    const empty = screen.getByTestId('empty-state')
    expect(screen.getByTestId('empty-title').textContent).toBe('The inspected tab is closed')
    expect(empty.textContent).not.toContain('No Genesys Widgets bus found')
    expect(empty.textContent).not.toContain('Reload the page')
    expect(screen.queryByTestId('tab-closed-banner')).toBeNull() // the empty state says it
  })
  it('names the bus and the widgets version once found', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab({ bus: { via: 'CXBus', widgetsVersion: '9.0.018.07' } }) }))
    expect(screen.getByTestId('empty-state').textContent).toContain('Bus found')
    expect(screen.getByTestId('widgets-version').textContent).toBe('Widgets 9.0.018.07')
  })
})

describe('live session', () => {
  it('lists entries with page-load and dropped markers, and shows the dropped banner', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab({ dropped: 4 }) }))
    act(() => store.receive({ type: 'entries', entries: fixture('shipped-two-in-a-row').events.concat([marker(900, 'dropped', { count: 4 })]) }))
    expect(screen.getByTestId('page-load-marker').textContent).toContain('Page load')
    expect(screen.getByTestId('dropped-marker').textContent).toContain('4 events lost (capture buffer full)')
    expect(screen.getByTestId('dropped-banner').textContent).toContain('4 events were lost')
    // The store's eviction row is not at the gap: the banner says where it is (it said "the list shows where").
    expect(screen.getByTestId('dropped-banner').textContent).toContain('its row comes after the events that evicted them and names the # they were before')
    expect(rows().length).toBeGreaterThan(5)
    expect(screen.getAllByTestId('timeline-lane')).toHaveLength(2)
  })

  it('keeps what it shows when the tab closes, says so, and still exports it', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    act(() => store.receive({ type: 'entries', entries: fixture('shipped-two-in-a-row').events }))
    const before = rows().length
    act(() => store.receive({ type: 'tab-closed' }))
    expect(rows().length).toBe(before)
    expect(screen.getByTestId('tab-closed-banner').textContent).toContain('The inspected tab is closed')
    // nothing to record, clear or command any more
    for (const id of ['record', 'clear', 'preserve-log']) expect((screen.getByTestId(id) as HTMLButtonElement).disabled).toBe(true)
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(false)
    expect(store.getState().live.entries.length).toBe(fixture('shipped-two-in-a-row').events.length)
  })
  it('sends record/pause, clear and preserve log', () => {
    const { store, send } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    fireEvent.click(screen.getByTestId('record'))
    fireEvent.click(screen.getByTestId('preserve-log'))
    expect(send).toHaveBeenCalledWith({ type: 'set-recording', value: false })
    expect(send).toHaveBeenCalledWith({ type: 'set-preserve-log', value: true })
  })

  it('renders page data as text, never as markup', () => {
    const { store, container } = mount()
    const evil = '<img src=x onerror="window.__pwned=1">'
    const entries: SessionEntry[] = [ev(0, 'Callback.ready'), ev(1, 'Callback.opened', meta({ opened: 1764000000100, form: { firstname: evil } }))]
    act(() => store.receive({ type: 'entries', entries }))
    fireEvent.click(rows()[1]!)
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByTestId('event-detail').textContent).toContain('<img src=x')
  })
})

describe('detail, diff and findings', () => {
  it('shows what changed since the previous event of the interaction', () => {
    const { store } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    const started = rows().find((r) => r.dataset.event === 'Callback.started')!
    fireEvent.click(started)
    const diff = screen.getAllByTestId('diff-row')
    const byKey = Object.fromEntries(diff.map((r) => [r.dataset.key, r.dataset.status]))
    expect(byKey.started).toBe('changed')
    expect(byKey.opened).toBe('unchanged')
    expect(byKey.elapsed).toBe('changed')
    expect(screen.getByTestId('metadata-table').textContent).toContain('integer (timestamp)')
    expect(screen.getByTestId('elapsed-note').dataset.definition).toBe('shipped')
  })

  it('shows a finding with expected and actual values and the rule explanation', () => {
    const { store } = mount()
    act(() => store.importSession('bad.json', fixture('faulty-completed-without-submit')))
    expect(Number(screen.getByTestId('count-error').dataset.count)).toBeGreaterThan(0)
    const bad = rows().find((r) => r.classList.contains('has-error'))!
    fireEvent.click(bad)
    const card = screen.getAllByTestId('detail-finding').find((c) => c.dataset.rule === 'order/transition')!
    expect(card.textContent).toContain(RULES.find((r) => r.id === 'order/transition')!.title)
    expect(card.querySelector('.explain')).not.toBeNull()
  })

  it('groups findings by severity and rule; a finding link selects its event', () => {
    const { store } = mount()
    act(() => store.importSession('bad.json', fixture('faulty-completed-without-submit')))
    fireEvent.click(screen.getByTestId('count-error'))
    const pane = screen.getByTestId('findings-pane')
    const sections = within(pane).getAllByRole('heading', { level: 3 })
    expect(sections[0]!.textContent).toMatch(/error/)
    const item = within(screen.getByTestId('findings-error')).getAllByTestId('finding-item')[0]!
    fireEvent.click(within(item).getByRole('button'))
    expect(screen.getByTestId('event-detail').dataset.seq).toBe(item.dataset.seq)
  })
})

describe('keyboard navigation', () => {
  it('moves the selection with the arrow keys, Home and End', () => {
    const { store } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    const list = screen.getByTestId('event-list')
    fireEvent.keyDown(list, { key: 'Home' })
    const first = fixture('shipped-two-in-a-row').events[0]!.seq
    expect(screen.getByTestId('event-detail').dataset.seq).toBe(String(first))
    fireEvent.keyDown(list, { key: 'ArrowDown' })
    expect(screen.getByTestId('event-detail').dataset.seq).toBe(String(first + 1))
    fireEvent.keyDown(list, { key: 'End' })
    const events = fixture('shipped-two-in-a-row').events
    expect(screen.getByTestId('event-detail').dataset.seq).toBe(String(events[events.length - 1]!.seq))
    expect(list.getAttribute('aria-activedescendant')).toBe(`row-${events[events.length - 1]!.seq}`)
  })
})

describe('filters', () => {
  it('filters by free text inside data and by event', () => {
    const { store } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    const all = rows().length
    fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'CallbackService' } })
    expect(rows().length).toBeLessThan(all)
    expect(rows().every((r) => r.textContent!.includes('CallbackService'))).toBe(true)
    fireEvent.input(screen.getByTestId('filter-text'), { target: { value: '' } })
    fireEvent.change(screen.getByTestId('filter-event'), { target: { value: 'Callback.opened' } })
    expect(rows().map((r) => r.dataset.event)).toEqual(['Callback.opened', 'Callback.opened'])
  })
})

describe('import', () => {
  it('imports through the file input and shows the banner; back to live returns', async () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    const text = serializeSession(fixture('shipped-auto-submit'))
    fireEvent.change(screen.getByTestId('import-input'), { target: { files: [new File([text], 'auto.session.json')] } })
    await waitFor(() => screen.getByTestId('imported-banner'))
    expect(screen.getByTestId('imported-banner').textContent).toContain('auto.session.json')
    fireEvent.click(screen.getByTestId('back-to-live'))
    expect(screen.queryByTestId('imported-banner')).toBeNull()
    expect(screen.getByTestId('empty-state')).toBeTruthy()
  })

  it("a report made with other check options: the banner says it is checked with them", async () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    const s = fixture('shipped-auto-submit')
    const a = analyzeSession(s, { options: { severities: { 'meta/elapsed-absolute': 'error' } } })
    const html = renderReportHtml(a, { generatedAt: 0, generator: 'cxbus-devtools test' })
    fireEvent.change(screen.getByTestId('import-input'), { target: { files: [new File([html], 'auto.report.html')] } })
    await waitFor(() => screen.getByTestId('imported-options'))
    expect(screen.getByTestId('imported-options').textContent).toBe(
      ' · checked with the check options the report was made with: meta/elapsed-absolute: error (default warning) (saving Settings checks it with yours)',
    )
    // Rules says the severity in effect for what is shown: the report's.
    fireEvent.click(screen.getByTestId('rules'))
    expect(screen.getAllByTestId('rule-severity').find((e) => e.dataset.rule === 'meta/elapsed-absolute')!.dataset.level).toBe('error')
  })

  it('a report made with --require: the Coverage tab says which required paths are missing', async () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab() }))
    const a = analyzeSession(fixture('shipped-auto-submit'), { require: ['page-left'] })
    expect(a.verdict).toBe('fail')
    const html = renderReportHtml(a, { generatedAt: 0, generator: 'cxbus-devtools test' })
    fireEvent.change(screen.getByTestId('import-input'), { target: { files: [new File([html], 'req.report.html')] } })
    await waitFor(() => screen.getByTestId('imported-options'))
    fireEvent.click(screen.getByTestId('tab-coverage'))
    expect(screen.getByTestId('coverage-required-missing').textContent).toBe('Required but missing: page-left (the report was made to require them: FAIL)')
  })

  it('an imported file with only markers says it holds no interaction, not the live hints', () => {
    const { store } = mount()
    const s = fixture('documented-typed-cancel')
    act(() => store.importSession('markers.json', { ...s, events: s.events.filter((e) => e.kind === 'marker') }))
    expect(screen.getByTestId('empty-title').textContent).toBe('The imported file holds no Callback interaction')
    expect(screen.getByTestId('empty-state').textContent).not.toMatch(/Open the Callback window|No Genesys Widgets bus found/)
  })

  it('imports a dropped file and shows the validator error for an invalid one', async () => {
    mount()
    // happy-dom has no DragEvent with a dataTransfer: build the event the way the browser delivers it.
    const drop = (file: File) =>
      act(() => {
        const e = new Event('drop', { bubbles: true, cancelable: true })
        Object.defineProperty(e, 'dataTransfer', { value: { files: [file], types: ['Files'] } })
        document.querySelector('.app')!.dispatchEvent(e)
      })
    drop(new File(['{"format":"cxbus-devtools/session","version":1,"events":[{"seq":"0"}]}'], 'broken.json'))
    await waitFor(() => screen.getByTestId('error-banner'))
    expect(screen.getByTestId('error-banner').textContent).toMatch(/Cannot import broken\.json: events\[0\]/)
    drop(new File([serializeSession(fixture('shipped-failed-retry'))], 'retry.json'))
    await waitFor(() => screen.getByTestId('imported-banner'))
    expect(screen.queryByTestId('error-banner')).toBeNull()
  })
})

describe('settings and rules dialogs', () => {
  it('turns a rule off from the settings and re-checks', () => {
    const { store } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    expect(Number(screen.getByTestId('count-info').dataset.count)).toBeGreaterThan(0)
    fireEvent.click(screen.getByTestId('settings'))
    const dialog = screen.getByTestId('settings-dialog')
    for (const id of ['meta/elapsed-definition', 'meta/elapsed-absolute', 'order/autosubmit-first', 'order/unclosed']) {
      fireEvent.change(dialog.querySelector(`select[name="${id}"]`)!, { target: { value: 'off' } })
    }
    fireEvent.click(screen.getByTestId('settings-save'))
    expect(screen.getByTestId('count-info').dataset.count).toBe('0')
    expect(store.getState().options.severities?.['meta/elapsed-definition']).toBe('off')
  })
  it('lists every rule with its explanation', () => {
    mount()
    fireEvent.click(screen.getByTestId('rules'))
    const dialog = screen.getByTestId('rules-dialog')
    for (const r of RULES) expect(dialog.textContent).toContain(r.id)
  })
})

describe('large sessions', () => {
  it('renders only a window of rows out of 100 000 entries', () => {
    const { store, container } = mount()
    const entries: SessionEntry[] = Array.from({ length: 100_000 }, (_, i) => ev(i, i % 2 ? 'Callback.minimized' : 'Callback.unminimized'))
    act(() => store.importSession('big.json', { format: 'cxbus-devtools/session', version: 1, events: entries }))
    expect(screen.getByTestId('filter-count').textContent).toBe('100000 entries')
    const rendered = container.querySelectorAll('[data-testid=event-row]').length
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThan(100)
    fireEvent.keyDown(screen.getByTestId('event-list'), { key: 'End' })
    expect(screen.getByTestId('event-detail').dataset.seq).toBe('99999')
    expect(container.querySelector('#row-99999')).not.toBeNull()
  })
})

describe('store binding', () => {
  it('shows updates that land between the first render and the subscription', async () => {
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    const actions = createActions({ store, serializeSession, doc: document, userAgent: 'UA' })
    // A sibling rendered after the App updates the store: after the App read its state, before any
    // effect of the App could subscribe.
    let first = true
    function Updater() {
      if (first) {
        first = false
        store.receive({ type: 'state', state: tab({ bus: { via: 'CXBus', widgetsVersion: '9.9' } }) })
      }
      return null
    }
    function Probe() {
      return (
        <>
          <App store={store} actions={actions} rules={RULES} />
          <Updater />
        </>
      )
    }
    render(<Probe />)
    await waitFor(() => expect(screen.getByTestId('widgets-version').textContent).toBe('Widgets 9.9'))
  })
})

describe('QA fixes', () => {
  const load = (seq: number, id: string, url: string, top = true): SessionEntry => ({ ...marker(seq, 'page-load', { url, top }), pageLoadId: id })
  const inPage = (e: SessionEntry, id: string): SessionEntry => ({ ...e, pageLoadId: id })

  it('shows the empty state, with the URL and the markers, while only markers were captured', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab({ url: 'https://shop.example.test/contact' }) }))
    act(() => store.receive({ type: 'entries', entries: [load(0, 'p1', 'https://shop.example.test/contact'), load(1, 'f1', 'https://ads.example.test/frame', false)] }))
    const empty = screen.getByTestId('empty-state')
    expect(screen.getByTestId('empty-title').textContent).toBe('No Genesys Widgets bus found yet on https://shop.example.test/contact')
    expect(empty.textContent).toContain('window._genesys.cxwidget.bus')
    const markers = screen.getAllByTestId('empty-marker').map((m) => m.textContent)
    expect(markers[0]).toContain('Page load: https://shop.example.test/contact')
    expect(markers[1]).toContain('Frame loaded: https://ads.example.test/frame')
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(true)
    // once a bus event arrives, the list replaces it
    act(() => store.receive({ type: 'entries', entries: [inPage(ev(2, 'Callback.ready'), 'p1')] }))
    expect(screen.queryByTestId('empty-state')).toBeNull()
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(false)
  })

  it('says the bus was found while only markers were captured', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab({ bus: { via: 'CXBus' } }) }))
    act(() => store.receive({ type: 'entries', entries: [load(0, 'p1', 'https://shop.example.test/'), marker(1, 'bus', { via: 'CXBus' })] }))
    expect(screen.getByTestId('empty-state').textContent).toContain('Bus found, no Callback event yet')
    expect(screen.getAllByTestId('empty-marker')).toHaveLength(2)
  })

  it('pluralises the finding counts', () => {
    const { store } = mount()
    act(() => store.importSession('bad.json', fixture('faulty-completed-without-submit')))
    const label = (s: string) => screen.getByTestId(`count-${s}`).querySelector('.count-label')!.textContent!.trim()
    const n = (s: string) => Number(screen.getByTestId(`count-${s}`).dataset.count)
    for (const s of ['error', 'warning']) expect(label(s)).toBe(n(s) === 1 ? s : `${s}s`)
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    expect(n('error')).toBe(0)
    expect(label('error')).toBe('errors')
  })

  it('names the page of an interaction when there are several page loads; a frame load is a lighter row without a line', () => {
    const { store } = mount()
    const opened = (seq: number, page: string, t: number) => inPage(ev(seq, 'Callback.opened', meta({ opened: t }), t), page)
    const T = 1_764_000_000_000
    act(() =>
      store.receive({
        type: 'entries',
        entries: [load(0, 'p1', 'https://a.test/'), opened(1, 'p1', T + 100), load(2, 'f1', 'https://a.test/frame', false), load(3, 'p2', 'https://a.test/'), opened(4, 'p2', T + 500)],
      }),
    )
    const inter = rows().map((r) => r.querySelector('.c-inter')!.textContent)
    expect(inter).toEqual(['Callback #1 · page 1', 'Callback #1 · page 2'])
    // the narrow layout shows it after the plugin instead of in its own column
    expect(rows().map((r) => r.querySelector('.inter-short')!.textContent)).toEqual([' #1 · p1', ' #1 · p2'])
    expect(screen.getAllByTestId('page-load-marker')).toHaveLength(2)
    const frame = screen.getByTestId('frame-load-marker')
    expect(frame.textContent).toContain('Frame loaded: https://a.test/frame')
    expect(frame.classList.contains('marker-frame-load')).toBe(true)
    expect(screen.getAllByTestId('timeline-pageload')).toHaveLength(2)
    // the text filter matches the label shown
    fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'callback #1 · page 2' } })
    expect(rows().map((r) => r.dataset.seq)).toEqual(['4'])
  })

  it('filters on the rule ids shown in the row', () => {
    const { store } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'meta/elapsed-definition' } })
    expect(rows().length).toBeGreaterThan(0)
    fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'Callback #2' } })
    expect(rows().length).toBeGreaterThan(0)
    expect(rows().every((r) => r.querySelector('.c-inter')!.textContent === 'Callback #2')).toBe(true)
  })

  it('shows the severities in effect in the Rules dialog, with the default when different', () => {
    const { store } = mount()
    act(() => store.setOptions({ severities: { 'meta/elapsed': 'warning', 'order/unclosed': 'off' } }))
    fireEvent.click(screen.getByTestId('rules'))
    const level = (id: string) => screen.getAllByTestId('rule-severity').find((e) => e.dataset.rule === id)!
    const def = (id: string) => RULES.find((r) => r.id === id)!.severity
    expect(level('meta/elapsed').dataset.level).toBe('warning')
    expect(level('meta/elapsed').textContent).toBe(def('meta/elapsed') === 'warning' ? 'warning' : `warning (default ${def('meta/elapsed')})`)
    expect(level('order/unclosed').textContent).toBe(`off (default ${def('order/unclosed')})`)
    expect(level('order/transition').textContent).toBe(def('order/transition'))
  })

  it('refuses a negative tolerance with a message instead of dropping it', () => {
    const { store } = mount()
    fireEvent.click(screen.getByTestId('settings'))
    const input = screen.getByTestId('settings-dialog').querySelector('input[name="clockToleranceMs"]')!
    fireEvent.input(input, { target: { value: '-5' } })
    expect(screen.getByTestId('error-clockToleranceMs').textContent).toContain('Must be 0 or more')
    fireEvent.click(screen.getByTestId('settings-save'))
    expect(screen.getByTestId('settings-dialog')).toBeTruthy() // still open
    expect(screen.getByTestId('settings-invalid').textContent).toContain('Not saved')
    expect(document.activeElement).toBe(input) // the bad field, scrolled into view with its message
    expect(store.getState().options).toEqual({})
    fireEvent.input(input, { target: { value: '800' } })
    fireEvent.click(screen.getByTestId('settings-save'))
    expect(screen.queryByTestId('settings-dialog')).toBeNull()
    expect(store.getState().options).toEqual({ clockToleranceMs: 800 })
  })

  it('shows which nested field of an object changed in the metadata', () => {
    const { store } = mount()
    const T = 1_764_000_000_000
    const form1 = { firstname: 'Ada', lastname: 'Lovelace', _customer_number: '+1 555 0100' }
    const form2 = { ...form1, _customer_number: '+44 20 7946 0000' }
    act(() =>
      store.receive({
        type: 'entries',
        entries: [
          ev(1, 'Callback.opened', meta({ opened: T }), T),
          ev(2, 'Callback.started', meta({ opened: T, started: T + 100, form: form1 }), T + 100),
          ev(3, 'Callback.submitted', meta({ opened: T, started: T + 100, form: form2, errors: ['x'] }), T + 200),
        ],
      }),
    )
    fireEvent.click(rows().find((r) => r.dataset.seq === '3')!)
    const form = screen.getAllByTestId('diff-row').find((r) => r.dataset.key === 'form')!
    expect(within(form).getByTestId('nested-changes').textContent).toBe('form._customer_number: "+1 555 0100" → "+44 20 7946 0000"')
    const errors = screen.getAllByTestId('diff-row').find((r) => r.dataset.key === 'errors')!
    expect(errors.querySelector('.change')!.textContent).toContain('was false')
    // A value too long for the cell ends in "…" and is whole in its tooltip; a short one has none.
    const long = { ...form2, subject: 'Billing question about an invoice', _desired_time: 'asap' }
    act(() => store.receive({ type: 'entries', entries: [ev(4, 'Callback.completed', meta({ opened: T, started: T + 100, completed: T + 300, form: long }), T + 300)] }))
    fireEvent.click(rows().find((r) => r.dataset.seq === '4')!)
    const cell = within(screen.getAllByTestId('diff-row').find((r) => r.dataset.key === 'form')!).getByTestId('meta-value')
    expect(cell.textContent!.endsWith('…')).toBe(true)
    expect(cell.title).toBe(JSON.stringify(long))
    expect(within(screen.getAllByTestId('diff-row').find((r) => r.dataset.key === 'opened')!).getByTestId('meta-value').hasAttribute('title')).toBe(false)
    // The Change column alike: a long value changed is whole in the change's tooltip.
    const subject = `Billing question ${'x'.repeat(150)}`
    act(() => store.receive({ type: 'entries', entries: [ev(5, 'Callback.closed', meta({ opened: T, started: T + 100, completed: T + 300, closed: T + 400, form: { ...long, subject } }), T + 400)] }))
    fireEvent.click(rows().find((r) => r.dataset.seq === '5')!)
    const change = within(screen.getAllByTestId('diff-row').find((r) => r.dataset.key === 'form')!).getByTestId('nested-changes').querySelector('li')!
    expect(change.textContent).toContain('…')
    expect(change.title).toBe(`form.subject: "Billing question about an invoice" → ${JSON.stringify(subject)}`)
  })

  it('describes paused and cleared markers without the lost-events banner', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'state', state: tab({ dropped: 0 }) }))
    act(() =>
      store.receive({
        type: 'entries',
        entries: [marker(0, 'dropped', { count: 9, where: 'cleared' }), ev(1, 'Callback.ready'), marker(2, 'dropped', { count: 3, where: 'paused' }), marker(3, 'dropped', { count: 2, where: 'relay' })],
      }),
    )
    const texts = screen.getAllByTestId('dropped-marker').map((r) => r.textContent)
    expect(texts[0]).toContain('Cleared 9 events')
    expect(texts[1]).toContain('3 events not recorded (paused)')
    expect(texts[2]).toContain('2 events lost (capture buffer full)')
    expect(screen.getAllByTestId('dropped-marker')[0]!.classList.contains('marker-dropped-cleared')).toBe(true)
    expect(screen.queryByTestId('dropped-banner')).toBeNull()
  })
  it('shows the seq of a marker row, as findings cite it', () => {
    const { store } = mount()
    const T = 1_764_000_000_000
    act(() => store.receive({ type: 'entries', entries: [marker(0, 'page-load', { url: 'https://a.test/' }), ev(1, 'Callback.ready'), ev(2, 'Callback.opened', meta({ opened: T + 200 })), marker(3, 'page-load', { url: 'https://a.test/' })] }))
    const unclosed = store.getState().live.report.findings.find((f) => f.rule === 'order/unclosed')!
    expect(unclosed.message).toContain('seq 3')
    const row = screen.getAllByTestId('page-load-marker').find((r) => r.dataset.seq === '3')!
    expect(row.textContent).toContain('#3')
  })

  it('says a service failure is part of the interaction the list tags it with', () => {
    const { store } = mount()
    const s = fixture('shipped-failed-retry')
    act(() => store.receive({ type: 'entries', entries: s.events }))
    const failure = s.events.find((e) => e.kind === 'event' && e.event === 'CallbackService.scheduleError')!
    const row = rows().find((r) => r.dataset.seq === String(failure.seq))!
    expect(row.textContent).toContain('Callback #1')
    fireEvent.click(row)
    const caption = screen.getByTestId('metadata-table').querySelector('caption')!.textContent!
    expect(caption).not.toContain('not part of an interaction')
    expect(caption).toContain('part of this interaction')
    // Nothing to compare with: no Change column calling every field "added".
    const table = screen.getByTestId('metadata-table')
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Field', 'Value', 'Type'])
    expect(table.textContent).not.toContain('added')
    // The timeline's tooltip on its diamond says the same: a time from its interaction's opened.
    const mark = screen.getAllByTestId('timeline-mark').find((m) => m.dataset.seq === String(failure.seq))!
    fireEvent.mouseEnter(mark)
    expect(screen.getByTestId('timeline-tooltip').textContent).toMatch(/from opened/)
  })
})

describe('real pages: focus, stories, grouped findings', () => {
  /** shipped-two-in-a-row plus Watchman/WindowManager housekeeping between its entries, as 9.0.018.07 publishes it. */
  function noisy(): SessionEntry[] {
    const base = fixture('shipped-failed-retry').events
    const out: SessionEntry[] = []
    let seq = 0
    base.forEach((e, i) => {
      out.push({ ...e, seq: seq++ })
      out.push({ ...ev(0, `Watchman.uptime:${i + 1}`, { uptime: i + 1 }, e.time + 1), seq: seq++, pageLoadId: e.pageLoadId })
      out.push({ ...ev(0, 'Watchman.tick', {}, e.time + 2), seq: seq++, pageLoadId: e.pageLoadId })
      if (i === 3) out.push({ ...ev(0, 'WindowManager.added.Callback#4f1c9a', {}, e.time + 3), seq: seq++, pageLoadId: e.pageLoadId })
    })
    return out
  }

  it('shows the checked plugins, their services and markers; other bus entries behind one switch', () => {
    const { store } = mount()
    const entries = noisy()
    act(() => store.receive({ type: 'entries', entries }))
    const others = entries.filter((e) => e.kind === 'event' && !e.publisher.startsWith('Callback')).length
    expect(rows().every((r) => /^Callback/.test(r.dataset.event!))).toBe(true)
    expect(rows().some((r) => r.dataset.event === 'CallbackService.scheduleError')).toBe(true)
    const toggle = screen.getByTestId('filter-others')
    expect(toggle.textContent).toBe(`+${others} other bus entries: show`)
    fireEvent.click(toggle)
    expect(rows().some((r) => r.dataset.event === 'Watchman.tick')).toBe(true)
    expect(screen.getByTestId('filter-others').getAttribute('aria-pressed')).toBe('true')
  })

  it('a text that matches only hidden bus entries says how many the switch would show', () => {
    const { store } = mount()
    const entries = noisy()
    act(() => store.receive({ type: 'entries', entries }))
    const ticks = entries.filter((e) => e.kind === 'event' && e.event === 'Watchman.tick').length
    fireEvent.input(screen.getByTestId('filter-text'), { target: { value: 'watchman.tick' } })
    expect(rows().filter((r) => r.dataset.event)).toEqual([])
    expect(screen.getByTestId('filter-others').textContent).toBe(`+${ticks} matching other bus entries: show`)
    fireEvent.click(screen.getByTestId('filter-others'))
    expect(rows().filter((r) => r.dataset.event === 'Watchman.tick')).toHaveLength(ticks)
  })

  it('groups event names by pattern in the event filter, and filters by a pattern', () => {
    const { store } = mount()
    act(() => store.receive({ type: 'entries', entries: noisy() }))
    const options = [...(screen.getByTestId('filter-event') as HTMLSelectElement).options].map((o) => o.value)
    expect(options).toContain('Watchman.uptime:*')
    expect(options).toContain('WindowManager.added.*')
    expect(options.filter((o) => o.startsWith('Watchman.uptime'))).toEqual(['Watchman.uptime:*'])
    fireEvent.change(screen.getByTestId('filter-event'), { target: { value: 'Watchman.uptime:*' } })
    expect(rows().length).toBeGreaterThan(5)
    expect(rows().every((r) => r.dataset.event!.startsWith('Watchman.uptime:'))).toBe(true)
  })

  it('lists the stories in the Interactions tab; a click selects the lane and the rows of the interaction', () => {
    const { store, container } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    const table = screen.getByTestId('interactions-table')
    const stories = within(table).getAllByTestId('interaction-row')
    expect(stories.map((r) => within(r).getByTestId('interaction-sentence').textContent)).toEqual([
      'Cancelled without typing, 3.1 s',
      'Completed, minimized 1×, 12.9 s',
    ])
    fireEvent.click(stories[1]!)
    expect(container.querySelector('.lane.current')?.getAttribute('data-lane')).toBe(stories[1]!.dataset.interaction)
    const current = container.querySelectorAll('.row.current, .row.selected')
    expect(current.length).toBe(7) // opened, minimized, unminimized, started, submitted, completed, closed
    expect(screen.getByTestId('tab-interactions').getAttribute('aria-selected')).toBe('true')
  })

  it('gives an interaction whose opened was paused away the time of its own metadata, as its sentence does', () => {
    const { store } = mount()
    const s = fixture('documented-typed-cancel')
    const at = s.events.findIndex((e) => e.kind === 'event' && e.event === 'Callback.opened')
    s.events.splice(at, 1, { seq: at, kind: 'marker', marker: 'dropped', time: s.events[at]!.time, pageLoadId: s.events[at]!.pageLoadId, data: { count: 1, where: 'paused' } })
    act(() => store.importSession('paused.json', s))
    const [row] = within(screen.getByTestId('interactions-table')).getAllByTestId('interaction-row')
    expect(within(row!).getByTestId('interaction-sentence').textContent).toBe(`Cancelled (opened not captured: paused at #${at}) after typing, 9.0 s`)
    expect(row!.querySelectorAll('td.col-num')[1]!.textContent).toBe('9.0 s') // closed - opened, not started -> closed's 7.6 s
  })

  it('says an imported file without an interaction holds none, not the live capture hints to open the widget', () => {
    const { store, container } = mount()
    // No page load, no lifecycle event: only other plugins.
    act(() => store.importSession('others.json', { ...fixture('documented-typed-cancel'), events: [ev(0, 'Watchman.uptime'), ev(1, 'WindowManager.ready')] }))
    expect(container.querySelector('.tl-empty')?.textContent).toBe('The imported file holds no Callback interaction.')
    expect(screen.getByTestId('interactions-empty').textContent).toBe('The imported file holds no Callback interaction.')
    fireEvent.click(screen.getByTestId('tab-coverage'))
    expect(screen.getByTestId('coverage-empty').textContent).toBe('The imported file holds no Callback or SendMessage.')
    expect(container.textContent).not.toMatch(/open the Callback widget|once a lifecycle event arrives|on this page yet/)
  })

  it('lists the first stories of a large session and more on demand, the selected one always', () => {
    const session = generateSession({ events: 2000, seed: 9, plugins: ['Callback', 'SendMessage'] })
    const stories = buildStories(session.events, check(session))
    expect(stories.length).toBeGreaterThan(PAGE + 50)
    const last = stories.at(-1)!
    const props = { stories, findingsBySeq: new Map(), onSelectInteraction: () => {} }
    const { rerender } = render(<InteractionsPane {...props} current={null} />)
    expect(screen.getAllByTestId('interaction-row')).toHaveLength(PAGE)
    rerender(<InteractionsPane {...props} current={last.id} />)
    expect(screen.getAllByTestId('interaction-row').map((r) => r.dataset.interaction).at(-1)).toBe(last.id)
    fireEvent.click(screen.getByTestId('interactions-more'))
    expect(screen.getAllByTestId('interaction-row')).toHaveLength(Math.min(stories.length, 2 * PAGE) + (stories.length > 2 * PAGE ? 1 : 0))
  })

  it('draws the verdict on each lane, failures as red marks and minimize as a span', () => {
    const { store } = mount()
    act(() => store.importSession('retry.json', fixture('shipped-failed-retry')))
    const lane = screen.getByTestId('timeline-lane')
    expect(within(lane).getByTestId('lane-verdict').textContent).toBe('completed · 1 failed')
    const failure = within(lane).getAllByTestId('timeline-mark').filter((m) => m.dataset.kind === 'failure')
    expect(failure.map((m) => m.dataset.event)).toEqual(['scheduleError 400'])
    cleanup()
    const again = mount()
    act(() => again.store.importSession('two.json', fixture('shipped-two-in-a-row')))
    expect(screen.getAllByTestId('minimized-span')).toHaveLength(1)
  })

  it('groups the same note on several interactions into one row with a link per interaction', () => {
    const { store } = mount()
    // documented-submitted twice in a row: the same meta/elapsed-definition note on both.
    const one = fixture('documented-submitted')
    const shift = (v: unknown): unknown => (typeof v === 'number' && v > 1e12 ? v + 20_000 : v)
    const again = one.events
      .filter((e) => e.kind === 'event' && /opened|started|submitted|completed|closed|scheduled/.test(e.event))
      .map((e, i) => ({ ...e, seq: 100 + i, time: e.time + 20_000, data: Object.fromEntries(Object.entries(e.data as object).map(([k, v]) => [k, shift(v)])) as never }))
    act(() => store.importSession('twice.json', { ...one, events: [...one.events, ...again] }))
    fireEvent.click(screen.getByTestId('tab-findings'))
    const group = screen.getAllByTestId('finding-group').find((g) => g.dataset.rule === 'meta/elapsed-definition')!
    const items = within(group).getAllByTestId('finding-item')
    expect(items).toHaveLength(1)
    expect(items[0]!.dataset.count).toBe('2')
    const links = within(items[0]!).getAllByTestId('finding-link').map((l) => l.textContent)
    expect(links).toEqual([expect.stringMatching(/^Callback #1 #\d+$/), expect.stringMatching(/^Callback #2 #\d+$/)])
  })

  it('the elapsed note names the documented value the finding names (0 before an outcome)', () => {
    const { store } = mount()
    const wrong = [ev(0, 'Callback.ready'), ev(1, 'Callback.opened', meta({ opened: 1764000000100, elapsed: 0 })), ev(2, 'Callback.started', meta({ opened: 1764000000100, started: 1764000000200, elapsed: 5000 }))]
    act(() => store.importSession('wrong.json', { format: 'cxbus-devtools/session', version: 1, events: wrong }))
    fireEvent.click(rows().find((r) => r.dataset.event === 'Callback.started')!)
    const finding = screen.getAllByTestId('detail-finding').find((c) => c.dataset.rule === 'meta/elapsed')!
    expect(finding.textContent).toContain('documented 0')
    expect(screen.getByTestId('elapsed-values').textContent).toContain('Documented value 0 (no outcome yet: only the initial 0 fits)')
    expect(screen.getByTestId('elapsed-values').textContent).not.toContain('n/a')
  })

  it('the elapsed note of an untouched cancel says it never started, not that no outcome came', () => {
    const { store } = mount()
    const opened = 1764000000100
    const untouched = [ev(0, 'Callback.ready'), ev(1, 'Callback.opened', meta({ opened, elapsed: 0 })),
      ev(2, 'Callback.cancelled', meta({ opened, cancelled: 1764000002100, elapsed: 2000 }))]
    untouched[2]!.time = 1764000002100
    act(() => store.importSession('untouched.json', { format: 'cxbus-devtools/session', version: 1, events: untouched }))
    fireEvent.click(rows().find((r) => r.dataset.event === 'Callback.cancelled')!)
    expect(screen.getByTestId('elapsed-values').textContent).toContain('Documented value 0 (started was never set, and the documented formula needs it: only the initial 0 fits)')
  })

  it('offers each severity filter once', () => {
    const { store } = mount()
    act(() => store.importSession('two.json', fixture('shipped-two-in-a-row')))
    const labels = [...(screen.getByTestId('filter-severity') as HTMLSelectElement).options].map((o) => o.textContent)
    expect(labels).toEqual(['All entries', 'Errors', 'Warnings+', 'Any finding'])
  })
})

describe('QA pass fixes', () => {
  it('the detail of a service failure names the interaction it was attributed to', () => {
    const { store } = mount()
    act(() => store.importSession('retry.json', fixture('shipped-failed-retry')))
    fireEvent.click(rows().find((r) => r.dataset.event === 'CallbackService.scheduleError')!)
    const head = screen.getByTestId('event-detail').querySelector('.detail-head p')!.textContent!
    expect(head).toContain('Callback interaction #1')
    expect(head).toMatch(/from opened/)
  })

  it('zooming in with the buttons keeps the selected event in the window', () => {
    const { store, container } = mount()
    act(() => store.importSession('retry.json', fixture('shipped-failed-retry')))
    const first = rows().find((r) => r.dataset.event === 'Callback.opened')!
    fireEvent.click(first)
    for (let i = 0; i < 6; i++) fireEvent.click(screen.getByTestId('zoom-in'))
    expect(container.querySelectorAll('[data-testid=timeline-lane]').length).toBe(1)
    expect([...container.querySelectorAll<HTMLElement>('[data-testid=timeline-mark]')].some((m) => m.dataset.seq === first.dataset.seq)).toBe(true)
  })
})
