// Panel. What the toolbar's buttons do, between the store, the background connection and the
// browser: export (session file download), import (validated by the core's parseSession; an invalid
// file becomes an error banner that names the position, never a blank panel), settings.
import type { CheckOptions, Session } from '../../../src/core/model.ts'
import type { PanelToBackground } from '../../../src/core/protocol.ts'
import { MAX_SESSION_BYTES, tooLargeMessage } from '../../../src/core/session.ts'
import { buildSession, downloadText, exportFileName } from '../../../src/ui/exportFile.ts'
import { currentView, type PanelStore } from './store.ts'

export interface ActionDeps {
  store: PanelStore
  /** Sends to the background; absent when the panel runs without an extension (tests). */
  send?(message: PanelToBackground): void
  parseSession(text: string): Session
  serializeSession(session: Session): string
  /** Persists settings (storage.local); the store is updated at once either way. */
  persistSettings?(options: CheckOptions): Promise<void>
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
}


const mark = (name: string): void => {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name)
}

/** Text of a file; File.text() is missing in some test DOMs, FileReader is everywhere. */
function readText(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text()
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result))
    r.onerror = () => reject(r.error)
    r.readAsText(file)
  })
}

export function createActions(d: ActionDeps): PanelActions {
  const send = (m: PanelToBackground): void => d.send?.(m)
  return {
    setRecording: (value) => send({ type: 'set-recording', value }),
    clear: () => send({ type: 'clear' }),
    setPreserveLog: (value) => send({ type: 'set-preserve-log', value }),
    exportSession() {
      const state = d.store.getState()
      const view = currentView(state)
      // An imported file is written back with its source and other top-level fields as they were.
      const source = state.imported
        ? { ...state.imported.source }
        : { url: state.tabState?.url || undefined, widgetsVersion: state.tabState?.bus?.widgetsVersion || view.widgetsVersion || undefined, userAgent: d.userAgent || undefined }
      const text = d.serializeSession(buildSession(view.entries, source, state.imported?.extra))
      downloadText(d.doc, exportFileName(typeof source.url === 'string' ? source.url : undefined, (d.now ?? (() => new Date()))()), text)
    },
    async importFile(file) {
      let session: Session
      // Marks show in the DevTools Performance panel and let the bench split the import time.
      mark('cxbus:import:start')
      // Refuse a file over the limit before reading it: reading 120 MB takes seconds for nothing.
      // UTF-8 bytes are at least the characters parseSession counts; only a mostly non-ASCII file could
      // be refused here and accepted there, and session files are JSON of mostly ASCII.
      if (file.size > MAX_SESSION_BYTES) {
        d.store.showError(`Cannot import ${file.name}:`, tooLargeMessage(file.size))
        return
      }
      try {
        const text = await readText(file)
        mark('cxbus:import:read')
        session = d.parseSession(text)
        mark('cxbus:import:parsed')
      } catch (err) {
        d.store.showError(`Cannot import ${file.name}:`, err instanceof Error ? err.message : String(err))
        return
      }
      d.store.importSession(file.name, session) // checks in slices; a checker failure shows in the banner
    },
    saveSettings(options) {
      d.store.setOptions(options)
      d.persistSettings?.(options).catch((err: unknown) => d.store.showError('Settings not saved:', String(err)))
    },
  }
}
