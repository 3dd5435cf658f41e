// Runs everywhere (panel, background, tests). Bus commands the user can send from the panel's
// Commands drawer (issue 15): the ready-made buttons, the `form` options of Callback.open and
// SendMessage.open (SPEC.md §2), the free command line's parser, and which commands reach a real
// service and so need the user's confirmation (the background refuses them unconfirmed too).
import type { Json, JsonObject } from './model.ts'
import { isCommandName } from './protocol.ts'

/** The fields of an open() `form` (SPEC.md §2), as the form editor shows them. */
export interface CommandForm {
  firstname: string
  lastname: string
  phonenumber: string
  subject: string
  /** Further fields, name -> value (free fields of the editor). */
  extra: Record<string, string>
}

export const EMPTY_FORM: CommandForm = { firstname: '', lastname: '', phonenumber: '', subject: '', extra: {} }
/** What "prefilled" uses when the editor is empty: recognisable test data, never a real person. */
export const SAMPLE_FORM: CommandForm = { firstname: 'Test', lastname: 'Devtools', phonenumber: '5550100', subject: 'cxbus-devtools test', extra: {} }

/** The `form` option: filled fields only (an empty editor gives the sample). */
export function formOptions(form: CommandForm, autoSubmit = false): JsonObject {
  const out: JsonObject = {}
  const source = isEmptyForm(form) ? SAMPLE_FORM : form
  for (const key of ['firstname', 'lastname', 'phonenumber', 'subject'] as const) if (source[key]) out[key] = source[key]
  for (const [k, v] of Object.entries(source.extra)) if (k.trim()) out[k.trim()] = v
  if (autoSubmit) out.autoSubmit = true
  return out
}

const isEmptyForm = (f: CommandForm): boolean =>
  !f.firstname && !f.lastname && !f.phonenumber && !f.subject && Object.keys(f.extra).every((k) => !k.trim())

export interface Preset {
  /** Stable id (buttons' data-testid: `cmd-<id>`). */
  id: string
  label: string
  name: string
  options(form: CommandForm): JsonObject
}

/** Plugins with an open/close/minimize surface like Callback's (SPEC.md §2). */
const WIDGETS = ['Callback', 'SendMessage'] as const

/** Ready-made commands for a plugin the page has (Callback, SendMessage). */
export function presetsFor(plugin: string): Preset[] {
  if (!(WIDGETS as readonly string[]).includes(plugin)) return []
  const id = plugin.toLowerCase()
  return [
    { id: `${id}-open`, label: 'Open', name: `${plugin}.open`, options: () => ({}) },
    { id: `${id}-open-prefilled`, label: 'Open prefilled', name: `${plugin}.open`, options: (f) => ({ form: formOptions(f) }) },
    { id: `${id}-open-autosubmit`, label: 'Open + autoSubmit', name: `${plugin}.open`, options: (f) => ({ form: formOptions(f, true) }) },
    { id: `${id}-close`, label: 'Close', name: `${plugin}.close`, options: () => ({}) },
    { id: `${id}-minimize`, label: 'Minimize', name: `${plugin}.minimize`, options: () => ({ minimized: true }) },
    { id: `${id}-restore`, label: 'Restore', name: `${plugin}.minimize`, options: () => ({ minimized: false }) },
  ]
}

/** Plugins whose buttons the drawer shows: those the capture saw, else Callback (the tool's subject). */
export function drawerPlugins(seen: readonly string[]): string[] {
  const known = WIDGETS.filter((p) => seen.includes(p))
  return known.length ? known : ['Callback']
}

/**
 * Why a command needs the user's confirmation (it reaches a real service), or null:
 * CallbackService.schedule books a callback, availability asks the service, and an open with
 * `form.autoSubmit` makes the widget submit at once (it sends CallbackService.schedule itself).
 */
export function confirmationReason(name: string, options: JsonObject = {}): string | null {
  if (name === 'CallbackService.schedule') return 'CallbackService.schedule books a real callback with the contact centre.'
  if (name.startsWith('CallbackService.')) return `${name} calls the real Callback service of this page.`
  const form = options.form
  if (name.endsWith('.open') && form !== null && typeof form === 'object' && !Array.isArray(form) && form.autoSubmit === true) {
    return 'With autoSubmit the widget submits the form at once: on a real page this books a real callback.'
  }
  return null
}

export type ParsedCommand = { ok: true; name: string; options: JsonObject } | { ok: false; error: string }

/** The free command line: `Callback.open` or `Callback.open {"form": {...}}`. */
export function parseCommandLine(line: string): ParsedCommand {
  const text = line.trim()
  if (!text) return { ok: false, error: 'Type a command, for example Callback.open {"form": {"firstname": "Ann"}}' }
  const space = text.search(/\s/)
  const name = space === -1 ? text : text.slice(0, space)
  const rest = space === -1 ? '' : text.slice(space).trim()
  if (!isCommandName(name)) return { ok: false, error: `"${text.split(/\s/)[0]!.slice(0, 80)}" is not a command name: Plugin.command, for example Callback.open` }
  if (!rest) return { ok: true, name, options: {} }
  let options: Json
  try {
    options = JSON.parse(rest) as Json
  } catch (err) {
    return { ok: false, error: `Options are not valid JSON: ${err instanceof Error ? err.message : String(err)}` }
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { ok: false, error: 'Options must be a JSON object, for example {"form": {"firstname": "Ann"}}' }
  return { ok: true, name, options }
}

let counter = 0
/** A command id (protocol.ts isCommandId): unique per panel, random across panels. */
export function newCommandId(): string {
  counter++
  return `${Date.now().toString(36)}-${counter}-${Math.floor(Math.random() * 1e9).toString(36)}`
}
