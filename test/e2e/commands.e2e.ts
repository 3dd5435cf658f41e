// End-to-end: the Commands drawer of issue 15 against the built extension and the demo, in real
// Chromium. Each command goes panel -> background -> the relay of the frame with the bus -> hook ->
// the page's own bus; the drawer shows how it ended, the list marks it as sent from the panel, and
// the page's own subscriber sees what the widget did. A hostile page tries every message it can
// reach to use the same path, and the widget never moves.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useDemoAndExtension } from './support/setup.ts'
import { demoTab, openDemo, type DemoTab } from './support/demo.ts'

const env = useDemoAndExtension()
const SHOTS = resolve('out/screenshots')

async function openPanelFor(tab: DemoTab): Promise<Page> {
  const panel = await env.b.openPanel(tab.tabId)
  await panel.getByTestId('commands-toggle').click()
  // Enabled once the panel is connected and the background knows the bus.
  await panel.waitForFunction(() => !document.querySelector('[data-testid="commands-disabled"]'), null, { timeout: 15_000 })
  return panel
}

/** Types a service command on the free command line; returns the line once the drawer asks to confirm, saying why. */
async function askedToConfirm(panel: Page, command: string, why: RegExp) {
  const line = panel.getByTestId('command-line')
  await line.fill(command)
  await line.press('Enter')
  await expect.poll(() => panel.getByTestId('command-confirm').textContent()).toMatch(why)
  return line
}

/** The newest result row of the drawer once it has ended: its status and detail. */
async function lastResult(panel: Page, count: number): Promise<{ status: string; detail: string; name: string }> {
  const rows = panel.getByTestId('command-result')
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(count)
  const row = rows.first() // newest first
  await expect.poll(async () => row.getAttribute('data-status'), { timeout: 10_000 }).not.toBe('pending')
  return {
    status: (await row.getAttribute('data-status')) ?? '',
    detail: (await row.getByTestId('command-detail').count()) ? ((await row.getByTestId('command-detail').textContent()) ?? '') : '',
    name: (await row.getAttribute('data-name')) ?? '',
  }
}

const pageSaw = async (tab: DemoTab, event: string): Promise<number> => (await tab.pageEvents()).filter((e) => e.event === event).length
const waitPage = (tab: DemoTab, event: string, n = 1) => expect.poll(() => pageSaw(tab, event), { timeout: 10_000 }).toBeGreaterThanOrEqual(n)

describe('Commands drawer (issue 15)', () => {
  it('each button reaches the widget in the frame with the bus; the list marks the commands sent from the panel', async () => {
    // iframe=1: the bus lives in a same-origin frame, not in the top page.
    const tab = await openDemo(env.b, env.demo.url, 'speed=fast&iframe=1')
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    let n = 0
    await panel.getByTestId('cmd-callback-open').click()
    expect(await lastResult(panel, ++n)).toMatchObject({ status: 'resolved', name: 'Callback.open' })
    await waitPage(tab, 'Callback.opened')
    await panel.getByTestId('cmd-callback-minimize').click()
    expect((await lastResult(panel, ++n)).status).toBe('resolved')
    await waitPage(tab, 'Callback.minimized')
    await panel.getByTestId('cmd-callback-restore').click()
    expect((await lastResult(panel, ++n)).status).toBe('resolved')
    await waitPage(tab, 'Callback.unminimized')
    await panel.getByTestId('cmd-callback-close').click()
    expect((await lastResult(panel, ++n)).status).toBe('resolved')
    await waitPage(tab, 'Callback.closed')
    // Prefilled with what the form editor holds (a free field too).
    await panel.getByTestId('form-firstname').fill('Grace')
    await panel.getByTestId('form-add-field').click()
    await panel.getByTestId('form-extra-value').fill('gold')
    await panel.getByTestId('cmd-callback-open-prefilled').click()
    expect((await lastResult(panel, ++n)).status).toBe('resolved')
    await waitPage(tab, 'Callback.opened', 2)
    // A prefilled form counts as started: 9.x refuses the close until the user confirms it.
    await panel.getByTestId('cmd-callback-close').click()
    expect(await lastResult(panel, ++n)).toMatchObject({ status: 'rejected', detail: ': User must confirm close' })
    await tab.call('confirmClose')
    await waitPage(tab, 'Callback.closed', 2)
    // Auto-submit reaches the service: it asks first, and says why.
    await panel.getByTestId('cmd-callback-open-autosubmit').click()
    await expect.poll(() => panel.getByTestId('command-confirm').textContent()).toMatch(/books a real callback/)
    expect(await panel.getByTestId('command-result').count()).toBe(n) // nothing sent yet
    await panel.getByTestId('confirm-send').click()
    expect((await lastResult(panel, ++n)).status).toBe('resolved')
    await waitPage(tab, 'Callback.submitted')
    await waitPage(tab, 'Callback.completed')

    // The list: every command the panel sent is marked, with the options it carried.
    // (The list is virtual: rows off screen are not in the DOM.)
    const marked = panel.getByTestId('row-from-panel')
    await expect.poll(() => marked.count(), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await panel.locator('[data-testid="event-row"]:has([data-testid="row-from-panel"])').evaluateAll((rows) => rows.every((r) => /Callback/.test(r.textContent ?? '')))).toBe(true)
    type Exported = { events: { kind: string; command?: string; origin?: string; data: unknown; frameUrl?: string }[] }
    const exported = async (): Promise<Exported> => (await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tab.tabId)) as Exported
    // The page saw Callback.completed; the hook's batch holding the widget's own schedule command may
    // still be on its way (it leaves when the page is idle): wait for it, do not race it.
    const scheduled = (x: Exported): boolean => x.events.some((e) => e.kind === 'command' && e.command === 'CallbackService.schedule')
    await expect.poll(async () => scheduled(await exported()), { timeout: 10_000 }).toBe(true)
    const session = await exported()
    const sent = session.events.filter((e) => e.kind === 'command' && e.origin === 'panel')
    expect(sent.map((e) => e.command)).toEqual(['Callback.open', 'Callback.minimize', 'Callback.minimize', 'Callback.close', 'Callback.open', 'Callback.close', 'Callback.open'])
    expect(sent[4]?.data).toEqual({ form: { firstname: 'Grace', field1: 'gold' } })
    expect(sent[6]?.data).toMatchObject({ form: { autoSubmit: true } })
    expect(sent.every((e) => e.frameUrl?.includes('frame.html'))).toBe(true)
    // Commands the widgets send themselves (CallbackService.schedule on auto-submit) are not marked.
    expect(session.events.some((e) => e.kind === 'command' && e.command === 'CallbackService.schedule' && e.origin === undefined)).toBe(true)
    expect(await tab.pageErrors()).toEqual([])
    await panel.close()
    await tab.page.close()
  })

  it('free command line: bad JSON and bad names are refused with a clear error and send nothing; history; the bus\'s refusal shows its reason', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    const line = panel.getByTestId('command-line')
    await line.fill('Callback.open {"form": {firstname: "Ann"}}')
    await panel.getByTestId('command-send').click()
    await expect.poll(() => panel.getByTestId('command-error').textContent()).toMatch(/not valid JSON/)
    await line.fill('Callback.open [1, 2]')
    await line.press('Enter')
    await expect.poll(() => panel.getByTestId('command-error').textContent()).toMatch(/must be a JSON object/)
    await line.fill('open the widget')
    await line.press('Enter')
    await expect.poll(() => panel.getByTestId('command-error').textContent()).toMatch(/not a command name/)
    expect(await panel.getByTestId('command-result').count()).toBe(0)
    expect(await pageSaw(tab, 'Callback.opened')).toBe(0)

    await line.fill('Callback.open {"form": {"firstname": "Ann"}}')
    await line.press('Enter')
    expect(await lastResult(panel, 1)).toMatchObject({ status: 'resolved', name: 'Callback.open' })
    expect(await panel.getByTestId('command-error').count()).toBe(0)
    await waitPage(tab, 'Callback.opened')
    // A person typed: 9.x refuses Callback.close until the user confirms, and says so.
    await tab.call('type', 'lastname', 'Smith')
    await line.fill('Callback.close')
    await line.press('Enter')
    expect(await lastResult(panel, 2)).toMatchObject({ status: 'rejected', detail: ': User must confirm close' })
    // Unknown command: the bus's own reason.
    await line.fill('Callback.nonsense {}')
    await line.press('Enter')
    expect(await lastResult(panel, 3)).toMatchObject({ status: 'rejected', detail: expect.stringMatching(/not found/i) })
    // History: ArrowUp walks back through what was sent.
    await line.fill('')
    await line.press('ArrowUp')
    expect(await line.inputValue()).toBe('Callback.nonsense {}')
    await line.press('ArrowUp')
    expect(await line.inputValue()).toBe('Callback.close')
    await panel.close()
    await tab.page.close()
  })

  it('CallbackService commands ask first and say why; cancel sends nothing', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    const line = await askedToConfirm(panel, 'CallbackService.availability {}', /calls the real Callback service/)
    await panel.getByTestId('confirm-cancel').click()
    expect(await panel.getByTestId('command-confirm').count()).toBe(0)
    await line.fill('CallbackService.schedule {"firstname": "Ann", "_customer_number": "5550100"}')
    await line.press('Enter')
    await expect.poll(() => panel.getByTestId('command-confirm').textContent()).toMatch(/books a real callback/)
    await panel.getByTestId('confirm-cancel').click()
    await new Promise((r) => setTimeout(r, 500))
    expect(await panel.getByTestId('command-result').count()).toBe(0)
    let session = (await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tab.tabId)) as { events: { kind: string; command?: string }[] }
    expect(session.events.filter((e) => e.kind === 'command' && e.command?.startsWith('CallbackService.'))).toEqual([])
    // Confirmed: sent, and the bus answers.
    await line.fill('CallbackService.availability {}')
    await line.press('Enter')
    await panel.getByTestId('confirm-send').click()
    const r = await lastResult(panel, 1)
    expect(['resolved', 'rejected']).toContain(r.status)
    session = (await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tab.tabId)) as { events: { kind: string; command?: string }[] }
    expect(session.events.filter((e) => e.kind === 'command' && e.command === 'CallbackService.availability')).toHaveLength(1)
    await panel.close()
    await tab.page.close()
  })

  it('scenario player: the documented untouched path plays by itself; typed-cancel waits for the typing and the confirmation a person does', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    await panel.getByTestId('play-Callback-untouched').click()
    await expect.poll(() => panel.getByTestId('scenario').getAttribute('data-passed'), { timeout: 20_000 }).toBe('true')
    expect(await panel.getByTestId('scenario-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['passed', 'passed', 'passed', 'passed', 'passed'])
    expect(await panel.getByTestId('scenario-result').textContent()).toMatch(/PASS/)

    await panel.getByTestId('play-Callback-typed-cancel').click()
    const steps = panel.getByTestId('scenario-step')
    // The player asks a person to type, and waits.
    await expect.poll(() => steps.nth(2).getAttribute('data-status'), { timeout: 10_000 }).toBe('running')
    expect(await steps.nth(2).textContent()).toMatch(/Now type in the form/)
    await new Promise((r) => setTimeout(r, 500))
    expect(await steps.nth(2).getAttribute('data-status')).toBe('running')
    await tab.call('type', 'firstname', 'Ann')
    // The close is refused (expected), then the player asks for the confirmation.
    await expect.poll(() => steps.nth(4).getAttribute('data-status'), { timeout: 10_000 }).toBe('running')
    expect(await steps.nth(3).textContent()).toMatch(/User must confirm close/)
    await tab.call('confirmClose')
    await expect.poll(() => panel.getByTestId('scenario').getAttribute('data-passed'), { timeout: 15_000 }).toBe('true')
    // The README's picture of the drawer (docs/commands-drawer.png is a copy).
    mkdirSync(SHOTS, { recursive: true })
    await panel.setViewportSize({ width: 1280, height: 800 })
    await panel.screenshot({ path: join(SHOTS, 'commands-drawer.png') })
    await panel.close()
    await tab.page.close()
  })

  it('disabled on an imported session and while paused; the background refuses a paused send too', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    await panel.getByTestId('record').click()
    await expect.poll(() => panel.getByTestId('commands-disabled').textContent()).toMatch(/paused/)
    expect(await panel.getByTestId('cmd-callback-open').isDisabled()).toBe(true)
    // A message straight to the background while paused is refused there as well.
    const refused = await panel.evaluate((id) => new Promise((resolve) => {
      const port = chrome.runtime.connect({ name: `cxbus-devtools:panel:${id}` })
      port.onMessage.addListener((m: { type: string }) => {
        if (m.type === 'command-result') resolve(m)
      })
      port.postMessage({ type: 'hello', afterSeq: 1e9 })
      port.postMessage({ type: 'command', id: 'direct-1', name: 'Callback.open', options: {}, confirmed: false })
    }), tab.tabId)
    expect(refused).toMatchObject({ outcome: 'not-sent', detail: expect.stringMatching(/paused/) })
    expect(await pageSaw(tab, 'Callback.opened')).toBe(0)
    await panel.close()

    // Imported session: disabled with the reason.
    const p2 = await env.b.openPanel(tab.tabId)
    await p2.getByTestId('import-input').setInputFiles('test/fixtures/documented-submitted.session.json')
    await p2.getByTestId('imported-banner').waitFor()
    await p2.getByTestId('commands-toggle').click()
    await expect.poll(() => p2.getByTestId('commands-disabled').textContent()).toMatch(/imported session/)
    expect(await p2.getByTestId('cmd-callback-open').isDisabled()).toBe(true)
    await p2.close()
    await tab.page.close()
  })

  it('QA: a schedule confirmed after an Import is not sent (the confirmation goes with the live view)', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    await askedToConfirm(panel, 'CallbackService.schedule {"firstname":"X"}', /books a real callback/)
    await panel.getByTestId('import-input').setInputFiles('test/fixtures/documented-submitted.session.json')
    await panel.getByTestId('imported-banner').waitFor()
    await expect.poll(() => panel.getByTestId('commands-disabled').textContent()).toMatch(/imported session/)
    // The tester clicked the banner's Send here (forced: a disabled button takes no click).
    const confirm = panel.getByTestId('command-confirm')
    if (await confirm.count()) await panel.getByTestId('confirm-send').click({ force: true })
    await new Promise((r) => setTimeout(r, 1500))
    expect(await panel.getByTestId('command-result').evaluateAll((rows) => rows.filter((r) => r.getAttribute('data-status') !== 'not-sent').length)).toBe(0)
    expect(await pageSaw(tab, 'CallbackService.scheduled')).toBe(0)
    const session = (await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tab.tabId)) as { events: { kind: string; command?: string }[] }
    expect(session.events.filter((e) => e.kind === 'command' && e.command === 'CallbackService.schedule')).toEqual([])
    expect(await confirm.count()).toBe(0) // dropped with the live view, not left to click later
    await panel.close()
    await tab.page.close()
  })

  it('a tab where no bus was found: the drawer says so and the background sends nothing', async () => {
    const page = await env.b.context.newPage()
    await page.route(`${env.demo.url}nobus.html*`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>no bus</title><p>plain page' }))
    await page.goto(`${env.demo.url}nobus.html?t=1`)
    const tabId = await env.b.tabIdOf(page)
    const panel = await env.b.openPanel(tabId)
    await panel.getByTestId('commands-toggle').click()
    await expect.poll(() => panel.getByTestId('commands-disabled').textContent(), { timeout: 10_000 }).toMatch(/No bus/)
    await panel.close()
    await page.close()
  })

  it('a hostile page cannot use the path: every message shape it can reach moves nothing; the panel\'s path still works', async () => {
    const tab = await openDemo(env.b, env.demo.url)
    await tab.call('whenReady')
    const panel = await openPanelFor(tab)
    const attempts = await tab.page.evaluate(async () => {
      const w = window as unknown as { CXBus: { command(n: string, o: unknown): unknown } }
      const shapes: unknown[] = []
      for (const source of ['cxbus-devtools:hook', 'cxbus-devtools:relay', undefined]) {
        for (const type of ['command', 'entries', 'command-result', 'connect', 'hello', 'ready']) {
          shapes.push({ source, v: 1, type, id: 'evil', name: 'Callback.open', options: {}, pageLoadId: 'x', confirmed: true, entries: [] })
        }
      }
      const ports: MessagePort[] = []
      let hookOffers = 0
      // Every port any window message carries is tried below (its own come back to it too); the
      // hook's offers (tagged connect) must never reach a page listener.
      addEventListener('message', (ev) => {
        const d = ev.data as { source?: unknown; type?: unknown } | null
        if (d && d.source === 'cxbus-devtools:hook' && d.type === 'connect') hookOffers++
        for (const p of ev.ports) ports.push(p)
      })
      for (const s of shapes) {
        postMessage(s, '*')
        // A port of its own, offered as if it were the hook's (the relay already has the real one).
        const ch = new MessageChannel()
        ch.port1.onmessage = (e) => {
          ch.port1.postMessage({ type: 'command', id: 'evil2', name: 'Callback.open', options: {} })
          ports.push(e.target as MessagePort)
        }
        postMessage(s, '*', [ch.port2])
      }
      // Ask for hellos: the hook answers with ports only the relay sees.
      for (let i = 0; i < 20; i++) postMessage({ source: 'cxbus-devtools:relay', v: 1, type: 'hello' }, '*')
      await new Promise((r) => setTimeout(r, 500))
      for (const p of ports) for (const s of shapes) p.postMessage(s)
      // Extension APIs are not there for a page.
      const chromeApi = typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime?.sendMessage
      await new Promise((r) => setTimeout(r, 1000))
      void w
      return { shapes: shapes.length, hookOffers, portsTried: ports.length, chromeApi }
    })
    expect(attempts.shapes).toBeGreaterThan(10)
    expect(attempts.hookOffers).toBe(0)
    expect(attempts.portsTried).toBeGreaterThan(0) // its own ports: tried, to no effect
    expect(attempts.chromeApi).toBe('undefined')
    expect(await pageSaw(tab, 'Callback.opened')).toBe(0)
    expect(await panel.getByTestId('command-result').count()).toBe(0)
    const session = (await panel.evaluate((id) => chrome.runtime.sendMessage({ type: 'export-session', tabId: id }), tab.tabId)) as { events: { kind: string; command?: string; origin?: string }[] }
    expect(session.events.filter((e) => e.kind === 'command' && (e.origin === 'panel' || e.command === 'Callback.open'))).toEqual([])
    // The real path is intact.
    await panel.getByTestId('cmd-callback-open').click()
    expect((await lastResult(panel, 1)).status).toBe('resolved')
    await waitPage(tab, 'Callback.opened')
    expect(await tab.pageErrors()).toEqual([])
    await panel.close()
    await tab.page.close()
  })
})

void demoTab
