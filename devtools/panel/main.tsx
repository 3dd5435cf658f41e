/// <reference types="vite/client" />
// DevTools panel page (devtools/panel.html?tabId=ID), in DevTools or as a plain tab. The only panel
// module that touches extension APIs: it wires the background port, the settings storage and the
// theme to the store, then renders the App. Everything below it takes data through props.
import browser from 'webextension-polyfill'
import { render } from 'preact'
import { createChecker } from '../../src/core/check.ts'
import { parseSession, serializeSession } from '../../src/core/session.ts'
import { RULES } from '../../src/core/rules.ts'
import { App } from './App.tsx'
import { createPanelStore } from './state/store.ts'
import { connectPanel, type PortLike } from './state/connection.ts'
import { createActions } from './state/actions.ts'
import { loadSettings, normalizeOptions, saveSettings, SETTINGS_KEY } from '../../src/ui/settings.ts'
import { applyTheme } from '../../src/ui/theme.ts'
import './panel.css'

const chromeDevtools = (globalThis as { chrome?: { devtools?: { panels?: { themeName?: string } } } }).chrome?.devtools
applyTheme(window, chromeDevtools?.panels?.themeName)

const rawTab = new URLSearchParams(location.search).get('tabId')
const tabId = rawTab !== null && /^\d+$/.test(rawTab) ? Number(rawTab) : null

const store = createPanelStore({ engine: { createChecker } })

const connection =
  tabId === null
    ? null
    : connectPanel({
        tabId,
        connect: (name) => browser.runtime.connect({ name }) as unknown as PortLike,
        onMessage: (m) => store.receive(m),
        onStatus: (s) => store.setConnection(s),
        afterSeq: () => store.lastSeq(),
      })
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

const actions = createActions({
  store,
  ...(connection ? { send: (m) => connection.send(m) } : {}),
  parseSession,
  serializeSession,
  persistSettings: (o) => saveSettings(storage, o),
  doc: document,
  userAgent: navigator.userAgent,
})

addEventListener('pagehide', () => connection?.close())
render(<App store={store} actions={actions} rules={RULES} />, document.getElementById('app')!)
