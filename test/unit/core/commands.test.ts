// Unit tests of the Commands drawer's core (src/core/commands.ts) and the scenario player
// (src/core/scenarios.ts): the command line's parser, the confirmations, the presets' options, and
// the player's steps against a scripted bus (commands answer, events arrive, a person types).
import { describe, expect, it } from 'vitest'
import { EMPTY_FORM, confirmationReason, drawerPlugins, formOptions, parseCommandLine, presetsFor } from '../../../src/core/commands.ts'
import type { SessionEntry } from '../../../src/core/model.ts'
import { playScenario, scenariosFor, type PlayerDeps } from '../../../src/core/scenarios.ts'
import { DEFAULT_PATHS } from '../../../src/core/coverage.ts'

describe('command line', () => {
  it('takes a name alone or with a JSON object; refuses the rest with a clear error', () => {
    expect(parseCommandLine('Callback.open')).toEqual({ ok: true, name: 'Callback.open', options: {} })
    expect(parseCommandLine('  Callback.open  {"form": {"firstname": "Ann"}} ')).toEqual({ ok: true, name: 'Callback.open', options: { form: { firstname: 'Ann' } } })
    expect(parseCommandLine('Callback.open {form: 1}')).toMatchObject({ ok: false, error: expect.stringMatching(/^Options are not valid JSON/) })
    expect(parseCommandLine('Callback.open [1]')).toMatchObject({ ok: false, error: expect.stringMatching(/must be a JSON object/) })
    expect(parseCommandLine('Callback.open null')).toMatchObject({ ok: false, error: expect.stringMatching(/must be a JSON object/) })
    expect(parseCommandLine('open')).toMatchObject({ ok: false, error: expect.stringMatching(/"open" is not a command name/) })
    expect(parseCommandLine('')).toMatchObject({ ok: false })
  })
})

describe('confirmation', () => {
  it('is asked for CallbackService commands and for an auto-submitting open, with the reason', () => {
    expect(confirmationReason('CallbackService.schedule')).toMatch(/books a real callback/)
    expect(confirmationReason('CallbackService.availability')).toMatch(/real Callback service/)
    expect(confirmationReason('Callback.open', { form: { autoSubmit: true } })).toMatch(/autoSubmit/)
    expect(confirmationReason('Callback.open', { form: { firstname: 'Ann' } })).toBeNull()
    expect(confirmationReason('Callback.close')).toBeNull()
  })
})

describe('presets', () => {
  it('Callback and SendMessage buttons; an empty form editor prefills test data, a filled one its fields', () => {
    expect(drawerPlugins([])).toEqual(['Callback'])
    expect(drawerPlugins(['App', 'SendMessage', 'Callback'])).toEqual(['Callback', 'SendMessage'])
    expect(presetsFor('WebChat')).toEqual([])
    const ids = presetsFor('SendMessage').map((p) => p.id)
    expect(ids).toEqual(['sendmessage-open', 'sendmessage-open-prefilled', 'sendmessage-open-autosubmit', 'sendmessage-close', 'sendmessage-minimize', 'sendmessage-restore'])
    const auto = presetsFor('Callback').find((p) => p.id === 'callback-open-autosubmit')!
    expect(auto.options(EMPTY_FORM)).toEqual({ form: { firstname: 'Test', lastname: 'Devtools', phonenumber: '5550100', subject: 'cxbus-devtools test', autoSubmit: true } })
    expect(formOptions({ ...EMPTY_FORM, lastname: 'Smith', extra: { tier: 'gold', ' ': 'x' } })).toEqual({ lastname: 'Smith', tier: 'gold' })
  })
})

describe('scenario player', () => {
  const ev = (seq: number, event: string): SessionEntry => ({ kind: 'event', seq, time: seq, publisher: 'Callback', event, data: {} })

  /** A scripted page: each command adds its events to the capture; `typed` adds what a person does. */
  function page(onCommand: (name: string, options: unknown) => { status: 'resolved' | 'rejected'; detail?: string; events: string[] }) {
    const entries: SessionEntry[] = [ev(0, 'Callback.ready')]
    const waiters: (() => void)[] = []
    const publish = (names: string[]): void => {
      for (const n of names) entries.push(ev(entries.length, n))
      for (const w of waiters.splice(0)) w()
    }
    const deps: PlayerDeps = {
      async command(name, options) {
        const r = onCommand(name, options)
        setTimeout(() => publish(r.events), 5)
        return { status: r.status, detail: r.detail }
      },
      waitFor(match, after, ms) {
        return new Promise((resolve) => {
          const look = (): boolean => {
            const e = entries.find((x) => x.seq > after && match(x))
            if (e) resolve(e)
            return !!e
          }
          if (look()) return
          const t = setTimeout(() => resolve(null), ms)
          const again = (): void => {
            if (look()) clearTimeout(t)
            else waiters.push(again)
          }
          waiters.push(again)
        })
      },
      lastSeq: () => entries.length - 1,
      onProgress: () => {},
    }
    return { deps, publish }
  }

  it('plays the documented untouched path and passes; fails, saying why, when an event never comes', async () => {
    const untouched = scenariosFor('Callback').find((s) => s.path === 'untouched')!
    const ok = page((name) => (name === 'Callback.open' ? { status: 'resolved', events: ['Callback.opened'] } : { status: 'resolved', events: ['Callback.cancelled', 'Callback.closed'] }))
    const r = await playScenario(untouched, ok.deps)
    expect(r.passed).toBe(true)
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed'])
    const silent = page(() => ({ status: 'resolved', events: [] }))
    const fast = { ...untouched, steps: untouched.steps.map((s) => (s.kind === 'wait' ? { ...s, timeoutMs: 50 } : s)) }
    const f = await playScenario(fast, silent.deps)
    expect(f.passed).toBe(false)
    expect(f.steps[1]).toMatchObject({ status: 'failed', note: 'no Callback.opened within 0.05 s' })
    expect(f.steps[2]?.status).toBe('waiting') // nothing sent after a failed step
  })

  it('an ask step waits for what the person does; an expected refusal passes, an unexpected one fails', async () => {
    const typed = scenariosFor('Callback').find((s) => s.path === 'typed-cancel')!
    let started = false
    const p = page((name) => {
      if (name === 'Callback.open') return { status: 'resolved', events: ['Callback.opened'] }
      return started ? { status: 'rejected', detail: 'User must confirm close', events: [] } : { status: 'resolved', events: ['Callback.cancelled', 'Callback.closed'] }
    })
    const seen: string[] = []
    p.deps.onProgress = (steps) => {
      const running = steps.find((s) => s.status === 'running')
      if (running?.step.kind === 'ask' && !seen.includes(running.step.event)) {
        seen.push(running.step.event)
        // the person: types, later confirms the close
        setTimeout(() => {
          if (running.step.kind === 'ask' && running.step.event === 'Callback.started') {
            started = true
            p.publish(['Callback.started'])
          } else p.publish(['Callback.cancelled', 'Callback.closed'])
        }, 20)
      }
    }
    const r = await playScenario(typed, p.deps)
    expect(seen).toEqual(['Callback.started', 'Callback.cancelled'])
    expect(r.passed).toBe(true)
    expect(r.steps[3]).toMatchObject({ status: 'passed', note: 'rejected: User must confirm close' })
    // The same refusal where a resolve is expected fails the scenario.
    const untouched = scenariosFor('Callback').find((s) => s.path === 'untouched')!
    const refusing = page((name) => (name === 'Callback.open' ? { status: 'resolved', events: ['Callback.opened'] } : { status: 'rejected', detail: 'User must confirm close', events: [] }))
    const f = await playScenario(untouched, refusing.deps)
    expect(f.steps[2]).toMatchObject({ status: 'failed', note: 'rejected: User must confirm close (expected resolved)' })
  })

  it('every scenario plays a coverage path of coverage.ts', () => {
    const paths = new Set(DEFAULT_PATHS.map((p) => p.id))
    for (const s of [...scenariosFor('Callback'), ...scenariosFor('SendMessage')]) expect(paths.has(s.path)).toBe(true)
  })
})
