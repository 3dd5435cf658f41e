// Build of the command line for Node: cli/main.ts (and the core it imports) bundled into
// dist/cli/main.js as ES modules; only node: builtins stay external. bin/cxbus-devtools.js loads it.
// The HTML report's code (Preact) is a chunk of its own, loaded only by `report`: `check` starts faster.
import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    ssr: 'cli/main.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      output: { entryFileNames: 'main.js', chunkFileNames: '[name].js', format: 'es' },
    },
  },
  ssr: { noExternal: true },
})
