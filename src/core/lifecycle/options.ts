// Runs everywhere. Check options in one place: the defaults of RULES.md, resolution of a user's
// CheckOptions into what the checker uses, and validation of untrusted options (a CLI --config file,
// stored panel settings) with an error that names the offending field.
import type { CheckOptions, Severity } from '../model.ts'
import { RULES } from './catalogue.ts'

export const DEFAULT_TOLERANCES = {
  /** Values computed from "now" (shipped elapsed before closed): now is read a few ms before dispatch. */
  dispatchToleranceMs: 250,
  /** Values computed from two recorded timestamps. */
  exactToleranceMs: 1,
  /** Own timestamp vs envelope time. */
  clockToleranceMs: 5000,
} as const

export interface ResolvedOptions {
  /** Effective severity per rule id; 'off' rules emit nothing. */
  severity: Record<string, Severity | 'off'>
  dispatchToleranceMs: number
  exactToleranceMs: number
  clockToleranceMs: number
}

export function resolveOptions(options: CheckOptions = {}): ResolvedOptions {
  const severity: Record<string, Severity | 'off'> = {}
  for (const r of RULES) severity[r.id] = options.severities?.[r.id] ?? r.severity
  return {
    severity,
    dispatchToleranceMs: options.dispatchToleranceMs ?? DEFAULT_TOLERANCES.dispatchToleranceMs,
    exactToleranceMs: options.exactToleranceMs ?? DEFAULT_TOLERANCES.exactToleranceMs,
    clockToleranceMs: options.clockToleranceMs ?? DEFAULT_TOLERANCES.clockToleranceMs,
  }
}

export class OptionsError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`)
    this.name = 'OptionsError'
  }
}

const LEVELS = ['error', 'warning', 'info', 'off']
const TOLERANCE_KEYS = Object.keys(DEFAULT_TOLERANCES) as (keyof typeof DEFAULT_TOLERANCES)[]

/** Checks untrusted options; throws OptionsError naming the field. Unknown keys and rule ids are errors (typos). */
/** `extraKeys`: other keys the same file may have, read elsewhere (a --config file's coverage and require), named in the error. */
export function validateCheckOptions(value: unknown, extraKeys: readonly string[] = []): CheckOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OptionsError('(root)', 'expected an object')
  const out: CheckOptions = {}
  for (const [key, v] of Object.entries(value)) {
    if (key === 'severities') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OptionsError(key, 'expected an object of rule id -> severity')
      const sev: Record<string, Severity | 'off'> = {}
      for (const [id, level] of Object.entries(v)) {
        if (!RULES.some((r) => r.id === id)) throw new OptionsError(`severities.${id}`, 'unknown rule id')
        if (typeof level !== 'string' || !LEVELS.includes(level)) {
          throw new OptionsError(`severities.${id}`, `expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`)
        }
        sev[id] = level as Severity | 'off'
      }
      out.severities = sev
    } else if ((TOLERANCE_KEYS as readonly string[]).includes(key)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new OptionsError(key, `expected a non-negative number of ms, got ${JSON.stringify(v)}`)
      out[key as keyof typeof DEFAULT_TOLERANCES] = v
    } else {
      throw new OptionsError(key, `unknown option (known: severities, ${TOLERANCE_KEYS.join(', ')}${extraKeys.map((k) => `, ${k}`).join('')})`)
    }
  }
  return out
}

/** Where the panel stores the user's CheckOptions (storage.local); the background reads the same key. */
export const SETTINGS_KEY = 'settings'

/**
 * Stored settings as the checker takes them, leniently: storage can hold an older shape, so what
 * does not fit is left out (defaults apply) instead of refused, unlike validateCheckOptions.
 */
export function normalizeOptions(raw: unknown): CheckOptions {
  const out: CheckOptions = {}
  if (typeof raw !== 'object' || raw === null) return out
  const r = raw as Record<string, unknown>
  if (typeof r.severities === 'object' && r.severities !== null) {
    const sev: Record<string, Severity | 'off'> = {}
    for (const [rule, level] of Object.entries(r.severities)) if (typeof level === 'string' && LEVELS.includes(level)) sev[rule] = level as Severity | 'off'
    if (Object.keys(sev).length) out.severities = sev
  }
  for (const key of TOLERANCE_KEYS) {
    const v = r[key]
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v
  }
  return out
}
