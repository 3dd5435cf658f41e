// Node (npm run bench). Cost of the lifecycle checker on a generated 100 000-event shipped-9.x
// session, against the cost of JSON.parse of the same file: checking should cost no more than
// parsing (ratio <= 1.0), and the memory the checker keeps should grow linearly with the session.
import v8 from 'node:v8'
import vm from 'node:vm'
import { check, createChecker } from '../src/core/check.ts'
import type { Session } from '../src/core/model.ts'
import { serializeSession, validateSession } from '../src/core/session.ts'
import { generateSession } from '../test/support/generate.ts'
import { best, median } from './stats.ts'

export const name = 'check'
export const targets: Record<string, string> = {
  ratioCheckToParse: '<= 1.0',
  ratioCheckToParseCpu: '<= 1.0',
  heapPer1kEvents100kVs50k: '~1.0 (linear)',
}

const EVENTS = 100_000
const RUNS = 9


// gc() without requiring node --expose-gc: a clean heap before each timed sample, and retained memory.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/**
 * Best (minimum) and median wall-clock ms, and best CPU ms, of each function. Samples are
 * interleaved (a, b, c, a, b, c, ...) with a gc() before each, so a busy machine or a full heap
 * slows all of them alike; the best sample is the one least disturbed by other processes, the
 * usual figure for a shared machine. CPU time counts this process's threads (GC helpers included).
 */
function timeAll(fns: (() => unknown)[]): { wall: number[]; median: number[]; cpu: number[] } {
  const wall: number[][] = fns.map(() => [])
  const cpu: number[][] = fns.map(() => [])
  for (let i = 0; i < RUNS; i++) {
    fns.forEach((fn, k) => {
      gc()
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      fn()
      wall[k]!.push(performance.now() - t0)
      const c = process.cpuUsage(c0)
      cpu[k]!.push((c.user + c.system) / 1000)
    })
  }
  return { wall: wall.map(best), median: wall.map(median), cpu: cpu.map(best) }
}

/** Heap kept by an incremental checker that was fed the session (its state and findings), in MB. */
function retainedMB(session: Session): number {
  gc()
  const before = process.memoryUsage().heapUsed
  const checker = createChecker()
  for (const e of session.events) checker.push(e)
  gc()
  const after = process.memoryUsage().heapUsed
  checker.counts() // keep the checker alive until measured
  return (after - before) / 2 ** 20
}

export async function run(): Promise<Record<string, number | string>> {
  // Only the file text and its parsed form stay alive, as in the CLI.
  const text = serializeSession(generateSession({ events: EVENTS, seed: 42, plugins: ['Callback', 'SendMessage'] }))
  const parsed = validateSession(JSON.parse(text))

  let kept: unknown // results stay alive during the sample, as a caller's would
  const times = timeAll([
    () => (kept = JSON.parse(text)),
    () => (kept = validateSession(parsed)),
    () => (kept = check(parsed)),
  ])
  void kept
  const [parseMs, validateMs, checkMs] = times.wall as [number, number, number]
  const [parseCpuMs, , checkCpuMs] = times.cpu as [number, number, number]
  const [parseMedianMs, , checkMedianMs] = times.median as [number, number, number]
  const report = check(parsed)

  const half: Session = { ...parsed, events: parsed.events.slice(0, EVENTS / 2) }
  const mb50k = retainedMB(half)
  const mb100k = retainedMB(parsed)

  return {
    events: parsed.events.length,
    fileMB: +(text.length / 2 ** 20).toFixed(1),
    interactions: report.interactions.length,
    findings: report.findings.length,
    parseMs,
    validateMs,
    checkMs,
    eventsPerSecond: Math.round(parsed.events.length / (checkMs / 1000)),
    ratioCheckToParse: checkMs / parseMs,
    parseMedianMs,
    checkMedianMs,
    ratioCheckToParseMedian: checkMedianMs / parseMedianMs,
    parseCpuMs,
    checkCpuMs,
    ratioCheckToParseCpu: checkCpuMs / parseCpuMs,
    heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
    retainedMB50k: mb50k,
    retainedMB100k: mb100k,
    heapPer1kEvents50k: mb50k / 50,
    heapPer1kEvents100k: mb100k / 100,
    heapPer1kEvents100kVs50k: mb100k / 100 / (mb50k / 50),
  }
}
