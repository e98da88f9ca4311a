// Runs once per e2e run: finds (or installs) Chromium and serves the built app on a free local port.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { findChromium } from '../../scripts/chromium.mjs'
import { DEFAULT_APP_DIR, startStaticServer } from '../../scripts/serve.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the served dist/app, with a trailing slash. */
    baseUrl: string
    chromiumPath: string
  }
}

export async function setup (project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(join(DEFAULT_APP_DIR, 'index.html'))) {
    throw new Error(`No built app in ${DEFAULT_APP_DIR}: run \`npm run build:app\` first (npm run test:e2e does it).`)
  }
  const chromiumPath = findChromium()
  const server = await startStaticServer({ root: DEFAULT_APP_DIR, host: '127.0.0.1', port: 0 })
  project.provide('baseUrl', server.url)
  project.provide('chromiumPath', chromiumPath)
  return async () => { await server.close() }
}
