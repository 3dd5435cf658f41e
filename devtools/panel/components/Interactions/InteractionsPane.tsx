// Panel. The Interactions tab: one row per interaction story (src/core/story.ts), what happened and
// whether it was right: verdict sentence, submissions, failed requests with their status, duration,
// and the worst finding. Clicking a row selects the interaction: its lane and its events light up.
// A large session lists the first PAGE stories (and the selected one) and a "more" button: 30 000
// rows at once would take seconds to render, and again on every update of the panel.
import { useState } from 'preact/hooks'
import type { Finding, SessionNote } from '../../../../src/core/model.ts'
import type { InteractionStory } from '../../../../src/core/story.ts'
import { failureDetail, formatSpan } from '../../../../src/core/story.ts'
import { worstSeverity } from '../../lib/filter.ts'

export interface InteractionsPaneProps {
  stories: readonly InteractionStory[]
  findingsBySeq: ReadonlyMap<number, readonly Finding[]>
  current: string | null
  /** The tester's notes on each interaction (by id), shown under its story. */
  notes?: ReadonlyMap<string, readonly SessionNote[]>
  onSelectInteraction(story: InteractionStory): void
  /** What to say without stories instead of the live capture's hint (an imported file: checking, or none in it). */
  emptyText?: string
}

/** Stories listed at first, and added by each "more". */
export const PAGE = 100

export function InteractionsPane({ stories, findingsBySeq, current, notes, onSelectInteraction, emptyText }: InteractionsPaneProps) {
  const [limit, setLimit] = useState(PAGE)
  if (stories.length === 0) {
    return (
      <div class="findings-empty muted" data-testid="interactions-empty">
        {emptyText ?? 'No interaction yet: open the Callback widget on the page.'}
      </div>
    )
  }
  return (
    <table class="stories" data-testid="interactions-table">
      <thead>
        <tr>
          <th class="col-name">Interaction</th>
          <th>Story</th>
          <th class="col-num" title="Submissions">Sub.</th>
          <th class="col-num">Time</th>
        </tr>
      </thead>
      <tbody>
        {shownStories(stories, limit, current).map((st) => {
          const findings = st.steps.flatMap((s) => findingsBySeq.get(s.seq) ?? [])
          const worst = worstSeverity(findings)
          return (
            <tr
              key={st.id}
              class={`story verdict-row-${st.summary.outcome} ${st.id === current ? 'selected' : ''}`}
              data-testid="interaction-row"
              data-interaction={st.id}
              data-outcome={st.summary.outcome}
              aria-selected={st.id === current}
              tabIndex={0}
              onClick={() => onSelectInteraction(st)}
              onKeyDown={(e) => e.key === 'Enter' && onSelectInteraction(st)}
            >
              <th scope="row" class="col-name">
                {st.label}
              </th>
              <td>
                <span class={`verdict verdict-${st.summary.outcome}`} data-testid="interaction-sentence">
                  {st.sentence}
                </span>
                {st.failures.length > 0 && (
                  <ul class="story-failures">
                    {st.failures.map((f) => (
                      <li key={f.seq} class="sev-text-error">
                        #{f.seq} {failureDetail(f)}
                      </li>
                    ))}
                  </ul>
                )}
                {notes?.get(st.id)?.map((n, i) => (
                  <div key={i} class="story-note" data-testid="interaction-note">
                    <span class="note-marker" aria-hidden="true">
                      ✎
                    </span>{' '}
                    {n.text}
                  </div>
                ))}
                {worst && (
                  <div class={`sev-text-${worst} story-findings`}>
                    {findings.length} finding{findings.length === 1 ? '' : 's'}, worst: {worst}
                  </div>
                )}
              </td>
              <td class="col-num">{st.summary.submits}</td>
              <td class="col-num">{st.duration === null ? '' : formatSpan(st.duration)}</td>
            </tr>
          )
        })}
        {stories.length > limit && (
          <tr>
            <td colSpan={4}>
              <button type="button" class="link" data-testid="interactions-more" onClick={() => setLimit(limit + PAGE)}>
                show more ({stories.length - limit} left)
              </button>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}

/** The first `limit` stories, and the current one after them when it is further down. */
export function shownStories(stories: readonly InteractionStory[], limit: number, current: string | null): readonly InteractionStory[] {
  if (stories.length <= limit) return stories
  const first = stories.slice(0, limit)
  const selected = current === null ? undefined : stories.find((st, i) => i >= limit && st.id === current)
  return selected ? [...first, selected] : first
}
