// Runs everywhere. Page boundaries, page numbers and interaction labels as people read them
// ("Callback #2 · page 3"), one derivation for the checker, the stories, the coverage, the panel and
// the command line. Only top-level page loads count as pages: a frame's load gets the number of the
// page it loaded in (an iframe is not a new page).
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
class FrameDocuments {
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

/**
 * The page loads of a capture, as entries arrive: the one page boundary the checker, the stories,
 * the labels and the coverage all read. A top-level `page-load` marker begins a new page (also
 * without a pageLoadId: then it is the only boundary there is) and ends every document before it;
 * a frame's page load belongs to the page it loaded in and ends the frame document it replaces.
 */
export class PageLoads {
  /** Page number (1-based) by pageLoadId (0 for frames before any page). */
  readonly pages = new Map<string, number>()
  /** How many top-level page loads were seen: the number of the current page (0 before any). */
  count = 0
  /** Seqs of the top-level page-load markers, in capture order: each ends every document before it. */
  private readonly topLoads: number[] = []
  /** Frame documents replaced by a later frame page load: pageLoadId -> that marker's seq. */
  private readonly frameLeft = new Map<string, number>()
  private readonly frames = new FrameDocuments()

  /** The pageLoadId of the previous entry add() took: consecutive entries mostly share it. */
  private lastId: string | undefined

  /**
   * Takes every entry. A page-load marker begins a page (top) or a frame document. An entry of a page
   * load whose marker is not in the capture (a Clear or the start of the capture took it) belongs to
   * the current page, or begins page 1 before any: so the page that was cleared and the next one are
   * pages 1 and 2, not two pages each labelled as the first.
   */
  add(e: SessionEntry): void {
    if (e.kind !== 'marker' || e.marker !== 'page-load') {
      const id = e.pageLoadId
      if (id && id !== this.lastId) {
        this.lastId = id
        if (!this.pages.has(id)) this.pages.set(id, this.count || ++this.count)
      }
      return
    }
    const top = !isFrameLoad(e)
    if (top) this.topLoads.push(e.seq)
    const left = this.frames.replaced(e)
    if (left !== undefined) this.frameLeft.set(left, e.seq)
    if (!e.pageLoadId) {
      if (top) this.count++
    } else if (!this.pages.has(e.pageLoadId)) this.pages.set(e.pageLoadId, top ? ++this.count : this.count)
  }

  /** The page an entry arriving now belongs to: its page load's number; without a pageLoadId, the current page. */
  pageOf(pageLoadId: string | undefined): number {
    return pageLoadId ? (this.pages.get(pageLoadId) ?? 0) : this.count
  }

  /**
   * Seq of the page load that ended the document of `pageLoadId` after `seq` (what it had open there
   * was left open), -1: none. The frame's own next page load or the next top-level one, whichever came first.
   */
  leftAfter(pageLoadId: string | undefined, seq: number): number {
    const frame = pageLoadId ? this.frameLeft.get(pageLoadId) : undefined
    let lo = 0
    let hi = this.topLoads.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.topLoads[mid] as number) > seq) hi = mid
      else lo = mid + 1
    }
    const top = lo < this.topLoads.length ? (this.topLoads[lo] as number) : -1
    if (frame === undefined || frame < seq) return top
    return top === -1 ? frame : Math.min(frame, top)
  }
}

export function numberPages(entries: readonly SessionEntry[]): PageLoads {
  const n = new PageLoads()
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
