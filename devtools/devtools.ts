// DevTools page (one per inspected window): adds the "Callback" panel. The panel itself is
// devtools/panel.html and learns the inspected tab from its URL (?tabId=), so the same page also
// works as a plain tab (the testing contract of ARCHITECTURE.md).
import browser from 'webextension-polyfill'

const tabId = browser.devtools.inspectedWindow.tabId
browser.devtools.panels
  .create('Callback', '/icons/icon-32.png', `/devtools/panel.html?tabId=${tabId}`)
  .catch((err: unknown) => console.error('[cxbus-devtools devtools]', err))
