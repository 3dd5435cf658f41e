// @vitest-environment node
// Node (vitest). The `cxbus-devtools check` command: main(argv, io) with an in-memory file system,
// plus one real process to prove the exit codes reach the shell.
import { spawnSync } from 'node:child_process'
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkText, formatDuration, main, wrap, wrapText } from '../../cli/main.ts'
import { analyzeSession } from '../../src/report/analyze.ts'
import { parseSession, serializeSession } from '../../src/core/session.ts'
import { fixtureText, loadFixture } from '../support/fixtures.ts'
import { generateSession } from '../support/generate.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

async function run(argv: string[], files: Record<string, string> = {}, written: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, {
    writeFile: async (path, text) => void (written[path] = text),
    now: () => Date.UTC(2026, 10, 30, 12),
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    readFile: async (path) => {
      if (path in files) return files[path] as string
      if (path in written) return written[path] as string
      if (path.endsWith('.session.json') && !path.includes('/')) return fixtureText(path.replace('.session.json', ''))
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' })
    },
  })
  return { code, stdout, stderr }
}

describe('cxbus-devtools check', () => {
  it('exit 0 and a lifecycle line per interaction for a clean file', async () => {
    const r = await run(['check', 'documented-submitted.session.json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('Callback #1  opened #4 +0 ms -> started #5 +846 ms -> submitted #6 +4.3 s -> completed #9 +4.4 s -> closed #10 +6.1 s')
    expect(r.stdout).toMatch(/info {4}meta\/elapsed-definition +seq 9 /)
    expect(r.stdout).toContain('0 errors, 0 warnings, 1 info')
  })

  it('exit 1 when a file has an error finding; findings carry rule ids', async () => {
    const r = await run(['check', 'documented-submitted.session.json', 'faulty-completed-without-submit.session.json'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/error {3}order\/transition +seq 4,5 +completed without submitted/)
  })

  it('--min-severity filters what is printed, not the exit code', async () => {
    const r = await run(['check', '--min-severity', 'error', 'faulty-seconds-no-terminal.session.json'])
    expect(r.code).toBe(1)
    expect(r.stdout).not.toContain('meta/elapsed-definition')
    expect(r.stdout).toContain('meta/timestamp-unit')
    const w = await run(['check', '--min-severity', 'warning', 'shipped-auto-submit.session.json'])
    expect(w.code).toBe(0)
    expect(w.stdout).toContain('meta/elapsed-absolute')
    expect(w.stdout).not.toContain('order/autosubmit-first')
    // Above info, the interactions without such a finding are counted, not printed.
    const two = await run(['check', '--min-severity', 'warning', 'shipped-two-in-a-row.session.json'])
    expect(two.stdout).not.toMatch(/^ {2}Callback #\d/m)
    expect(two.stdout).toContain('  2 interactions without a finding at this severity not shown (all with --min-severity info)')
    expect((await run(['check', 'shipped-two-in-a-row.session.json'])).stdout).toMatch(/^ {2}Callback #2 /m)
    expect(w.stdout).toMatch(/^ {2}Callback #1 /m) // it has the warning
    expect(w.stdout).not.toContain('not shown')
  })

  it('--json prints the documented shape', async () => {
    const r = await run(['check', '--json', 'faulty-completed-without-submit.session.json'])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout)
    expect(Object.keys(out)).toEqual(['files'])
    expect(out.files[0].file).toBe('faulty-completed-without-submit.session.json')
    expect(out.files[0].interactions[0].id).toBe('Callback#1@p1')
    expect(out.files[0].findings.find((f: { rule: string }) => f.rule === 'order/transition')).toEqual({
      rule: 'order/transition', severity: 'error', seq: [4, 5], interaction: 'Callback#1@p1',
      message: 'completed without submitted; expected submitted, cancelled, closed',
      expected: ['submitted', 'cancelled', 'closed'], actual: 'completed',
    })
  })

  it('--json lists an unreadable or invalid file with its error; exit 2 wins over findings', async () => {
    const r = await run(['check', '--json', 'missing.session.json', 'faulty-completed-without-submit.session.json'])
    expect(r.code).toBe(2)
    const out = JSON.parse(r.stdout)
    expect(out.files[0]).toEqual({ file: 'missing.session.json', error: 'no such file' })
    expect(out.files[1].findings.some((f: { rule: string }) => f.rule === 'order/transition')).toBe(true)
  })

  it('hostile files: deep nesting, absurd times and a huge string give one clear message or a normal check, never a crash', async () => {
    const head = '{"format":"cxbus-devtools/session","version":1,"events":[{"seq":0,"kind":"event","time":1764000000000,"publisher":"Callback","event":"Callback.opened","data":'
    const deep = head + '['.repeat(200_000) + ']'.repeat(200_000) + '}]}'
    const times = JSON.stringify({ format: 'cxbus-devtools/session', version: 1, events: [{ seq: 0, kind: 'event', time: 1e300, publisher: 'Callback', event: 'Callback.opened', data: {} }] })
    const big = head + JSON.stringify({ opened: 1764000000000, form: { note: 'y'.repeat(20_000_000) } }) + '}]}'
    const r = await run(['check', 'deep.json', 'times.json', 'big.json'], { 'deep.json': deep, 'times.json': times, 'big.json': big })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cxbus-devtools: deep.json: events[0].data: nested deeper than 64 levels')
    expect(r.stderr).toContain('cxbus-devtools: times.json: events[0].time: expected epoch milliseconds')
    expect(r.stderr).not.toContain('big.json')
    expect(r.stderr).not.toMatch(/\bat \w+ \(/) // no stack trace
    expect(r.stdout).toContain('big.json')
    const json = await run(['check', '--json', 'big.json'], { 'big.json': big })
    expect(json.stdout.length).toBeLessThan(100_000)
  })

  it('--config changes severities and tolerances', async () => {
    const cfg = JSON.stringify({ severities: { 'order/transition': 'warning' } })
    const r = await run(['check', '--config', 'cfg.json', 'faulty-completed-without-submit.session.json'], { 'cfg.json': cfg })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/warning order\/transition/)
  })

  it.each([
    [['check', 'missing.session.json', 'documented-submitted.session.json'], /missing\.session\.json: no such file/],
    [['check', 'bad.json'], /bad\.json: events\[0\]\.seq: expected an integer, got "0"/],
    [['check', 'nojson.json'], /nojson\.json: not JSON/],
    [['check', '--config', 'badcfg.json', 'documented-submitted.session.json'], /config badcfg\.json: severities\.order\/nope: unknown rule id/],
    [['check', '--config', 'badtol.json', 'documented-submitted.session.json'], /dispatchToleranceMs: expected a non-negative number of ms, got "1"/],
    [['check', '--min-severity', 'fatal', 'x.json'], /--min-severity must be error, warning or info/],
    [['check'], /no session file given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', '--nope', 'x.json'], /Unknown option '--nope'/],
  ])('exit 2 with the reason on stderr: %j', async (argv, reason) => {
    const r = await run(argv, {
      'bad.json': JSON.stringify({ format: 'cxbus-devtools/session', version: 1, events: [{ seq: '0' }] }),
      'nojson.json': 'hello',
      'badcfg.json': JSON.stringify({ severities: { 'order/nope': 'off' } }),
      'badtol.json': JSON.stringify({ dispatchToleranceMs: '1' }),
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(reason)
  })

  it.each([
    ['shipped-failed-retry', { outcome: 'completed', submits: 2, retries: 1, minimized: 0, failures: [{ seq: 7, status: 400, code: 7030, message: 'Callback parameter _customer_number is not a valid phone number' }] }],
    ['shipped-failed-cancel', { outcome: 'cancelled', submits: 1, retries: 0, failures: [{ seq: 7, status: 500, code: null, message: 'Internal Server Error' }] }],
    ['shipped-auto-submit', { outcome: 'completed', submits: 1, autoSubmitted: true, prefilled: true, proactive: false, elapsed: { documented: 583, shipped: 2170 } }],
    ['documented-close-untouched', { outcome: 'cancelled', submits: 0, failures: [], elapsed: { documented: null, shipped: 3111 } }],
  ])('--json: the summary of %s', async (name, summary) => {
    const out = JSON.parse((await run(['check', '--json', `${name}.session.json`])).stdout)
    const ia = out.files[0].interactions[0]
    expect(ia.summary).toMatchObject(summary)
    expect(ia.summary.page).toEqual({ number: 1, url: 'https://shop.example.test/contact', pageLoadId: 'p1', frameUrl: null })
    expect(Object.keys(ia.summary)).toEqual(['outcome', 'submits', 'failures', 'retries', 'minimized', 'autoSubmitted', 'prefilled', 'proactive', 'elapsed', 'page'])
    expect(typeof ia.sentence).toBe('string')
  })

  it('--json: two in a row, the second minimized and restored', async () => {
    const out = JSON.parse((await run(['check', '--json', 'shipped-two-in-a-row.session.json'])).stdout)
    expect(out.files[0].interactions.map((i: { label: string; summary: { outcome: string; minimized: number } }) => [i.label, i.summary.outcome, i.summary.minimized])).toEqual([
      ['Callback #1', 'cancelled', 0],
      ['Callback #2', 'completed', 1],
    ])
  })

  it('human output: failures and minimize in the lifecycle line, the sentence, every line within 120 columns', async () => {
    const r = await run(['check', 'shipped-failed-retry.session.json', 'shipped-two-in-a-row.session.json', 'faulty-seconds-no-terminal.session.json'])
    expect(r.stdout).toContain('-> scheduleError 400 #7 +5.7 s\n               -> submitted #8 +10.3 s')
    expect(r.stdout).toContain('Completed after 1 failed submission (HTTP 400 Bad Request code 7030), 1 retry, 12.4 s')
    expect(r.stdout).toContain('opened #7 +0 ms -> minimized #8 +1.4 s -> unminimized #9 +4.7 s -> started #10 +5.9 s')
    expect(r.stdout).toContain('Completed, minimized 1×, 12.9 s')
    const lines = r.stdout.split('\n')
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120)
    // The explanation of a long finding goes on indented lines, not one 250-character line.
    expect(lines.some((l) => /^ {12}\S/.test(l))).toBe(true)
    const narrow = await main(['check', 'shipped-failed-retry.session.json'], {
      stdout: (x) => void lines.splice(0, lines.length, ...x.split('\n')),
      stderr: () => {},
      readFile: async () => fixtureText('shipped-failed-retry'),
      columns: 60,
    })
    expect(narrow).toBe(0)
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60)
  })

  it('a store-full marker after the survivors is a gap where its entries were, in every output and read from disk too', async () => {
    // The tab store evicted the open command, opened and started (floor 6) and wrote its marker last.
    const s = loadFixture('documented-submitted')
    s.events = s.events.filter((e) => e.seq < 3 || e.seq > 5)
    s.events.push({ seq: 11, kind: 'marker', time: s.events.at(-1)!.time, marker: 'dropped', pageLoadId: 'p1', data: { count: 3, where: 'background', plugin: 'Callback', floors: [6, 11, 0] } })
    const text = serializeSession(s)
    const files = { 'lost.json': text }
    const plain = await run(['check', 'lost.json'], files)
    expect(plain.stdout).toContain('Completed (opened not captured: lost at #11)')
    expect(plain.stdout).toContain('0 errors')
    expect(plain.code).toBe(0)
    const json = JSON.parse((await run(['check', '--json', 'lost.json'], files)).stdout)
    expect(json.files[0].findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([])
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-cli-'))
    writeFileSync(join(dir, 'lost.json'), text)
    let out = ''
    const code = await main(['check', join(dir, 'lost.json')], { stdout: (x) => void (out += x), stderr: () => {} })
    expect(out).toContain('Completed (opened not captured: lost at #11)')
    expect(code).toBe(0)
  })

  it("report -o DIR/ or -o DIR/x.html makes the directory; --require '' is a usage error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-cli-'))
    const input = join(dir, 'k.session.json')
    writeFileSync(input, fixtureText('documented-submitted'))
    const quiet = { stdout: () => {}, stderr: () => {} }
    expect(await main(['report', input, '-o', join(dir, 'new') + '/'], quiet)).toBe(0)
    expect(readFileSync(join(dir, 'new', 'k.report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/)
    expect(await main(['report', input, '-o', join(dir, 'other', 'x.html')], quiet)).toBe(0)
    expect(existsSync(join(dir, 'other', 'x.html'))).toBe(true)
    const r = await run(['check', '--require', '', 'documented-submitted.session.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^cxbus-devtools: --require: no path given \(known: untouched/)
  })

  it('report on disk never overwrites a report it wrote earlier in the run: same-named inputs are numbered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-cli-'))
    const write = (path: string, fixture: string): string => {
      const file = join(dir, path)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, fixtureText(fixture))
      return file
    }
    const a = write('a/base.json', 'documented-submitted')
    const b = write('b/base.json', 'shipped-auto-submit')
    const quiet = { stdout: () => {}, stderr: () => {} }
    expect(await main(['report', a, b, '-o', join(dir, 'out')], quiet)).toBe(0)
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['base-2.report.html', 'base.report.html'])
    expect(readFileSync(join(dir, 'out', 'base.report.html'), 'utf8')).not.toBe(readFileSync(join(dir, 'out', 'base-2.report.html'), 'utf8'))
    // Beside their inputs: x.session.json and x.json both name x.report.html.
    const x1 = write('c/x.session.json', 'documented-submitted')
    const x2 = write('c/x.json', 'shipped-auto-submit')
    expect(await main(['report', x1, x2], quiet)).toBe(0)
    expect(readdirSync(join(dir, 'c')).filter((f) => f.endsWith('.html')).sort()).toEqual(['x-2.report.html', 'x.report.html'])
    // The same input twice: two reports.
    expect(await main(['report', a, a, '-o', join(dir, 'twice')], quiet)).toBe(0)
    expect(readdirSync(join(dir, 'twice')).sort()).toEqual(['base-2.report.html', 'base.report.html'])
    // A file at a numbered name that is not a report (someone's own) is kept: the next number is used.
    const y1 = write('d/y.session.json', 'documented-submitted')
    const y2 = write('d/y.json', 'shipped-auto-submit')
    writeFileSync(join(dir, 'd', 'y-2.report.html'), 'SENTINEL')
    expect(await main(['report', y1, y2], quiet)).toBe(0)
    expect(readFileSync(join(dir, 'd', 'y-2.report.html'), 'utf8')).toBe('SENTINEL')
    expect(readdirSync(join(dir, 'd')).filter((f) => f.endsWith('.html')).sort()).toEqual(['y-2.report.html', 'y-3.report.html', 'y.report.html'])
    // Run again: the reports it made are made again in place, nothing more.
    expect(await main(['report', y1, y2], quiet)).toBe(0)
    expect(readdirSync(join(dir, 'd')).filter((f) => f.endsWith('.html')).sort()).toEqual(['y-2.report.html', 'y-3.report.html', 'y.report.html'])
  })

  it('report -o never overwrites an input, however its path is spelled or linked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-cli-'))
    const input = join(dir, 'k.json')
    const text = fixtureText('documented-submitted')
    writeFileSync(input, text)
    symlinkSync(input, join(dir, 'link.json'))
    linkSync(input, join(dir, 'hard.json'))
    // join() would take the `..` out: these are spelled as a user types them, through a folder that exists and one that does not.
    mkdirSync(join(dir, 'sub'))
    for (const out of [input, `${dir}/sub/../k.json`, `${dir}/nosuchdir/../k.json`, join(dir, 'link.json'), join(dir, 'hard.json')]) {
      let err = ''
      const code = await main(['report', '-o', out, input], { stdout: () => {}, stderr: (x) => void (err += x) })
      expect(code).toBe(2)
      expect(err).toContain('is an input: a report never overwrites one')
      expect(readFileSync(input, 'utf8')).toBe(text)
    }
  })

  it('a report of a session with a store-full marker embeds it in its own order: check and Import read it back', async () => {
    const s = loadFixture('documented-submitted')
    s.events = s.events.filter((e) => e.seq < 3 || e.seq > 5)
    s.events.push({ seq: 11, kind: 'marker', time: s.events.at(-1)!.time, marker: 'dropped', pageLoadId: 'p1', data: { count: 3, where: 'background', plugin: 'Callback', floors: [6, 11, 0] } })
    const written: Record<string, string> = {}
    expect((await run(['report', 'lost.json', '-o', 'lost.html'], { 'lost.json': serializeSession(s) }, written)).code).toBe(0)
    expect(parseSession(written['lost.html']!)).toEqual(s)
    const again = await run(['check', 'lost.html'], {}, written)
    expect(again.stderr).toBe('')
    expect(again.stdout).toContain('Completed (opened not captured: lost at #11)')
  })

  it('reads a file from disk as from its text, and writes a large report in pieces', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'gen.session.json')
    const text = serializeSession(generateSession({ events: 5000, seed: 11, pageLoads: 2, plugins: ['Callback', 'SendMessage'] }))
    writeFileSync(file, text)
    for (const flags of [[], ['--json']]) {
      let streamed = ''
      let writes = 0
      const code = await main(['check', ...flags, file], { stdout: (s) => void ((streamed += s), writes++), stderr: () => {} })
      const whole = await run(['check', ...flags, file], { [file]: text })
      expect(code).toBe(whole.code)
      expect(streamed).toBe(whole.stdout)
      // The human report of a large file goes out in pieces, not as one string of megabytes.
      if (flags.length === 0) expect(writes).toBeGreaterThan(1)
    }
  })

  it('--json, made while the file streams by, is JSON.stringify of the whole analysis in the documented shape', async () => {
    const later = generateSession({ interactions: 60, seed: 3, pageLoads: 3, plugins: ['Callback', 'SendMessage'] })
    // Cut in the middle of interactions: order/unclosed findings sort among the others.
    const open = generateSession({ seed: 3, events: 1_003, pageLoads: 3, plugins: ['Callback', 'SendMessage'] })
    const cfg = JSON.stringify({ severities: { 'meta/elapsed-definition': 'off' }, require: ['Callback/page-left'] })
    const files = { 'later.json': serializeSession(later), 'open.json': serializeSession(open), 'cfg.json': cfg, 'bad.json': '{' }
    for (const flags of [[], ['--min-severity', 'warning'], ['--config', 'cfg.json']]) {
      const r = await run(['check', '--json', ...flags, 'later.json', 'bad.json', 'open.json'], files)
      const settings = flags[0] === '--config' ? { options: { severities: { 'meta/elapsed-definition': 'off' as const } }, require: ['Callback/page-left'] } : {}
      const shown = (f: { severity: string }): boolean => flags[0] !== '--min-severity' || f.severity !== 'info'
      const expected = (file: string, session: typeof later) => {
        const a = analyzeSession(session, settings)
        return {
          file,
          options: flags[0] === '--config' ? { severities: { 'meta/elapsed-definition': 'off' }, require: ['Callback/page-left'] } : null,
          optionsFrom: flags[0] === '--config' ? '--config cfg.json' : null,
          interactions: a.report.interactions.map((ia, i) => ({ ...ia, label: a.stories[i]!.label, sentence: a.stories[i]!.sentence, summary: a.stories[i]!.summary })),
          findings: a.report.findings.filter(shown).map((f) => ({ rule: f.rule, severity: f.severity, seq: f.seq, interaction: f.interaction, message: f.message, expected: f.expected ?? null, actual: f.actual ?? null })),
          coverage: {
            covered: a.coverage.covered, applicable: a.coverage.applicable, required: a.required, missing: a.missing,
            paths: a.coverage.items.map((c) => ({ id: c.id, label: c.label, status: c.status, interactions: c.interactions })),
          },
          notes: a.notes,
        }
      }
      const whole = { files: [expected('later.json', later), { file: 'bad.json', error: expect.any(String) }, expected('open.json', open)] }
      expect(JSON.parse(r.stdout)).toEqual(whole)
      // Byte for byte what JSON.stringify(whole, null, 2) prints.
      const error = JSON.parse(r.stdout).files[1].error as string
      expect(r.stdout).toBe(JSON.stringify({ files: [whole.files[0], { file: 'bad.json', error }, whole.files[2]] }, null, 2) + '\n')
      expect(r.code).toBe(2)
    }
    // The sessions have what the test is about: labels a later page load changed, interactions left open.
    expect(analyzeSession(later).stories.filter((s) => s.label.includes(' · page 3')).length).toBeGreaterThan(0)
    expect(analyzeSession(open).report.findings.some((f) => f.rule === 'order/unclosed')).toBe(true)
  })

  it('a page URL over 10 000 characters (a long query string) is read back, cut, from disk and from a report', async () => {
    const s = loadFixture('documented-submitted')
    const url = `https://shop.example.test/contact?pad=${'q'.repeat(12_000)}`
    s.source = { ...s.source, url }
    for (const e of s.events) e.frameUrl = url
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'long.session.json')
    writeFileSync(file, serializeSession(s))
    let out = ''
    expect(await main(['check', file], { stdout: (x) => void (out += x), stderr: (x) => void (out += x) })).toBe(0)
    expect(out).toContain('Completed')
    expect(await main(['report', file], { stdout: () => {}, stderr: () => {} })).toBe(0)
    expect(await main(['check', file.replace('.session.json', '.report.html')], { stdout: () => {}, stderr: () => {} })).toBe(0)
  })

  it('a UTF-16 file read from disk is named as such', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'utf16.session.json')
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixtureText('documented-submitted'), 'utf16le')]))
    let stderr = ''
    expect(await main(['check', file], { stdout: () => {}, stderr: (s) => void (stderr += s) })).toBe(2)
    expect(stderr).toBe(`cxbus-devtools: ${file}: the file is UTF-16; save it as UTF-8\n`)
  })

  it('formats durations for humans', () => {
    expect([formatDuration(0), formatDuration(845), formatDuration(2100), formatDuration(61234), formatDuration(300_000), formatDuration(95_400_000)]).toEqual(['0 ms', '845 ms', '2.1 s', '61.2 s', '5.0 min', '26.5 h'])
  })

  it('wrapText wraps a text as wrap() wraps its words, whatever the spaces, long words and widths', () => {
    const char = fc.constantFrom(' ', ' ', ' ', 'a', 'b', 'é', '\t', '\n', '\u00a0', 'xxxxxxxxxxxxxxxxxxxxxxxxx')
    fc.assert(
      fc.property(fc.array(char, { maxLength: 80 }).map((a) => a.join('')), fc.integer({ min: 12, max: 60 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 }), fc.nat(100), (text, width, first, indent, cut) => {
        expect(wrapText(text, width, first, indent)).toBe(wrap(text.split(' '), width, first, indent).join('\n'))
        // Only the spaces up to `limit` separate words: the rest is one word (a finding's expected/actual).
        const limit = Math.min(cut, text.length)
        const words = text.slice(0, limit + 1).split(' ')
        words[words.length - 1] += text.slice(limit + 1)
        expect(wrapText(text, width, first, indent, limit)).toBe(wrap(words, width, first, indent).join('\n'))
      }),
      { numRuns: 3000 },
    )
  })

  it('exit codes reach a real process', () => {
    // The built CLI when present (npm run build), else the TypeScript source through tsx.
    const built = join(ROOT, 'dist', 'cli', 'main.js')
    const cmd = existsSync(built) ? [process.execPath, built] : [process.execPath, join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'cli', 'main.ts')]
    const fx = (n: string) => join(ROOT, 'test', 'fixtures', `${n}.session.json`)
    const exec = (args: string[]) => spawnSync(cmd[0]!, [...cmd.slice(1), ...args], { cwd: ROOT, encoding: 'utf8' })
    expect(exec(['check', fx('documented-submitted')]).status).toBe(0)
    const bad = exec(['check', fx('faulty-completed-without-submit')])
    expect(bad.status).toBe(1)
    expect(bad.stdout).toContain('order/transition')
    const missing = exec(['check', join(ROOT, 'no-such.session.json')])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('no such file')
    if (existsSync(built)) {
      // the package.json bin, as `npx cxbus-devtools` runs it
      const bin = spawnSync(process.execPath, [join(ROOT, 'bin', 'cxbus-devtools.js'), 'check', fx('faulty-seconds-no-terminal')], { encoding: 'utf8' })
      expect(bin.status).toBe(1)
      expect(bin.stdout).toContain('meta/timestamp-unit')
    }
    // A reader that closes the pipe early (`| head -c 1`) is no crash: no stack trace, exit code kept.
    // The output must be larger than the pipe buffer, or no write would ever fail.
    const big = join(mkdtempSync(join(tmpdir(), 'cli-')), 'big.session.json')
    writeFileSync(big, serializeSession(generateSession({ events: 20_000, seed: 7 })))
    const piped = spawnSync('bash', ['-c', `"${cmd.join('" "')}" check "${big}" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8' })
    expect(piped.stderr).not.toMatch(/EPIPE|Error/)
    expect(piped.stdout.trim()).toBe('0')
    // Any other failed write (a full disk) loses the output: exit 2 and say so, never a pass.
    const full = spawnSync('bash', ['-c', `"${cmd.join('" "')}" check "${fx('documented-submitted')}" >/dev/full; echo "$?"`], { cwd: ROOT, encoding: 'utf8' })
    expect(full.stdout.trim()).toBe('2')
    expect(full.stderr).toContain('cxbus-devtools: cannot write the output: ENOSPC')
  }, 30_000)
})

describe('cxbus-devtools: QA coverage, reports and the Markdown summary', () => {
  it('coverage table in the human output, within 120 columns; --require exits 1 when a path is missing', async () => {
    const r = await run(['check', 'shipped-two-in-a-row.session.json'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  coverage: 4 of 9 paths covered')
    expect(r.stdout).toMatch(/\[x\] Callback\/in-a-row +two interactions in a row: Callback #1, Callback #2/)
    expect(r.stdout).toMatch(/\[ \] Callback\/page-left +reload or navigation during an open interaction\n +how: Switch on Preserve log/)
    expect(r.stdout).toContain('not on this page, not counted: SendMessage')
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120)
    const req = await run(['check', '--require', 'minimize,Callback/failed-retry', 'shipped-two-in-a-row.session.json'])
    expect(req.code).toBe(1)
    expect(req.stdout).toContain('required but missing: Callback/failed-retry')
    expect((await run(['check', '--require', 'minimize,in-a-row', 'shipped-two-in-a-row.session.json'])).code).toBe(0)
    // The busy demo capture (two pages, long labels, ten interactions in a row): still 120 columns.
    const demo = await run(['check', 'demo.json'], { 'demo.json': readFileSync(join(ROOT, 'test/fixtures/demo/qa-pass.session.json'), 'utf8') })
    expect(demo.stdout).toContain('coverage: 9 of 9 paths covered')
    expect(demo.stdout).toMatch(/two interactions in a row: Callback #1 · page 1, .*\n.*\+6 more/)
    expect(Math.max(...demo.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120)
  })

  it('coverage lines with long interaction lists: within 80 and 120 columns, labels whole, plain spaces', async () => {
    // The busy demo capture: two pages ("Callback #1 · page 2"), ten interactions in a row ("+6 more").
    const text = readFileSync(join(ROOT, 'test/fixtures/demo/qa-pass.session.json'), 'utf8')
    for (const columns of [80, 120]) {
      let out = ''
      await main(['check', 'demo.json'], { stdout: (x) => void (out += x), stderr: () => {}, readFile: async () => text, columns })
      const table = out.slice(out.indexOf('  coverage: '))
      expect(table).toMatch(/\[x\] Callback\/in-a-row +two interactions in a row: Callback #1 · page 1,[^]*\+6 more/)
      // Held spaces (no-break or placeholders) never reach the output: a copied line reads and greps as printed.
      expect(out).not.toMatch(/[\u00a0\u0001]/)
      for (const line of out.split('\n')) expect([...line].length, `${columns} columns: ${line}`).toBeLessThanOrEqual(columns)
      // No label cut at a line end ("Callback" / "#2 · page 1").
      for (const line of table.split('\n')) expect(line, `${columns} columns`).not.toMatch(/(Callback|·|\+\d+)$|^ +(#|·|page |more)/)
    }
  })

  it('"require" and team paths in the config; an unknown path is a usage error', async () => {
    const cfg = JSON.stringify({
      severities: { 'order/autosubmit-first': 'off' },
      coverage: [{ id: 'double-submit', label: 'two submits', howTo: 'Submit twice.', plugins: ['Callback'], match: { submits: 2 } }],
      require: ['double-submit'],
    })
    const ok = await run(['check', '--json', '--config', 'qa.json', 'shipped-failed-retry.session.json'], { 'qa.json': cfg })
    expect(ok.code).toBe(0)
    const cov = JSON.parse(ok.stdout).files[0].coverage
    expect(cov).toMatchObject({ covered: 2, applicable: 10, required: ['double-submit'], missing: [] })
    expect(cov.paths.find((p: { id: string }) => p.id === 'Callback/double-submit')).toEqual({ id: 'Callback/double-submit', label: 'two submits', status: 'covered', interactions: ['Callback#1@p1'] })
    const missing = await run(['check', '--config', 'qa.json', 'shipped-auto-submit.session.json'], { 'qa.json': cfg })
    expect(missing.code).toBe(1)
    expect(missing.stdout).not.toMatch(/^ {4}\w+ +order\/autosubmit-first/m) // the rest of the config still applies (no such finding)
    const typo = await run(['check', '--require', 'pageleft', 'shipped-auto-submit.session.json'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('--require: unknown path "pageleft" (known: untouched, typed-cancel,')
    const bad = await run(['check', '--config', 'bad.json', 'shipped-auto-submit.session.json'], { 'bad.json': JSON.stringify({ require: ['nope'] }) })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('config bad.json: require: unknown path "nope"')
  })

  it('--format markdown prints the summary for a ticket', async () => {
    const r = await run(['check', '--format', 'markdown', 'shipped-failed-cancel.session.json'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^### PASS: cxbus-devtools QA summary of shipped-failed-cancel\.session\.json\n/)
    expect(r.stdout).toContain('- [x] `Callback/failed-cancel` (Callback #1)')
    expect((await run(['check', '--format', 'yaml', 'x.json'])).code).toBe(2)
  })

  it('report writes one HTML file per input; check reads the report back with the same findings', async () => {
    const written: Record<string, string> = {}
    const r = await run(['report', 'shipped-auto-submit.session.json', '-o', 'out/qa.html'], {}, written)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^out\/qa\.html \(from shipped-auto-submit\.session\.json\): PASS with warnings, 0 errors, 1 warning, 2 info, 1 of 9 paths covered \(\d+ KB\)\n$/)
    expect(written['out/qa.html']).toMatch(/^<!DOCTYPE html>/)
    expect(written['out/qa.html']).toContain('cxbus-devtools 0.1.0 (command line)')
    const direct = JSON.parse((await run(['check', '--json', 'shipped-auto-submit.session.json'])).stdout).files[0]
    const viaReport = JSON.parse((await run(['check', '--json', 'out/qa.html'], {}, written)).stdout).files[0]
    expect(viaReport.findings).toEqual(direct.findings)
    expect(viaReport.interactions).toEqual(direct.interactions)
    const two = await run(['report', 'a/x.session.json', 'documented-submitted.session.json'], { 'a/x.session.json': fixtureText('documented-typed-cancel') }, written)
    expect(two.code).toBe(0)
    expect(Object.keys(written).sort()).toEqual(['a/x.report.html', 'documented-submitted.report.html', 'out/qa.html'])
    const html = await run(['check', 'page.html'], { 'page.html': '<!doctype html><p>hello</p>' })
    expect(html.code).toBe(2)
    expect(html.stderr).toContain('page.html: an HTML file without an embedded session (not a cxbus-devtools report)')
    // A required path that is missing is named where the verdict is printed.
    const req = await run(['report', '--require', 'page-left', 'shipped-auto-submit.session.json', '-o', 'r.html'], {}, written)
    expect(req.stdout).toMatch(/^r\.html \(from shipped-auto-submit\.session\.json\): FAIL, .*; required but missing: page-left \(\d+ KB\)\n$/)
  })

  it('report -o DIR: made when missing for several inputs, used as a directory when it exists for one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxbus-cli-report-'))
    const a = join(dir, 'a.session.json')
    writeFileSync(a, fixtureText('documented-submitted'))
    const io = { stdout: () => {}, stderr: (s: string) => void (err += s) }
    let err = ''
    expect(await main(['report', '-o', join(dir, 'new/sub'), a, a], io)).toBe(0)
    expect(existsSync(join(dir, 'new/sub/a.report.html'))).toBe(true)
    expect(await main(['report', '-o', dir, a], io)).toBe(0) // an existing directory, one input
    expect(readFileSync(join(dir, 'a.report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/)
    expect(err).toBe('')
  })

  it('report: each input its own file, never over an input; -o FILE.html for several inputs refused', async () => {
    const written: Record<string, string> = {}
    const files = { 'a/base.json': fixtureText('documented-submitted'), 'b/base.json': fixtureText('documented-typed-cancel') }
    const r = await run(['report', '-o', 'out', 'a/base.json', 'b/base.json'], files, written)
    expect(r.code).toBe(0)
    expect(Object.keys(written).sort()).toEqual(['out/base-2.report.html', 'out/base.report.html'])
    expect(r.stdout).toMatch(/^out\/base\.report\.html \(from a\/base\.json\): PASS,.*\nout\/base-2\.report\.html \(from b\/base\.json\): PASS,/)
    // A report given as input: its own name and the existing numbered ones are taken, so the new one is numbered past them.
    const again = await run(['report', 'out/base.report.html'], {}, written)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^out\/base-3\.report\.html \(from out\/base\.report\.html\)/)
    const one = await run(['report', '-o', 'single.html', 'a/base.json', 'b/base.json'], files, {})
    expect(one.code).toBe(2)
    expect(one.stderr).toContain('-o single.html names one file, but 2 files were given: give -o a directory, or one file')
  })

  it('a report made with a config shows and embeds its options; check on it uses them (an explicit --config wins)', async () => {
    const written: Record<string, string> = {}
    const config = {
      severities: { 'meta/elapsed-absolute': 'error' }, dispatchToleranceMs: 300,
      coverage: [{ id: 'double-submit', label: 'two submits', howTo: 'Submit twice.', plugins: ['Callback'], match: { submits: 2 } }],
    }
    const files = { 'c.json': JSON.stringify(config), 'plain.json': JSON.stringify({ dispatchToleranceMs: 250 }) }
    const r = await run(['report', '--config', 'c.json', 'shipped-auto-submit.session.json', '-o', 'r.html'], files, written)
    expect(r.stdout).toMatch(/: FAIL, 1 error, 0 warnings/)
    const html = written['r.html'] as string
    expect(html).toContain('meta/elapsed-absolute: error (default warning)')
    expect(html).toContain('dispatchToleranceMs: 300 ms (default 250)')
    expect(html).toContain('own coverage paths: double-submit')
    const text = await run(['check', 'r.html'], {}, written)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('1 error, 0 warnings')
    expect(text.stdout).toContain('check options from the report (embedded): meta/elapsed-absolute: error (default warning); dispatchToleranceMs: 300 ms')
    expect(text.stdout).toContain('[ ] Callback/double-submit')
    const json = JSON.parse((await run(['check', '--json', 'r.html'], {}, written)).stdout).files[0]
    expect(json.optionsFrom).toBe('the report (embedded)')
    expect(json.options).toEqual(config)
    expect((await run(['check', '--format', 'markdown', 'r.html'], {}, written)).stdout).toContain('Check options from the report (embedded): meta/elapsed-absolute: error')
    // A report made again from the report keeps its options, its verdict and its required paths.
    const again = await run(['report', 'r.html', '-o', 'r2.html'], files, written)
    expect(again.stdout).toMatch(/: FAIL, 1 error, 0 warnings/)
    expect(written['r2.html']).toContain('meta/elapsed-absolute: error (default warning)')
    const required = await run(['report', '--require', 'page-left', 'shipped-failed-retry.session.json', '-o', 'q.html'], {}, written)
    expect(required.stdout).toContain('required but missing: page-left')
    expect((await run(['report', 'q.html', '-o', 'q2.html'], {}, written)).stdout).toContain('FAIL, 0 errors')
    expect((await run(['check', 'q2.html'], {}, written)).code).toBe(1)
    const explicit = await run(['check', '--config', 'plain.json', 'r.html'], files, written)
    expect(explicit.code).toBe(0)
    expect(explicit.stdout).toContain('check options from --config plain.json: dispatchToleranceMs: 250 ms (default 250)')
    // Made with the defaults: nothing embedded, nothing said.
    await run(['report', 'shipped-auto-submit.session.json', '-o', 'd.html'], {}, written)
    expect(written['d.html']).not.toContain('cxbus-devtools-check-options')
    expect((await run(['check', 'd.html'], {}, written)).stdout).not.toContain('check options')
  })

  it('a report with a second session or options block (a copy left in a comment) is refused, not read in part', async () => {
    const written: Record<string, string> = {}
    await run(['report', '--config', 'c.json', 'faulty-completed-without-submit.session.json', '-o', 'f.html'], { 'c.json': JSON.stringify({ dispatchToleranceMs: 300 }) }, written)
    await run(['report', 'documented-submitted.session.json', '-o', 'good.html'], {}, written)
    const html = written['f.html'] as string
    const block = (text: string, id: string): string => text.slice(text.indexOf(`<script type="application/json" id="${id}">`), text.indexOf('</script>', text.indexOf(`id="${id}"`)) + 9)
    const good = block(written['good.html'] as string, 'cxbus-devtools-session')
    const opts = block(html, 'cxbus-devtools-check-options')
    const json = good.slice(good.indexOf('>') + 1, good.lastIndexOf('</script>'))
    const edited = {
      'session.html': html.replace('<body>', `<body><!-- ${good} -->`),
      'textarea.html': html.replace('<body>', `<body><textarea>${good}</textarea>`),
      'options.html': html.replace('<body>', `<body><!-- ${opts} -->`),
      // Spelled otherwise: a browser's getElementById would take the first.
      'id-first.html': html.replace('<body>', `<body><script id="cxbus-devtools-session" type="application/json">${json}</script>`),
      'quotes.html': html.replace('<body>', `<body><script type='application/json' id='cxbus-devtools-session'>${json}</script>`),
      'upper.html': html.replace('<body>', `<body><SCRIPT TYPE=application/json ID=cxbus-devtools-session>${json}</SCRIPT>`),
      'attr.html': html.replace('<body>', `<body><script data-x="1" type="application/json" id="cxbus-devtools-session" class="y">${json}</script>`),
    }
    for (const [name, text] of Object.entries(edited)) {
      expect(text, name).not.toBe(html)
      const r = await run(['check', name], edited)
      expect(r.code, name).toBe(2)
      expect(r.stderr, name).toMatch(/the HTML file has more than one cxbus-devtools-(session|check-options) block \(a cxbus-devtools report has one: edited by hand\?\)/)
    }
    expect((await run(['check', 'f.html'], {}, written)).code).toBe(1)
    // Page data that spells such a tag is no second block: in a report it is escaped, as all page text is.
    const s = loadFixture('documented-submitted')
    const tag = `<script type="application/json" id="cxbus-devtools-session">{}</script><SCRIPT id=cxbus-devtools-check-options>`
    for (const e of s.events) if (e.kind === 'event') (e.data as Record<string, unknown>).note = tag
    await run(['report', 'tag.json', '-o', 'tag.html'], { 'tag.json': serializeSession(s) }, written)
    expect(written['tag.html']).toContain('cxbus-devtools-session')
    const tagged = await run(['check', 'tag.html'], {}, written)
    expect(tagged.stderr).toBe('')
    expect(tagged.code).toBe(0)
  })

  it('a config file: a byte order mark accepted, a syntax error named by line and column', async () => {
    const files = {
      'bom.json': '\ufeff' + JSON.stringify({ severities: { 'order/transition': 'warning' } }),
      'cut.json': '{\n  "severities": {\n    "order/transition": \n',
    }
    const bom = await run(['check', '--config', 'bom.json', 'faulty-completed-without-submit.session.json'], files)
    expect(bom.stderr).toBe('')
    expect(bom.code).toBe(0)
    const cut = await run(['check', '--config', 'cut.json', 'faulty-completed-without-submit.session.json'], files)
    expect(cut.code).toBe(2)
    expect(cut.stderr).toMatch(/config cut\.json: not JSON: .*Unexpected end of JSON input \(line 3, column 24\)/)
    // The same words as a session's.
    const session = await run(['check', 'cut.json'], files)
    expect(session.stderr).toMatch(/cut\.json: not JSON: Unexpected end of JSON input \(line 3, column 24\)/)
  })

  it('--json with --format markdown: the conflict is named', async () => {
    const r = await run(['check', '--json', '--format', 'markdown', 'x.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('cxbus-devtools: --json and --format markdown conflict (--json is --format json): give one\n')
  })

  it('text check of several files ends with a summary naming the invalid ones', async () => {
    const r = await run(['check', 'faulty-completed-without-submit.session.json', 'shipped-auto-submit.session.json', 'documented-submitted.session.json', 'missing.json', 'nojson.json'], { 'nojson.json': 'hello' })
    expect(r.code).toBe(2)
    expect(r.stdout.endsWith('\n5 files: 1 failed, 1 passed with warnings, 1 passed, 2 invalid (see above: missing.json, nojson.json)\n')).toBe(true)
    expect((await run(['check', 'documented-submitted.session.json'])).stdout).not.toMatch(/\d+ files?:/)
  })

  it('lays out text after escaping it, and breaks at a space rather than inside a number', async () => {
    const session = JSON.parse(fixtureText('shipped-failed-retry')) as { events: { event?: string; data: Record<string, unknown> }[] }
    session.events.find((e) => e.event === 'CallbackService.scheduleError')!.data.statusText = `Bad ${'\u202e'.repeat(16)} Request`
    const r = await run(['check', 'rlo.json'], { 'rlo.json': JSON.stringify(session) })
    expect(r.stdout).toContain('\\u202e'.repeat(16))
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120)
    // Every width: the numbers of a finding's expected and actual values are never cut, values with a space stay whole.
    const a = analyzeSession(loadFixture('shipped-failed-retry'))
    a.report.findings.push({
      rule: 'meta/timestamp-unit', severity: 'error', seq: [7], interaction: null, message: 'a timestamp in seconds, not milliseconds',
      expected: { from: 1764000000000, unit: 'epoch ms' }, actual: 1796069006766,
    })
    for (let columns = 60; columns <= 120; columns++) {
      const out = checkText('x.json', a, columns)
      for (const n of ['1764000000000', '1796069006766']) expect(out, `${columns} columns`).toMatch(new RegExp(`\\b${n}\\b`))
      expect(out, `${columns} columns`).toContain('{"from":1764000000000,"unit":"epoch ms"},')
      expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(columns)
    }
  })

  it('--version prints the tool version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: 'cxbus-devtools 0.1.0\n', stderr: '' })
  })

  it('repeated --require options add up; the unknown-path message says what is accepted', async () => {
    const both = await run(['check', '--require', 'page-left', '--require', 'failed-retry', 'shipped-two-in-a-row.session.json'])
    expect(both.code).toBe(1)
    expect(both.stdout).toContain('required but missing: page-left, failed-retry')
    const sm = await run(['check', '--require', 'SendMessage/failed-retry', 'shipped-two-in-a-row.session.json'])
    expect(sm.code).toBe(2)
    expect(sm.stderr).toContain('failed-retry (Callback only)')
    expect(sm.stderr).toContain('each also as PLUGIN/ID for one plugin, e.g. Callback/untouched')
    const cfg = await run(['check', '--config', 'c.json', 'shipped-two-in-a-row.session.json'], { 'c.json': JSON.stringify({ foo: 1 }) })
    expect(cfg.code).toBe(2)
    expect(cfg.stderr).toContain('unknown option (known: severities, dispatchToleranceMs, exactToleranceMs, clockToleranceMs, coverage, require)')
  })

  it('control characters from the session never reach the terminal raw: escapes instead, in every format', async () => {
    const text = fixtureText('shipped-failed-retry')
    const session = JSON.parse(text) as { events: { event?: string; data: Record<string, unknown> }[] }
    const err = session.events.find((e) => e.event === 'CallbackService.scheduleError')!
    err.data.statusText = 'Bad\u001b]0;PWNED\u0007 Request\r\u009b2J\u202e'
    const files = { 'ansi.json': JSON.stringify(session) }
    for (const format of ['text', 'markdown', 'json']) {
      const r = await run(['check', '--format', format, 'ansi.json'], files)
      expect(r.stdout, format).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/)
      if (format === 'json') expect(JSON.stringify(JSON.parse(r.stdout))).toContain('Bad\\u001b]0;PWNED\\u0007 Request') // still the same data
      else if (format === 'text') expect(r.stdout).toContain('Bad\\u001b]0;PWNED\\u0007 Request')
    }
  })

  it("a newline in the page's text does not start a line of the text output (no forged finding lines)", async () => {
    const text = fixtureText('shipped-failed-retry')
    const session = JSON.parse(text) as { events: { event?: string; data: Record<string, unknown> }[] }
    const err = session.events.find((e) => e.event === 'CallbackService.scheduleError')!
    err.data.statusText = 'Bad\nerror   order/transition  FAKE'
    const r = await run(['check', 'forged\n.json'], { 'forged\n.json': JSON.stringify(session) })
    expect(r.stdout).toContain('Bad\\u000aerror')
    expect(r.stdout).toContain('forged\\u000a.json')
    expect(r.stdout.split('\n').filter((l) => l.startsWith('error'))).toEqual([])
    const bad = await run(['check', 'no\nsuch.json'])
    expect(bad.stderr).toBe("cxbus-devtools: no\\u000asuch.json: no such file\n")
  })

  it('nor does a newline in a loss marker, in a report\'s embedded coverage paths, or in a report\'s file name', async () => {
    const s = loadFixture('documented-submitted')
    s.events.push({ seq: 11, kind: 'marker', time: s.events.at(-1)!.time, marker: 'dropped', pageLoadId: 'p1', data: { count: 3, where: 'hook\nerror   order/forged1' } })
    const config = { coverage: [{ id: 'px', label: 'lbl\nerror   order/forged2', howTo: 'how\nerror   order/forged3', match: { outcome: 'completed', proactive: true } }] }
    const files = { 'ev\nerror.json': serializeSession(s), 'cfg.json': JSON.stringify(config) }
    const written: Record<string, string> = {}
    const made = await run(['report', '--config', 'cfg.json', 'ev\nerror.json', '-o', 'r.html'], files, written)
    const checked = await run(['check', 'r.html'], {}, written)
    const md = await run(['check', '--format', 'markdown', 'r.html'], {}, written)
    for (const out of [made.stdout, checked.stdout, md.stdout]) expect(out.split('\n').filter((l) => /^\s*error\b/.test(l))).toEqual([])
    expect(checked.stdout).toContain('hook\\u000aerror')
    expect(checked.stdout).toContain('lbl\\u000aerror')
    expect(made.stdout).toContain('(from ev\\u000aerror.json)')
  })
})
