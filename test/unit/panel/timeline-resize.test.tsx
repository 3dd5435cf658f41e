// The timeline's automatic height follows the panel's height when DevTools is resized (docked to the
// bottom, its divider dragged), even when no new entry arrives to re-render it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, cleanup, render, screen } from '@testing-library/preact'
import { createChecker } from '../../../src/core/check.ts'
import { serializeSession } from '../../../src/core/session.ts'
import { RULES } from '../../../src/core/rules.ts'
import type { SessionEntry } from '../../../src/core/model.ts'
import { App } from '../../../devtools/panel/App.tsx'
import { createPanelStore } from '../../../devtools/panel/state/store.ts'
import { createActions } from '../../../devtools/panel/state/actions.ts'
import { autoMaxHeight } from '../../../devtools/panel/components/Timeline/Timeline.tsx'
import { ev, fixture } from './helpers.ts'

const setInnerHeight = (h: number): void => {
  Object.defineProperty(window, 'innerHeight', { value: h, configurable: true })
}
afterEach(() => {
  cleanup()
  setInnerHeight(768)
})

/** 24 interactions: more lanes than the timeline's automatic height holds. */
function manyInteractions(): SessionEntry[] {
  const one = fixture('shipped-two-in-a-row').events
  const span = one.length
  return Array.from({ length: 12 }, (_, k) =>
    one.filter((e) => k === 0 || e.kind !== 'marker').map((e) => ({ ...e, seq: e.seq + k * span, time: e.time + k * 60_000 })),
  ).flat()
}

describe('timeline height', () => {
  it('is refitted to the panel when the panel is resized', () => {
    setInnerHeight(900)
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    const actions = createActions({ store, send: vi.fn(), serializeSession, doc: document, userAgent: 'UA' })
    render(<App store={store} actions={actions} rules={RULES} />)
    act(() => store.receive({ type: 'entries', entries: manyInteractions() }))
    const timeline = screen.getByTestId('timeline')
    expect(timeline.style.height).toBe(`${autoMaxHeight(900)}px`)
    act(() => {
      setInnerHeight(400)
      window.dispatchEvent(new Event('resize'))
    })
    expect(timeline.style.height).toBe(`${autoMaxHeight(400)}px`)
  })
})

describe('timeline axis', () => {
  it('counts from the first event when the session has no page load and no interaction (an import of housekeeping only)', () => {
    const store = createPanelStore({ engine: { createChecker }, schedule: (fn) => fn(), defer: (fn) => fn() })
    const actions = createActions({ store, send: vi.fn(), serializeSession, doc: document, userAgent: 'UA' })
    render(<App store={store} actions={actions} rules={RULES} />)
    // Five housekeeping events one second apart, no page-load marker, no Callback interaction.
    act(() => store.receive({ type: 'entries', entries: [0, 1, 2, 3, 4].map((k) => ev(k, 'Watchman.tick', {}, 1_764_000_000_000 + k * 1000)) }))
    const labels = [...screen.getByTestId('timeline').querySelectorAll('.tl-axis .tick')].map((t) => t.textContent ?? '')
    expect(labels.length).toBeGreaterThan(1)
    expect(labels[0]).toBe('+0 ms')
    for (const l of labels) expect(l).toMatch(/^\+(\d+ ms|[0-4](\.\d+)? s)$/) // within the 4 s the events span
  })
})
