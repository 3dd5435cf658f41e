// Unit tests of the Commands drawer's store (devtools/panel/state/commands.ts): one message per send,
// answers matched by id, the panel's own time limit, the command line's history.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PANEL_COMMAND_TIMEOUT_MS, createCommandsStore } from '../../../devtools/panel/state/commands.ts'
import type { PanelToBackground } from '../../../src/core/protocol.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('commands store', () => {
  it('sends once per call, settles on the answer with its id, times out when none comes', async () => {
    const posted: PanelToBackground[] = []
    const store = createCommandsStore((m) => posted.push(m))
    const first = store.send('Callback.open', { form: { firstname: 'Ann' } })
    const second = store.send('CallbackService.schedule', {}, true)
    expect(posted).toEqual([
      { type: 'command', id: expect.any(String), name: 'Callback.open', options: { form: { firstname: 'Ann' } }, confirmed: false },
      { type: 'command', id: expect.any(String), name: 'CallbackService.schedule', options: {}, confirmed: true },
    ])
    const [a, b] = posted as Extract<PanelToBackground, { type: 'command' }>[]
    expect(a!.id).not.toBe(b!.id)
    store.receive({ type: 'command-result', id: 'unknown', outcome: 'resolved', detail: null })
    store.receive({ type: 'command-result', id: a!.id, outcome: 'rejected', detail: 'User must confirm close', target: 'https://x.test/' })
    expect(await first).toMatchObject({ status: 'rejected', detail: 'User must confirm close', target: 'https://x.test/' })
    expect(store.getState().sent.map((c) => c.status)).toEqual(['rejected', 'pending'])
    vi.advanceTimersByTime(PANEL_COMMAND_TIMEOUT_MS)
    expect(await second).toMatchObject({ status: 'timeout' })
    store.receive({ type: 'command-result', id: b!.id, outcome: 'resolved', detail: null }) // too late: stays timed out
    expect(store.getState().sent.map((c) => c.status)).toEqual(['rejected', 'timeout'])
  })

  it('remembers command lines, newest last, without repeats or blanks', () => {
    const store = createCommandsStore(() => {})
    for (const l of ['Callback.open', 'Callback.close', '  ', 'Callback.open ']) store.remember(l)
    expect(store.getState().history).toEqual(['Callback.close', 'Callback.open'])
  })
})
