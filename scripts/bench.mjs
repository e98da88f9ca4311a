// `npm run bench [-- <prefix>]`: runs bench/run.ts (TypeScript) under tsx. See bench/run.ts.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const runner = fileURLToPath(new URL('../bench/run.ts', import.meta.url))
const result = spawnSync(process.execPath, ['--import', 'tsx', runner, ...process.argv.slice(2)], { stdio: 'inherit' })
if (result.error !== undefined) throw result.error
process.exit(result.status ?? 1)
