// The bench runner against fixture suites: Node and browser suites run, prefixes select, results
// merge into the JSON file, and a throwing suite is reported as a failure.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBenchmarks } from '../../bench/run.js'

const fixtures = join(import.meta.dirname, 'fixtures/bench')

describe('bench runner', () => {
  it('runs node and browser suites, filters by prefix and merges results.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-bench-test-'))
    try {
      const resultsFile = join(dir, 'results.json')
      await writeFile(resultsFile, JSON.stringify({ 'kept.figure': { value: 7, unit: 'ms' } }))
      const lines: string[] = []
      const outcome = await runBenchmarks({
        prefix: 'fixture.',
        nodeDir: join(fixtures, 'node'),
        browserDir: join(fixtures, 'browser'),
        resultsFile,
        print: (line) => lines.push(line)
      })
      expect(outcome.failures).toEqual([])
      expect(lines[0]).toMatch(/^machine: .+, \d+ cores, Node v\d+.*Chromium \d+/)
      expect(outcome.figures.map((figure) => figure.name).sort())
        .toEqual(['fixture.browser.idb', 'fixture.browser.secure', 'fixture.node.loop'])
      expect(outcome.figures.find((figure) => figure.name === 'fixture.browser.secure')?.value).toBe(1)
      expect(outcome.figures.find((figure) => figure.name === 'fixture.browser.idb')?.value).toBe(1)
      expect(lines).toContain('fixture.browser.idb: 1 bool')
      expect(lines.some((line) => line.startsWith('other.'))).toBe(false)

      const results = JSON.parse(await readFile(resultsFile, 'utf8')) as Record<string, { value: number, unit: string }>
      expect(Object.keys(results)).toEqual(['fixture.browser.idb', 'fixture.browser.secure', 'fixture.node.loop', 'kept.figure'])
      expect(results['fixture.node.loop']?.unit).toBe('ops/s')
      expect(results['fixture.node.loop']?.value).toBeGreaterThan(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reports a suite that throws as a failure', async () => {
    const outcome = await runBenchmarks({
      prefix: 'broken',
      nodeDir: join(fixtures, 'node'),
      browserDir: join(fixtures, 'browser'),
      print: () => {}
    })
    expect(outcome.figures).toEqual([])
    expect(outcome.failures).toHaveLength(1)
    expect(outcome.failures[0]).toMatch(/^browser\/throws\.bench\.ts: .*fixture suite failed on purpose/)
  })
})
