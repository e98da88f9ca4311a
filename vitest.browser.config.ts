// Runs `test/**/*.browser.test.ts` inside real headless Chromium (vitest browser mode), so layers can
// run the same suites against real IndexedDB, WebCrypto and WebAssembly. It drives the system Chromium
// (Debian's package or CHROME_PATH) through playwright; no browser is downloaded.
import { defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs'

export default defineConfig({
  // Pre-bundle the dependencies src/ uses so Vite does not discover them mid-run and reload the page
  // (a source of flaky browser runs, especially on the first run after a fresh install).
  optimizeDeps: {
    include: [
      '@noble/hashes/sha2.js', '@noble/hashes/utils.js', '@noble/hashes/legacy.js',
      '@noble/curves/nist.js', '@noble/curves/abstract/weierstrass.js',
      '@peculiar/x509', 'reflect-metadata', 'idb', 'protons-runtime', 'uint8arraylist', 'fast-check',
      '@jitl/quickjs-wasmfile-release-sync', 'quickjs-emscripten-core'
    ]
  },
  test: {
    include: ['test/**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] }
      }),
      instances: [{ browser: 'chromium' }]
    }
  }
})
