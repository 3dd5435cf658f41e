// The popup: data gathering through the background requests, and what it renders.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/preact'
import { check } from '../../src/core/check.ts'
import type { TabState } from '../../src/core/protocol.ts'
import { Popup } from '../../popup/Popup.tsx'
import { loadPopupData } from '../../popup/load.ts'
import { ESC, fixture, hostileSession, marker, rawControls, RLO } from './panel/helpers.ts'

afterEach(cleanup)

const state = (over: Partial<TabState> = {}): TabState => ({
  tabId: 3, url: 'https://shop.example.test/', preserveLog: false, recording: true, bus: { via: 'CXBus', widgetsVersion: '9.0.018.07' },
  dropped: 0, count: 0, findings: { error: 0, warning: 0, info: 0 }, ...over,
})

describe('loadPopupData', () => {
  it('counts events, interactions and findings of the exported session with the stored settings', async () => {
    const session = fixture('faulty-completed-without-submit')
    const request = vi.fn(async (req: { type: string }) => (req.type === 'get-tab-state' ? state({ count: session.events.length }) : session)) as never
    const { data } = await loadPopupData(3, { request, check, loadOptions: async () => ({}) })
    const report = check(session)
    expect(data.events).toBe(session.events.length)
    expect(data.interactions).toBe(report.interactions.length)
    expect(data.findings.error).toBe(report.findings.filter((f) => f.severity === 'error').length)
    expect(data.findings.error).toBeGreaterThan(0)
    expect(data.bus?.widgetsVersion).toBe('9.0.018.07')
  })
  it('counts the bus events and commands apart from the markers', async () => {
    const session = { format: 'cxbus-devtools/session' as const, version: 1, events: [marker(0, 'page-load', { url: 'https://a.test/' })] }
    const request = (async (req: { type: string }) => (req.type === 'get-tab-state' ? state({ count: 1, bus: null }) : session)) as never
    const { data } = await loadPopupData(3, { request, check, loadOptions: async () => ({}) })
    expect(data.events).toBe(1)
    expect(data.busEntries).toBe(0)
    const full = fixture('shipped-two-in-a-row')
    const request2 = (async (req: { type: string }) => (req.type === 'get-tab-state' ? state({ count: full.events.length }) : full)) as never
    expect((await loadPopupData(3, { request: request2, check, loadOptions: async () => ({}) })).data.busEntries).toBe(full.events.filter((e) => e.kind !== 'marker').length)
  })
  it('applies the stored severities', async () => {
    const session = fixture('faulty-completed-without-submit')
    const request = (async (req: { type: string }) => (req.type === 'get-tab-state' ? state({ count: 1 }) : session)) as never
    const severities = Object.fromEntries(check(session).findings.map((f) => [f.rule, 'off' as const]))
    const { data } = await loadPopupData(3, { request, check, loadOptions: async () => ({ severities }) })
    expect(data.findings).toEqual({ error: 0, warning: 0, info: 0 })
  })
  it('tells each interaction\'s story, as the panel and the CLI do', async () => {
    const session = fixture('shipped-failed-retry')
    const request = (async (req: { type: string }) => (req.type === 'get-tab-state' ? state({ count: session.events.length }) : session)) as never
    const { data } = await loadPopupData(3, { request, check, loadOptions: async () => ({}) })
    expect(data.stories).toEqual([{ id: 'Callback#1@p1', label: 'Callback #1', outcome: 'completed', sentence: 'Completed after 1 failed submission (HTTP 400 Bad Request code 7030), 1 retry, 12.4 s' }])
    render(<Popup data={data} onExport={() => {}} />)
    expect(screen.getByTestId('popup-story').textContent).toBe('Callback #1 Completed after 1 failed submission (HTTP 400 Bad Request code 7030), 1 retry, 12.4 s')
  })
  it('says nothing was captured when the background does not know the tab, without asking for a session', async () => {
    const request = vi.fn(async () => null) as never
    const { data, session } = await loadPopupData(3, { request, check, loadOptions: async () => ({}) })
    expect(data.known).toBe(false)
    expect(session).toBeNull()
    expect((request as unknown as { mock: { calls: unknown[] } }).mock.calls).toHaveLength(1)
  })
})

describe('Popup', () => {
  const data = { known: true, bus: { via: 'CXBus', widgetsVersion: '9.0.018.07' }, recording: true, events: 12, interactions: 2, stories: [], findings: { error: 1, warning: 2, info: 3 }, dropped: 0 }
  it('shows the bus, the version and the counts, and exports', () => {
    const onExport = vi.fn()
    render(<Popup data={data} onExport={onExport} />)
    expect(screen.getByTestId('popup-bus').textContent).toBe('Bus found via CXBus · Widgets 9.0.018.07')
    expect(screen.getByTestId('popup-events').textContent).toBe('12')
    expect(screen.getByTestId('popup-interactions').textContent).toBe('2')
    expect(screen.getByTestId('popup-error').textContent).toBe('1')
    expect(screen.getByTestId('popup-warning').textContent).toBe('2')
    fireEvent.click(screen.getByTestId('popup-export'))
    expect(onExport).toHaveBeenCalled()
  })
  it('disables export when only markers were captured (no bus found)', () => {
    render(<Popup data={{ ...data, bus: null, events: 1, busEntries: 0 }} onExport={() => {}} />)
    expect(screen.getByTestId('popup-bus').textContent).toContain('No Genesys Widgets bus found')
    expect((screen.getByTestId('popup-export') as HTMLButtonElement).disabled).toBe(true)
  })
  it('says when no bus was found and disables export without events', () => {
    render(<Popup data={{ ...data, bus: null, events: 0 }} onExport={() => {}} />)
    expect(screen.getByTestId('popup-bus').textContent).toContain('No Genesys Widgets bus found')
    expect((screen.getByTestId('popup-export') as HTMLButtonElement).disabled).toBe(true)
  })
})

describe('the popup QA report', () => {
  it('loadPopupData adds the tab notes to the session, with the options and the report it checked with', async () => {
    const session = fixture('shipped-failed-retry')
    const request = (async (req: { type: string }) => (req.type === 'get-tab-state' ? state({ count: session.events.length }) : session)) as never
    const notes = [{ seq: 7, text: 'seen twice', time: 1 }]
    const loadNotes = vi.fn(async () => notes)
    const r = await loadPopupData(3, { request, check, loadOptions: async () => ({ exactToleranceMs: 2 }), loadNotes })
    expect(loadNotes).toHaveBeenCalledWith(3)
    expect(r.session?.notes).toEqual(notes)
    expect(r.options).toEqual({ exactToleranceMs: 2 })
    expect(r.report).toEqual(check(session, { exactToleranceMs: 2 }))
  })
  it('has a Report button next to Export, disabled while nothing was captured', () => {
    const data = { known: true, bus: null, recording: true, events: 3, busEntries: 2, interactions: 1, stories: [], findings: { error: 0, warning: 0, info: 0 }, dropped: 0 }
    const onReport = vi.fn()
    render(<Popup data={data} onExport={() => {}} onReport={onReport} />)
    fireEvent.click(screen.getByTestId('popup-report'))
    expect(onReport).toHaveBeenCalledTimes(1)
    cleanup()
    render(<Popup data={{ ...data, busEntries: 0 }} onExport={() => {}} onReport={onReport} />)
    expect((screen.getByTestId('popup-report') as HTMLButtonElement).disabled).toBe(true)
  })
})

describe('page text with control characters', () => {
  it('the popup shows it escaped: version and stories', async () => {
    const session = hostileSession()
    const state = { tabId: 3, url: 'https://x.test/', preserveLog: false, recording: true, bus: { via: `CX${RLO}Bus`, widgetsVersion: `9.0${RLO}.018` }, dropped: 0, count: session.events.length, findings: { error: 0, warning: 0, info: 0 } }
    const request = (async (req: { type: string }) => (req.type === 'get-tab-state' ? state : session)) as never
    const { data } = await loadPopupData(3, { request, check, loadOptions: async () => ({}) })
    render(<Popup data={data} onExport={() => {}} />)
    expect(screen.getByTestId('popup-bus').textContent).toBe(`Bus found via CX${ESC}Bus · Widgets 9.0${ESC}.018`)
    expect(screen.getByTestId('popup-story').textContent).toContain(`Bad${ESC}Request`)
    expect(rawControls()).toEqual([])
  })
})
