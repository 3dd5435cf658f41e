// Panel (happy-dom). One timeline lane: where its marks are drawn.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, render, screen } from '@testing-library/preact'
import { Lane } from '../../../devtools/panel/components/Timeline/Lane.tsx'
import type { Lane as LaneData } from '../../../devtools/panel/components/Timeline/layout.ts'

afterEach(cleanup)

const lane = (times: number[]): LaneData => ({
  id: 'Callback#1', plugin: 'Callback', index: 1, page: 1, label: 'Callback #1', start: times[0]!, end: times.at(-1)!, closed: true,
  outcome: 'cancelled', verdict: 'cancelled', sentence: '', marks: times.map((time, seq) => ({ seq, time, name: 'opened', kind: 'step' })) as LaneData['marks'],
  minimized: [], documented: null, shipped: null,
})

describe('a timeline lane', () => {
  it('keeps every mark whole inside the lane when a crowd of them sits at an edge (Fit on a narrow panel)', () => {
    // Eight marks within 2 ms at the very start and at the very end of a 300 px lane showing 10 s.
    const times = [0, 0, 1, 1, 2, 2, 2, 2, 9998, 9999, 9999, 10000, 10000, 10000]
    render(<Lane lane={lane(times)} window={{ t0: 0, t1: 10_000 }} width={300} top={0} height={60} current={false} selectedSeq={null} onHover={() => {}} onSelect={() => {}} />)
    const lefts = screen.getAllByTestId('timeline-mark').map((m) => parseFloat(m.style.left))
    expect(lefts).toHaveLength(times.length)
    // Drawn from left - 1 to left + 11 (12 px, margin-left -1): inside [0, 300].
    for (const left of lefts) {
      expect(left - 1).toBeGreaterThanOrEqual(0)
      expect(left + 11).toBeLessThanOrEqual(300)
    }
  })
})
