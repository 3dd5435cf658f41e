// Runs everywhere (panel, background, CLI, tests). The rule catalogue of RULES.md as data: stable id,
// default severity, a title, what it means and how to fix the page. The panel shows explanation/fix,
// the README table is generated from it (see cli/README-section.md), the checker takes defaults from it.
import type { Severity } from '../model.ts'

export interface RuleInfo {
  id: string
  /** Default severity; users override it with CheckOptions.severities. */
  severity: Severity
  title: string
  /** What the finding means, in one or two sentences. */
  explanation: string
  /** What to change in the page (or why nothing needs changing). */
  fix: string
}

export const RULES: readonly RuleInfo[] = [
  // ---- order of events
  {
    id: 'order/before-ready', severity: 'warning', title: 'Event before ready',
    explanation: "A lifecycle event arrived before the plugin's `ready` was seen in this page load (reported once per plugin and page load; not after a `dropped` marker of that page load, when the `ready` may have been lost).",
    fix: 'Open the plugin only after it is ready (subscribe to `Callback.ready`, or call commands from `_genesys.widgets.onReady`); or start the capture before the page loads.',
  },
  {
    id: 'order/transition', severity: 'error', title: 'Event not allowed here',
    explanation: 'The event is not allowed after the previous one: e.g. `completed` without `submitted`, `started` after `submitted`, a first event other than `opened` (or an auto-submitted `submitted`), or a new `opened` while the previous interaction was never closed.',
    fix: 'Do not publish or replay lifecycle events yourself; check page code that wraps or re-emits Callback events, and that the window is closed before it is opened again.',
  },
  {
    id: 'order/duplicate', severity: 'warning', title: 'Event repeated',
    explanation: 'The same lifecycle event arrived twice in one interaction. A repeated `submitted` (retry after a failed submission) is allowed.',
    fix: 'Look for a second subscriber or a page script that republishes the event; make sure the page subscribes once.',
  },
  {
    id: 'order/no-terminal', severity: 'error', title: 'Closed without outcome',
    explanation: '`closed` arrived with neither `completed` nor `cancelled` before it in the interaction.',
    fix: 'Close the window through the plugin (`Callback.close`) so it publishes `cancelled`; do not remove its DOM directly.',
  },
  {
    id: 'order/both-terminal', severity: 'error', title: 'Completed and cancelled',
    explanation: 'Both `completed` and `cancelled` arrived in one interaction; an interaction has exactly one outcome.',
    fix: 'Check page code that publishes lifecycle events or closes the window while the request is being sent.',
  },
  {
    id: 'order/autosubmit-first', severity: 'info', title: 'Auto-submit before opened',
    explanation: 'Known 9.x behaviour: `open({ form: { autoSubmit: true } })` publishes `submitted` before `opened`, with `opened: false` and `autoSubmitted: true`.',
    fix: 'Nothing to fix; analytics that expect `opened` first must accept this order.',
  },
  {
    id: 'order/unclosed', severity: 'info', title: 'Interaction still open',
    explanation: 'The capture ends inside an interaction (no `closed` yet).',
    fix: 'Nothing to fix if the window was still open; otherwise capture until the window is closed.',
  },
  // ---- metadata
  {
    id: 'meta/shape', severity: 'error', title: 'Metadata field missing or ill-typed',
    explanation: 'A metadata field is missing or has the wrong type: flags are booleans, timestamps an integer or `false`, `errors` `false` or a non-empty array, `form` an object, `elapsed` a non-negative integer or `false`.',
    fix: 'Do not modify the metadata object handed to subscribers, and do not publish Callback events from page code.',
  },
  {
    id: 'meta/timestamp-unit', severity: 'error', title: 'Timestamp not in milliseconds',
    explanation: 'A timestamp is not plausible epoch milliseconds: it looks like seconds, or lies more than a day from the capture time. Reported once per field and interaction, on the event where the bad value first appears.',
    fix: 'Timestamps are `Date.now()` values; look for code that divides them by 1000 or replaces them.',
  },
  {
    id: 'meta/own-timestamp', severity: 'error', title: "Event's own timestamp not set",
    explanation: 'On event X (opened, started, cancelled, completed, closed) the metadata field X is still `false`.',
    fix: 'The plugin sets it before publishing; look for page code that resets metadata or publishes the event itself.',
  },
  {
    id: 'meta/premature', severity: 'error', title: 'Timestamp of a future step',
    explanation: 'A timestamp is set for a step that has not happened yet in this interaction.',
    fix: 'Look for page code that writes into the metadata, or events lost by the capture.',
  },
  {
    id: 'meta/changed', severity: 'error', title: 'Timestamp changed',
    explanation: 'A timestamp that was already set changed later in the same interaction.',
    fix: 'Timestamps are written once per interaction; look for page code that writes into the metadata.',
  },
  {
    id: 'meta/chronology', severity: 'error', title: 'Timestamps out of order',
    explanation: 'Set timestamps are out of order; they must satisfy opened <= started <= completed or cancelled <= closed.',
    fix: 'Look for code that writes timestamps, or a page clock that jumps.',
  },
  {
    id: 'meta/elapsed', severity: 'error', title: 'Elapsed matches no definition',
    explanation: '`elapsed` matches neither the documented definition ((completed or cancelled) - started) nor the shipped one ((closed or publish time) - opened, within the dispatch tolerance).',
    fix: 'Look for code that writes `elapsed`; if the page clock is slow to dispatch, raise the dispatch tolerance.',
  },
  {
    id: 'meta/elapsed-definition', severity: 'info', title: 'Elapsed follows the shipped definition',
    explanation: '`elapsed` follows the shipped 9.x definition ((closed or publish time) - opened), not the documented one ((completed or cancelled) - started). One note per interaction, on its first such event where both values exist (usually completed or cancelled); it shows both. Which definition each event follows is shown on the event (the panel\'s elapsed note) and kept in the checker\'s report (the test kit\'s `check().events`).',
    fix: 'Nothing to fix in the page; reports built on `elapsed` must use the shipped meaning, or compute the documented value from the timestamps.',
  },
  {
    id: 'meta/elapsed-absolute', severity: 'warning', title: 'Elapsed is an absolute time',
    explanation: '`elapsed` is an absolute epoch time because `opened` was still `false` (9.x auto-submit publishes `submitted` before `opened`); forwarded as a duration it means decades.',
    fix: 'Ignore `elapsed` when `opened` is `false`, or compute the duration from the timestamps.',
  },
  {
    id: 'meta/terminal-exclusive', severity: 'error', title: 'Completed and cancelled both set',
    explanation: '`completed` and `cancelled` are both set in the metadata of one event.',
    fix: 'Look for page code that writes into the metadata.',
  },
  {
    id: 'meta/flags', severity: 'warning', title: 'Inconsistent flags',
    explanation: '`autoSubmitted` is set without `prefilled`, or `prefilled`, `proactive` or `autoSubmitted` changes inside an interaction.',
    fix: 'Open with `form` data when using `autoSubmit`; do not modify the flags.',
  },
  {
    id: 'meta/form-empty', severity: 'warning', title: 'Empty form on submit',
    explanation: '`submitted` or `completed` carries an empty `form` (since 9.0.002.06 the submitted form parameters are expected).',
    fix: 'Upgrade Widgets to 9.0.002.06 or later; check that the form fields are configured.',
  },
  {
    id: 'meta/errors-before-submit', severity: 'warning', title: 'Errors before any submit',
    explanation: '`errors` is set while no `submitted` was seen in this interaction.',
    fix: 'Errors come from the service after a submit; stale errors usually mean metadata was not reset, or events were lost.',
  },
  {
    id: 'meta/stale', severity: 'error', title: 'Stale metadata',
    explanation: 'The first event of a new interaction still carries timestamps from the previous one.',
    fix: 'The plugin resets metadata after `closed`; look for page code that keeps or restores the metadata object.',
  },
  {
    id: 'meta/clock', severity: 'warning', title: 'Own timestamp far from dispatch time',
    explanation: "An event's own timestamp differs from the envelope `time` by more than the clock tolerance (default 5 s).",
    fix: 'Check for a blocked main thread or a page that overrides Date; raise the clock tolerance if dispatch is slow on purpose.',
  },
]

const byId = new Map(RULES.map((r) => [r.id, r]))

/** The catalogue entry of a rule id, or undefined for an unknown id. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id)
}

export type RuleId = (typeof RULES)[number]['id']
