// Panel and popup (storage adapter). The checker settings the user picks (severity per rule,
// tolerances) live in storage.local under 'settings' as CheckOptions, where the background reads
// them too (for the badge). Anything read back is normalised: storage can hold an older shape.
import type { CheckOptions, Severity } from '../../../src/core/model.ts'

export const SETTINGS_KEY = 'settings'

/** The subset of storage.StorageArea used (chrome.storage.local and the polyfill both fit). */
export interface StorageAreaLike {
  get(key: string): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
}

export const DEFAULT_TOLERANCES = { dispatchToleranceMs: 250, exactToleranceMs: 1, clockToleranceMs: 5000 } as const
export type ToleranceKey = keyof typeof DEFAULT_TOLERANCES
export const TOLERANCE_KEYS = Object.keys(DEFAULT_TOLERANCES) as ToleranceKey[]

const LEVELS = new Set<string>(['error', 'warning', 'info', 'off'])

export function normalizeOptions(raw: unknown): CheckOptions {
  const out: CheckOptions = {}
  if (typeof raw !== 'object' || raw === null) return out
  const r = raw as Record<string, unknown>
  if (typeof r.severities === 'object' && r.severities !== null) {
    const sev: Record<string, Severity | 'off'> = {}
    for (const [rule, level] of Object.entries(r.severities)) if (typeof level === 'string' && LEVELS.has(level)) sev[rule] = level as Severity | 'off'
    if (Object.keys(sev).length) out.severities = sev
  }
  for (const key of TOLERANCE_KEYS) {
    const v = r[key]
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v
  }
  return out
}

export async function loadSettings(area: StorageAreaLike): Promise<CheckOptions> {
  try {
    return normalizeOptions((await area.get(SETTINGS_KEY))[SETTINGS_KEY])
  } catch (err) {
    console.warn('[cxbus-devtools] cannot read settings, using defaults:', err)
    return {}
  }
}

export async function saveSettings(area: StorageAreaLike, options: CheckOptions): Promise<void> {
  await area.set({ [SETTINGS_KEY]: normalizeOptions(options) })
}
