// Background, pure apart from the injected ActionApi (browser.action in the extension). Runs the
// engine's incremental checker per tab on every stored entry and shows the tab's error count on
// the extension icon (nothing when there is none), with a title that says what was found.

import { createChecker, type IncrementalChecker } from '../core/check.ts'
import { gapOrder } from '../core/lanes.ts'
import type { CheckOptions, SessionEntry, Severity } from '../core/model.ts'
import { countLabel, SEVERITIES } from '../core/model.ts'
import type { TabStore } from './store.ts'

export interface ActionApi {
  setBadgeText(details: { tabId: number; text: string }): Promise<void>
  setBadgeBackgroundColor(details: { tabId: number; color: string }): Promise<void>
  setTitle(details: { tabId: number; title: string }): Promise<void>
}

export const BADGE_COLOR = '#d93025'
const NAME = 'cxbus-devtools'

export function badgeText(counts: Record<Severity, number>): string {
  const n = counts.error
  return n <= 0 ? '' : n > 999 ? '999+' : String(n)
}

export function badgeTitle(counts: Record<Severity, number>, busFound: boolean): string {
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${countLabel(s, counts[s])}`)
  if (parts.length) return `${NAME}: ${parts.join(', ')} on this page`
  return busFound ? `${NAME}: no problems found on this page` : NAME
}

/** Checkers and badge of every tab. */
export class Findings {
  private checkers = new Map<number, IncrementalChecker>()
  private shown = new Map<number, string>()

  constructor(
    private action: ActionApi | null,
    private options: CheckOptions = {},
    private log: (...args: unknown[]) => void = () => {},
  ) {}

  private checker(tabId: number): IncrementalChecker {
    let c = this.checkers.get(tabId)
    if (!c) {
      c = createChecker(this.options)
      this.checkers.set(tabId, c)
    }
    return c
  }

  /** Feeds newly stored entries (in seq order) and updates the tab's counts and badge. */
  push(store: TabStore, added: readonly SessionEntry[]): void {
    const c = this.checker(store.state.tabId)
    try {
      for (const e of added) c.push(e)
      store.state.findings = c.counts()
    } catch (err) {
      // A checker bug must not stop capture: the entries are stored whatever happens here.
      this.log('checker failed', err)
    }
    this.show(store)
  }

  /** Starts the tab over from its stored entries (after a clear, a restore, new settings). */
  rebuild(store: TabStore): void {
    this.checkers.delete(store.state.tabId)
    store.state.findings = { error: 0, warning: 0, info: 0 }
    // A store-full marker is read where its evicted entries were, as check() reads it.
    this.push(store, gapOrder(store.entries.toArray()))
  }

  setOptions(options: CheckOptions, stores: Iterable<TabStore>): void {
    this.options = options
    for (const s of stores) this.rebuild(s)
  }

  forget(tabId: number): void {
    this.checkers.delete(tabId)
    this.shown.delete(tabId)
  }

  /** Re-applies the badge even if unchanged (Chrome resets per-tab badges on navigation). */
  show(store: TabStore, force = false): void {
    if (!this.action) return
    const { tabId, findings } = store.state
    const text = badgeText(findings)
    const title = badgeTitle(findings, store.state.bus !== null)
    const key = `${text}\n${title}`
    if (!force && this.shown.get(tabId) === key) return
    this.shown.set(tabId, key)
    const a = this.action
    // The tab may be gone by now (closed, prerender swapped): nothing to show then.
    const ignore = (): void => {}
    a.setBadgeText({ tabId, text }).catch(ignore)
    if (text) a.setBadgeBackgroundColor({ tabId, color: BADGE_COLOR }).catch(ignore)
    a.setTitle({ tabId, title }).catch(ignore)
  }
}
