// The panel UI in happy-dom, without the extension: the App fed by a store, as main.tsx wires it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { createChecker } from '../../../src/core/check.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { RULES } from '../../../src/core/rules.ts'
import type { SessionEntry } from '../../../src/core/model.ts'
import type { TabState } from '../../../src/core/protocol.ts'
import { App } from '../../../devtools/panel/App.tsx'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { ev, fixture, marker, meta } from './helpers.ts'

afterEach(cleanup)

/** Store updates come from outside Preact (the port): tests apply them inside act() to render. */
function mount() {
  const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
  const send = vi.fn()
  const actions = createActions({ store, send, parseSession, serializeSession, doc: document, userAgent: 'UA' })
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
    expect(screen.getByTestId('dropped-marker').textContent).toContain('4 events dropped')
    expect(screen.getByTestId('dropped-banner').textContent).toContain('4 events were lost')
    expect(rows().length).toBeGreaterThan(5)
    expect(screen.getAllByTestId('timeline-lane')).toHaveLength(2)
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
    const actions = createActions({ store, parseSession, serializeSession, doc: document, userAgent: 'UA' })
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
