// Node. `npm run bench`: runs every benchmark module in bench/, prints its figures and writes them all
// to bench/results.json. Each module exports `name`, `targets` (what the figures are judged against)
// and `run()` returning named figures. Tests never assert timings; this is where they are measured.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'

export interface BenchModule {
  name: string
  /** Human-readable target per figure, e.g. { ratio: '<= 1.0' }. */
  targets: Record<string, string>
  run(): Promise<Record<string, number | string>>
}

const modules: string[] = ['./check.bench.ts', './capture.bench.ts', './panel.bench.ts', './report.bench.ts', './testkit.bench.ts']
const only = process.argv.slice(2)

const resultsFile = new URL('./results.json', import.meta.url)
// `npm run bench -- check` reruns one benchmark: keep the other figures of the last full run.
const previous = only.length && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {}
const results: Record<string, unknown> = {
  ...previous,
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
}
let failed = false
for (const file of modules) {
  let mod: BenchModule
  try {
    mod = (await import(file)) as BenchModule
  } catch (err) {
    console.error(`bench: cannot load ${file}: ${(err as Error).message}`)
    failed = true
    continue
  }
  if (only.length && !only.includes(mod.name)) continue
  console.log(`\n== ${mod.name}`)
  try {
    const figures = await mod.run()
    for (const [k, v] of Object.entries(figures)) {
      const target = mod.targets[k] ? `   (target ${mod.targets[k]})` : ''
      console.log(`  ${k.padEnd(34)} ${typeof v === 'number' ? +v.toFixed(3) : v}${target}`)
    }
    results[mod.name] = { figures, targets: mod.targets }
  } catch (err) {
    console.error(`bench ${mod.name} failed: ${(err as Error).stack}`)
    results[mod.name] = { error: String(err) }
    failed = true
  }
}
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n')
console.log('\nwritten bench/results.json')
process.exit(failed ? 1 : 0)
