// Node. The `cxbus-devtools` command line: `cxbus-devtools check [--json] [--min-severity LEVEL]
// [--config FILE] FILE...` checks session files with the same core as the panel and prints, per file
// and interaction, a one-line lifecycle and the findings (or JSON). Exit codes: 0 no error finding,
// 1 at least one error finding, 2 usage error or a file that cannot be read or is invalid.
// main(argv, io) never exits the process itself, so tests call it directly.
import { readFile as fsReadFile, stat } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { check } from '../src/core/check.ts'
import { validateCheckOptions } from '../src/core/lifecycle/options.ts'
import type { CheckOptions, Finding, Report, Severity } from '../src/core/model.ts'
import { buildStories, formatSpan, lifecycleSteps, type InteractionStory } from '../src/core/story.ts'
import { countLabel, SEVERITIES } from '../src/core/model.ts'
import { MAX_SESSION_BYTES, parseSession, tooLargeMessage } from '../src/core/session.ts'

export interface CliIO {
  stdout(text: string): void
  stderr(text: string): void
  /** Reads a file as UTF-8; defaults to the file system with a size check before reading. */
  readFile?(path: string): Promise<string>
  /** Width of the terminal; human output wraps to it (default 120). */
  columns?: number
}

/** Human output fits a 120-column terminal unless the terminal says it is narrower or wider. */
export const DEFAULT_COLUMNS = 120

export const EXIT_OK = 0
export const EXIT_FINDINGS = 1
export const EXIT_INVALID = 2

const USAGE = `usage: cxbus-devtools check [--json] [--min-severity error|warning|info] [--config FILE] FILE...

Checks captured session files (*.session.json) against the Callback/SendMessage interaction lifecycle.
  --json                 print {"files":[{"file","interactions","findings":[...]}]} instead of text
  --min-severity LEVEL   print only findings at least this severe (default info); exit code unaffected
  --config FILE          JSON CheckOptions: {"severities":{"rule/id":"error|warning|info|off"},
                         "dispatchToleranceMs":250,"exactToleranceMs":1,"clockToleranceMs":5000}
exit codes: 0 no error finding, 1 an error finding, 2 a file cannot be read or is invalid (or bad usage)
`

async function defaultReadFile(path: string): Promise<string> {
  // Check the size first: a huge file fails with a clear message instead of exhausting memory.
  const info = await stat(path)
  if (!info.isFile()) throw new Error('not a file')
  if (info.size > MAX_SESSION_BYTES) {
    throw new Error(tooLargeMessage(info.size))
  }
  return fsReadFile(path, 'utf8')
}

/** A checked file, or one that could not be read or is not a valid session. */
type FileResult = Checked | { file: string; error: string }
interface Checked {
  file: string
  report: Report
  stories: InteractionStory[]
}

const reasonOf = (err: unknown): string => ((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message)

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const readFile = io.readFile ?? defaultReadFile
  const [command, ...rest] = argv
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE)
    return EXIT_OK
  }
  if (command !== 'check') {
    io.stderr(`cxbus-devtools: ${command === undefined ? 'missing command' : `unknown command "${command}"`}\n${USAGE}`)
    return EXIT_INVALID
  }
  let args: { values: { json?: boolean; 'min-severity'?: string; config?: string; help?: boolean }; positionals: string[] }
  try {
    args = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'min-severity': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    io.stderr(`cxbus-devtools: ${(err as Error).message}\n${USAGE}`)
    return EXIT_INVALID
  }
  if (args.values.help) {
    io.stdout(USAGE)
    return EXIT_OK
  }
  const minSeverity = (args.values['min-severity'] ?? 'info') as Severity
  if (!SEVERITIES.includes(minSeverity)) {
    io.stderr(`cxbus-devtools: --min-severity must be error, warning or info, got "${minSeverity}"\n`)
    return EXIT_INVALID
  }
  if (args.positionals.length === 0) {
    io.stderr(`cxbus-devtools: no session file given\n${USAGE}`)
    return EXIT_INVALID
  }

  let options: CheckOptions = {}
  if (args.values.config !== undefined) {
    try {
      options = validateCheckOptions(JSON.parse(await readFile(args.values.config)))
    } catch (err) {
      io.stderr(`cxbus-devtools: config ${args.values.config}: ${reasonOf(err)}\n`)
      return EXIT_INVALID
    }
  }

  const results: FileResult[] = []
  for (const file of args.positionals) {
    try {
      const session = parseSession(await readFile(file))
      const report = check(session, options)
      results.push({ file, report, stories: buildStories(session.events, report, { source: session.source }) })
    } catch (err) {
      results.push({ file, error: reasonOf(err) })
      io.stderr(`cxbus-devtools: ${file}: ${reasonOf(err)}\n`)
    }
  }

  const rank = SEVERITIES.indexOf(minSeverity)
  const shown = (f: Finding): boolean => SEVERITIES.indexOf(f.severity) <= rank
  if (args.values.json) io.stdout(JSON.stringify({ files: results.map((r) => ('error' in r ? r : jsonFile(r, shown))) }, null, 2) + '\n')
  else for (const r of results) if (!('error' in r)) io.stdout(humanFile(r, shown, io.columns ?? DEFAULT_COLUMNS))

  // An unreadable or invalid file wins over findings: the check is incomplete, whatever it found.
  if (results.some((r) => 'error' in r)) return EXIT_INVALID
  return results.some((r) => 'report' in r && r.report.findings.some((f) => f.severity === 'error')) ? EXIT_FINDINGS : EXIT_OK
}

/**
 * Runs main() as the process: stdout/stderr, exit code. A reader that closes the pipe early
 * (`| head`) is not an error of ours: later writes are dropped, and the exit code still says what
 * was found.
 */
export async function runAsProcess(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
  const write = (stream: NodeJS.WriteStream) => (s: string) => {
    if (!stream.destroyed && stream.writable) stream.write(s)
  }
  const columns = process.stdout.isTTY && process.stdout.columns > 40 ? process.stdout.columns : undefined
  process.exitCode = await main(argv, { stdout: write(process.stdout), stderr: write(process.stderr), ...(columns ? { columns } : {}) })
}

function jsonFile({ file, report, stories }: Checked, shown: (f: Finding) => boolean) {
  return {
    file,
    interactions: report.interactions.map((ia, i) => ({ ...ia, label: stories[i]!.label, sentence: stories[i]!.sentence, summary: stories[i]!.summary })),
    findings: report.findings.filter(shown).map((f) => ({
      rule: f.rule, severity: f.severity, seq: f.seq, interaction: f.interaction, message: f.message,
      expected: f.expected ?? null, actual: f.actual ?? null,
    })),
  }
}

/** `1.2 s` / `845 ms`: the precision a human reads a lifecycle with (src/core/story.ts). */
export const formatDuration = formatSpan

/**
 * Words of `text` on lines of at most `width` columns: the first line starts after `first` columns
 * already used, the next ones with `indent` spaces. A word longer than a line is cut, so no line
 * is ever wider than the terminal.
 */
export function wrap(parts: readonly string[], width: number, first: number, indent: number, sep = ' '): string[] {
  const lines: string[] = []
  let line = ''
  let room = width - first
  for (const part of parts) {
    const piece = line === '' ? part : `${sep}${part}`
    if (line !== '' && line.length + piece.length > room) {
      lines.push(line)
      line = part.trimStart()
      room = width - indent
    } else line += piece
    while (line.length > room) {
      lines.push(line.slice(0, room))
      line = line.slice(room)
      room = width - indent
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line)
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l))
}

function humanFile({ file, report, stories }: Checked, shown: (f: Finding) => boolean, width: number): string {
  const lines: string[] = [file]
  const findings = report.findings.filter(shown)
  const byInteraction = new Map<string | null, Finding[]>()
  for (const f of findings) {
    const list = byInteraction.get(f.interaction)
    if (list) list.push(f)
    else byInteraction.set(f.interaction, [f])
  }
  if (report.interactions.length === 0) lines.push('  no Callback or SendMessage interaction')
  // "Callback #2 · page 3" reads better than the id's random pageLoadId (the JSON keeps the id);
  // numbered like the panel does, so a QA report and the panel name the same interaction alike.
  const labelWidth = Math.max(0, ...stories.map((st) => st.label.length))
  const indent = 2 + labelWidth + 2
  for (const st of stories) {
    const head = `  ${st.label.padEnd(labelWidth)}  `
    const steps = lifecycleSteps(st).map((x, i) => (i === 0 ? x : `-> ${x}`))
    lines.push(head + wrap(steps, width, head.length, indent).join('\n'))
    lines.push(' '.repeat(indent) + wrap(st.sentence.split(' '), width, indent, indent).join('\n'))
    for (const f of byInteraction.get(st.id) ?? []) lines.push(...findingLines(f, width))
  }
  for (const f of byInteraction.get(null) ?? []) lines.push(...findingLines(f, width))
  const count = (s: Severity) => report.findings.filter((f) => f.severity === s).length
  lines.push(`  ${SEVERITIES.map((s) => `${count(s)} ${countLabel(s, count(s))}`).join(', ')}`, '')
  return lines.join('\n') + '\n'
}

/** Shown values are cut: a finding about a huge payload must not print megabytes. */
const MAX_VALUE_CHARS = 200

function shortJson(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value ?? null) ?? 'null'
  } catch {
    text = '[unprintable]'
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text
}

/** `    error   rule/id   seq 4,5  message`, then `(expected …, actual …)`, wrapped under the message. */
function findingLines(f: Finding, width: number): string[] {
  const head = `    ${f.severity.padEnd(7)} ${f.rule.padEnd(24)} seq ${f.seq.join(',')}  `
  const indent = 12
  const words = f.message.split(' ')
  if (f.expected !== undefined || f.actual !== undefined) words.push(`(expected ${shortJson(f.expected)}, actual ${shortJson(f.actual)})`)
  return (head + wrap(words, width, head.length, indent).join('\n')).split('\n')
}

// Run when executed directly (tsx cli/main.ts, node dist/cli/main.js); not when imported by bin/ or tests.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAsProcess(process.argv.slice(2))
}
