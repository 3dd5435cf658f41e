// Node (end-to-end tests). One demo server and one Chromium with the extension for a whole test file:
// `const env = useDemoAndExtension()` at the top of the file, then env.b / env.demoUrl inside tests.
import { afterAll, beforeAll } from 'vitest'
import { startDemoServer, type DemoServer } from '../../../demo/server.ts'
import { launchWithExtension, type ExtensionBrowser } from './browser.ts'

export interface E2eEnv {
  b: ExtensionBrowser
  demo: DemoServer
}

export function useDemoAndExtension(): E2eEnv {
  const env = {} as E2eEnv
  beforeAll(async () => {
    env.demo = await startDemoServer({ port: 0 })
    env.b = await launchWithExtension()
  })
  afterAll(async () => {
    await env.b?.close()
    await env.demo?.close()
  })
  return env
}
