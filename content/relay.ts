// Relay entry: ISOLATED world, document_start, all frames (manifest.json). Built by crxjs as a
// self-contained IIFE with no exports. Only wiring: hands the real window and browser.runtime to
// startRelay; the logic and its reasons are in relay-core.ts (unit-tested on fakes there).
import browser from 'webextension-polyfill'
import { startRelay, type RelayRuntime, type RelayWindow } from './relay-core.ts'

const runtime: RelayRuntime = {
  connect: (info) => browser.runtime.connect(info),
  // Getters, not copies: once the extension is reloaded these read undefined (or throw), which is
  // how the relay learns that its context is invalidated.
  get id() {
    return browser.runtime?.id
  },
  get lastError() {
    return browser.runtime.lastError
  },
}

startRelay(window as unknown as RelayWindow, runtime)
