// Panel. Checker settings: a severity per rule (or off) and the three tolerances of RULES.md. Saved
// to extension storage by the caller; the background uses the same settings for its badge.
import { useState } from 'preact/hooks'
import type { CheckOptions, Severity } from '../../../../src/core/model.ts'
import type { RuleInfo } from '../../../../src/core/rules.ts'
import { DEFAULT_TOLERANCES, TOLERANCE_KEYS, type ToleranceKey } from '../../state/settings.ts'
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

export function SettingsDialog({ rules, options, onSave, onClose }: SettingsDialogProps) {
  const [draft, setDraft] = useState<CheckOptions>(options)
  const setSeverity = (id: string, level: Severity | 'off', def: Severity): void => {
    const severities = { ...draft.severities }
    if (level === def) delete severities[id]
    else severities[id] = level
    setDraft({ ...draft, severities })
  }
  const setTolerance = (key: ToleranceKey, raw: string): void => {
    const next = { ...draft }
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0) delete next[key]
    else next[key] = value
    setDraft(next)
  }
  return (
    <Dialog title="Settings" onClose={onClose} testId="settings-dialog">
      <form
        class="settings"
        onSubmit={(e) => {
          e.preventDefault()
          onSave(draft)
        }}
      >
        <fieldset>
          <legend>Tolerances (ms)</legend>
          {TOLERANCE_KEYS.map((key) => (
            <label key={key} class="setting-row">
              <span>{TOLERANCE_LABELS[key]}</span>
              <input
                type="number"
                min={0}
                name={key}
                placeholder={String(DEFAULT_TOLERANCES[key])}
                value={draft[key] ?? ''}
                onInput={(e) => setTolerance(key, e.currentTarget.value)}
              />
            </label>
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
          <button type="button" class="tb-btn" onClick={() => setDraft({})}>
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
