// Control and bidi characters from the page are shown escaped (\u202e) in the panel and the popup,
// as the CLI and the HTML report show them (src/core/controls.ts, src/ui/safeText.ts). The popup is
// tested the same way in test/unit/popup.test.tsx.
import { afterEach, describe, expect, it } from 'vitest'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact'
import { createChecker } from '../../../src/core/check.ts'
import { serializeSession } from '../../../src/core/session.ts'
import { RULES } from '../../../src/core/rules.ts'
import { App } from '../../../devtools/panel/App.tsx'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { ESC, hostileSession, rawControls, RLO } from './helpers.ts'

afterEach(cleanup)

describe('page text with control characters', () => {
  it('the panel shows it escaped: story, lane label, metadata names and values, version, notes, list', () => {
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    const actions = createActions({ store, send: () => {}, serializeSession, doc: document, userAgent: 'UA' })
    render(<App store={store} actions={actions} rules={RULES} />)
    act(() => store.importSession('hostile.json', hostileSession()))
    expect(screen.getByTestId('widgets-version').textContent).toContain(`9.0${ESC}.018`)
    expect(screen.getByTestId('interaction-sentence').textContent).toContain(`Bad${ESC}Request\\u001b[2J`)
    expect(document.querySelector('.lane-label')!.getAttribute('title')).toContain(`Bad${ESC}Request`)
    fireEvent.click(screen.getByTestId('filter-others'))
    const evil = document.querySelector('[data-event^="Evil"] .c-plugin')!
    expect(evil.textContent).toBe(`Evil${ESC}Plugin`)
    fireEvent.click(document.querySelector('[data-event="Callback.opened"]')!)
    const row = screen.getAllByTestId('diff-row').find((r) => r.dataset.key === `tag${RLO}name`)!
    expect(row.querySelector('th')!.textContent).toBe(`tag${ESC}name`)
    expect(row.querySelector('td')!.textContent).toBe(`"gnp${ESC}.exe"`)
    expect(screen.getByTestId('note').textContent).toContain(`note ${ESC}here`)
    expect(rawControls()).toEqual([])
    fireEvent.click(screen.getByTestId('tab-findings'))
    expect(rawControls()).toEqual([])
  })

})
