// Unit (happy-dom: its DOMParser reads the report as a browser would). The one-file QA report
// (src/report/html.tsx): built from the real-looking demo session it parses, loads nothing, holds
// the verdict, environment, stories with SVG timelines, findings with explanations, coverage and
// notes, and round-trips through parseSession to the same findings. A hostile session stays inert.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { check } from '../../../src/core/check.ts'
import type { Session } from '../../../src/core/model.ts'
import { parseSession, serializeSession } from '../../../src/core/session.ts'
import { analyzeSession } from '../../../src/report/analyze.ts'
import { REPORT_CSP, renderReportHtml } from '../../../src/report/html.tsx'
import { markdownSummary } from '../../../src/report/markdown.ts'
import { FIXTURE_DIR, inFrame, loadFixture } from '../../support/fixtures.ts'
import { generateSession } from '../../support/generate.ts'

export const demoSession = (): Session => parseSession(readFileSync(join(FIXTURE_DIR, 'demo', 'qa-pass.session.json'), 'utf8'))
const META = { generatedAt: Date.UTC(2026, 10, 30, 12), generator: 'cxbus-devtools test' }
const render = (s: Session): string => renderReportHtml(analyzeSession(s), META)
const parse = (html: string): Document => new DOMParser().parseFromString(html, 'text/html')

/** Everything in a document that could run or fetch something. */
function activeContent(doc: Document): string[] {
  const found: string[] = []
  for (const el of doc.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase()
    if (tag === 'script' && !(el.getAttribute('type') === 'application/json' && el.id === 'cxbus-devtools-session')) found.push('script')
    if (['iframe', 'object', 'embed', 'img', 'link', 'base', 'form', 'video', 'audio', 'source', 'image', 'use', 'foreignobject'].includes(tag)) found.push(tag)
    for (const attr of el.getAttributeNames()) {
      const v = el.getAttribute(attr) ?? ''
      if (attr.startsWith('on')) found.push(`${tag}[${attr}]`)
      if (['src', 'srcset', 'action', 'formaction', 'xlink:href', 'poster', 'background'].includes(attr)) found.push(`${tag}[${attr}]`)
      if (attr === 'href' && !v.startsWith('#')) found.push(`${tag}[href=${v}]`)
      if (attr === 'style' && /url\(|expression/i.test(v)) found.push(`${tag}[style]`)
    }
  }
  return found
}

describe('the QA report of the demo session', () => {
  const session = demoSession()
  const html = render(session)
  const doc = parse(html)

  it('is one HTML document that loads nothing: no script that runs, no external asset, a CSP forbidding both', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(activeContent(doc)).toEqual([])
    expect(html).not.toMatch(/<img[^>]+src\s*=\s*["']?http/i)
    expect(html).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i)
    expect(doc.querySelector('meta[http-equiv=Content-Security-Policy]')?.getAttribute('content')).toBe(REPORT_CSP)
    expect(REPORT_CSP).toMatch(/default-src 'none'/)
    expect(REPORT_CSP).not.toMatch(/script-src/)
    expect(doc.querySelectorAll('script')).toHaveLength(1)
  })

  it('holds the verdict first, the environment, each story with its timeline, findings, coverage and notes', () => {
    const verdict = doc.querySelector('[data-testid=verdict]')!
    expect(doc.querySelector('main')!.firstElementChild).toBe(verdict)
    expect(verdict.textContent).toContain('PASS with warnings')
    expect(verdict.textContent).toContain('0 errors, 1 warning, 10 info')
    expect(verdict.textContent).toContain('9 of 9 paths covered')
    const env = doc.querySelector('table.env')!.textContent!
    for (const s of ['https://shop.example.test/', '9.0.018.07', 'Chrome 156', 'cxbus-devtools 0.1.0', '240 entries']) expect(env).toContain(s)
    expect(doc.querySelectorAll('ol.pages li')).toHaveLength(2)
    const stories = doc.querySelectorAll('section.story')
    expect(stories).toHaveLength(11)
    expect([...stories].map((s) => s.querySelector('svg.timeline'))).not.toContain(null)
    const retry = [...stories].find((s) => s.textContent!.includes('Completed after 1 failed submission'))!
    expect(retry.querySelectorAll('svg .failure')).toHaveLength(1)
    expect(retry.querySelector('svg .el-shipped text')!.textContent).toMatch(/^shipped elapsed /)
    // Every mark of an interaction is named, also cancelled and closed 1 ms apart (a second row of labels).
    for (const st of stories) {
      const marks = [...st.querySelectorAll('svg .mark')].filter((m) => !m.classList.contains('failure'))
      const named = marks.filter((m) => m.querySelector('text.phase') !== null)
      expect(named.length, st.querySelector('h3')?.textContent ?? '').toBe(marks.length)
    }
    const minimized = [...stories].find((s) => s.textContent!.includes('minimized 1×'))!
    expect(minimized.querySelectorAll('svg rect.minimized')).toHaveLength(1)
    const rule = doc.querySelector('[data-rule="meta/elapsed-absolute"]')!
    expect(rule.textContent).toContain('Fix:')
    expect(rule.querySelectorAll('li.finding')).toHaveLength(1)
    const rows = [...doc.querySelectorAll('table.coverage tbody tr')]
    expect(rows.map((r) => r.getAttribute('data-path'))).toEqual([
      'Callback/untouched', 'Callback/typed-cancel', 'Callback/submitted', 'Callback/auto-submit', 'Callback/failed-retry',
      'Callback/failed-cancel', 'Callback/minimize', 'Callback/in-a-row', 'Callback/page-left',
    ])
    // Each covered path links to the stories that show it.
    const pageLeft = rows.find((r) => r.getAttribute('data-path') === 'Callback/page-left')!
    const link = pageLeft.querySelector('a')!
    expect(link.textContent).toBe('Callback #10 · page 1')
    expect(doc.getElementById(link.getAttribute('href')!.slice(1))!.textContent).toContain('Left open by a page load')
  })

  it('explains every kind of mark its timelines draw in one legend, in the same classes', () => {
    const legend = doc.querySelector('.legend')!
    const drawn = new Set<string>()
    for (const el of doc.querySelectorAll('section.story svg.timeline *')) for (const c of el.classList) drawn.add(c)
    const explained = new Set<string>()
    for (const el of legend.querySelectorAll('*')) for (const c of el.classList) explained.add(c)
    for (const c of ['mark', 'failure', 'minimized', 'note-flag', 'pageload', 'el-shipped', 'el-documented', 'sev-warning', 'sev-info']) {
      if (drawn.has(c)) expect(explained, c).toContain(c)
    }
    expect(legend.textContent).toContain('failed request')
  })

  it('marks the outcome of an interaction with an error or a warning as flagged (not the green of a pass)', () => {
    const stories = [...doc.querySelectorAll('section.story')]
    const flagged = (st: Element) => st.classList.contains('story-error') || st.classList.contains('story-warning')
    expect(stories.filter(flagged).length).toBeGreaterThan(0)
    for (const st of stories) expect(st.querySelector('.outcome')!.classList.contains('outcome-flagged'), st.querySelector('h3')!.textContent!).toBe(flagged(st))
  })

  it('embeds the session: parseSession reads the report back, and check gives the same findings', () => {
    const back = parseSession(html)
    expect(back).toEqual(session)
    expect(check(back)).toEqual(check(session))
  })

  it('a missing path says how to exercise it; notes show in the story and in the notes section', () => {
    const s = loadFixture('shipped-failed-retry')
    s.notes = [
      { seq: 7, text: 'the error message was shown twice', time: Date.UTC(2026, 10, 30, 11) },
      { interaction: 'Callback#1@p1', text: 'phone field kept the bad value', time: Date.UTC(2026, 10, 30, 11, 1) },
    ]
    const d = parse(render(s))
    const untouched = d.querySelector('tr[data-path="Callback/untouched"]')!
    expect(untouched.getAttribute('data-status')).toBe('missing')
    expect(untouched.textContent).toContain('without typing (demo: abandon-untouched)')
    const story = d.querySelector('section.story')!
    expect(story.querySelectorAll('li.note')).toHaveLength(2)
    expect(story.querySelector('svg .failure .note-flag')).not.toBeNull()
    const notes = [...d.querySelectorAll('h2')].find((h) => h.textContent === 'Notes (2)')!.nextElementSibling!
    expect(notes.textContent).toContain('#7 CallbackService.scheduleError (Callback #1)')
    expect(notes.textContent).toContain('phone field kept the bad value')
  })
})

describe('a hostile session stays inert in the report', () => {
  const evil = (tag: string): string => `"><script>alert('${tag}')</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">${tag}</a>\u2028</script><!--`
  const hostile = (): Session => {
    const s = loadFixture('shipped-failed-retry')
    const walk = (v: unknown, path: string): unknown => {
      if (typeof v === 'string') return evil(path)
      if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`))
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${path}.${k}`)]))
      return v
    }
    // Every string of the page: source, markers' URLs, payloads, frame URLs, page load ids; event names keep
    // their plugin so the lifecycle is still told (its findings carry the hostile values too).
    s.source = { url: evil('url'), widgetsVersion: evil('version'), userAgent: evil('ua'), extensionVersion: evil('ext') }
    s.events = s.events.map((e, i) => ({
      ...e, frameUrl: evil(`frame${i}`), pageLoadId: evil('pl'),
      data: e.kind === 'marker' ? walk(e.data, 'marker') : { ...(walk(e.data, `data${i}`) as object), ...(typeof e.data === 'object' && e.data && !Array.isArray(e.data) ? Object.fromEntries(Object.entries(e.data).filter(([, v]) => typeof v !== 'string')) : {}) },
    })) as Session['events']
    s.events.push({ seq: 99, kind: 'event', time: s.events.at(-1)!.time + 10, publisher: evil('pub'), event: `${evil('ev')}.x`, data: { [evil('key')]: evil('val') } })
    s.events.push({ seq: 100, kind: 'command', time: s.events.at(-1)!.time + 10, command: `Callback.${evil('cmd')}`, data: evil('cmddata') })
    s.notes = [{ seq: 3, text: evil('note'), time: 1 }, { interaction: evil('ia'), text: evil('note2'), time: 2 }]
    return parseSession(serializeSession(s))
  }

  it('shows invisible controls from the page escaped, as the CLI prints them; the embedded session keeps them', () => {
    const s = loadFixture('shipped-failed-retry')
    const name = 'photo\u202egnp.exe\u001b[2J\u200f'
    s.source = { ...s.source, url: `https://shop.example/${name}` }
    s.notes = [{ seq: 3, text: name, time: 1 }]
    const html = render(s)
    const [shown, embedded] = html.split('<script type="application/json"')
    expect(shown).not.toMatch(/[\u001b\u202e\u200f]/)
    expect(shown).toContain('photo\\u202egnp.exe\\u001b[2J\\u200f')
    expect(embedded).toContain('\u202e')
    expect(parseSession(html).notes).toEqual(s.notes)
  })

  it('a URL of kilobytes is cut in the environment table, whole in its tooltip', () => {
    const s = demoSession()
    const url = `https://shop.example/?${'q=1&'.repeat(2250)}`
    s.source = { ...s.source, url }
    const doc = parse(render(s))
    const cell = [...doc.querySelectorAll('table.env tr')].find((r) => r.querySelector('th')?.textContent === 'Page')!.querySelector('td')!
    expect(cell.textContent!.length).toBeLessThan(340)
    expect(cell.textContent).toContain(`(${url.length} characters)`)
    expect(cell.querySelector('span')!.getAttribute('title')).toBe(url)
  })

  it('renders every string as text: no element, attribute or link comes from the page', () => {
    const s = hostile()
    const html = render(s)
    const doc = parse(html)
    expect(activeContent(doc)).toEqual([])
    expect(doc.querySelectorAll('script')).toHaveLength(1)
    expect(doc.body.textContent).toContain(evil('url'))
    expect(doc.body.textContent).toContain(evil('note'))
    // The strings are there as text, never as markup.
    expect(html).not.toContain("<script>alert('")
    expect(html).not.toContain('<img src=x')
    // And the embedded copy gives the very same session back.
    expect(parseSession(html)).toEqual(s)
  })

  it('the Markdown summary escapes what a tracker would render', () => {
    const md = markdownSummary(analyzeSession(hostile()))
    // A backslash-escaped < is literal text in Markdown; none may be left bare.
    expect(md).not.toMatch(/(^|[^\\])</m)
    expect(md).toContain('\\<script\\>')
  })

  it('the Markdown summary shows invisible controls escaped, the same text the CLI prints (panel Copy summary)', () => {
    const s = loadFixture('shipped-failed-retry')
    const name = 'photo\u202egnp.exe\u001b[2J\u200f'
    s.source = { ...s.source, widgetsVersion: `9.0\u202e1`, url: `https://shop.example/${name}` }
    s.notes = [{ seq: 3, text: name, time: 1 }]
    const md = markdownSummary(analyzeSession(s))
    expect(md).not.toMatch(/[\u001b\u202e\u200f]/)
    expect(md).toContain('Widgets 9.0\\u202e1')
    expect(md).toContain('photo\\u202egnp.exe\\u001b\\[2J\\u200f')
  })
})

describe('a story in a frame', () => {
  it('names the page by its own URL and the frame apart', () => {
    const doc = parse(render(inFrame(loadFixture('documented-submitted'), 'https://widgets.example.test/frame.html')))
    const line = [...doc.querySelectorAll('p.muted.small')].map((p) => p.textContent).find((t) => t?.startsWith('Page 1'))
    expect(line).toBe('Page 1: https://shop.example.test/contact · in a frame: https://widgets.example.test/frame.html')
  })
})

describe('the Markdown summary', () => {
  it('says the verdict, the findings by rule and the coverage within about 40 lines', () => {
    const s = demoSession()
    s.notes = [{ interaction: 'Callback#5@' + String(s.events.find((e) => e.kind === 'event' && e.event === 'Callback.opened')?.pageLoadId), text: 'retry worked', time: 1 }]
    const md = markdownSummary(analyzeSession(s), 'qa-pass.session.json')
    const lines = md.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(42)
    expect(lines[0]).toBe('### PASS with warnings: cxbus-devtools QA summary of qa-pass.session.json')
    expect(md).toContain('**0 errors, 1 warning, 10 info** · 11 interactions · 9 of 9 paths covered')
    expect(md).toContain('- warning `meta/elapsed-absolute` ×1:')
    expect(md).toContain('- [x] `Callback/page-left` (Callback #10 · page 1)')
    expect(md).toContain('- … and 3 more')
    expect(md).toContain('**Notes (1)**')
  })

  it('lists the interactions with an error, then a warning, first: the cut never hides a failing one', () => {
    const a = analyzeSession(demoSession())
    const last = a.stories[a.stories.length - 1]!
    const warned = a.stories.find((st) => st.id === a.report.findings.find((f) => f.severity === 'warning')?.interaction)!
    expect(a.stories.indexOf(last)).toBeGreaterThanOrEqual(8) // beyond the cut
    a.report.findings.push({ rule: 'order/transition', severity: 'error', seq: [1], interaction: last.id, message: 'x' })
    const list = markdownSummary(a).split('**Interactions**\n')[1]!.split('\n')
    expect(list[0]!.startsWith(`- ${last.label}: `)).toBe(true)
    expect(list[1]!.startsWith(`- ${warned.label}: `)).toBe(true)
    expect(list[2]!.startsWith(`- ${a.stories.find((st) => st !== last && st !== warned)!.label}: `)).toBe(true) // then in order
  })

  it('more than eight failing: the cut says how many of those it leaves out have an error or a warning', () => {
    const a = analyzeSession(demoSession())
    expect(a.stories.length).toBe(11)
    // Ten with an error (the first ten), the last one with its warning only.
    a.stories.slice(0, 10).forEach((st, i) => a.report.findings.push({ rule: 'order/transition', severity: 'error', seq: [i], interaction: st.id, message: 'x' }))
    const list = markdownSummary(a).split('**Interactions**\n')[1]!.split('\n\n')[0]!.split('\n')
    expect(list).toHaveLength(9)
    expect(list[8]).toBe('- … and 3 more (2 with an error)')
    const warned = a.report.findings.find((f) => f.severity === 'warning')!.interaction
    a.report.findings = a.report.findings.filter((f) => !(f.severity === 'error' && f.interaction === a.stories[0]!.id))
    if (warned === a.stories[0]!.id) throw new Error('the test session changed: its warned interaction is the first')
    expect(markdownSummary(a)).toContain('- … and 3 more (1 with an error')
    // None failing beyond the cut: a plain count.
    expect(markdownSummary(analyzeSession(demoSession()))).toContain('- … and 3 more\n')
  })

  it('stays short for a long session: each covered path names its first 4 interactions and counts the rest', () => {
    const a = analyzeSession(generateSession({ events: 5_000, seed: 7, plugins: ['Callback', 'SendMessage'] }))
    const md = markdownSummary(a)
    const lines = md.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(45)
    expect(md.length).toBeLessThan(8_000)
    const row = lines.find((l) => l.startsWith('- [x] `Callback/in-a-row` ('))!
    const item = a.coverage.items.find((c) => c.id === 'Callback/in-a-row')!
    expect(item.interactions.length).toBeGreaterThan(4)
    const label = (id: string) => a.stories.find((st) => st.id === id)!.label
    expect(row).toBe(`- [x] \`Callback/in-a-row\` (${item.interactions.slice(0, 4).map(label).join(', ')}, +${item.interactions.length - 4} more)`)
  })

  it('names every page of a session over several pages, not only the last one', () => {
    const s = demoSession()
    const loads = s.events.filter((e) => e.kind === 'marker' && e.marker === 'page-load' && (e.data as { top?: unknown }).top !== false)
    expect(loads.length).toBeGreaterThan(1)
    loads.forEach((e, i) => ((e.data as { url: string }).url = `https://shop.example/step-${i + 1}`))
    const md = markdownSummary(analyzeSession(s))
    expect(md).toContain(`Pages: https://shop.example/step-1, https://shop.example/step-2`)
    expect(md).not.toMatch(/^Page /m)
    const one = demoSession()
    expect(markdownSummary(analyzeSession(one))).toMatch(/^Page http/m)
    // The HTML report alike: no "Page" row naming one of them, the Page loads row names both.
    const rows = (doc: Document) => [...doc.querySelectorAll('table.env th')].map((th) => th.textContent)
    const several = parse(render(s))
    expect(rows(several)).not.toContain('Page')
    expect([...several.querySelectorAll('ol.pages li')].map((li) => li.textContent)).toEqual(['https://shop.example/step-1', 'https://shop.example/step-2'])
    expect(rows(parse(render(one)))).toContain('Page')
  })
})
