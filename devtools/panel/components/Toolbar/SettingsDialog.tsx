// Panel. Checker settings: a severity per rule (or off) and the three tolerances of RULES.md. Saved
// to extension storage by the caller; the background uses the same settings for its badge.
import { useState } from 'preact/hooks'
import type { CheckOptions, Severity } from '../../../../src/core/model.ts'
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { DEFAULT_TOLERANCES, TOLERANCE_KEYS, type ToleranceKey } from '../../../../src/ui/settings.ts'
import { Dialog } from './Dialog.tsx'

const TOLERANCE_LABELS: Record<ToleranceKey, string> = {
  dispatchToleranceMs: 'Dispatch tolerance (values computed from "now")',
  exactToleranceMs: 'Exact tolerance (values computed from two timestamps)',
  clockToleranceMs: 'Clock tolerance (own timestamp vs envelope time)',
}

export interface SettingsDialogProps {
  rules: readonly RuleInfo[]
  options: CheckOptions
  onSave(options: CheckOptions): void
  onClose(): void
}

type RawTolerances = Record<ToleranceKey, string>

const rawOf = (options: CheckOptions): RawTolerances =>
  Object.fromEntries(TOLERANCE_KEYS.map((k) => [k, options[k] === undefined ? '' : String(options[k])])) as RawTolerances

/** Why a tolerance field cannot be saved, or null when it can ('' means the default). */
export function toleranceError(raw: string, badInput = false): string | null {
  if (badInput) return 'Enter a number of milliseconds.'
  const text = raw.trim()
  if (text === '') return null
  const value = Number(text)
  if (!Number.isFinite(value)) return 'Enter a number of milliseconds.'
  if (value < 0) return 'Must be 0 or more.'
  return null
}

export function SettingsDialog({ rules, options, onSave, onClose }: SettingsDialogProps) {
  const [draft, setDraft] = useState<CheckOptions>(options)
  const [raw, setRaw] = useState<RawTolerances>(() => rawOf(options))
  // A number input reports text it cannot parse ("1e", "--5") as value '' with validity.badInput.
  const [badInput, setBadInput] = useState<Partial<Record<ToleranceKey, boolean>>>({})
  const [tried, setTried] = useState(false)
  const setSeverity = (id: string, level: Severity | 'off', def: Severity): void => {
    const severities = { ...draft.severities }
    if (level === def) delete severities[id]
    else severities[id] = level
    setDraft({ ...draft, severities })
  }
  const errors = Object.fromEntries(TOLERANCE_KEYS.map((k) => [k, toleranceError(raw[k], badInput[k])])) as Record<ToleranceKey, string | null>
  const invalid = TOLERANCE_KEYS.filter((k) => errors[k] !== null)
  return (
    <Dialog title="Settings" onClose={onClose} testId="settings-dialog">
      <form
        class="settings"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          setTried(true)
          if (invalid.length) {
            // The messages say what to fix; nothing is saved. The first bad field may be scrolled
            // out of view above the rules: focusing it brings it (and its message) back.
            e.currentTarget.querySelector<HTMLInputElement>(`input[name="${invalid[0]}"]`)?.focus()
            return
          }
          const next: CheckOptions = { ...draft }
          for (const k of TOLERANCE_KEYS) {
            const text = raw[k].trim()
            if (text === '') delete next[k]
            else next[k] = Number(text)
          }
          onSave(next)
        }}
      >
        <fieldset>
          <legend>Tolerances (ms)</legend>
          {TOLERANCE_KEYS.map((key) => (
            <div key={key}>
              <label class="setting-row">
                <span>{TOLERANCE_LABELS[key]}</span>
                <input
                  type="number"
                  min={0}
                  name={key}
                  placeholder={String(DEFAULT_TOLERANCES[key])}
                  value={raw[key]}
                  aria-invalid={errors[key] !== null}
                  aria-describedby={errors[key] ? `err-${key}` : undefined}
                  onInput={(e) => {
                    const input = e.currentTarget
                    setRaw({ ...raw, [key]: input.value })
                    setBadInput({ ...badInput, [key]: input.validity?.badInput === true })
                  }}
                />
              </label>
              {errors[key] && (
                <p class="field-error" id={`err-${key}`} role="alert" data-testid={`error-${key}`}>
                  {errors[key]} Leave it empty for the default ({DEFAULT_TOLERANCES[key]} ms).
                </p>
              )}
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Severity per rule</legend>
          {rules.map((r) => (
            <label key={r.id} class="setting-row">
              <span>
                <code>{r.id}</code> {r.title}
              </span>
              <select
                name={r.id}
                value={draft.severities?.[r.id] ?? r.severity}
                onChange={(e) => setSeverity(r.id, e.currentTarget.value as Severity | 'off', r.severity)}
              >
                <option value="error">error</option>
                <option value="warning">warning</option>
                <option value="info">info</option>
                <option value="off">off</option>
              </select>
            </label>
          ))}
        </fieldset>
        <div class="dialog-actions">
          {tried && invalid.length > 0 && (
            <span class="field-error" data-testid="settings-invalid">
              Not saved: fix the {invalid.length === 1 ? 'tolerance' : 'tolerances'} marked above.
            </span>
          )}
          <button
            type="button"
            class="tb-btn"
            onClick={() => {
              setDraft({})
              setRaw(rawOf({}))
              setBadInput({})
            }}
          >
            Restore defaults
          </button>
          <button type="submit" class="tb-btn primary" data-testid="settings-save">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  )
}
