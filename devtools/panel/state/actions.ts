// Panel. What the toolbar's buttons do, between the store, the background connection and the
// browser: export (session file download), import (parsed and validated by the core in slices
// between tasks, so a 100 MB file never blocks the panel; an invalid file becomes an error banner
// that names the position, never a blank panel; a QA report is accepted too), the QA report (one
// HTML file) and its Markdown summary, notes, settings.
import type { CheckOptions, Session, SessionEntry, SessionNote } from '../../../src/core/model.ts'
import type { PanelToBackground } from '../../../src/core/protocol.ts'
import { extractEmbeddedOptions } from '../../../src/core/embed.ts'
import { MAX_SESSION_BYTES, parseJson, tooLargeMessage } from '../../../src/core/session.ts'
import { SLICE_CHARS, sessionSlices, wholeText, type SessionHead, type TextSource } from '../../../src/core/sessionSlices.ts'
import { analyzeSession, settingsOf, type CheckSettings, type QaAnalysis } from '../../../src/report/analyze.ts'
import { renderReportHtml } from '../../../src/report/html.tsx'
import { markdownSummary } from '../../../src/report/markdown.ts'
import { TOOL_VERSION } from '../../../src/report/version.ts'
import { buildSession, downloadText, exportFileName } from '../../../src/ui/exportFile.ts'
import { withNote, withoutNote, type NoteTarget } from '../../../src/ui/notes.ts'
import { nextTask } from '../lib/tasks.ts'
import { currentNotes, currentView, type PanelState, type PanelStore } from './store.ts'

export interface ActionDeps {
  store: PanelStore
  /** Sends to the background; absent when the panel runs without an extension (tests). */
  send?(message: PanelToBackground): void
  serializeSession(session: Session): string
  /** Lets the page paint and handle input between slices of an import (default: nextTask). */
  yieldTask?(): Promise<void>
  /** Bytes of an imported file decoded per task (default READ_CHUNK_BYTES). */
  readChunkBytes?: number
  /** Persists settings (storage.local); the store is updated at once either way. */
  persistSettings?(options: CheckOptions): Promise<void>
  /** Puts text on the clipboard (navigator.clipboard in the panel). */
  copyText?(text: string): Promise<void>
  doc: Document
  userAgent: string
  now?: () => Date
}

export interface PanelActions {
  setRecording(value: boolean): void
  clear(): void
  setPreserveLog(value: boolean): void
  exportSession(): void
  importFile(file: File): Promise<void>
  saveSettings(options: CheckOptions): void
  /** Downloads the QA report of the session shown (one self-contained HTML file). */
  saveReport(): void
  /** Copies the Markdown summary of the session shown; resolves false when the clipboard refused. */
  copySummary(): Promise<boolean>
  addNote(target: NoteTarget, text: string): void
  removeNote(note: SessionNote): void
}


const mark = (name: string): void => {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name)
}

/** ms of parsing per task: the panel answers input between slices, and a GC pause can come on top of any. */
export const PARSE_TASK_MS = 25
/** Characters parsed at a time (about 450 entries): a core slice (SLICE_CHARS, 1 MB) takes over 50 ms on a busy machine. */
export const PARSE_SLICE_CHARS = 1 << 18

/**
 * A session's text parsed and validated slice by slice, each slice handed to `add` as it comes (a
 * `restart` slice replaces what came before), `yieldTask` between tasks of about PARSE_TASK_MS.
 */
export async function parseInSlices(text: TextSource | string, add: (entries: readonly SessionEntry[], restart: boolean) => void, yieldTask: () => Promise<void>, sliceChars = SLICE_CHARS): Promise<SessionHead> {
  const slices = sessionSlices(text, sliceChars)
  let started = performance.now()
  let first = true
  for (;;) {
    const r = slices.next()
    if (r.done) return r.value
    add(r.value.entries, r.value.from === 0 && !first)
    first = false
    if (performance.now() - started >= PARSE_TASK_MS) {
      await yieldTask()
      started = performance.now()
    }
  }
}

/** Bytes of a file decoded per task: decoding 100 MB at once is one task of about 200 ms. */
export const READ_CHUNK_BYTES = 4 << 20

/**
 * The text of a file, decoded READ_CHUNK_BYTES at a time (each read is a task of its own) and
 * handed to the parser piece by piece. File.text() and FileReader decode it all in one task.
 */
async function readText(file: File, chunk: number): Promise<TextSource & { html: boolean }> {
  if (typeof file.arrayBuffer === 'function' && typeof TextDecoder === 'function') {
    const decoder = new TextDecoder('utf-8')
    const pieces: string[] = []
    for (let at = 0; at < file.size; at += chunk) {
      pieces.push(decoder.decode(await file.slice(at, at + chunk).arrayBuffer(), { stream: true }))
    }
    pieces.push(decoder.decode())
    let next = 0
    // Joined once: a report's text is asked for whole by the parser and again for its check options.
    let joined: string | undefined
    return { read: () => (next < pieces.length ? pieces[next++]! : null), whole: () => (joined ??= pieces.join('')), html: looksHtml(pieces[0] ?? '') }
  }
  // Some test DOMs have neither: FileReader is everywhere.
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve({ ...wholeText(String(r.result)), html: looksHtml(String(r.result)) })
    r.onerror = () => reject(r.error)
    r.readAsText(file)
  })
}

/** A QA report (HTML) rather than a session file (JSON), from its first characters. */
const looksHtml = (start: string): boolean => /^\uFEFF?\s*</.test(start.slice(0, 64))

/** A QA report's embedded check options (null for a session file, or a report made with the defaults). */
function embeddedSettings(text: TextSource & { html: boolean }): CheckSettings | null {
  if (!text.html) return null // a session file: its whole text is not made again
  const json = extractEmbeddedOptions(text.whole())
  return json === null ? null : settingsOf(parseJson(json))
}

export function createActions(d: ActionDeps): PanelActions {
  const send = (m: PanelToBackground): void => d.send?.(m)
  const now = d.now ?? (() => new Date())

  /** The session shown as a file: an import with its fields as they were, the live capture with where it came from. */
  const sessionOf = (state: PanelState): Session => {
    const view = currentView(state)
    const source = state.imported
      ? { ...state.imported.source }
      : {
          url: state.tabState?.url || undefined,
          widgetsVersion: state.tabState?.bus?.widgetsVersion || view.widgetsVersion || undefined,
          userAgent: d.userAgent || undefined,
          extensionVersion: TOOL_VERSION,
        }
    return buildSession(view.entries, source, state.imported?.extra, currentNotes(state))
  }
  /** The QA analysis of the session shown, from the report the panel already has. */
  const analysis = (): { a: QaAnalysis; state: PanelState } => {
    const state = d.store.getState()
    // An imported report's own check options (coverage paths and required ones too) when it has them.
    const settings = state.imported?.settings ?? { options: state.options }
    return { a: analyzeSession(sessionOf(state), { ...settings, report: currentView(state).report }), state }
  }
  // The live capture's notes are stored per tab by syncLiveNotes (main.tsx), whatever changes them.
  const setNotes = (notes: SessionNote[]): void => d.store.setNotes(notes)

  return {
    setRecording: (value) => send({ type: 'set-recording', value }),
    clear: () => send({ type: 'clear' }),
    setPreserveLog: (value) => send({ type: 'set-preserve-log', value }),
    exportSession() {
      // An imported file is written back with its source and other top-level fields as they were.
      const session = sessionOf(d.store.getState())
      const url = session.source?.url
      downloadText(d.doc, exportFileName(typeof url === 'string' ? url : undefined, now()), d.serializeSession(session))
    },
    saveReport() {
      const { a, state } = analysis()
      const date = now()
      const html = renderReportHtml(a, { generatedAt: date.getTime(), generator: `cxbus-devtools ${TOOL_VERSION}`, ...(state.imported ? { fileName: state.imported.name } : {}) })
      downloadText(d.doc, exportFileName(a.env.pageUrl ?? undefined, date, 'report'), html, 'text/html')
    },
    async copySummary() {
      const { a, state } = analysis()
      try {
        await d.copyText?.(markdownSummary(a, state.imported?.name))
        return d.copyText !== undefined
      } catch (err) {
        d.store.showError('Summary not copied:', err instanceof Error ? err.message : String(err))
        return false
      }
    },
    addNote(target, text) {
      setNotes(withNote(currentNotes(d.store.getState()), target, text, now().getTime()))
    },
    removeNote(note) {
      setNotes(withoutNote(currentNotes(d.store.getState()), note))
    },
    async importFile(file) {
      // Marks show in the DevTools Performance panel and let the bench split the import time.
      mark('cxbus:import:start')
      // Refuse a file over the limit before reading it: reading 120 MB takes seconds for nothing.
      // UTF-8 bytes are at least the characters parseSession counts; only a mostly non-ASCII file could
      // be refused here and accepted there, and session files are JSON of mostly ASCII.
      if (file.size > MAX_SESSION_BYTES) {
        d.store.showError(`Cannot import ${file.name}:`, tooLargeMessage(file.size))
        return
      }
      let text: TextSource & { html: boolean }
      try {
        text = await readText(file, d.readChunkBytes ?? READ_CHUNK_BYTES)
      } catch (err) {
        d.store.showError(`Cannot import ${file.name}:`, err instanceof Error ? err.message : String(err))
        return
      }
      mark('cxbus:import:read')
      // The list shows the first entries while the rest is parsed, then the store checks in slices
      // (a checker failure shows in the banner).
      const sink = d.store.beginImport(file.name)
      let head: SessionHead
      try {
        // The sink builds the text filter's index in the same tasks (state/store.ts).
        head = await parseInSlices(text, sink.add, d.yieldTask ?? nextTask, PARSE_SLICE_CHARS)
      } catch (err) {
        sink.fail()
        d.store.showError(`Cannot import ${file.name}:`, err instanceof Error ? err.message : String(err))
        return
      }
      mark('cxbus:import:parsed')
      // A QA report made with other check options carries them: it is checked with them, as `check` does.
      let settings: CheckSettings | null = null
      try {
        settings = embeddedSettings(text)
      } catch (err) {
        sink.fail()
        d.store.showError(`Cannot import ${file.name}:`, `its check options: ${err instanceof Error ? err.message : String(err)}`)
        return
      }
      sink.finish(head, settings)
    },
    saveSettings(options) {
      d.store.setOptions(options)
      d.persistSettings?.(options).catch((err: unknown) => d.store.showError('Settings not saved:', String(err)))
    },
  }
}
