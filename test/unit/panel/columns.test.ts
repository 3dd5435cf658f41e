// The event list's sized columns (devtools/panel/lib/columns.ts): the widest values of a session,
// from its last seq and its interactions, and the widths that fit them (e2e: test/e2e/panel.e2e.ts, "event list columns").
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import { viewOfSession } from '../../../devtools/panel/state/view.ts'
import { columnTexts, columnWidths, MAX_WIDTHS } from '../../../devtools/panel/lib/columns.ts'
import { generateSession } from '../../support/generate.ts'
import { ev } from './helpers.ts'

describe('event list columns', () => {
  const session = generateSession({ seed: 3, pageLoads: 2, interactions: 120 })
  const events = session.events.map((e) => ({ ...e, seq: e.seq + 100_000 }))
  const view = viewOfSession(events, check({ ...session, events }))

  it('takes the widest values from the last seq and the interactions', () => {
    const t = columnTexts(view)
    expect(t.seq).toEqual([String(events[events.length - 1]!.seq)])
    expect(t.seq[0]).toHaveLength(6)
    // One of the longest (same length, same width: digits are tabular).
    expect(t.inter).toEqual([expect.stringMatching(/^Callback #1\d\d · page \d$/)])
    expect(t.pluginNarrow).toContainEqual(expect.stringMatching(/^CallbackService #1\d\d · p\d$/))
    expect(t.rel[0]).toMatch(/^\+\d+\.\d{3} s$/)
  })

  it('widths fit the widest text and the bold header, never below the stylesheet\'s', () => {
    const measure = (text: string, font: string): number => text.length * (font.startsWith('600') ? 8 : 7)
    const f = { normal: '12px x', italic: 'italic 12px x', head: '600 12px x' }
    const min = { seq: 46, rel: 72, inter: 96, plugin: 122, pluginNarrow: 118 }
    const w = columnWidths({ seq: ['123456'], rel: ['+10.302 s'], inter: ['Callback #3000 · page 12'], plugin: ['Callback'], pluginNarrow: ['CallbackService #3000 · p12'] }, measure, f, min)
    expect(w).toEqual({ seq: 6 * 7 + 16, rel: 9 * 7 + 16, inter: 24 * 7 + 16, plugin: 122, pluginNarrow: 27 * 7 + 16 })
    expect(columnWidths({ seq: ['1'], rel: [], inter: [], plugin: [], pluginNarrow: [] }, measure, f, min).inter).toBe(11 * 8 + 16) // "Interaction", bold
  })

  it('a long plugin name takes a capped width: the list keeps its event and findings columns docked right and at 800 px', () => {
    const measure = (text: string): number => text.length * 7
    const f = { normal: '12px x', italic: 'italic 12px x', head: '600 12px x' }
    const min = { seq: 46, rel: 72, inter: 96, plugin: 122, pluginNarrow: 118 }
    for (const length of [48, 100]) {
      const plugin = 'P'.repeat(length)
      const events = [ev(0, `${plugin}.ready`), ev(1, 'Callback.ready'), ev(2, 'Callback.opened', { opened: 1 })]
      const w = columnWidths(columnTexts(viewOfSession(events, check({ format: 'cxbus-devtools/session', version: 1, events }))), measure, f, min)
      expect(w.plugin).toBe(MAX_WIDTHS.plugin)
      expect(w.pluginNarrow).toBe(MAX_WIDTHS.pluginNarrow)
      // Below 520 px the list shows the narrow plugin cell, the event (96 px) and the findings (at
      // least 60 px): the right-docked panel (480 px) and the list of an 800 px panel (about 460 px)
      // hold them, with a scroll bar.
      expect(w.pluginNarrow + 96 + 60 + 16).toBeLessThanOrEqual(460)
    }
  })
})
