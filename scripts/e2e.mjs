// `npm run test:e2e`: end-to-end tests in headless Chromium. Rebuilds the app when dist/app is
// missing or older than any file in src/, public/ or vite.config.ts (npm test builds it just before,
// so then nothing is rebuilt), makes sure Chromium is there (installing Debian's package when root
// on Debian), then runs vitest with vitest.e2e.config.ts. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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
const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** Newest modification time of any file under `path` (a file or a directory). */
function newestMtime (path) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

const builtApp = join(DEFAULT_APP_DIR, 'index.html')
const sources = ['src', 'public', 'vite.config.ts'].map((path) => newestMtime(join(repoRoot, path)))
if (!existsSync(builtApp) || Math.max(...sources) > statSync(builtApp).mtimeMs) {
  process.stdout.write('e2e: dist/app is missing or older than its sources; building the app first\n')
  const status = run('npx', ['vite', 'build'])
  if (status !== 0) process.exit(status)
}
process.exit(run('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', ...process.argv.slice(2)]))
