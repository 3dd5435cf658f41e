// @vitest-environment node
// Node (vitest). The README's rules table agrees with the catalogue the panel and CLI use.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { RULES } from '../../../src/core/rules.ts'

it('README.md lists every rule with its default severity', () => {
  const md = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md'), 'utf8')
  const rows = [...md.matchAll(/^\| `([a-z]+\/[a-z-]+)` \| (error|warning|info) \|/gm)].map((m) => [m[1], m[2]])
  expect(rows).toEqual(RULES.map((r) => [r.id, r.severity]))
})
