/// <reference types="vite/client" />
// DevTools panel page (devtools/panel.html?tabId=ID), in DevTools or as a plain tab. The only panel
// module that touches extension APIs: it wires the background port, the settings storage and the
// theme to the store, then renders the App. Everything below it takes data through props.
import browser from 'webextension-polyfill'
import { render } from 'preact'
import { createChecker } from '../../src/core/check.ts'
import { serializeSession } from '../../src/core/session.ts'
import { RULES } from '../../src/core/rules.ts'
import { App } from './App.tsx'
import { createPanelStore } from './state/store.ts'
import { connectPanel, type PortLike } from './state/connection.ts'
import { createActions } from './state/actions.ts'
import { commandsDisabled, createCommandsStore } from './state/commands.ts'
import type { PanelToBackground } from '../../src/core/protocol.ts'
import { loadSettings, normalizeOptions, saveSettings, SETTINGS_KEY } from '../../src/ui/settings.ts'
import { applyTheme } from '../../src/ui/theme.ts'
import { syncLiveNotes } from '../../src/ui/notes.ts'
import './panel.css'

const chromeDevtools = (globalThis as { chrome?: { devtools?: { panels?: { themeName?: string } } } }).chrome?.devtools
applyTheme(window, chromeDevtools?.panels?.themeName)

const rawTab = new URLSearchParams(location.search).get('tabId')
const tabId = rawTab !== null && /^\d+$/.test(rawTab) ? Number(rawTab) : null

const store = createPanelStore({ engine: { createChecker } })

/** The Commands drawer's sends go out on the connection made below (never before a click). */
let sendToBackground: ((m: PanelToBackground) => void) | null = null
const commands = createCommandsStore((m) => sendToBackground?.(m), Date.now, () => commandsDisabled(store.getState()))

const connection =
  tabId === null
    ? null
    : connectPanel({
        tabId,
        connect: (name) => browser.runtime.connect({ name }) as unknown as PortLike,
        onMessage: (m) => (m.type === 'command-result' ? commands.receive(m) : store.receive(m)),
        onStatus: (s) => store.setConnection(s),
        afterSeq: () => store.lastSeq(),
      })
if (connection) sendToBackground = (m) => connection.send(m)
if (tabId === null) store.showError('No tab to inspect:', 'open this page as devtools/panel.html?tabId=<id>, or import a session file.')

const storage = browser.storage.local
loadSettings(storage)
  .then((options) => {
    if (Object.keys(options).length) store.setOptions(options)
  })
  .catch(() => {})
// Another panel (or window) saved settings: check again with them.
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && SETTINGS_KEY in changes) store.setOptions(normalizeOptions(changes[SETTINGS_KEY]?.newValue))
})

// The tester's notes on this tab survive closing DevTools (storage.session: until the browser closes).
if (tabId !== null) syncLiveNotes(store, browser.storage.session, tabId, (err) => store.showError('Notes not saved:', String(err)))

/** navigator.clipboard, else the old copy command: a DevTools panel is not always allowed the former. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    if (!ok) throw new Error('the browser refused access to the clipboard')
  }
}

const actions = createActions({
  store,
  ...(connection ? { send: (m) => connection.send(m) } : {}),
  serializeSession,
  persistSettings: (o) => saveSettings(storage, o),
  copyText,
  doc: document,
  userAgent: navigator.userAgent,
})

addEventListener('pagehide', () => connection?.close())
render(<App store={store} actions={actions} rules={RULES} {...(connection ? { commands } : {})} />, document.getElementById('app')!)
