// Runs everywhere. Page numbers and interaction labels as people read them ("Callback #2 · page 3"),
// the same in the panel and the command line. Only top-level page loads count as pages: a frame's
// load gets the number of the page it loaded in (an iframe is not a new page).
import type { SessionEntry } from './model.ts'

/** A page-load marker of a sub-frame (data.top === false): not a reload of the page itself. */
export function isFrameLoad(entry: SessionEntry): boolean {
  if (entry.kind !== 'marker' || entry.marker !== 'page-load') return false
  const d = entry.data
  return typeof d === 'object' && d !== null && !Array.isArray(d) && d.top === false
}

/**
 * Frame documents replaced by a later page load of a frame: what the earlier one left open was left
 * with its document, as with a reload of the page. The markers carry no frame identity: a frame's
 * page load with the URL of an earlier frame document of the same page (a reload) stands for it.
 */
export class FrameDocuments {
  /** URL -> pageLoadId of the latest frame document with it, since the last top-level page load. */
  private readonly byUrl = new Map<string, string>()

  /** For a page-load marker: the pageLoadId of the frame document it replaces, if any. */
  replaced(e: SessionEntry): string | undefined {
    if (e.kind !== 'marker' || e.marker !== 'page-load') return undefined
    if (!isFrameLoad(e)) {
      this.byUrl.clear()
      return undefined
    }
    const url = (e.data as { url?: unknown }).url
    if (typeof url !== 'string' || url === '' || !e.pageLoadId) return undefined
    const before = this.byUrl.get(url)
    this.byUrl.set(url, e.pageLoadId)
    return before !== e.pageLoadId ? before : undefined
  }
}

/** Page numbers (1-based) by pageLoadId, built as entries arrive (0 for frames before any page). */
export class PageNumbering {
  readonly pages = new Map<string, number>()
  /** How many top-level page loads were seen (the highest number). */
  count = 0

  add(e: SessionEntry): void {
    if (e.kind !== 'marker' || e.marker !== 'page-load' || !e.pageLoadId || this.pages.has(e.pageLoadId)) return
    this.pages.set(e.pageLoadId, isFrameLoad(e) ? this.count : ++this.count)
  }
}

export function numberPages(entries: readonly SessionEntry[]): PageNumbering {
  const n = new PageNumbering()
  for (const e of entries) n.add(e)
  return n
}

/** Page number by pageLoadId of a whole capture. */
export const pageNumbers = (entries: readonly SessionEntry[]): Map<string, number> => numberPages(entries).pages

/**
 * "Callback #1", plus " · page 2" when the session has more than one page load. `short` is the
 * form shown next to the plugin in a narrow list: "#1 · p2".
 */
export function interactionLabel(plugin: string, index: number, page: number, multiPage: boolean, short = false): string {
  const withPage = multiPage && page > 0
  if (short) return `#${index}${withPage ? ` · p${page}` : ''}`
  return `${plugin} #${index}${withPage ? ` · page ${page}` : ''}`
}
