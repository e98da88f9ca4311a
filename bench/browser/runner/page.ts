/**
 * The in-page half of the browser bench runner (bench/run.ts is the Node half). bench/run.ts bundles
 * this file with every selected `bench/browser/*.bench.ts` suite and calls `installBenchPage`; the
 * Node side then lists suites with `window.weftBench.names()` and runs one per fresh browser context
 * with `window.weftBench.run(file)`. Figures travel back through the exposed `weftBenchReport`.
 */
import type { BenchSuite, Figure } from '../../harness.js'

export interface BenchPageHooks {
  /** Figure names each suite declares, keyed by suite file name. */
  names: () => Record<string, string[]>
  /** Runs one suite; resolves when it finished, rejects with its error. */
  run: (file: string) => Promise<void>
}

declare global {
  interface Window {
    weftBench?: BenchPageHooks
    /** Exposed by the Node runner with page.exposeFunction. */
    weftBenchReport?: (figure: Figure) => Promise<void>
  }
}

export function installBenchPage (suites: Record<string, BenchSuite>): void {
  const output = document.getElementById('figures')
  window.weftBench = Object.freeze({
    names: () => Object.fromEntries(Object.entries(suites).map(([file, suite]) => [file, [...suite.names]])),
    async run (file: string) {
      const suite = suites[file]
      if (suite === undefined) throw new RangeError(`no browser bench suite named ${file}`)
      const pending: Array<Promise<void>> = []
      await suite.run((figure) => {
        output?.append(`${figure.name}: ${figure.value} ${figure.unit}\n`)
        const report = window.weftBenchReport
        if (report === undefined) throw new Error('weftBenchReport is not exposed: open this page through npm run bench')
        pending.push(report({ name: figure.name, value: figure.value, unit: figure.unit }))
      })
      await Promise.all(pending)
    }
  })
}
