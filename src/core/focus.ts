// Runs everywhere. What a person debugging Callback wants to see first on a real page, where
// housekeeping plugins (Watchman, WindowManager, App, ...) publish every second: the checked plugins
// (the profiles), the services that serve them, and our markers. Everything else is still captured
// and exported; the panel only hides it until the user asks. Also the name patterns that keep an
// event filter short when names carry counters and ids (`Watchman.uptime:48`, `...Callback#<guid>`).
import type { SessionEntry } from './model.ts'
import { PROFILES, type PluginProfile } from './lifecycle/profiles.ts'

/** Plugins in focus: every profile's plugin and its services. */
export function focusPlugins(profiles: readonly PluginProfile[] = PROFILES): ReadonlySet<string> {
  const set = new Set<string>()
  for (const p of profiles) {
    set.add(p.plugin)
    for (const s of p.services ?? []) set.add(s.plugin)
  }
  return set
}

const DEFAULT_FOCUS = focusPlugins()

/** Plugin of a bus entry: the publisher of an event, the prefix of a command, '' for markers. */
export function entryPlugin(entry: SessionEntry): string {
  if (entry.kind === 'event') return entry.publisher || prefix(entry.event)
  if (entry.kind === 'command') return prefix(entry.command)
  return ''
}

function prefix(name: string): string {
  const dot = name.indexOf('.')
  return dot < 0 ? name : name.slice(0, dot)
}

/** True for markers and for entries of a plugin in focus. */
export function inFocus(entry: SessionEntry, plugins: ReadonlySet<string> = DEFAULT_FOCUS): boolean {
  return entry.kind === 'marker' || plugins.has(entryPlugin(entry))
}

/**
 * The pattern a name is grouped under: the plugin and the event's first word, the rest a `*`.
 * `Watchman.uptime:48` -> `Watchman.uptime:*`, `WindowManager.added.Callback#1f2e` -> `WindowManager.added.*`,
 * `Callback.opened` -> itself. A name without counters or ids is its own pattern.
 */
export function namePattern(name: string): string {
  const dot = name.indexOf('.')
  if (dot < 0) return name
  const rest = name.slice(dot + 1)
  const cut = rest.search(/[.:#/]/)
  return cut < 0 ? name : `${name.slice(0, dot + 1)}${rest.slice(0, cut + 1)}*`
}

/** Does `name` fall under `pattern` (a namePattern result)? */
export function matchesPattern(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern
}
