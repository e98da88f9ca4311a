// The project's shape as issue 3 ("Skeleton and the two commands") promises it, checked so that
// it stays that way: the top level, the two commands that open the README, `.ci/run` running
// exactly the README's test command, and docs/architecture.md naming only files that exist.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')

const START = 'npm install && npm start'
const TEST = 'npm install && npm test'

describe('top level', () => {
  it.each([
    'package.json', 'tsconfig.json', 'vite.config.ts', 'src', 'asm', 'public', 'test', 'README.md', 'BENCHMARKS.md',
    'docs', 'docs/architecture.md', '.ci/run'
  ])('%s exists', (path) => {
    expect(existsSync(join(root, path))).toBe(true)
  })

  it('package.json is "weft", ESM, with the scripts the README names', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string, type: string, scripts: Record<string, string> }
    expect(pkg.name).toBe('weft')
    expect(pkg.type).toBe('module')
    for (const script of ['start', 'test', 'bench', 'typecheck', 'lint', 'test:unit', 'test:e2e', 'build:asm', 'build:app']) {
      expect(pkg.scripts[script], script).toBeTypeOf('string')
    }
    // npm test = type-check, lint, units, then the end-to-end run in Chromium, in that order.
    const steps = (pkg.scripts.test ?? '').split('&&').map((s) => s.trim())
    const order = ['npm run build:asm', 'npm run typecheck', 'npm run lint', 'npm run test:unit', 'npm run build:app', 'npm run test:e2e']
    expect(order.map((step) => steps.indexOf(step))).toEqual([...order.map((step) => steps.indexOf(step))].sort((a, b) => a - b))
    expect(order.every((step) => steps.includes(step))).toBe(true)
  })

  it('tsconfig.json is strict', () => {
    const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { strict?: boolean } }
    expect(tsconfig.compilerOptions.strict).toBe(true)
  })
})

describe('the two commands', () => {
  it('README.md opens with them and nothing before', () => {
    const lines = read('README.md').split('\n')
    expect(lines.slice(0, 4)).toEqual(['```', START, TEST, '```'])
  })

  it('.ci/run is executable and runs exactly the README test command', () => {
    const mode = statSync(join(root, '.ci/run')).mode
    expect(mode & 0o111).not.toBe(0)
    expect(() => { accessSync(join(root, '.ci/run'), constants.X_OK) }).not.toThrow()
    const script = read('.ci/run')
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true)
    expect(script).toContain('set -euo pipefail')
    const commands = script.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    expect(commands.at(-1)).toBe(TEST)
  })
})

describe('docs/architecture.md', () => {
  const doc = read('docs/architecture.md')
  /** Every `path` in backticks that starts at a top-level folder of the repository. */
  const paths = [...doc.matchAll(/`((?:src|asm|test|bench|scripts|docs|public|\.ci)\/[^`\s*]*)`/g)].map((m) => m[1] as string)

  it('names files, and every one exists (keep it current when files move)', () => {
    expect(paths.length).toBeGreaterThan(50)
    const missing = paths.filter((path) => !existsSync(join(root, path.replace(/\/$/, ''))))
    expect(missing).toEqual([])
  })
})
