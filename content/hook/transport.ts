// Page world (the hook). Where the hook's batches go: the extension's relay (a private MessagePort
// offered in hook-install.ts's handshake) or, in a test runner, the function the runner exposed before
// page scripts (testkitSink, protocol.ts section 1b). Exactly one of them, chosen at install.
import { TESTKIT_BINDING, TESTKIT_KEY, testkitBatchText, type HookToRelay, type HookToTestkit } from '../../src/core/protocol.ts'
import { apply, getOwnPropertyDescriptor, mathFloor, mathRandom, noop, now, promiseThen, type Fn } from './builtins.ts'
import { toJson } from './json.ts'

export interface HookWindow {
  [key: string]: unknown
  postMessage(message: unknown, targetOrigin: string, transfer?: Transferable[]): void
  addEventListener(type: string, listener: (ev: Event) => void, capture?: boolean): void
}

/**
 * The test kit's transport (cxbus-devtools/playwright, /puppeteer): a runner that exposed a
 * function as window[TESTKIT_BINDING] before page scripts gets every batch through it, as one string
 * around the batch's own JSON text (the runner's own argument serializer then has nothing to walk). The global is taken and
 * deleted at once, so the page never sees it; its promise gets a no-op rejection handler (a closing
 * page must not see an unhandledrejection). Absent in the extension: null, and the relay is used.
 */
export function testkitSink(win: HookWindow): ((msg: HookToRelay) => void) | null {
  try {
    // The key first, whatever comes next: it never stays where the page could read it.
    const k = getOwnPropertyDescriptor(win, TESTKIT_KEY)
    if (k) delete win[TESTKIT_KEY]
    const key = typeof k?.value === 'string' ? k.value : ''
    const d = getOwnPropertyDescriptor(win, TESTKIT_BINDING)
    if (!d || typeof d.value !== 'function') return null
    delete win[TESTKIT_BINDING]
    const call = runnerCall(win, d.value as Fn)
    const load = `t${now()}-${mathFloor((apply(mathRandom, Math, []) as number) * 1e12)}`
    const hello: HookToTestkit = { type: 'hello', key, load, url: hrefOf(win), top: win.top === win, time: now() }
    call(toJson(hello))
    // Only batches: panel commands (command-result) come through the extension's relay alone.
    return (message) => {
      if (message.type === 'batch') call(testkitBatchText(key, load, hrefOf(win), message, toJson))
    }
  } catch {
    return null
  }
}

/** The document's URL now. window.location and Location.href are unforgeable: a page cannot redefine them. */
function hrefOf(win: HookWindow): string {
  try {
    return `${(win.location as { href?: unknown } | undefined)?.href ?? ''}`
  } catch {
    return '' // no location (tests): the runner knows the frame's url anyway
  }
}

/** Puppeteer's CDP binding under its wrapper (puppeteer-core cdp/utils.ts CDP_BINDING_PREFIX). */
const PUPPETEER_CDP = `puppeteer_${TESTKIT_BINDING}`
/** Playwright's one CDP binding under every exposed function (its PageBinding.kBindingName). */
const PLAYWRIGHT_CDP = '__playwright__binding__'

/**
 * How to call the runner with one string. Over CDP the global is the runner's wrapper, which
 * serializes its call with the page's current JSON.stringify (a page that replaced it broke every
 * call) and, in Puppeteer, reads itself back from the global it was taken from (so it failed once
 * taken). There the raw CDP binding under it is called instead, with the envelope the wrapper
 * would have made, written with the hook's own JSON: the runner calls the exposed function the
 * same way, and only its reply to the wrapper (which nothing awaits) fails, inside its own evaluate.
 * Elsewhere (WebDriver BiDi) the function itself.
 */
function runnerCall(win: HookWindow, fn: Fn): (text: string) => void {
  let seq = 0
  const raw = (name: string): Fn | null => {
    const d = getOwnPropertyDescriptor(win, name)
    return d && typeof d.value === 'function' ? (d.value as Fn) : null
  }
  const puppeteer = raw(PUPPETEER_CDP)
  if (puppeteer) {
    delete win[PUPPETEER_CDP] // only ours: a page never sees it either
    return (text) => void apply(puppeteer, win, [toJson({ type: 'exposedFun', name: TESTKIT_BINDING, seq: ++seq, args: [text], isTrivial: true })])
  }
  const playwright = raw(PLAYWRIGHT_CDP)
  if (playwright) {
    // shared by every binding the test exposed: left where it is
    return (text) => void apply(playwright, win, [toJson({ name: TESTKIT_BINDING, seq: --seq, serializedArgs: [text] })])
  }
  return (text) => {
    const p = apply(fn, win, [text])
    if (p !== null && typeof p === 'object') apply(promiseThen, p, [undefined, noop])
  }
}
