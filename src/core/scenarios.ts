// Runs everywhere (panel, tests). The scenario player (issue 15): for each coverage path of
// coverage.ts that bus commands can drive, the steps that play it, as data, and the runner that plays
// them through injected `command` and `waitFor` (the panel gives the Commands drawer's and the live
// capture's). Steps only a person can do (typing in the form publishes `started`) are `ask` steps:
// the player says what to do and waits for the event, with a time limit.
import type { JsonObject, SessionEntry } from './model.ts'
import { SAMPLE_FORM, formOptions } from './commands.ts'
import type { CommandOutcome } from './protocol.ts'

export type ScenarioStep =
  /** Send a command; `expect`: how it must end (default resolved). */
  | { kind: 'command'; name: string; options: JsonObject; expect?: CommandOutcome }
  /** Wait for the event (full name) to be captured after the scenario started. */
  | { kind: 'wait'; event: string; timeoutMs?: number }
  /** Ask the person for something, then wait for the event it publishes. */
  | { kind: 'ask'; text: string; event: string; timeoutMs?: number }

export interface Scenario {
  /** The coverage path it plays (coverage.ts DEFAULT_PATHS id). */
  path: string
  plugin: string
  label: string
  /** Why it needs confirmation (it reaches a real service), or absent. */
  confirm?: string
  steps: ScenarioStep[]
}

export const WAIT_MS = 8_000
/** What a person gets to do an `ask` step. */
export const ASK_MS = 60_000

const cmd = (name: string, options: JsonObject = {}, expect?: CommandOutcome): ScenarioStep => ({ kind: 'command', name, options, ...(expect ? { expect } : {}) })
const wait = (event: string, timeoutMs?: number): ScenarioStep => ({ kind: 'wait', event, ...(timeoutMs ? { timeoutMs } : {}) })

/** The paths commands can drive, per widget plugin (Callback, SendMessage). */
export function scenariosFor(plugin: string): Scenario[] {
  const p = (s: string): string => `${plugin}.${s}`
  const books = plugin === 'Callback' ? 'The widget submits the form: on a real page this books a real callback.' : 'The widget submits the form to the real service of this page.'
  return [
    {
      path: 'untouched', plugin, label: 'open, wait for opened, close (documented)',
      steps: [cmd(p('open')), wait(p('opened')), cmd(p('close')), wait(p('cancelled')), wait(p('closed'))],
    },
    {
      path: 'minimize', plugin, label: 'open, minimize, restore, close',
      steps: [cmd(p('open')), wait(p('opened')), cmd(p('minimize'), { minimized: true }), wait(p('minimized')),
        cmd(p('minimize'), { minimized: false }), wait(p('unminimized')), cmd(p('close')), wait(p('closed'))],
    },
    {
      path: 'auto-submit', plugin, label: 'open prefilled with autoSubmit, wait for completed, close', confirm: books,
      steps: [cmd(p('open'), { form: formOptions(SAMPLE_FORM, true) }), wait(p('submitted')), wait(p('opened')), wait(p('completed'), 15_000),
        cmd(p('close')), wait(p('closed'))],
    },
    {
      path: 'typed-cancel', plugin, label: 'open, a person types, close and confirm (documented)',
      steps: [cmd(p('open')), wait(p('opened')), { kind: 'ask', text: 'Now type in the form', event: p('started') },
        // 9.x refuses a close after typing until the user confirms: that refusal is expected.
        cmd(p('close'), {}, 'rejected'), { kind: 'ask', text: 'Now confirm the close in the widget', event: p('cancelled') }, wait(p('closed'))],
    },
    {
      path: 'submitted', plugin, label: 'open, a person fills in and submits, close (documented)', confirm: books,
      steps: [cmd(p('open')), wait(p('opened')), { kind: 'ask', text: 'Now type in the form and submit it', event: p('submitted') },
        wait(p('completed'), 15_000), cmd(p('close')), wait(p('closed'))],
    },
  ]
}

export type StepStatus = 'waiting' | 'running' | 'passed' | 'failed'

export interface StepReport {
  step: ScenarioStep
  status: StepStatus
  /** What happened: the command's outcome and detail, the event's seq, or why it failed. */
  note?: string
}

export interface PlayerDeps {
  command(name: string, options: JsonObject): Promise<{ status: CommandOutcome | 'pending'; detail?: unknown }>
  /** The first entry with seq > afterSeq for which `match` holds, or null after timeoutMs. */
  waitFor(match: (e: SessionEntry) => boolean, afterSeq: number, timeoutMs: number): Promise<SessionEntry | null>
  /** Highest seq captured so far. */
  lastSeq(): number
  onProgress(reports: StepReport[]): void
}

/** Plays a scenario step by step; resolves with every step's report (passed when all passed). */
export async function playScenario(s: Scenario, deps: PlayerDeps): Promise<{ passed: boolean; steps: StepReport[] }> {
  const reports: StepReport[] = s.steps.map((step) => ({ step, status: 'waiting' }))
  const update = (i: number, r: Partial<StepReport>): void => {
    reports[i] = { ...reports[i]!, ...r }
    deps.onProgress(reports.slice())
  }
  // Events are looked for after what was captured when the scenario started, in order.
  let after = deps.lastSeq()
  for (let i = 0; i < s.steps.length; i++) {
    const step = s.steps[i]!
    update(i, { status: 'running' })
    if (step.kind === 'command') {
      const r = await deps.command(step.name, step.options)
      const want = step.expect ?? 'resolved'
      const note = `${r.status}${r.detail !== undefined && r.detail !== null ? `: ${typeof r.detail === 'string' ? r.detail : JSON.stringify(r.detail)}` : ''}`
      if (r.status !== want) {
        update(i, { status: 'failed', note: `${note} (expected ${want})` })
        return { passed: false, steps: reports }
      }
      update(i, { status: 'passed', note })
      continue
    }
    const timeoutMs = step.timeoutMs ?? (step.kind === 'ask' ? ASK_MS : WAIT_MS)
    const e = await deps.waitFor((x) => x.kind === 'event' && x.event === step.event, after, timeoutMs)
    if (!e) {
      update(i, { status: 'failed', note: `no ${step.event} within ${timeoutMs / 1000} s` })
      return { passed: false, steps: reports }
    }
    after = e.seq
    update(i, { status: 'passed', note: `${step.event} (#${e.seq})` })
  }
  return { passed: true, steps: reports }
}

/** One line per step, for the drawer and the report: "✓ Callback.open: resolved". */
export function stepText(step: ScenarioStep): string {
  if (step.kind === 'command') return `${step.name}(${Object.keys(step.options).length ? JSON.stringify(step.options) : ''})`
  if (step.kind === 'ask') return `${step.text} (waits for ${step.event})`
  return `wait for ${step.event}`
}
