/**
 * MVCC and phantom validation of a 500-tx block in Chromium: the same workload and figures as
 * bench/node/mvcc.bench.ts, with the `_browser` suffix.
 */
import type { BenchSuite } from '../harness.js'
import { runMvccBench } from '../mvcc-workload.js'

export const suite: BenchSuite = {
  names: ['mvcc_500tx_wasm_us_browser', 'mvcc_500tx_ts_us_browser', 'mvcc_500tx_wasm_vs_ts_browser', 'mvcc_500tx_build_us_browser', 'mvcc_500tx_conflicts_browser'],
  async run (report) {
    await runMvccBench('_browser', report)
  }
}
