// Background entry (Chrome: MV3 service worker; Firefox: event page). Only wiring: hands the real
// browser APIs to createBackground (app.ts). Listeners must be registered synchronously on start
// so the browser can wake a stopped worker for them; createBackground does that before any await.

import browser, { type Runtime } from 'webextension-polyfill'
import { SETTINGS_KEY } from '../core/lifecycle/options.ts'
import { createBackground, type PortLike } from './app.ts'
import { openIdbArea } from './idb.ts'
import { sequentialWrite, type StorageArea } from './persist.ts'


// Where tab stores survive worker restarts: IndexedDB (see idb.ts for why not storage.session).
// storage.session (the fallback) has no write(): sequentialWrite adds it.
const session = sequentialWrite(browser.storage.session as unknown as Omit<StorageArea, 'write'>)
const opened = openIdbArea(globalThis.indexedDB, session, session)
const storage: StorageArea = {
  get: async (keys) => (await opened).get(keys),
  set: async (items) => (await opened).set(items),
  remove: async (keys) => (await opened).remove(keys),
  write: async (change) => (await opened).write(change),
}

createBackground({
  extensionId: browser.runtime.id,
  extensionOrigin: browser.runtime.getURL(''),
  onConnect: (listener) => browser.runtime.onConnect.addListener((port) => listener(port as unknown as PortLike)),
  onMessage: (listener) =>
    browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => listener(message, sender) as Promise<unknown> | undefined),
  onTabRemoved: (listener) => browser.tabs.onRemoved.addListener((tabId) => listener(tabId)),
  tabExists: (tabId) => browser.tabs.get(tabId).then(() => true, () => false),
  sessionStorage: storage,
  readSettings: async () => (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY],
  onSettingsChanged: (listener) =>
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && SETTINGS_KEY in changes) listener(changes[SETTINGS_KEY]?.newValue)
    }),
  action: browser.action,
  userAgent: navigator.userAgent,
})
