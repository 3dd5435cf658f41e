// Panel and popup (storage adapter). The checker settings the user picks (severity per rule,
// tolerances) live in storage.local under 'settings' as CheckOptions, where the background reads
// them too (for the badge). Anything read back is normalised: storage can hold an older shape.
import type { CheckOptions } from '../core/model.ts'
import { DEFAULT_TOLERANCES, normalizeOptions, SETTINGS_KEY } from '../core/lifecycle/options.ts'

export { DEFAULT_TOLERANCES, normalizeOptions, SETTINGS_KEY }

/** The subset of storage.StorageArea used (chrome.storage.local and the polyfill both fit). */
export interface StorageAreaLike {
  get(key: string): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
}

export type ToleranceKey = keyof typeof DEFAULT_TOLERANCES
export const TOLERANCE_KEYS = Object.keys(DEFAULT_TOLERANCES) as ToleranceKey[]

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
