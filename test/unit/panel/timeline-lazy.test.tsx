// The timeline of a session with thousands of interactions builds the whole lane (marks, spans,
// verdict) only for the lanes it draws: building every lane when an import's check is done was one
// long task of a few hundred ms at 170 000 events. Every interaction still counts and fits the window.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, render, screen } from '@testing-library/preact'
import { check } from '../../../src/core/check.ts'
import type { InteractionStory } from '../../../src/core/story.ts'
import { Timeline } from '../../../devtools/panel/components/Timeline/Timeline.tsx'
import { viewOfSession } from '../../../devtools/panel/state/view.ts'
import { generateSession } from '../../support/generate.ts'

afterEach(cleanup)

describe('timeline of many interactions', () => {
  it('builds the lanes it draws, not every lane', () => {
    const session = generateSession({ events: 4000, seed: 3, plugins: ['Callback', 'SendMessage'] })
    const base = viewOfSession(session.events, check(session))
    // Only a whole lane reads its story's sentence (its label's tooltip): count the reads.
    let built = 0
    const counted = base.stories.map((st) => {
      const copy = { ...st } as InteractionStory
      Object.defineProperty(copy, 'sentence', { get: () => (built++, st.sentence) })
      return copy
    })
    const withSteps = counted.filter((st) => st.steps.length > 0).length
    expect(withSteps).toBeGreaterThan(300)
    const view = base.withReport(base.report, counted)
    render(<Timeline view={view} selectedSeq={null} currentInteraction={null} height={300} onSelect={() => {}} />)
    const drawn = screen.getAllByTestId('timeline-lane')
    expect(drawn.length).toBeGreaterThan(0)
    expect(built).toBe(drawn.length)
    expect(screen.getByTestId('timeline').textContent).toContain(`${withSteps} interactions`)
    // The lane drawn is the whole lane: label, verdict and marks.
    expect(drawn[0]!.textContent).toContain(`${counted[0]!.plugin} #1`)
    expect(drawn[0]!.querySelectorAll('[data-testid=lane-verdict]')).toHaveLength(1)
  })
})
