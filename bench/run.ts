/**
 * The benchmark runner behind `npm run bench [-- <prefix>]` (scripts/bench.mjs runs it with tsx).
 *
 * - Node suites: every `bench/node/*.bench.ts`, imported and run in this process.
 * - Browser suites: every `bench/browser/*.bench.ts`, bundled with esbuild together with
 *   `bench/browser/runner/page.ts` into a page served on 127.0.0.1 (IndexedDB and WebCrypto need an
 *   origin) and run in headless system Chromium, one fresh browser context per suite.
 *
 * A suite runs when one of its declared `names` starts with the prefix (all suites without one),
 * and only figures starting with the prefix are printed and saved. Results are MERGED into
 * bench/results.json: figures measured now replace their old values, figures not re-run are kept,
 * so `npm run bench -- sha256` does not erase the ledger's numbers.
 */
import { cpus } from 'node:os'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import type { BenchSuite, Figure } from './harness.js'
import { chromiumVersion, findChromium, launchChromium } from '../scripts/chromium.mjs'
import { startStaticServer } from '../scripts/serve.mjs'

const benchDir = fileURLToPath(new URL('.', import.meta.url))

export interface RunOptions {
  /** Only suites declaring, and figures named, with this prefix. Empty: everything. */
  prefix?: string
  nodeDir?: string
  browserDir?: string
  /** JSON file to merge results into; undefined to skip writing. */
  resultsFile?: string
  /** Receives each printed line. */
  print?: (line: string) => void
}

export interface RunOutcome {
  figures: Figure[]
  /** Suites that threw, as `file: message`. */
  failures: string[]
}

const isBenchFile = (name: string): boolean => name.endsWith('.bench.ts')

async function listSuites (dir: string): Promise<string[]> {
  if (!existsSync(dir)) return []
  return (await readdir(dir)).filter(isBenchFile).sort().map((name) => join(dir, name))
}

function assertFigure (figure: unknown, source: string): asserts figure is Figure {
  const candidate = figure as Partial<Figure> | null
  if (candidate === null || typeof candidate !== 'object' ||
      typeof candidate.name !== 'string' || candidate.name === '' ||
      typeof candidate.value !== 'number' || !Number.isFinite(candidate.value) ||
      typeof candidate.unit !== 'string') {
    throw new TypeError(`${source} reported a malformed figure: ${JSON.stringify(figure)}`)
  }
}

function assertSuite (value: unknown, file: string): asserts value is BenchSuite {
  const suite = value as Partial<BenchSuite> | undefined
  if (suite === undefined || suite === null || !Array.isArray(suite.names) || typeof suite.run !== 'function') {
    throw new TypeError(`${file} must export \`suite: BenchSuite\` ({ names: string[], run(report) })`)
  }
}

const selected = (names: readonly string[], prefix: string): boolean => names.some((name) => name.startsWith(prefix))

export function machineLine (chromium: string): string {
  const cores = cpus()
  const model = cores[0]?.model.trim() ?? 'unknown CPU'
  const browser = chromium.replace(/ built on .*$/, '') // Debian appends its build host
  return `machine: ${model}, ${cores.length} cores, Node ${process.version}, ${browser}`
}

export async function runBenchmarks (options: RunOptions = {}): Promise<RunOutcome> {
  const prefix = options.prefix ?? ''
  const print = options.print ?? ((line: string) => { process.stdout.write(`${line}\n`) })
  const nodeFiles = await listSuites(options.nodeDir ?? join(benchDir, 'node'))
  const browserFiles = await listSuites(options.browserDir ?? join(benchDir, 'browser'))
  const chromiumPath = browserFiles.length > 0 ? findChromium() : undefined
  print(machineLine(chromiumPath === undefined ? 'Chromium not used' : chromiumVersion(chromiumPath)))

  const figures: Figure[] = []
  const failures: string[] = []
  const accept = (source: string) => (figure: unknown): void => {
    assertFigure(figure, source)
    if (!figure.name.startsWith(prefix)) return
    figures.push({ name: figure.name, value: figure.value, unit: figure.unit })
    print(`${figure.name}: ${figure.value} ${figure.unit}`)
  }

  for (const file of nodeFiles) {
    const label = `node/${file.split('/').pop() ?? file}`
    try {
      const module = await import(pathToFileURL(file).href) as { suite?: unknown }
      assertSuite(module.suite, label)
      if (!selected(module.suite.names, prefix)) continue
      await module.suite.run(accept(label))
    } catch (error) {
      failures.push(`${label}: ${describe(error)}`)
    }
  }

  if (chromiumPath !== undefined) {
    failures.push(...await runBrowserSuites(browserFiles, chromiumPath, prefix, accept))
  }

  for (const failure of failures) print(`FAILED ${failure}`)
  if (options.resultsFile !== undefined && figures.length > 0) await mergeResults(options.resultsFile, figures)
  return { figures, failures }
}

async function runBrowserSuites (
  files: string[],
  chromiumPath: string,
  prefix: string,
  accept: (source: string) => (figure: unknown) => void
): Promise<string[]> {
  const failures: string[] = []
  const pageDir = await mkdtemp(join(tmpdir(), 'weft-bench-'))
  const browser = await launchChromium({ executablePath: chromiumPath })
  let server: Awaited<ReturnType<typeof startStaticServer>> | undefined
  try {
    await bundlePage(files, pageDir)
    const profileDir = process.env.WEFT_BENCH_PROFILE
    if (profileDir !== undefined && profileDir !== '') {
      // The profile's line numbers point into this bundle (its inline source map names the sources).
      await mkdir(profileDir, { recursive: true })
      await copyFile(join(pageDir, 'bench.js'), join(profileDir, 'bench.js'))
    }
    server = await startStaticServer({ root: pageDir, host: '127.0.0.1', port: 0 })
    const names = await withPage(browser, server.url, undefined, (page) =>
      page.evaluate(() => window.weftBench?.names() ?? {}))
    for (const [file, suiteNames] of Object.entries(names)) {
      if (!selected(suiteNames, prefix)) continue
      const label = `browser/${file}`
      try {
        await withPage(browser, server.url, accept(label), async (page) =>
          await profiled(page, file, async () => { await page.evaluate(async (name) => { await window.weftBench?.run(name) }, file) }))
      } catch (error) {
        failures.push(`${label}: ${describe(error)}`)
      }
    }
  } catch (error) {
    failures.push(`browser suites: ${describe(error)}`)
  } finally {
    await server?.close()
    await browser.close()
    await rm(pageDir, { recursive: true, force: true })
  }
  return failures
}

/** A fresh context (own IndexedDB) per suite; page errors fail the suite instead of passing silently. */
async function withPage<T> (
  browser: Browser,
  url: string,
  report: ((figure: unknown) => void) | undefined,
  body: (page: Page) => Promise<T>
): Promise<T> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => { pageErrors.push(error.message) })
    if (report !== undefined) await page.exposeFunction('weftBenchReport', report)
    await page.goto(url)
    await page.waitForFunction(() => window.weftBench !== undefined || document.body.dataset.failed === 'true')
    if (!await page.evaluate(() => window.weftBench !== undefined)) {
      throw new Error(`bench page failed to load: ${pageErrors.join('; ') || 'unknown error'}`)
    }
    const result = await body(page)
    if (pageErrors.length > 0) throw new Error(`uncaught in page: ${pageErrors.join('; ')}`)
    return result
  } finally {
    await context.close()
  }
}

/**
 * With WEFT_BENCH_PROFILE=<dir>, records a V8 CPU profile of each browser suite into
 * `<dir>/<suite>.cpuprofile` (open it in Chrome DevTools, or summarise it with
 * `node scripts/profile-summary.mjs <file>`): how we find the next bottleneck.
 */
async function profiled (page: Page, file: string, body: () => Promise<void>): Promise<void> {
  const dir = process.env.WEFT_BENCH_PROFILE
  if (dir === undefined || dir === '') { await body(); return }
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  try {
    await body()
  } finally {
    const { profile } = await cdp.send('Profiler.stop')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, `${file.replace(/\.bench\.ts$/, '')}.cpuprofile`), JSON.stringify(profile))
  }
}

/** Bundles runner/page.ts with the suites into pageDir/bench.js beside runner/index.html. */
async function bundlePage (files: string[], pageDir: string): Promise<void> {
  const { build } = await import('esbuild')
  const pageModule = join(benchDir, 'browser/runner/page.ts')
  const lines = [
    `import { installBenchPage } from ${JSON.stringify(pageModule)}`,
    ...files.map((file, i) => `import { suite as suite${i} } from ${JSON.stringify(file)}`),
    `installBenchPage({ ${files.map((file, i) => `${JSON.stringify(file.split('/').pop())}: suite${i}`).join(', ')} })`
  ]
  await build({
    stdin: { contents: lines.join('\n'), resolveDir: benchDir, sourcefile: 'bench-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(pageDir, 'bench.js'),
    sourcemap: 'inline',
    logLevel: 'error'
  })
  await copyFile(join(benchDir, 'browser/runner/index.html'), join(pageDir, 'index.html'))
}

type Results = Record<string, { value: number, unit: string }>

async function mergeResults (file: string, figures: Figure[]): Promise<void> {
  let results: Results = {}
  if (existsSync(file)) {
    try {
      results = JSON.parse(await readFile(file, 'utf8')) as Results
    } catch {
      results = {} // a corrupt results file is regenerated rather than blocking a run
    }
  }
  for (const figure of figures) results[figure.name] = { value: figure.value, unit: figure.unit }
  const sorted = Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)))
  await writeFile(file, `${JSON.stringify(sorted, null, 2)}\n`)
}

function describe (error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error)
}

async function main (): Promise<void> {
  const prefix = process.argv[2] ?? ''
  const { failures } = await runBenchmarks({ prefix, resultsFile: join(benchDir, 'results.json') })
  if (failures.length > 0) process.exitCode = 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
