// Runs everywhere. Control characters the page or a session file put into text shown to people (ESC
// sequences retitle or clear a terminal, CR overwrites a line, bidi overrides reorder what a reader
// sees: "gnp.exe" shown as "exe.png") are shown as \uXXXX escapes: by the CLI in every format (in JSON
// output the very escape JSON means, as JSON.stringify leaves DEL, C1 and bidi characters raw) and by
// the HTML report. Tab and newline stay.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
/** The same class, not global: test() keeps no state, and is much cheaper than a replace that finds nothing. */
const ANY_UNSAFE = new RegExp(UNSAFE.source)

// Nearly every text has none (a long check escapes some 100 000 texts): only a test for those.
export const escapeControls = (text: string): string => (ANY_UNSAFE.test(text) ? text.replace(UNSAFE, unicodeEscape) : text)

const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

const UNSAFE_IN_LINE = new RegExp(`[\\n${UNSAFE.source.slice(1, -1)}]`, 'g')
const ANY_UNSAFE_IN_LINE = new RegExp(UNSAFE_IN_LINE.source)

/**
 * escapeControls for text that must stay on its line (the CLI's lines: a page's newline in a status
 * text would start a line of its own, one that reads like a finding in a CI log): newline escaped too.
 */
export const escapeLine = (text: string): string => (ANY_UNSAFE_IN_LINE.test(text) ? text.replace(UNSAFE_IN_LINE, unicodeEscape) : text)
