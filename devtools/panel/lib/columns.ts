// Panel (pure, plus one canvas read). The event list's sized columns fit their widest value: a big
// session has 6-digit seqs, "Callback #3000 · page 12" and "+10.302 s", and fixed widths cut them
// (QA report). Rows are separate boxes (the list is virtual), so the widths are computed from the
// session, not from the rows in the DOM: from its last seq and its interactions, never per entry.
import { interactionLabel } from '../../../src/core/pages.ts'
import type { SessionView } from '../state/view.ts'
import { formatRelative } from './format.ts'

/** The widest candidates of each sized column (any of them may be the widest once drawn). */
export interface ColumnTexts {
  seq: string[]
  rel: string[]
  inter: string[]
  plugin: string[]
  /** The plugin cell of a narrow list, where it also shows the short interaction label ("Callback #3000 · p12"). */
  pluginNarrow: string[]
}

/** Header labels: they must fit too (drawn bold). */
export const COLUMN_HEADS: Record<keyof ColumnTexts, string> = { seq: '#', rel: '+opened', inter: 'Interaction', plugin: 'Plugin', pluginNarrow: 'Plugin' }

/** The candidates of a session view. Relative times: each interaction's first and last lifecycle events. */
export function columnTexts(view: SessionView): ColumnTexts {
  const last = view.entries[view.entries.length - 1]
  const out: ColumnTexts = { seq: [String(last?.seq ?? 0)], rel: [], inter: [], plugin: [...view.plugins], pluginNarrow: [...view.plugins] }
  const multi = view.pageCount > 1
  let widest = ''
  let widestShort = ''
  const interactionPlugins = new Set<string>()
  let early = 0
  let late = 0
  for (const i of view.interactionById.values()) {
    const label = interactionLabel(i.plugin, i.index, i.page, multi)
    const short = interactionLabel(i.plugin, i.index, i.page, multi, true)
    interactionPlugins.add(i.plugin)
    if (label.length > widest.length) widest = label
    if (short.length > widestShort.length) widestShort = short
    const opened = view.openedAt.get(i.id)
    const first = i.events[0]
    const lastEvent = i.events[i.events.length - 1]
    if (opened === undefined || !first || !lastEvent) continue
    early = Math.min(early, first.time - opened)
    late = Math.max(late, lastEvent.time - opened)
  }
  // Labels and times of one length differ only in digits (tabular) or the plugin name: the longest is the widest.
  if (widest) out.inter.push(widest)
  // The short label also follows entries attributed to an interaction: its service's (CallbackService #3 · p2).
  if (widestShort) {
    for (const p of view.plugins) if ([...interactionPlugins].some((ip) => p.startsWith(ip))) out.pluginNarrow.push(`${p} ${widestShort}`)
  }
  out.rel.push(formatRelative(late, 0))
  if (early < 0) out.rel.push(formatRelative(early, 0))
  return out
}

/** Width in px of a text in a CSS font, or null where there is no canvas to measure with. */
export type Measure = (text: string, font: string) => number | null

/** Cell padding (6 px each side) and a little room for italic (command rows) and rounding. */
const CELL_EXTRA = 12 + 4

/**
 * The most a column takes from its content: a page's plugin name of 48 characters pushed the
 * Findings column (at 100, the Event column too) out of the list. Longer values end in "…", their
 * cell's tooltip has them whole. With these, every column the list keeps at its width fits in the
 * right-docked panel (480 px) and in an 800 px one (the list about 460 px, where it keeps the
 * narrow plugin cell, the event and the findings).
 */
export const MAX_WIDTHS: Record<keyof ColumnTexts, number> = { seq: 80, rel: 100, inter: 240, plugin: 180, pluginNarrow: 220 }

/** Widths in px of each sized column, at least `min` (the stylesheet's widths), at most MAX_WIDTHS. */
export function columnWidths(texts: ColumnTexts, measure: Measure, font: { normal: string; italic: string; head: string }, min: Record<keyof ColumnTexts, number>): Record<keyof ColumnTexts, number> {
  // Digits are drawn tabular: measured as zeros, each the width of the widest digit there.
  const width = (text: string, f: string): number => {
    const w = measure(text.replace(/\d/g, '0'), f)
    // No canvas (a test DOM): about one "0" per character of a 12 px font.
    return w ?? text.length * 7.5
  }
  const result = {} as Record<keyof ColumnTexts, number>
  for (const key of Object.keys(min) as (keyof ColumnTexts)[]) {
    let w = width(COLUMN_HEADS[key], font.head)
    for (const t of texts[key]) w = Math.max(w, width(t, font.normal), width(t, font.italic))
    result[key] = Math.max(min[key], Math.min(MAX_WIDTHS[key], Math.ceil(w + CELL_EXTRA)))
  }
  return result
}

let canvas: CanvasRenderingContext2D | null | undefined
/** Measures with a 2D canvas (the panel's own font metrics). */
export const canvasMeasure: Measure = (text, font) => {
  if (canvas === undefined) {
    try {
      canvas = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d')
    } catch {
      canvas = null
    }
  }
  if (!canvas) return null
  canvas.font = font
  return canvas.measureText(text).width
}
