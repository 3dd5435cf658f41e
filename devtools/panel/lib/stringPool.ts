// Panel (pure). One copy of the strings every entry of an import repeats. JSON.parse makes a new
// string for each value: at 170 000 entries, the same frame URL, event name, publisher and page load
// id are 680 000 strings (about 18 MB) that every GC copies or marks, for a few hundred distinct values.
import type { SessionEntry } from '../../../src/core/model.ts'

export class StringPool {
  private readonly pool = new Map<string, string>()

  /** The pooled string equal to `s`. */
  get(s: string): string {
    const pooled = this.pool.get(s)
    if (pooled !== undefined) return pooled
    this.pool.set(s, s)
    return s
  }

  /**
   * Points the entry's envelope strings (name, publisher, page load, frame URL) at pooled copies:
   * equal values, so nothing that reads the entry can tell, and the parser's copies die young.
   */
  share(e: SessionEntry): void {
    if (typeof e.pageLoadId === 'string') e.pageLoadId = this.get(e.pageLoadId)
    if (typeof e.frameUrl === 'string') e.frameUrl = this.get(e.frameUrl)
    if (e.kind === 'event') {
      e.publisher = this.get(e.publisher)
      e.event = this.get(e.event)
    } else if (e.kind === 'command') e.command = this.get(e.command)
  }
}
