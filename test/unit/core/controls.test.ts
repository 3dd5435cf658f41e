// Unit tests of src/core/controls.ts: which characters are escaped, and that the check for "none
// to escape" (the fast path most texts take) keeps no state between calls.
import { describe, expect, it } from 'vitest'
import { escapeControls } from '../../../src/core/controls.ts'

describe('escapeControls', () => {
  it('escapes C0 (but tab and newline), DEL, C1 and the bidi controls; leaves other text as it is', () => {
    for (const c of ['\u0000', '\u0008', '\u000b', '\u001b', '\u001f', '\u007f', '\u009f', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069']) {
      expect(escapeControls(`a${c}b`), JSON.stringify(c)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`)
    }
    const safe = 'Callback #2 · page 1\topened -> closed\n→ «ok» \u00a0\u200d\u2070'
    expect(escapeControls(safe)).toBe(safe)
  })

  it('gives the same answer for the same text however often it is asked, the control anywhere in it', () => {
    const late = `${'x'.repeat(5000)}\u001b[2J`
    for (let i = 0; i < 3; i++) {
      expect(escapeControls(late)).toBe(`${'x'.repeat(5000)}\\u001b[2J`)
      expect(escapeControls('\u202eexe.png')).toBe('\\u202eexe.png')
      expect(escapeControls('plain')).toBe('plain')
    }
  })
})
