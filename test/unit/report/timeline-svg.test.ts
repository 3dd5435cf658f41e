// Unit (happy-dom). The report's per-interaction timeline (src/report/TimelineSvg.tsx): marks moved
// apart so that none hides another never cross a page-load line.
import { describe, expect, it } from 'vitest'
import { h } from 'preact'
import { renderToString } from 'preact-render-to-string'
import type { InteractionStory } from '../../../src/core/story.ts'
import type { Lane } from '../../../devtools/panel/components/Timeline/layout.ts'
import { TimelineSvg, type TimelineContext } from '../../../src/report/TimelineSvg.tsx'

describe('TimelineSvg', () => {
  it('draws the marks after a page load to the right of its line, the ones before it to its left', () => {
    // Marks 1 ms before a page load and 1 to 3 ms after it, in a window of 2 s: well under a pixel apart.
    const marks = [
      { seq: 1, name: 'opened', time: 0, kind: 'step' },
      { seq: 2, name: 'started', time: 999, kind: 'step' },
      { seq: 4, name: 'submitted', time: 1001, kind: 'step' },
      { seq: 5, name: 'completed', time: 1002, kind: 'step' },
      { seq: 6, name: 'closed', time: 1003, kind: 'step' },
      { seq: 7, name: 'ready', time: 2000, kind: 'step' },
    ]
    const lane = { id: 'Callback#1', plugin: 'Callback', index: 1, page: 1, label: 'Callback #1', start: 0, end: 2000, closed: true, outcome: 'completed', verdict: 'completed', sentence: '', marks, minimized: [], documented: null, shipped: null } as unknown as Lane
    const ctx: TimelineContext = { lanes: new Map([[lane.id, lane]]), pageLoads: [1000], noted: new Set() }
    const story = { id: lane.id, start: 0, label: lane.label } as unknown as InteractionStory
    const doc = new DOMParser().parseFromString(renderToString(h(TimelineSvg, { story, ctx })), 'text/html')
    const line = Number(doc.querySelector('line.pageload')!.getAttribute('x1'))
    const x = (seq: number): number => Number(doc.querySelector(`.mark[data-seq="${seq}"] circle`)!.getAttribute('cx'))
    expect(x(2)).toBeLessThan(line)
    for (const seq of [4, 5, 6]) expect(x(seq)).toBeGreaterThan(line)
    expect(x(5) - x(4)).toBeGreaterThanOrEqual(8)
  })
})
