// Node (npm run bench). The command as a CI job runs it: `cxbus-devtools check FILE` on a generated
// 100 000-event shipped-9.x session, as a whole process (start-up, read, parse, validation, check,
// stories, the report written to a pipe; then with --json), against a bare `node -e JSON.parse(readFileSync(FILE))` of
// the same file. Interleaved rounds in alternating order; each figure is the ratio of the medians with
// the p10–p90 spread of the paired ratios. Wall time from spawn to exit, CPU and peak RSS as the
// process itself reports them on exit (bench/rusage.cjs). Also the start-up alone (`--help`, which
// loads the CLI, against `node -e 0`, the same interleaved way), and the memory an incremental
// checker keeps, which should grow linearly with the session.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'
import { createChecker, createReleasingChecker } from '../src/core/check.ts'
import type { Session, SessionEntry } from '../src/core/model.ts'
import { serializeSession } from '../src/core/session.ts'
import { generateSession } from '../test/support/generate.ts'
import { interleaved, median, paired, ratioText } from './stats.ts'

export const name = 'check'
export const targets: Record<string, string> = {
  ratioWall: '<= 1.5 (whole process, wall)',
  ratioPeakRss: '<= 1.3',
  heapPer1kEvents100kVs50k: '~1.0 (linear)',
}

const EVENTS = 100_000
const ROUNDS = 11
const JSON_ROUNDS = 7

const root = fileURLToPath(new URL('..', import.meta.url))
const preload = fileURLToPath(new URL('./rusage.cjs', import.meta.url))

interface Sample {
  wallMs: number
  cpuMs: number
  peakRssMB: number
  exitCode: number | null
  stdoutBytes: number
}

/** Runs `node -r rusage.cjs ...args` to its exit, its output drained as a CI log would. */
function runProcess(args: string[], usageFile: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['-r', preload, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CXBUS_BENCH_RUSAGE: usageFile },
    })
    let stdoutBytes = 0
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdoutBytes += b.length))
    child.stderr.on('data', (b: Buffer) => (stderr += b))
    child.on('error', reject)
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - t0
      if (stderr) return reject(new Error(`${args.join(' ')}: ${stderr}`))
      const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number }
      resolve({ wallMs, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakRssMB: u.maxRSS / 1024, exitCode, stdoutBytes })
    })
  })
}

// gc() without requiring node --expose-gc: retained memory of the incremental checker.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/**
 * Heap kept by a checker that was fed the session, in MB: the incremental one (its state and
 * findings), or the releasing one `check` runs (only its open interactions).
 */
function retainedMB(session: Session, make: () => { push(e: SessionEntry): unknown } = createChecker): number {
  gc()
  const before = process.memoryUsage().heapUsed
  const checker = make()
  for (const e of session.events) checker.push(e)
  gc()
  const after = process.memoryUsage().heapUsed
  kept = checker // alive until measured
  return (after - before) / 2 ** 20
}
let kept: unknown

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'cxbus-bench-check-'))
  try {
    const session = generateSession({ events: EVENTS, seed: 42, plugins: ['Callback', 'SendMessage'] })
    const file = join(dir, 'bench-100k.session.json')
    const text = serializeSession(session)
    writeFileSync(file, text)
    const usage = join(dir, 'usage.json')
    const cli = ['bin/cxbus-devtools.js', 'check', file]
    const bare = ['-e', 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))', file]
    const runs = await interleaved(ROUNDS, () => runProcess(cli, usage), () => runProcess(bare, usage))
    // --json, the output a CI script reads: streamed too (each interaction's JSON made once it is over).
    const jsonRuns = await interleaved(JSON_ROUNDS, () => runProcess(['bin/cxbus-devtools.js', 'check', '--json', file], usage), () => runProcess(bare, usage))
    const starts = await interleaved(ROUNDS, () => runProcess(['bin/cxbus-devtools.js', '--help'], usage), () => runProcess(['-e', '0'], usage))
    const of = (samples: Sample[], k: keyof Sample): number[] => samples.map((s) => s[k] as number)
    const wall = paired(of(runs.a, 'wallMs'), of(runs.b, 'wallMs'))
    const cpu = paired(of(runs.a, 'cpuMs'), of(runs.b, 'cpuMs'))
    const rss = paired(of(runs.a, 'peakRssMB'), of(runs.b, 'peakRssMB'))

    const half: Session = { ...session, events: session.events.slice(0, EVENTS / 2) }
    const mb50k = retainedMB(half)
    const mb100k = retainedMB(session)
    return {
      events: session.events.length,
      fileMB: +(text.length / 2 ** 20).toFixed(1),
      rounds: ROUNDS,
      reportMB: +(runs.a[0]!.stdoutBytes / 2 ** 20).toFixed(1),
      checkWallMs: Math.round(median(of(runs.a, 'wallMs'))),
      parseWallMs: Math.round(median(of(runs.b, 'wallMs'))),
      ratioWall: +wall.ratio.toFixed(3),
      ratioWallSpread: ratioText(wall),
      checkCpuMs: Math.round(median(of(runs.a, 'cpuMs'))),
      parseCpuMs: Math.round(median(of(runs.b, 'cpuMs'))),
      ratioCpu: +cpu.ratio.toFixed(3),
      ratioCpuSpread: ratioText(cpu),
      checkPeakRssMB: Math.round(median(of(runs.a, 'peakRssMB'))),
      parsePeakRssMB: Math.round(median(of(runs.b, 'peakRssMB'))),
      ratioPeakRss: +rss.ratio.toFixed(3),
      ratioPeakRssSpread: ratioText(rss),
      jsonWallMs: Math.round(median(of(jsonRuns.a, 'wallMs'))),
      jsonRatioWallSpread: ratioText(paired(of(jsonRuns.a, 'wallMs'), of(jsonRuns.b, 'wallMs'))),
      jsonPeakRssMB: Math.round(median(of(jsonRuns.a, 'peakRssMB'))),
      jsonRatioPeakRssSpread: ratioText(paired(of(jsonRuns.a, 'peakRssMB'), of(jsonRuns.b, 'peakRssMB'))),
      jsonOutputMB: +(jsonRuns.a[0]!.stdoutBytes / 2 ** 20).toFixed(1),
      startupMs: Math.round(median(of(starts.a, 'wallMs'))),
      bareNodeStartupMs: Math.round(median(of(starts.b, 'wallMs'))),
      retainedMB50k: +mb50k.toFixed(1),
      retainedMB100k: +mb100k.toFixed(1),
      heapPer1kEvents100kVs50k: +(mb100k / 100 / (mb50k / 50)).toFixed(3),
      releasingRetainedMB100k: +retainedMB(session, createReleasingChecker).toFixed(2),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
