// scripts/build.mjs drops the one harmless warning crxjs's content-script sub-build makes rolldown
// print (four times per build), and nothing else.
import { describe, expect, it } from 'vitest'
import { resolve } from 'node:path'

const script = resolve('scripts/build.mjs')
const load = async () => (await import(/* @vite-ignore */ script)) as { withoutHarmless(text: string): string }

describe('build output filter', () => {
  it('drops the inlineDynamicImports warning with its blank lines, keeps every other line and warning', async () => {
    const { withoutHarmless } = await load()
    const raw = [
      '[crx:content-scripts-iife] Building 2 content script(s) as IIFE...',
      '',
      ' WARN  inlineDynamicImports option is ignored because codeSplitting: false is set.',
      '',
      '  ✓ hook.ts → content/hook.js',
      '',
      ' WARN  `inlineDynamicImports` option is ignored because `codeSplitting: false` is set.',
      '',
      ' WARN  `advancedChunks` option is ignored because `codeSplitting` is set to `false`.',
      '(!) Some chunks are larger than 500 kB',
    ].join('\n')
    expect(withoutHarmless(raw).split('\n')).toEqual([
      '[crx:content-scripts-iife] Building 2 content script(s) as IIFE...',
      '  ✓ hook.ts → content/hook.js',
      ' WARN  `advancedChunks` option is ignored because `codeSplitting` is set to `false`.',
      '(!) Some chunks are larger than 500 kB',
    ])
  })
})
