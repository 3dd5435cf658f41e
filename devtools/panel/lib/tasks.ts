// Panel. Work cut into tasks (an import's parse and check) goes on in a new task at once: setTimeout
// waits at least 4 ms after a few nested calls, which over hundreds of slices adds up to seconds.

/** Runs `fn` in a new task soon (a MessageChannel message; setTimeout where there is none). */
export function deferTask(fn: () => void): void {
  if (typeof MessageChannel !== 'function') {
    setTimeout(fn, 0)
    return
  }
  const channel = new MessageChannel()
  channel.port1.onmessage = () => {
    channel.port1.close()
    fn()
  }
  channel.port2.postMessage(null)
}

/** A new task soon: see deferTask. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => deferTask(resolve))
}
