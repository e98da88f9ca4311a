#!/usr/bin/env node
// The `weft` command; runs the compiled CLI from dist/ (npm run build:lib).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../dist/cli/weft.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write('weft: dist/cli/weft.js is missing; run `npm run build:lib` first\n')
  process.exit(1)
}
const { main } = await import(cli)
process.exitCode = await main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`))
