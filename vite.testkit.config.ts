// Build of the test kit for Node: testkit/playwright.ts and testkit/puppeteer.ts (and the core they
// share) into dist/testkit as ES modules; node: builtins stay external, the drivers are type-only.
// At run time the kit reads the page hook the extension build wrote (dist/chrome/content/hook.js).
import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'dist/testkit',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { playwright: 'testkit/playwright.ts', puppeteer: 'testkit/puppeteer.ts' },
      output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', format: 'es' },
    },
  },
  ssr: { noExternal: true },
})
