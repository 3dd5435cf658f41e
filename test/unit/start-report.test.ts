// npm start's closing lines: which page load the errors come from (scripts/start-report.ts).
import { describe, expect, it } from 'vitest'
import { errorsByPageLoad } from '../../scripts/start-report.ts'
import { loadFixture, renumber } from '../support/fixtures.ts'
import type { Session } from '../../src/core/model.ts'

describe('npm start report', () => {
  it('names each page load, says the faulty one is on purpose, and counts its errors only there', () => {
    const clean = loadFixture('shipped-two-in-a-row')
    const faulty = loadFixture('faulty-completed-without-submit')
    for (const e of faulty.events) e.pageLoadId = 'second'
    const session: Session = { ...clean, events: renumber([...clean.events, ...faulty.events]) }
    const lines = errorsByPageLoad(session, ['shipped 9.x behaviour', '?nosubmit=1: faults injected on purpose'])
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe('Page load 1 (shipped 9.x behaviour): 0 errors.')
    expect(lines[1]).toMatch(/^Page load 2 \(\?nosubmit=1: faults injected on purpose\): [1-9]\d* errors?\.$/)
  })
})
