// Runs everywhere. Plugin profiles as plain data: which events a plugin publishes, which of them are
// lifecycle steps, the allowed transitions, the terminal steps and the metadata fields with their
// types (SPEC.md §2-3). The rules read only these tables, so adding a plugin with the same pattern
// (e.g. WebChat, ClickToCall) is a new profile, not new rule code.

export type FieldType = 'boolean' | 'timestamp' | 'errors' | 'form' | 'elapsed'

export interface PluginProfile {
  /** Publisher name on the bus, e.g. "Callback". */
  plugin: string
  /** Step republished to late subscribers; not a lifecycle step, matters for order/before-ready. */
  ready: string
  /** Lifecycle steps (events that carry the metadata). Other events (minimized, ...) are ignored. */
  steps: readonly string[]
  /** The step that opens an interaction, and the one that ends it. */
  open: string
  close: string
  /** The submit step: repeatable (retry after a failed submit), and the one that may come first (auto-submit). */
  submit: string
  /** Outcomes: exactly one per interaction before `close`. */
  terminals: readonly string[]
  /** Steps that may repeat inside an interaction without order/duplicate. */
  repeatable: readonly string[]
  /** Allowed next step after each step; key '' is the first step of an interaction. */
  transitions: Readonly<Record<string, readonly string[]>>
  /** A step allowed only when each listed step was seen earlier in the interaction. */
  requires: Readonly<Record<string, readonly string[]>>
  /**
   * The step that may come before `open` when the metadata flag is true (9.x auto-submit), with the
   * flag that must accompany it and the flag it implies.
   */
  earlyStart?: { step: string; flag: string; implies: string }
  /** Metadata fields and their types; a step's own timestamp is the field of the same name. */
  fields: Readonly<Record<string, FieldType>>
  /** Chronological ranks of the timestamp fields (same rank: alternatives, not compared). */
  chronology: readonly (readonly string[])[]
  /** Flags that must not change inside an interaction. */
  stableFlags: readonly string[]
  /** The two elapsed definitions of SPEC.md §3, by field names; omitted when the plugin has no elapsed. */
  elapsed?: {
    field: string
    /** documented: (first set of `to`) - from */
    documented: { from: string; to: readonly string[] }
    /** shipped: (end || publish time) - from */
    shipped: { from: string; end: string }
  }
  /** Fields that must be a non-empty form on these steps. */
  formOn: readonly string[]
  formField: string
  errorsField: string
  /**
   * Events of this plugin that are not lifecycle steps but belong to the open interaction's story
   * (SPEC.md §2: minimized/unminimized carry no metadata and are not in registry()).
   */
  minimize?: { minimized: string; restored: string }
  /**
   * Plugins that do this plugin's service work (CallbackService for Callback): shown with it in the
   * panel's focus, and their failure events (short names) are failed submissions of the interaction
   * that was open when they came (SPEC.md §2: a failed submit publishes only scheduleError).
   */
  services?: readonly { plugin: string; failures: readonly string[] }[]
}

const CALLBACK_LIKE = {
  ready: 'ready',
  steps: ['opened', 'started', 'submitted', 'completed', 'cancelled', 'closed'],
  open: 'opened',
  close: 'closed',
  submit: 'submitted',
  terminals: ['completed', 'cancelled'],
  repeatable: ['submitted'],
  transitions: {
    // '' -> submitted only with the auto-submit flag (earlyStart); checked by the order rules.
    '': ['opened', 'submitted'],
    // started is skipped when the form was prefilled and submitted by a click; completed after
    // opened/started happens in auto-submit (submitted came first): `requires` keeps it honest.
    opened: ['started', 'submitted', 'completed', 'cancelled', 'closed'],
    started: ['submitted', 'completed', 'cancelled', 'closed'],
    // submitted -> opened: auto-submit; submitted -> submitted: retry after a failed submit.
    submitted: ['opened', 'submitted', 'completed', 'cancelled', 'closed'],
    completed: ['closed'],
    cancelled: ['closed'],
  },
  requires: { completed: ['submitted'] },
  earlyStart: { step: 'submitted', flag: 'autoSubmitted', implies: 'prefilled' },
  fields: {
    proactive: 'boolean',
    prefilled: 'boolean',
    autoSubmitted: 'boolean',
    errors: 'errors',
    form: 'form',
    opened: 'timestamp',
    started: 'timestamp',
    cancelled: 'timestamp',
    completed: 'timestamp',
    closed: 'timestamp',
    elapsed: 'elapsed',
  },
  chronology: [['opened'], ['started'], ['completed', 'cancelled'], ['closed']],
  stableFlags: ['proactive', 'prefilled', 'autoSubmitted'],
  elapsed: {
    field: 'elapsed',
    documented: { from: 'started', to: ['completed', 'cancelled'] },
    shipped: { from: 'opened', end: 'closed' },
  },
  formOn: ['submitted', 'completed'],
  formField: 'form',
  errorsField: 'errors',
  minimize: { minimized: 'minimized', restored: 'unminimized' },
} as const satisfies Omit<PluginProfile, 'plugin'>

export const CALLBACK: PluginProfile = { plugin: 'Callback', ...CALLBACK_LIKE, services: [{ plugin: 'CallbackService', failures: ['scheduleError'] }] }
/**
 * SendMessage has the same events and metadata as Callback (SPEC.md §3). Its service's failure
 * events have not been seen on a real page yet: none are attributed (README, "Interaction stories").
 */
export const SEND_MESSAGE: PluginProfile = { plugin: 'SendMessage', ...CALLBACK_LIKE, services: [{ plugin: 'SendMessageService', failures: [] }] }

export const PROFILES: readonly PluginProfile[] = [CALLBACK, SEND_MESSAGE]

export function profileMap(profiles: readonly PluginProfile[] = PROFILES): Map<string, PluginProfile> {
  return new Map(profiles.map((p) => [p.plugin, p]))
}

/**
 * Tables derived once from a profile. The per-event rules address metadata fields by index
 * (arrays) rather than by name: keyed access with a changing property name is megamorphic in V8 and
 * was most of the checker's cost at 100 000 events. Names stay in the profile for messages.
 */
export interface CompiledProfile {
  profile: PluginProfile
  steps: ReadonlySet<string>
  /** Field names and types by index, in profile order. */
  names: readonly string[]
  types: readonly FieldType[]
  /** Indices of the timestamp fields. */
  timestamps: readonly number[]
  /** Chronological rank by field index (-1: not a timestamp). */
  rank: readonly number[]
  /** A step's own timestamp field index (steps without one are absent). */
  own: ReadonlyMap<string, number>
  /** Field index -> the step of the same name (premature: has that step happened?). */
  stepOf: readonly (string | undefined)[]
  /** Allowed next steps after each step ('' = first). */
  transitions: Readonly<Record<string, ReadonlySet<string>>>
  terminals: readonly number[]
  stableFlags: readonly number[]
  /** Field indices used by specific rules (-1 when the profile lacks the field). */
  f: {
    open: number
    errors: number
    form: number
    earlyFlag: number
    earlyImplies: number
    elapsed: number
    docFrom: number
    docTo: readonly number[]
    shipFrom: number
    shipEnd: number
  }
  formOn: ReadonlySet<string>
  /** The two elapsed formulas as text, for messages. */
  formula: { documented: string; shipped: string }
}

export function compileProfile(profile: PluginProfile): CompiledProfile {
  const entries = Object.entries(profile.fields)
  const names = entries.map(([n]) => n)
  const idx = (name: string | undefined): number => (name === undefined ? -1 : names.indexOf(name))
  const rank = names.map(() => -1)
  profile.chronology.forEach((group, i) => group.forEach((f) => (rank[idx(f)] = i)))
  const transitions: Record<string, ReadonlySet<string>> = {}
  for (const [k, v] of Object.entries(profile.transitions)) transitions[k] = new Set(v)
  const types = entries.map(([, t]) => t)
  const timestamps = types.flatMap((t, i) => (t === 'timestamp' ? [i] : []))
  const own = new Map<string, number>()
  for (const step of profile.steps) if (types[idx(step)] === 'timestamp') own.set(step, idx(step))
  const e = profile.elapsed
  return {
    profile,
    steps: new Set(profile.steps),
    names,
    types,
    timestamps,
    rank,
    own,
    stepOf: names.map((n) => (profile.steps.includes(n) ? n : undefined)),
    transitions,
    terminals: profile.terminals.map(idx),
    stableFlags: profile.stableFlags.map(idx),
    f: {
      open: idx(profile.open),
      errors: idx(profile.errorsField),
      form: idx(profile.formField),
      earlyFlag: idx(profile.earlyStart?.flag),
      earlyImplies: idx(profile.earlyStart?.implies),
      elapsed: idx(e?.field),
      docFrom: idx(e?.documented.from),
      docTo: e?.documented.to.map(idx) ?? [],
      shipFrom: idx(e?.shipped.from),
      shipEnd: idx(e?.shipped.end),
    },
    formOn: new Set(profile.formOn),
    formula: {
      documented: e ? `(${e.documented.to.join(' or ')}) - ${e.documented.from}` : '',
      shipped: e ? `(${e.shipped.end} or publish time) - ${e.shipped.from}` : '',
    },
  }
}
