// `npm run test:e2e`: end-to-end tests in headless Chromium. Builds the app if dist/app is missing
// (npm test builds it just before), makes sure Chromium is there (installing Debian's package when
// root on Debian), then runs vitest with vitest.e2e.config.ts. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { findChromium } from './chromium.mjs'
import { DEFAULT_APP_DIR } from './serve.mjs'

function run (command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.error !== undefined) throw result.error
  return result.status ?? 1
}

try {
  findChromium()
} catch (error) {
  process.stderr.write(`e2e: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
if (!existsSync(join(DEFAULT_APP_DIR, 'index.html'))) {
  process.stdout.write('e2e: dist/app missing; building the app first\n')
  const status = run('npx', ['vite', 'build'])
  if (status !== 0) process.exit(status)
}
process.exit(run('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', ...process.argv.slice(2)]))
