// @vitest-environment node
// Node (vitest). The package as another project gets it: `npm pack` of a copy of this checkout (its
// prepare script builds), the tarball unpacked into a project's node_modules, then the kit loaded by
// require() and import() and the CLI run from its bin, each in a real node process.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Not sources: what a build, a run or an install leaves behind. */
const LEFT_OUT = new Set(['node_modules', 'dist', '.git', 'out', 'test-results', '.exp'])

interface Packed {
  filename: string
  files: { path: string }[]
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>
  exports: Record<string, string | Record<string, string>>
}

let work = ''
let packed: Packed
let project = ''

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cxbus-pack-'))
  const src = join(work, 'src')
  cpSync(ROOT, src, { recursive: true, filter: (p) => p === ROOT || !LEFT_OUT.has(basename(p)) || dirname(p) !== ROOT })
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'))
  // The build's own output goes to stdout before npm's JSON: the JSON is the last '[' line on.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: src, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  packed = (JSON.parse(out.slice(out.lastIndexOf('\n[') + 1)) as Packed[])[0]!
  project = join(work, 'project')
  mkdirSync(join(project, 'node_modules'), { recursive: true })
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'commonjs' }))
  execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', project])
  renameSync(join(project, 'package'), join(project, 'node_modules', 'cxbus-devtools'))
}, 180_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8' })

describe('the packed package', () => {
  it('holds every exported entry point, its types, the bin, the CLI and the page hook; no sources, no extension build', () => {
    const files = packed.files.map((f) => f.path)
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
    for (const t of [...targets, ...Object.values(pkg.bin), 'dist/cli/main.js', 'dist/chrome/content/hook.js']) {
      expect(files).toContain(t.replace(/^\.\//, ''))
    }
    expect(files.filter((f) => /^(src|testkit|cli|test)\/|^dist\/(firefox|chrome\/(?!content\/hook\.js$))/.test(f))).toEqual([])
  })

  it('loads in a CommonJS project with require()', () => {
    const r = node(['-e', "for (const m of ['playwright', 'puppeteer']) console.log(typeof require('cxbus-devtools/' + m).captureCxbus)"])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('function\nfunction\n')
  })

  it('loads with import(), and reads the page hook it ships', () => {
    const r = node(['--input-type=module', '-e', [
      "const { captureCxbus } = await import('cxbus-devtools/playwright')",
      // a stand-in page: records the init script the kit injects
      'let script = ""',
      'const page = { on() {}, exposeBinding: async () => {}, addInitScript: async (s) => { script = s.content }, evaluate: async () => "UA" }',
      'await captureCxbus(page)',
      'console.log(script.length > 1000)',
    ].join('\n')])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('true\n')
  })

  it('runs the CLI from its bin', () => {
    const r = node([resolve(project, 'node_modules/cxbus-devtools', pkg.bin['cxbus-devtools']!), '--version'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^cxbus-devtools \d/)
    expect(r.status).toBe(0)
  })
})
