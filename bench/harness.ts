/**
 * The benchmark contract. Each suite file (`bench/node/*.bench.ts` runs in Node,
 * `bench/browser/*.bench.ts` runs in headless Chromium through the same runner) exports
 * `suite: BenchSuite`. `npm run bench -- <prefix>` runs only the suites that declare a
 * figure starting with <prefix> and prints only those figures, one `name: value unit` line each.
 * Ratios are computed inside the suite against the reference measured beside it, in the same run.
 */
export interface Figure {
  name: string
  value: number
  unit: string
}

export interface BenchSuite {
  /** Every figure name the suite may report; used to select suites by prefix before running. */
  readonly names: readonly string[]
  run(report: (figure: Figure) => void): Promise<void>
}

export interface MeasureOptions {
  /** Minimum wall time per sample. */
  minMs?: number
  /** Samples taken; the median is returned. */
  samples?: number
}

/**
 * Calls `fn` repeatedly and returns the median rate in calls per second over `samples`
 * samples of at least `minMs` each. `fn` may be async; it is awaited.
 */
export async function measure (fn: () => unknown, options: MeasureOptions = {}): Promise<number> {
  const minMs = options.minMs ?? 400
  const samples = options.samples ?? 3
  for (let i = 0; i < 3; i++) await fn() // warm up JITs and caches
  const rates: number[] = []
  for (let s = 0; s < samples; s++) {
    let calls = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < minMs) {
      await fn()
      calls++
      elapsed = performance.now() - start
    }
    rates.push(calls / (elapsed / 1000))
  }
  rates.sort((a, b) => a - b)
  return rates[Math.floor(rates.length / 2)] ?? 0
}

/** Rounds to a readable number of significant digits for printing and results.json. */
export function round (value: number, digits = 4): number {
  if (value === 0 || !Number.isFinite(value)) return value
  return Number(value.toPrecision(digits))
}
