// Unit tests (Vitest): the pure core, the background store, the panel's components (happy-dom).
import { defineConfig } from 'vitest/config'
import preact from '@preact/preset-vite'

export default defineConfig({
  plugins: [preact()],
  test: {
    environment: 'happy-dom',
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/testkit/**/*.test.ts'],
  },
})
