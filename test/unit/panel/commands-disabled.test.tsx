// The Commands drawer never sends while it is disabled (QA report: a confirmation asked on the live
// capture was still sendable after an Import). The App and the commands store wired as main.tsx does.
import { afterEach, describe, expect, it } from 'vitest'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact'
import { createChecker } from '../../../src/core/check.ts'
import { serializeSession } from '../../../src/core/session.ts'
import { RULES } from '../../../src/core/rules.ts'
import type { PanelToBackground, TabState } from '../../../src/core/protocol.ts'
import { App } from '../../../devtools/panel/App.tsx'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { commandsDisabled, createCommandsStore } from '../../../devtools/panel/state/commands.ts'
import { fixture } from './helpers.ts'

afterEach(cleanup)

const tab = (over: Partial<TabState> = {}): TabState => ({
  tabId: 1, url: 'https://shop.example.test/', preserveLog: false, recording: true, bus: { via: 'CXBus', widgetsVersion: '9.0.018.07' }, dropped: 0,
  count: 0, findings: { error: 0, warning: 0, info: 0 }, ...over,
})

function mount() {
  const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
  const posted: PanelToBackground[] = []
  const commands = createCommandsStore((m) => posted.push(m), Date.now, () => commandsDisabled(store.getState()))
  const actions = createActions({ store, send: () => {}, serializeSession, doc: document, userAgent: 'UA' })
  render(<App store={store} actions={actions} rules={RULES} commands={commands} />)
  act(() => {
    store.setConnection('connected')
    store.receive({ type: 'state', state: tab() })
  })
  return { store, commands, posted }
}

/** The tester's first steps: the free command line asks to confirm a schedule. */
function askToSchedule(): void {
  const toggle = screen.getByTestId('commands-toggle')
  if (toggle.getAttribute('aria-expanded') !== 'true') fireEvent.click(toggle)
  const line = screen.getByTestId('command-line') as HTMLInputElement
  fireEvent.input(line, { target: { value: 'CallbackService.schedule {"firstname":"X"}' } })
  fireEvent.submit(line.form!)
  expect(screen.getByTestId('command-confirm').textContent).toMatch(/books a real callback/)
}

describe('Commands drawer: nothing is sent while disabled', () => {
  it('an Import drops the pending confirmation: nothing can be sent', () => {
    const { store, posted } = mount()
    askToSchedule()
    act(() => store.importSession('any.json', fixture('documented-submitted')))
    expect(screen.getByTestId('commands-disabled').textContent).toMatch(/imported session/)
    expect(screen.queryByTestId('command-confirm')).toBeNull()
    expect(posted).toEqual([])
  })

  it('a pause drops it as well; back to live, a new confirmation sends once', () => {
    const { store, posted } = mount()
    askToSchedule()
    act(() => store.receive({ type: 'state', state: tab({ recording: false }) }))
    expect(screen.queryByTestId('command-confirm')).toBeNull()
    act(() => store.receive({ type: 'state', state: tab() }))
    expect(screen.queryByTestId('command-confirm')).toBeNull() // not back by itself
    askToSchedule()
    fireEvent.click(screen.getByTestId('confirm-send'))
    expect(posted).toEqual([{ type: 'command', id: expect.any(String), name: 'CallbackService.schedule', options: { firstname: 'X' }, confirmed: true }])
  })

  it('the send function itself refuses while disabled (a scenario step, a stale click), and says why', async () => {
    const { store, commands, posted } = mount()
    act(() => store.importSession('any.json', fixture('documented-submitted')))
    const c = await commands.send('CallbackService.schedule', { firstname: 'X' }, true)
    expect(c).toMatchObject({ status: 'not-sent', detail: expect.stringMatching(/imported session/) })
    expect(posted).toEqual([])
    act(() => store.backToLive())
    act(() => store.setConnection('reconnecting'))
    expect((await commands.send('Callback.open', {})).detail).toMatch(/Not connected/)
    expect(posted).toEqual([])
  })

  it('commandsDisabled: import first, then a closed tab, connection, bus, pause', () => {
    const base = { imported: null, connection: 'connected' as const, tabState: tab(), tabClosed: false }
    expect(commandsDisabled(base)).toBeNull()
    expect(commandsDisabled({ ...base, tabState: tab({ recording: false }) })).toMatch(/paused/)
    expect(commandsDisabled({ ...base, tabState: tab({ bus: null }) })).toMatch(/No bus/)
    expect(commandsDisabled({ ...base, tabState: null })).toMatch(/No bus/)
    expect(commandsDisabled({ ...base, connection: 'closed' })).toMatch(/Not connected/)
    expect(commandsDisabled({ ...base, tabClosed: true })).toBe('The inspected tab is closed.')
  })
})
