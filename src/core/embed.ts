// Runs everywhere. A session embedded in a QA report (src/report): the report is one HTML file that
// carries its session as an inert JSON data block, so the panel's Import and `cxbus-devtools check`
// take the report itself. The browser never runs a `type="application/json"` script; every `<` of the
// JSON is written as \u003c, so no string from the page can close the element or open a comment.

export const EMBED_ID = 'cxbus-devtools-session'
/** The check options the report was made with (a --config file's JSON), when not the defaults. */
export const OPTIONS_ID = 'cxbus-devtools-check-options'
const open = (id: string): string => `<script type="application/json" id="${id}">`
const CLOSE = '</script>'

/** The data block `id` (the session's by default) for a JSON text (the session: serializeSession's output). */
export function embedJson(json: string, id = EMBED_ID): string {
  return `${open(id)}${json.replace(/</g, '\\u003c')}${CLOSE}`
}

/**
 * The JSON text of the data block `id` in an HTML text, or null when it has none. A report has one of
 * each: a second one (an edited report, a copy left in a comment or a textarea) is refused, since the
 * browser and a reader could each take another one.
 */
function dataBlock(text: string, id: string): string | null {
  const o = open(id)
  const start = text.indexOf(o)
  if (start < 0) return null
  // Any script element with that id, however spelled (the JSON and the text of a report never hold a raw `<`).
  const tags = text.match(new RegExp(`<script\\b[^>]*\\bid\\s*=\\s*["']?${id}["'\\s/>]`, 'gi'))
  if (tags !== null && tags.length > 1) throw new Error(`the HTML file has more than one ${id} block (a cxbus-devtools report has one: edited by hand?)`)
  const end = text.indexOf(CLOSE, start + o.length)
  return end < 0 ? null : text.slice(start + o.length, end)
}

/** The JSON text of a report's embedded check options, or null when it has none (made with the defaults). */
export const extractEmbeddedOptions = (text: string): string | null => dataBlock(text, OPTIONS_ID)

/**
 * For an HTML text: the JSON of its embedded session, or null when it has none. For any other text
 * (a session file): undefined, the text is the session itself.
 */
export function extractEmbeddedSession(text: string): string | null | undefined {
  return /^\s*</.test(text) ? dataBlock(text, EMBED_ID) : undefined
}
