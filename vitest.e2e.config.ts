// End-to-end tests: `test/e2e/**/*.e2e.ts` run in Node and drive the built app (dist/app) in headless
// Chromium through playwright-core. The global setup finds Chromium and serves dist/app on a free
// 127.0.0.1 port; tests read both with `inject('baseUrl')` / `inject('chromiumPath')`.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file launches its own browser; two at once is all 2 cores can take.
    maxWorkers: 2
  }
})
