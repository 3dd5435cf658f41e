// Panel. The Commands drawer (issue 15): ready-made buttons for the page's widget plugins, the
// `form` editor they use, a free command line (validated JSON, with history), the scenario player,
// and how each command ended. Nothing is sent except on a click; commands that reach a real service
// ask first and say why. Disabled (with the reason shown) on imports, tabs without a bus, while paused.
import { useLayoutEffect, useReducer, useState } from 'preact/hooks'
import { EMPTY_FORM, confirmationReason, parseCommandLine, presetsFor, type CommandForm } from '../../../../src/core/commands.ts'
import type { JsonObject, SessionEntry } from '../../../../src/core/model.ts'
import { playScenario, scenariosFor, stepText, type Scenario, type StepReport } from '../../../../src/core/scenarios.ts'
import type { CommandsStore, SentCommand } from '../../state/commands.ts'

export interface CommandsDrawerProps {
  commands: CommandsStore
  /** Why nothing can be sent now (import, no bus, paused, disconnected), or null. */
  disabled: string | null
  plugins: string[]
  /** The live capture, for the player's waits. */
  waitFor(match: (e: SessionEntry) => boolean, afterSeq: number, timeoutMs: number): Promise<SessionEntry | null>
  lastSeq(): number
}

function useCommands(store: CommandsStore) {
  const [, bump] = useReducer((n: number) => n + 1, 0)
  useLayoutEffect(() => store.subscribe(() => bump(undefined)), [store])
  return store.getState()
}

type Pending = { name: string; options: JsonObject; reason: string; run(): void }

export function CommandsDrawer({ commands, disabled, plugins, waitFor, lastSeq }: CommandsDrawerProps) {
  const state = useCommands(commands)
  const [open, setOpen] = useState(false)
  const [form, setForm] = useState<CommandForm>(EMPTY_FORM)
  const [line, setLine] = useState('')
  const [lineError, setLineError] = useState<string | null>(null)
  const [historyAt, setHistoryAt] = useState<number | null>(null)
  const [confirming, setConfirming] = useState<Pending | null>(null)
  const [playing, setPlaying] = useState<{ scenario: Scenario; steps: StepReport[]; passed?: boolean } | null>(null)
  // A confirmation asked while enabled is void once the drawer is disabled (an import, a pause).
  useLayoutEffect(() => {
    if (disabled) setConfirming(null)
  }, [disabled])

  /** Sends now, or after the user confirmed when the command reaches a real service. */
  const guarded = (name: string, options: JsonObject, run: (confirmed: boolean) => void, reason = confirmationReason(name, options)): void => {
    if (disabled) return
    if (!reason) return run(false)
    setConfirming({ name, options, reason, run: () => run(true) })
  }
  const send = (name: string, options: JsonObject): void => guarded(name, options, (confirmed) => void commands.send(name, options, confirmed))
  const sendLine = (): void => {
    const parsed = parseCommandLine(line)
    if (!parsed.ok) return setLineError(parsed.error)
    setLineError(null)
    commands.remember(line)
    setHistoryAt(null)
    send(parsed.name, parsed.options)
  }
  const play = (scenario: Scenario): void =>
    guarded(scenario.steps[0]?.kind === 'command' ? scenario.steps[0].name : '', {}, (confirmed) => {
      setPlaying({ scenario, steps: [] })
      void playScenario(scenario, {
        command: (name, options) => commands.send(name, options, confirmed),
        waitFor,
        lastSeq,
        onProgress: (steps) => setPlaying({ scenario, steps }),
      }).then((r) => setPlaying({ scenario, steps: r.steps, passed: r.passed }))
    }, scenario.confirm ?? null)
  const historyStep = (dir: -1 | 1): void => {
    const h = state.history
    if (!h.length) return
    const at = historyAt === null ? (dir < 0 ? h.length - 1 : null) : historyAt + dir
    if (at === null || at < 0) return
    if (at >= h.length) {
      setHistoryAt(null)
      setLine('')
      return
    }
    setHistoryAt(at)
    setLine(h[at]!)
  }
  const busy = disabled !== null || (playing !== null && playing.passed === undefined)
  const field = (key: 'firstname' | 'lastname' | 'phonenumber' | 'subject', label: string) => (
    <label class="cmd-field">
      {label}
      <input type="text" value={form[key]} data-testid={`form-${key}`} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
    </label>
  )

  return (
    <section class={`commands-drawer ${open ? 'open' : ''}`} aria-label="Commands" data-testid="commands-drawer">
      <div class="commands-head">
        <button type="button" class="link" aria-expanded={open} data-testid="commands-toggle" onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'} Commands
        </button>
        {disabled ? (
          <span class="muted" data-testid="commands-disabled">
            {disabled}
          </span>
        ) : (
          <span class="muted">send bus commands to the inspected page (only when you click)</span>
        )}
      </div>
      {open && (
        <div class="commands-body">
          {confirming && (
            <div class="banner banner-warning cmd-confirm" role="alertdialog" data-testid="command-confirm">
              <span>
                <strong>{confirming.name}</strong>: {confirming.reason} Send it?
              </span>
              <button type="button" data-testid="confirm-send" disabled={disabled !== null} onClick={() => {
                const c = confirming
                setConfirming(null)
                if (!disabled) c.run()
              }}>Send</button>
              <button type="button" data-testid="confirm-cancel" onClick={() => setConfirming(null)}>Cancel</button>
            </div>
          )}
          <div class="cmd-columns">
            <div class="cmd-col">
              {plugins.map((plugin) => (
                <div class="cmd-presets" key={plugin}>
                  <strong>{plugin}</strong>
                  {presetsFor(plugin).map((p) => (
                    <button type="button" key={p.id} disabled={busy} data-testid={`cmd-${p.id}`} title={`${p.name} ${JSON.stringify(p.options(form))}`}
                      onClick={() => send(p.name, p.options(form))}>
                      {p.label}
                    </button>
                  ))}
                </div>
              ))}
              <fieldset class="cmd-form">
                <legend>form (used by "prefilled"; empty: test data)</legend>
                {field('firstname', 'First name')}
                {field('lastname', 'Last name')}
                {field('phonenumber', 'Phone')}
                {field('subject', 'Subject')}
                {Object.entries(form.extra).map(([k, v], i) => (
                  <span class="cmd-field" key={i}>
                    <input type="text" placeholder="field" value={k} data-testid="form-extra-name" onInput={(e) => {
                      const extra = Object.entries(form.extra)
                      extra[i] = [e.currentTarget.value, v]
                      setForm({ ...form, extra: Object.fromEntries(extra) })
                    }} />
                    <input type="text" placeholder="value" value={v} data-testid="form-extra-value" onInput={(e) => setForm({ ...form, extra: { ...form.extra, [k]: e.currentTarget.value } })} />
                  </span>
                ))}
                <button type="button" class="link" data-testid="form-add-field" onClick={() => setForm({ ...form, extra: { ...form.extra, [`field${Object.keys(form.extra).length + 1}`]: '' } })}>
                  + field
                </button>
              </fieldset>
              <form class="cmd-line" onSubmit={(e) => {
                e.preventDefault()
                sendLine()
              }}>
                <input type="text" value={line} placeholder='Callback.open {"form": {"firstname": "Ann"}}' data-testid="command-line" aria-label="Command line" disabled={disabled !== null}
                  onInput={(e) => {
                    setLine(e.currentTarget.value)
                    setLineError(null)
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
                      e.preventDefault()
                      historyStep(e.key === 'ArrowUp' ? -1 : 1)
                    }
                  }} />
                <button type="submit" disabled={busy} data-testid="command-send">Send</button>
              </form>
              {lineError && <div class="cmd-error" role="alert" data-testid="command-error">{lineError}</div>}
            </div>
            <div class="cmd-col">
              <div class="cmd-scenarios">
                <strong>Scenarios</strong>
                {plugins.flatMap(scenariosFor).map((s) => (
                  <button type="button" key={`${s.plugin}/${s.path}`} disabled={busy} data-testid={`play-${s.plugin}-${s.path}`} title={s.label} onClick={() => play(s)}>
                    ▶ {s.plugin} {s.path}
                  </button>
                ))}
              </div>
              {playing && (
                <div class="cmd-player" data-testid="scenario" data-passed={playing.passed === undefined ? undefined : String(playing.passed)}>
                  <div>
                    <strong>{playing.scenario.plugin} {playing.scenario.path}</strong>: {playing.scenario.label}
                    {playing.passed !== undefined && <span class={playing.passed ? 'cmd-ok' : 'cmd-bad'} data-testid="scenario-result"> {playing.passed ? 'PASS' : 'FAIL'}</span>}
                  </div>
                  <ol>
                    {playing.scenario.steps.map((step, i) => {
                      const r = playing.steps[i]
                      const status = r?.status ?? 'waiting'
                      return (
                        <li key={i} data-testid="scenario-step" data-status={status} class={`step-${status} ${step.kind === 'ask' && status === 'running' ? 'cmd-ask' : ''}`}>
                          {status === 'passed' ? '✓' : status === 'failed' ? '✗' : status === 'running' ? '…' : '·'} {stepText(step)}
                          {r?.note && <span class="muted"> ({r.note})</span>}
                        </li>
                      )
                    })}
                  </ol>
                </div>
              )}
              <ol class="cmd-results" reversed>
                {state.sent.slice().reverse().map((c) => <Result key={c.id} c={c} />)}
              </ol>
            </div>
          </div>
        </div>
      )}
    </section>
  )
}

function Result({ c }: { c: SentCommand }) {
  const detail = c.detail === undefined || c.detail === null ? '' : typeof c.detail === 'string' ? c.detail : JSON.stringify(c.detail)
  return (
    <li data-testid="command-result" data-status={c.status} data-name={c.name} title={c.target ? `sent to ${c.target}` : undefined}>
      <code>{c.name}</code> {Object.keys(c.options).length ? <code class="muted">{JSON.stringify(c.options)}</code> : null}{' '}
      <span class={c.status === 'resolved' ? 'cmd-ok' : c.status === 'pending' ? 'muted' : 'cmd-bad'}>
        {c.status === 'pending' ? 'waiting…' : c.status}
      </span>
      {detail && <span data-testid="command-detail">: {detail}</span>}
    </li>
  )
}
