// Node. The `cxbus-devtools` command line:
// - `cxbus-devtools check [--json | --format text|json|markdown] [--min-severity LEVEL] [--config FILE]
//   [--require PATH,...] FILE...` checks session files (or QA reports, which embed theirs) with the same
//   core as the panel and prints, per file and interaction, a one-line lifecycle and the findings, then
//   the scenario coverage (or JSON, or the Markdown summary for a ticket);
// - `cxbus-devtools report FILE... [-o report.html]` writes the one-file HTML QA report.
// Exit codes: 0 no error finding, 1 an error finding or a required path missing, 2 usage error or a
// file that cannot be read or is invalid. main(argv, io) never exits the process, so tests call it.
import { isAscii } from 'node:buffer'
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { mkdir, open, readFile as fsReadFile, stat, writeFile as fsWriteFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DEFAULT_PATHS, unknownRequired, type Coverage, type CoveragePath } from '../src/core/coverage.ts'
import type { CheckOptions, Finding, Interaction, Report, Session, SessionEntry, Severity } from '../src/core/model.ts'
import { formatSpan, lifecycleSteps, type InteractionStory } from '../src/core/story.ts'
import { countLabel, SEVERITIES } from '../src/core/model.ts'
import { escapeControls, escapeLine } from '../src/core/controls.ts'
import { extractEmbeddedOptions } from '../src/core/embed.ts'
import { MAX_SESSION_BYTES, parseJson, tooLargeMessage } from '../src/core/session.ts'
import { GapScan, gapReorder } from '../src/core/lanes.ts'
import { sessionSlices, type ByteSource, type SessionHead, type TextSource } from '../src/core/sessionSlices.ts'
import { checkConfigOf, checkOptionsText, countsText, coverageText, createSessionAnalyzer, createStreamedCheck, lossText, settingsOf, verdictText, type CheckSettings, type QaAnalysis, type QaSummary } from '../src/report/analyze.ts'
import { markdownSummary } from '../src/report/markdown.ts'
import { TOOL_VERSION } from '../src/report/version.ts'

export interface CliIO {
  stdout(text: string): void
  stderr(text: string): void
  /** Reads a file as UTF-8; defaults to the file system with a size check before reading. */
  readFile?(path: string): Promise<string>
  /** Writes a file (the report); defaults to the file system. */
  writeFile?(path: string, text: string): Promise<void>
  /** Current time (ms): when a report says it was made. */
  now?(): number
  /** Width of the terminal; human output wraps to it (default 120). */
  columns?: number
}

/** Human output fits a 120-column terminal unless the terminal says it is narrower or wider. */
export const DEFAULT_COLUMNS = 120

export const EXIT_OK = 0
export const EXIT_FINDINGS = 1
export const EXIT_INVALID = 2

const USAGE = `usage: cxbus-devtools --version
       cxbus-devtools check [--json | --format text|json|markdown] [--min-severity LEVEL]
                          [--config FILE] [--require PATH,...] FILE...
       cxbus-devtools report [--config FILE] [--require PATH,...] [-o OUT.html] FILE...

check: checks session files (*.session.json, or QA reports *.html) against the Callback/SendMessage
interaction lifecycle, and which lifecycle paths the session covered.
  --json                 print {"files":[{"file","interactions","findings","coverage"}]} (= --format json)
  --format markdown      print a short Markdown summary per file, for a ticket
  --min-severity LEVEL   print only findings at least this severe, and (above info) only the interactions
                         that have one (default info); exit code unaffected
  --config FILE          JSON: {"severities":{"rule/id":"error|warning|info|off"},"dispatchToleranceMs":250,
                         "exactToleranceMs":1,"clockToleranceMs":5000,"coverage":[paths],"require":[ids]}
  --require PATH,...     exit 1 when a file does not cover these paths (e.g. Callback/failed-retry,page-left)
report: writes one self-contained HTML QA report per file (FILE.report.html, numbered FILE-2.report.html
when an input or another report has that name; or -o OUT: a file for one
input, a directory for several); it embeds the session, so check and the panel's Import accept it.
exit codes: 0 no error finding, 1 an error finding or a required path missing (check),
            2 a file cannot be read or is invalid, or bad usage
`

/** Check the size first: a huge file fails with a clear message instead of exhausting memory. */
async function checkSize(path: string): Promise<void> {
  const info = await stat(path)
  if (!info.isFile()) throw new Error('not a file')
  if (info.size > MAX_SESSION_BYTES) {
    throw new Error(tooLargeMessage(info.size))
  }
}

async function defaultReadFile(path: string): Promise<string> {
  await checkSize(path)
  return fsReadFile(path, 'utf8')
}

/**
 * A session file read 1 MB at a time as src/core/sessionSlices.ts parses it: the text is never
 * whole in memory (a 100 000-event file is 57 MB of text), and it is cut in its bytes, each slice
 * decoded once.
 */
async function openBytes(path: string): Promise<ByteSource> {
  await checkSize(path)
  return bytesOf(path)
}

/** The bytes of a file whose size was checked, from its start (openBytes; read again by analyzeSlices). */
function bytesOf(path: string): ByteSource {
  const fd = openSync(path, 'r')
  let open = true
  return {
    readBytes(buffer, offset, length) {
      if (!open) return 0
      const n = readSync(fd, buffer, offset, length, null)
      if (n === 0) {
        open = false
        closeSync(fd)
      }
      return n
    },
    // Pure ASCII (what an export is, unless its data has other characters) is copied, not decoded: several times faster.
    decode: (buffer, from, to) => (buffer as Buffer).toString(isAscii((buffer as Buffer).subarray(from, to)) ? 'latin1' : 'utf8', from, to),
    indexOf: (buffer, pattern, from, to) => (buffer as Buffer).subarray(0, to).indexOf(pattern, from),
    alloc: (size) => Buffer.allocUnsafeSlow(size),
    whole: () => readFileSync(path, 'utf8'),
  }
}

/** A checked file (its analysis, or for the text output only its text view), or one that could not be read or is not a valid session. */
type FileResult = Checked | { file: string; view: TextView } | { file: string; json: JsonView } | { file: string; error: string }
interface Checked {
  file: string
  session: Session
  report: Report
  stories: InteractionStory[]
  analysis: QaAnalysis
  /** Where check options other than the defaults came from ("--config FILE", "the report (embedded)"). */
  optionsFrom?: string | undefined
}

const reasonOf = (err: unknown): string => ((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message)

/** The text `check` prints for one file (also the test kit's expectNoErrors message). */
export function checkText(file: string, analysis: QaAnalysis, columns = DEFAULT_COLUMNS): string {
  let text = ''
  humanFile(textView(file, analysis, () => true, columns), columns, (t) => {
    text += t
  })
  return escapeControls(text)
}

/**
 * What failed, for a test's failure message (the test kit's expectNoErrors): `check --min-severity error`'s
 * text, with the coverage table only when a required path is missing (else its one summary line), so the
 * error is not buried under 25 lines of paths.
 */
export function failureText(file: string, analysis: QaAnalysis, columns = DEFAULT_COLUMNS): string {
  let text = ''
  humanFile(textView(file, analysis, (f) => f.severity === 'error', columns), columns, (t) => {
    text += t
  }, true, analysis.missing.length > 0)
  return escapeControls(text)
}

async function loadSettings(config: string | undefined, require: readonly string[], readFile: (p: string) => Promise<string>): Promise<CheckSettings> {
  let settings: CheckSettings = { options: {}, paths: [...DEFAULT_PATHS], require: [] }
  if (config !== undefined) {
    try {
      settings = settingsOf(parseJson(await readFile(config)))
    } catch (err) {
      throw new UsageError(`config ${config}: ${reasonOf(err)}`)
    }
  }
  return withRequired(settings, require)
}

/** `settings` with the paths of the --require options added (checked against its paths). */
function withRequired(settings: CheckSettings, require: readonly string[]): CheckSettings {
  // Repeated --require options add up (a later one never drops an earlier one's paths).
  if (require.length > 0) {
    const list = require.flatMap((r) => r.split(',')).map((x) => x.trim()).filter((x) => x !== '')
    if (list.length === 0) throw new UsageError(`--require: no path given (known: ${knownPaths(settings.paths)})`)
    const unknown = unknownRequired(settings.paths, list)
    if (unknown.length) throw new UsageError(`--require: unknown path ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${knownPaths(settings.paths)})`)
    settings.require = [...new Set([...settings.require, ...list])]
  }
  return settings
}

class UsageError extends Error {}

/** "untouched, failed-retry (Callback only), ...; each also as Callback/ID or SendMessage/ID": what --require accepts. */
function knownPaths(paths: readonly CoveragePath[]): string {
  const one = (p: CoveragePath): string => (p.plugins && p.plugins.length === 1 ? `${p.id} (${p.plugins[0]} only)` : p.id)
  return `${paths.map(one).join(', ')}; each also as PLUGIN/ID for one plugin, e.g. ${paths[0] ? `Callback/${paths[0].id}` : 'Callback/ID'}`
}


export async function main(argv: readonly string[], rawIO: CliIO): Promise<number> {
  const io: CliIO = { ...rawIO, stdout: (t) => rawIO.stdout(escapeControls(t)), stderr: (t) => rawIO.stderr(escapeControls(t)) }
  const readFile = io.readFile ?? defaultReadFile
  const [command, ...rest] = argv
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE)
    return EXIT_OK
  }
  if (command === '--version' || command === '-V') {
    io.stdout(`cxbus-devtools ${TOOL_VERSION}\n`)
    return EXIT_OK
  }
  if (command !== 'check' && command !== 'report') {
    io.stderr(`cxbus-devtools: ${command === undefined ? 'missing command' : `unknown command "${command}"`}\n${USAGE}`)
    return EXIT_INVALID
  }
  type Values = { json?: boolean; format?: string; 'min-severity'?: string; config?: string; require?: string[]; output?: string; help?: boolean }
  let args: { values: Values; positionals: string[] }
  try {
    args = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        require: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        ...(command === 'check'
          ? { json: { type: 'boolean' }, format: { type: 'string' }, 'min-severity': { type: 'string' } }
          : { output: { type: 'string', short: 'o' } }),
      },
    }) as { values: Values; positionals: string[] }
  } catch (err) {
    io.stderr(`cxbus-devtools: ${(err as Error).message}\n${USAGE}`)
    return EXIT_INVALID
  }
  if (args.values.help) {
    io.stdout(USAGE)
    return EXIT_OK
  }
  const format = args.values.json ? 'json' : (args.values.format ?? 'text')
  if (args.values.json && args.values.format !== undefined && args.values.format !== 'json') {
    io.stderr(`cxbus-devtools: --json and --format ${args.values.format} conflict (--json is --format json): give one\n`)
    return EXIT_INVALID
  }
  if (!['text', 'json', 'markdown'].includes(format)) {
    io.stderr(`cxbus-devtools: --format must be text, json or markdown (--json is --format json), got "${args.values.format}"\n`)
    return EXIT_INVALID
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

  const output = args.values.output
  if (output !== undefined && /\.html?$/i.test(output) && args.positionals.length > 1) {
    io.stderr(`cxbus-devtools: -o ${output} names one file, but ${args.positionals.length} files were given: give -o a directory, or one file\n`)
    return EXIT_INVALID
  }

  let settings: CheckSettings
  try {
    settings = await loadSettings(args.values.config, args.values.require ?? [], readFile)
  } catch (err) {
    io.stderr(`cxbus-devtools: ${(err as Error).message}\n`)
    return EXIT_INVALID
  }

  const results: FileResult[] = []
  // The HTML report embeds the session and the Markdown summary names the entries notes are on;
  // the other outputs need no entry once it is analysed.
  const keepEvents = command === 'report' || format === 'markdown'
  const rank = SEVERITIES.indexOf(minSeverity)
  const shown = (f: Finding): boolean => SEVERITIES.indexOf(f.severity) <= rank
  const width = io.columns ?? DEFAULT_COLUMNS
  for (const file of args.positionals) {
    try {
      let source: string | ByteSource = io.readFile ? await io.readFile(file) : await openBytes(file)
      let fileSettings = settings
      let optionsFrom = args.values.config === undefined ? undefined : `--config ${args.values.config}`
      // A report made with check options carries them: without --config, check it (or make its report again) with them too.
      if (optionsFrom === undefined && /\.html?$/i.test(file)) {
        const text = typeof source === 'string' ? source : source.whole()
        const embedded = extractEmbeddedOptions(text)
        if (embedded !== null) {
          fileSettings = withRequired(settingsOf(parseJson(embedded)), args.values.require ?? [])
          optionsFrom = 'the report (embedded)'
        }
        source = text
      }
      const text = source
      const again = (): string | ByteSource => (typeof text === 'string' ? text : bytesOf(file))
      if (command === 'check' && format === 'text') results.push({ file, view: { ...checkStreamed(file, source, again, fileSettings, shown, width), optionsFrom } })
      else if (command === 'check' && format === 'json') results.push({ file, json: { ...checkStreamedJson(file, source, again, fileSettings, shown), optionsFrom } })
      else {
        const a = analyzeText(source, again, fileSettings, keepEvents)
        results.push({ file, session: a.session, report: a.report, stories: a.stories, analysis: a, optionsFrom })
      }
    } catch (err) {
      results.push({ file, error: reasonOf(err) })
      io.stderr(`cxbus-devtools: ${escapeLine(file)}: ${escapeLine(reasonOf(err))}\n`)
    }
  }
  if (command === 'report') return writeReports(results, args.values.output, io)

  for (const r of results) {
    if ('error' in r) continue
    // Asked for errors (or warnings) only: the interactions without one are counted, not printed.
    if ('view' in r) humanFile(r.view, width, io.stdout, minSeverity !== 'info')
    else if ('analysis' in r) io.stdout(markdownSummary(r.analysis, r.file, r.optionsFrom) + '\n')
  }
  if (format === 'text' && results.length > 1) io.stdout(filesSummary(results) + '\n')
  if (format === 'json') writeJson(results, io.stdout)

  // An unreadable or invalid file wins over findings: the check is incomplete, whatever it found.
  if (results.some((r) => 'error' in r)) return EXIT_INVALID
  const failed = (s: QaSummary): boolean => s.counts.error > 0 || s.missing.length > 0
  return results.some((r) => 'error' in r || failed(summaryOf(r))) ? EXIT_FINDINGS : EXIT_OK
}

/** The last line of a text check of several files: "18 files: 1 failed, 1 passed with warnings, 0 passed, 16 invalid (see above: a.json, b.json)". */
function filesSummary(results: readonly FileResult[]): string {
  const n = { fail: 0, warn: 0, pass: 0 }
  const invalid: string[] = []
  for (const r of results) {
    if ('error' in r) invalid.push(r.file)
    else n[summaryOf(r).verdict]++
  }
  const bad = invalid.length ? ` (see above: ${invalid.map(escapeLine).join(', ')})` : ''
  return `${results.length} files: ${n.fail} failed, ${n.warn} passed with warnings, ${n.pass} passed, ${invalid.length} invalid${bad}`
}

/**
 * Checks and analyses a session slice by slice as it is parsed (src/core/sessionSlices.ts): what is
 * kept is per interaction (its story, its findings), not the entries, unless `keepEvents`.
 */
function analyzeText(text: TextSource | ByteSource | string, again: () => TextSource | ByteSource | string, settings: CheckSettings, keepEvents: boolean): QaAnalysis {
  return analyzeSlices(text, again, () => createSessionAnalyzer({ options: settings.options, paths: settings.paths, require: settings.require, keepEvents }))
}

/**
 * The text output's analysis (`check` without --format): each interaction is made into its lines
 * of text as soon as it is over and the rest of it dropped, so what outlives the stream is text.
 */
function checkStreamed(file: string, text: TextSource | ByteSource | string, again: () => TextSource | ByteSource | string, settings: CheckSettings, shown: (f: Finding) => boolean, width: number): TextView {
  const o = { options: settings.options, paths: settings.paths, require: settings.require }
  const a = analyzeSlices(text, again, () => createStreamedCheck(o, (story, findings) => textBlock(story, findings.filter(shown), width)))
  return { ...a, file, blocks: a.interactions, unattached: findingLines(a.unattached.filter(shown), width) }
}

/**
 * Slices of 64 KB: a slice's text is then an ordinary young string (V8 puts strings over 128 KB in
 * a space of their own, each on fresh pages) and far below the size (about 1 MB) from which Node
 * makes a string decoded from a Buffer an external one, whose memory lives outside the heap until
 * a collection finds it (peak RSS +30 MB). Measured (15 interleaved runs): 512 KB 784 ms, 64 KB 759 ms.
 */
const SLICE_BYTES = 1 << 16

/**
 * Pushes the slices of a session into an analyzer made by `make` (again when the text had to be
 * parsed again as a whole). A store-full `dropped` marker comes after the entries that evicted
 * what it counts: when one is a gap before entries already pushed (lanes.ts gapOrder), the text
 * (`again`: read from its start) is analysed a second time with each such marker where its gap is.
 */
function analyzeSlices<R>(text: TextSource | ByteSource | string, again: () => TextSource | ByteSource | string, make: () => { push(e: SessionEntry): void; finish(head: SessionHead): R }): R {
  let analyzer = make()
  let scan = new GapScan()
  let pushed = false
  const it = sessionSlices(text, SLICE_BYTES)
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) {
      if (scan.moved.length === 0) return analyzer.finish(r.value)
      break
    }
    // A slice from 0 after others: the text was parsed again as a whole; start over.
    if (r.value.from === 0 && pushed) {
      analyzer = make()
      scan = new GapScan()
    }
    for (const e of r.value.entries) {
      scan.push(e)
      analyzer.push(e)
    }
    pushed = true
  }
  let reorder = gapReorder(scan.moved)
  const ordered: SessionEntry[] = []
  const second = sessionSlices(again(), SLICE_BYTES)
  for (let r = second.next(); ; r = second.next()) {
    if (r.done) return analyzer.finish(r.value)
    if (r.value.from === 0) {
      analyzer = make()
      reorder = gapReorder(scan.moved)
    }
    for (const e of r.value.entries) reorder(e, ordered)
    for (const e of ordered) analyzer.push(e)
    ordered.length = 0
  }
}

/**
 * "x.session.json" -> "x.report.html" beside it (a report given as input, "x.report.html", gives the
 * same name); `n` > 1 numbers it, "x-2.report.html", for a name an input or an earlier report has.
 */
export function reportPathFor(file: string, n = 1): string {
  const name = basename(file).replace(/(\.session)?\.json$/i, '').replace(/(\.report)?\.html?$/i, '')
  return join(dirname(file), `${name}${n > 1 ? `-${n}` : ''}.report.html`)
}

/** The names of a file, any of which another path may share: a link (symbolic or hard) or another spelling of an input's path is that input. */
function names(path: string): string[] {
  const out = [resolve(path)]
  // As the OS finds it, and as written without its `..` (through a folder not made yet, the OS finds nothing
  // but the write, after the folder is made, lands on the file the spelled-out path names).
  for (const p of [path, resolve(path)]) {
    try {
      const { dev, ino } = statSync(p)
      out.push(`${dev}:${ino}`)
    } catch {
      // not on disk (yet)
    }
  }
  return out
}

/** How a report made by any of our tools starts its head (src/report/html.tsx): what `report` writes over again. */
const REPORT_GENERATOR = '<meta name="generator" content="cxbus-devtools '

/** The first 4 KB of a file, as text: a report's head. */
async function readHead(path: string): Promise<string> {
  const file = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4096), 0, 4096, 0)
    return buffer.toString('utf8', 0, bytesRead)
  } finally {
    await file.close()
  }
}

async function writeReports(results: FileResult[], output: string | undefined, io: CliIO): Promise<number> {
  const writeFile = io.writeFile ?? ((p: string, t: string) => fsWriteFile(p, t, 'utf8'))
  // -o names a directory for several inputs (made if missing), for one an existing directory or a
  // path ending in a slash (made if missing).
  const intoDir = output !== undefined && (results.length > 1 || /[\\/]$/.test(output) || (await stat(output).then((s) => s.isDirectory(), () => false)))
  if (intoDir && !io.writeFile) {
    try {
      await mkdir(output, { recursive: true })
    } catch (err) {
      io.stderr(`cxbus-devtools: cannot make the directory ${output}: ${reasonOf(err)}\n`)
      return EXIT_INVALID
    }
  }
  // Loaded only here: `check`, what a CI job runs, does not load the HTML report's code (Preact).
  const { renderReportHtml } = await import('../src/report/html.tsx')
  let code: number = results.some((r) => 'error' in r) ? EXIT_INVALID : EXIT_OK
  // No report overwrites an input or another report of this run: such a name is numbered.
  // A report made from a report is numbered past every existing file too: the numbered names may
  // be earlier reports (a session's own report is made again in place, as before).
  const taken = new Set(results.flatMap((r) => names(r.file)))
  // A report of this run is named by its path (once written, by its inode too).
  const isTaken = (path: string): boolean => names(path).some((n) => taken.has(n))
  const exists = (path: string): Promise<boolean> => (io.readFile ? io.readFile(path) : stat(path)).then(() => true, () => false)
  // A name is written again only over a report (an earlier run's, made again in place): any other file there is kept.
  const ourReportOrFree = (path: string): Promise<boolean> =>
    (io.readFile ? io.readFile(path) : readHead(path)).then((text) => text.includes(REPORT_GENERATOR), () => true)
  const place = (file: string, n: number): string => (intoDir ? join(output as string, basename(reportPathFor(file, n))) : reportPathFor(file, n))
  for (const r of results) {
    if (!('analysis' in r)) continue
    let out = output as string
    if (output !== undefined && !intoDir && isTaken(output)) {
      io.stderr(`cxbus-devtools: -o ${escapeLine(output)} is an input: a report never overwrites one (give another name)\n`)
      code = EXIT_INVALID
      continue
    }
    if (output === undefined || intoDir) {
      const fromReport = /\.html?$/i.test(r.file)
      let n = 1
      while (isTaken(place(r.file, n)) || (fromReport && (await exists(place(r.file, n)))) || !(await ourReportOrFree(place(r.file, n)))) n++
      out = place(r.file, n)
      taken.add(resolve(out))
    }
    const html = renderReportHtml(r.analysis, { generatedAt: (io.now ?? Date.now)(), generator: `cxbus-devtools ${TOOL_VERSION} (command line)`, fileName: basename(r.file) })
    try {
      // -o dir/x.html in a directory not made yet: made, as a directory -o is.
      if (!io.writeFile) await mkdir(dirname(out), { recursive: true })
      await writeFile(out, html)
    } catch (err) {
      io.stderr(`cxbus-devtools: cannot write ${escapeLine(out)}: ${escapeLine(reasonOf(err))}\n`)
      code = EXIT_INVALID
      continue
    }
    const a = r.analysis
    const missing = a.missing.length ? `; required but missing: ${a.missing.join(', ')}` : ''
    const loss = escapeLine(lossText(a.lost))
    io.stdout(`${escapeLine(out)} (from ${escapeLine(r.file)}): ${verdictText(a.verdict)}, ${countsText(a.counts)}, ${coverageText(a.coverage)}${missing}${loss ? `; ${loss}` : ''} (${Math.ceil(html.length / 1024)} KB)\n`)
  }
  return code
}

/**
 * Runs main() as the process: stdout/stderr, exit code. A reader that closes the pipe early
 * (`| head`) is not an error of ours: later writes are dropped, and the exit code still says what
 * was found.
 */
export async function runAsProcess(argv: readonly string[]): Promise<void> {
  // A closed pipe is the reader's choice; any other failure (a full disk) means the output is lost,
  // which a CI job must see: exit 2, not a pass with an empty results file.
  let lost: Error | null = null
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') lost ??= err
  })
  process.stderr.on('error', () => {})
  // A pipe's writes block (the reader takes each piece while the next is made) instead of queueing
  // a long report to be written after the check, when the process would wait for it.
  ;(process.stdout as unknown as { _handle?: { setBlocking?(on: boolean): void } })._handle?.setBlocking?.(true)
  const write = (stream: NodeJS.WriteStream) => (s: string) => {
    if (!stream.destroyed && stream.writable) stream.write(s)
  }
  const columns = process.stdout.isTTY && process.stdout.columns > 40 ? process.stdout.columns : undefined
  process.exitCode = await main(argv, { stdout: write(process.stdout), stderr: write(process.stderr), ...(columns ? { columns } : {}) })
  await new Promise((r) => setImmediate(r)) // a failed write reports its error in a later tick
  if (lost) {
    process.stderr.write(`cxbus-devtools: cannot write the output: ${(lost as Error).message}\n`)
    process.exitCode = EXIT_INVALID
  }
}

/** What a file's check says, whichever output it was made for. */
const summaryOf = (r: Exclude<FileResult, { error: string }>): QaSummary => ('view' in r ? r.view : 'json' in r ? r.json : r.analysis)

/** One file of the --json output, made while the entries stream by (checkStreamedJson). */
interface JsonView extends QaSummary {
  file: string
  optionsFrom?: string | undefined
  /** Each interaction's JSON, cut where its label goes (known only at the end). */
  interactions: [before: string, after: string][]
  labels: string[]
  /** The shown findings, in report order. */
  findings: Finding[]
}

/**
 * The --json output's analysis: as checkStreamed, each interaction is made into its JSON text as soon
 * as it is over and the rest of it dropped; the shown findings are kept as they are, in report order.
 */
function checkStreamedJson(file: string, text: TextSource | ByteSource | string, again: () => TextSource | ByteSource | string, settings: CheckSettings, shown: (f: Finding) => boolean): JsonView {
  const o = { options: settings.options, paths: settings.paths, require: settings.require }
  const a = analyzeSlices(text, again, () => createStreamedCheck(o, (story, _findings, ia) => interactionJson(ia, story), shown))
  return { ...a, file }
}

/** Indents every line of a JSON text by `n` spaces (JSON strings hold no raw line break). */
const indent = (text: string, n: number): string => {
  const pad = ' '.repeat(n)
  return pad + text.replaceAll('\n', `\n${pad}`)
}

/** Depth of an interaction and of a finding in the --json output: {"files": [{"interactions": [HERE]}]}. */
const ITEM_INDENT = 8

/**
 * An interaction as --json gives it, {...Interaction, label, sentence, summary}, without its label: the
 * text before it and after it, indented for its place when written (kept unindented: 40% smaller).
 */
function interactionJson(ia: Interaction, story: InteractionStory): [string, string] {
  const before = JSON.stringify(ia, null, 2)
  return [before.slice(0, before.lastIndexOf('\n')), JSON.stringify({ sentence: story.sentence, summary: story.summary }, null, 2).slice(1)]
}

/**
 * Writes JSON.stringify({files}, null, 2) of the checked files in pieces of about FLUSH_LINES items:
 * the interactions' and findings' texts made while the file streamed by, the rest around them.
 */
function writeJson(results: readonly FileResult[], write: (text: string) => void): void {
  let out = '{\n  "files": [\n'
  const array = (items: number, item: (i: number) => string): void => {
    if (items === 0) {
      out += '[]'
      return
    }
    out += '[\n'
    for (let i = 0; i < items; i++) {
      out += (i > 0 ? ',\n' : '') + item(i)
      if (i % FLUSH_LINES === FLUSH_LINES - 1) {
        write(out)
        out = ''
      }
    }
    out += `\n${' '.repeat(ITEM_INDENT - 2)}]`
  }
  results.forEach((r, i) => {
    if (i > 0) out += ',\n'
    if (!('json' in r)) {
      out += indent(JSON.stringify(r, null, 2), 4)
      return
    }
    const v = r.json
    const head = JSON.stringify({ file: v.file, options: checkConfigOf(v), optionsFrom: v.optionsFrom ?? null }, null, 2)
    out += `${indent(head.slice(0, head.lastIndexOf('\n')), 4)},\n      "interactions": `
    array(v.interactions.length, (k) => {
      const [before, after] = v.interactions[k] as [string, string]
      return indent(`${before},\n  "label": ${JSON.stringify(v.labels[k])},${after}`, ITEM_INDENT)
    })
    out += ',\n      "findings": '
    array(v.findings.length, (k) => {
      const f = v.findings[k] as Finding
      const shown = { rule: f.rule, severity: f.severity, seq: f.seq, interaction: f.interaction, message: f.message, expected: f.expected ?? null, actual: f.actual ?? null }
      return indent(JSON.stringify(shown, null, 2), ITEM_INDENT)
    })
    const { coverage, required, missing, notes } = v
    const paths = coverage.items.map((c) => ({ id: c.id, label: c.label, status: c.status, interactions: c.interactions }))
    const tail = JSON.stringify({ coverage: { covered: coverage.covered, applicable: coverage.applicable, required, missing, paths }, notes }, null, 2)
    out += `,${indent(tail.slice(1), 4).slice(4)}`
  })
  write(`${out}\n  ]\n}\n`)
}

/** `1.2 s` / `845 ms`: the precision a human reads a lifecycle with (src/core/story.ts). */
export const formatDuration = formatSpan

/**
 * Words of `text` on lines of at most `width` columns: the first line starts after `first` columns
 * already used, the next ones with `indent` spaces. A word longer than a line is cut, so no line
 * is ever wider than the terminal.
 */
export function wrap(parts: readonly string[], width: number, first: number, indent: number, sep = ' '): string[] {
  // Most lines fit: one join instead of a word-by-word pass (a 100 000-event report has 100 000 lines).
  if (parts[0] !== '') {
    const whole = parts.join(sep)
    if (whole.length <= width - first) return [whole]
  }
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

/**
 * wrap(text.split(' '), width, first, indent).join('\n'), where only the spaces up to index `limit`
 * separate words (the rest of the text is one word), without splitting the text into words: a line is always
 * a piece of the text, so it is cut out once (a 100 000-event report wraps some 40 000 texts).
 */
export function wrapText(text: string, width: number, first: number, indent: number, limit = text.length): string {
  if (text.length <= width - first && text.charCodeAt(0) !== 0x20) return text
  let out = ''
  let lines = 0
  const pad = ' '.repeat(indent)
  const push = (line: string): void => {
    out = lines++ === 0 ? line : `${out}\n${pad}${line}`
  }
  // The line is text[a, b); a === b: empty.
  let a = 0
  let b = 0
  let room = width - first
  for (let pos = 0; pos <= text.length; ) {
    let end = text.indexOf(' ', pos)
    if (end < 0 || end > limit) end = text.length
    if (a === b) {
      a = pos
      b = end
    } else if (b - a + 1 + (end - pos) > room) {
      push(text.slice(a, b))
      a = pos
      while (a < end && isSpace(text.charCodeAt(a))) a++ // part.trimStart()
      b = end
      room = width - indent
    } else b = end
    while (b - a > room) {
      push(text.slice(a, a + room))
      a += room
      room = width - indent
    }
    pos = end + 1
  }
  if (a !== b || lines === 0) push(text.slice(a, b))
  return out
}

/** What String.prototype.trimStart removes (the white space and line terminators of JavaScript). */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

/**
 * One interaction as `check` prints it, without its label (whose width is the longest label's, known
 * at the end): its lifecycle steps joined by " -> " (STEP_SEP: they wrap as units; no step label
 * holds it, they are the profiles' names), its sentence and the lines of its shown findings ('' for
 * none). Flat strings: this is what a long check keeps per interaction.
 */
export interface TextBlock {
  steps: string
  sentence: string
  findings: string
}

export function textBlock(story: InteractionStory, findings: readonly Finding[], width: number): TextBlock {
  // Escaped before they are laid out: an escape is 6 columns wide.
  return { steps: escapeLine(lifecycleSteps(story).join(STEP_SEP)), sentence: escapeLine(story.sentence), findings: findingLines(findings, width) }
}

const STEP_SEP = ' -> '

/** The steps as wrap() takes them: "opened +0 ms", "-> started +1.0 s", ... */
const stepParts = (steps: string): string[] => (steps === '' ? [] : steps.split(STEP_SEP).map((x, i) => (i === 0 ? x : `-> ${x}`)))

const findingLines = (findings: readonly Finding[], width: number): string => findings.map((f) => findingText(f, width)).join('\n')

/** What the text output of one file is made of. */
interface TextView extends QaSummary {
  file: string
  /** By interaction, in the report's order, with their labels and ids. */
  blocks: TextBlock[]
  labels: string[]
  ids: string[]
  /** Lines of the shown findings of no interaction ('' for none). */
  unattached: string
  optionsFrom?: string | undefined
}

/** The text view of a whole analysis (checkText): what checkStreamed makes while the entries stream by. */
function textView(file: string, a: QaAnalysis, shown: (f: Finding) => boolean, width: number): TextView {
  const byInteraction = new Map<string | null, Finding[]>()
  for (const f of a.report.findings) {
    if (!shown(f)) continue
    const list = byInteraction.get(f.interaction)
    if (list) list.push(f)
    else byInteraction.set(f.interaction, [f])
  }
  return {
    ...a,
    file,
    blocks: a.stories.map((st) => textBlock(st, byInteraction.get(st.id) ?? [], width)),
    labels: a.stories.map((st) => st.label),
    ids: a.stories.map((st) => st.id),
    unattached: findingLines(byInteraction.get(null) ?? [], width),
  }
}

/**
 * Writes the report of one file in pieces of about FLUSH_LINES lines: a 100 000-event file's report is
 * megabytes. `onlyWithFindings`: interactions without a shown finding are left out and counted.
 */
function humanFile(v: TextView, width: number, write: (text: string) => void, onlyWithFindings = false, coverageTable = true): void {
  const lines: string[] = [escapeLine(v.file)]
  const options = checkOptionsText(v)
  if (options.length) lines.push('  ' + wrapText(escapeLine(`check options${v.optionsFrom ? ` from ${v.optionsFrom}` : ''}: ${options.join('; ')}`), width, 2, 4))
  const flush = (): void => {
    write(lines.join('\n') + '\n')
    lines.length = 0
  }
  if (v.blocks.length === 0) lines.push('  no Callback or SendMessage interaction')
  // "Callback #2 · page 3" reads better than the id's random pageLoadId (the JSON keeps the id);
  // numbered like the panel does, so a QA report and the panel name the same interaction alike.
  let labelWidth = 0
  for (const label of v.labels) labelWidth = Math.max(labelWidth, label.length)
  const indent = 2 + labelWidth + 2
  const pad = ' '.repeat(indent)
  let left = 0
  for (let i = 0; i < v.blocks.length; i++) {
    const b = v.blocks[i] as TextBlock
    if (onlyWithFindings && b.findings === '') {
      left++
      continue
    }
    const head = `  ${(v.labels[i] as string).padEnd(labelWidth)}  `
    // wrap() of the steps, without cutting them into parts when they fit (most do).
    lines.push(head + (b.steps.length <= width - head.length ? b.steps : wrap(stepParts(b.steps), width, head.length, indent).join('\n')))
    lines.push(pad + wrapText(b.sentence, width, indent, indent))
    if (b.findings !== '') lines.push(b.findings)
    if (lines.length >= FLUSH_LINES) flush()
  }
  if (left > 0) lines.push(`  ${left} ${left === 1 ? 'interaction' : 'interactions'} without a finding at this severity not shown (all with --min-severity info)`)
  if (v.unattached !== '') lines.push(v.unattached)
  lines.push(`  ${SEVERITIES.map((s) => `${v.counts[s]} ${countLabel(s, v.counts[s])}`).join(', ')}`)
  const loss = escapeLine(lossText(v.lost))
  if (loss !== '') lines.push('  ' + wrapText(loss, width, 2, 2))
  // The labels of the interactions the coverage table names (at most 4 per path), found in one pass.
  const labels = new Map<string, string>()
  for (const c of v.coverage.items) for (const id of c.interactions.slice(0, 4)) labels.set(id, id)
  for (let i = v.ids.length - 1; i >= 0; i--) if (labels.has(v.ids[i] as string)) labels.set(v.ids[i] as string, v.labels[i] as string)
  lines.push(...coverageLines(v.coverage, v.missing, (id) => labels.get(id) ?? id, width).slice(0, coverageTable ? undefined : 1), '')
  flush()
}

const FLUSH_LINES = 2000

/**
 * The coverage table: `[x] Callback/untouched  opened -> cancelled -> closed  Callback #1`, and for
 * a missing path how to exercise it; paths of plugins not on the page are summed up in one line.
 */
function coverageLines(coverage: Coverage, missing: readonly string[], label: (id: string) => string, width: number): string[] {
  const ascii = (s: string): string => s.replace(/→/g, '->')
  const items = coverage.items.filter((c) => c.status !== 'not-applicable')
  const lines = [`  coverage: ${coverageText(coverage)}${missing.length ? `; required but missing: ${missing.join(', ')}` : ''}`]
  const idWidth = Math.max(0, ...items.map((c) => c.id.length))
  const indent = 4 + 4 + idWidth + 2
  for (const c of items) {
    const head = `    ${c.status === 'covered' ? '[x]' : '[ ]'} ${c.id.padEnd(idWidth)}  `
    const words = escapeLine(ascii(c.label)).split(' ')
    if (c.status === 'covered') {
      // Labels are kept whole on a line ("Callback #2 · page 1"): their spaces are held as NO_BREAK
      // through the wrap and given back after (a no-break space would reach the output); a long list is cut.
      const shown = c.interactions.slice(0, 4).map((id) => label(id).replace(/ /g, NO_BREAK))
      if (c.interactions.length > 4) shown.push(`+${c.interactions.length - 4}${NO_BREAK}more`)
      words.push(`${words.pop()}:`, ...shown.map((l, i) => (i < shown.length - 1 ? `${l},` : l)))
    }
    lines.push(head + wrap(words, width, head.length, indent).join('\n').replace(NO_BREAKS, ' '))
    if (c.status === 'missing') lines.push(' '.repeat(indent) + wrap(`how: ${escapeLine(c.howTo)}`.split(' '), width, indent, indent).join('\n'))
  }
  const absent = [...new Set(coverage.items.filter((c) => c.status === 'not-applicable').map((c) => c.plugin))]
  if (absent.length) lines.push(`    not on this page, not counted: ${absent.join(', ')}`)
  return lines
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

/** `    error   rule/id   seq 4,5  message`, then `(expected …, actual …)`, wrapped under the message (lines joined by \n). */
function findingText(f: Finding, width: number): string {
  const head = `    ${f.severity.padEnd(7)} ${f.rule.padEnd(24)} seq ${f.seq.join(',')}  `
  const indent = 12
  // Escaped before the layout (an escape is 6 columns). A value breaks only around it, not at its
  // own spaces (held as NO_BREAK, a control no escaped text has), and is cut only when longer than a line.
  let held = false
  const value = (v: unknown): string => {
    const text = escapeLine(shortJson(v))
    if (!text.includes(' ')) return text // most values (numbers, JSON without spaces): nothing to hold
    held = true
    return text.replace(/ /g, NO_BREAK)
  }
  const message = escapeLine(f.message)
  const text = f.expected !== undefined || f.actual !== undefined ? `${message} (expected ${value(f.expected)}, actual ${value(f.actual)})` : message
  const body = wrapText(text, width, head.length, indent)
  // One flat string: a check keeps every finding's lines to its end, and a string made by `+` is a
  // tree of its pieces (more objects for each collection to copy).
  return [head, held ? body.replace(NO_BREAKS, ' ') : body].join('')
}

const NO_BREAK = '\u0001'
const NO_BREAKS = /\u0001/g

// Run when executed directly (tsx cli/main.ts, node dist/cli/main.js); not when imported by bin/ or tests.
// No top-level await: the test kit bundles this module, and require() of an ES module graph with a
// top-level await fails (ERR_REQUIRE_ASYNC_MODULE), which would shut out CommonJS projects.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runAsProcess(process.argv.slice(2))
}
