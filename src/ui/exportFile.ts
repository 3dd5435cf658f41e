// Panel and popup (shared UI code, no component). Export of a session file (SPEC.md §4) as a download. A Blob and an <a download>
// are enough, so the extension needs no "downloads" permission.
import { SESSION_FORMAT, SESSION_VERSION, type Session, type SessionEntry, type SessionNote, type SessionSource } from '../core/model.ts'

const pad = (n: number): string => String(n).padStart(2, '0')

/** yyyyMMdd-HHmmss of a date, local time: used in export file names. */
export function formatStamp(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
}

/**
 * The session file of `entries`. `source` fields that are undefined are left out; `extra` are the
 * other top-level fields of an imported file, written back as they were (README: unknown fields
 * anywhere survive a round trip); format, version, source and events are always ours.
 */
export function buildSession(entries: readonly SessionEntry[], source: SessionSource, extra: Readonly<Record<string, unknown>> = {}, notes: readonly SessionNote[] = []): Session {
  const clean: SessionSource = {}
  for (const [k, v] of Object.entries(source)) if (v !== undefined) clean[k] = v
  // `notes` is written only when there are some: a file without notes stays as SPEC.md §4 shows it.
  return { ...extra, format: SESSION_FORMAT, version: SESSION_VERSION, source: clean, ...(notes.length ? { notes: [...notes] } : {}), events: [...entries] }
}

/** cxbus-session-<host>-<yyyyMMdd-HHmmss>.json (`kind` 'report': cxbus-report-….html); the host is made file-name safe. */
export function exportFileName(url: string | undefined, date: Date, kind: 'session' | 'report' = 'session'): string {
  let host = 'page'
  try {
    if (url) host = new URL(url).host || 'page'
  } catch {
    // not a URL (an imported file without source): keep "page"
  }
  return `cxbus-${kind}-${host.replace(/[^a-zA-Z0-9.-]+/g, '_')}-${formatStamp(date)}.${kind === 'report' ? 'html' : 'json'}`
}

export function downloadText(doc: Document, fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = doc.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  doc.body.append(a)
  a.click()
  a.remove()
  // Revoking at once can cancel the download in Chrome; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
