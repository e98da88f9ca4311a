/**
 * MVCC and phantom validation of a 500-tx block (bench/mvcc-workload.ts): the WASM solver
 * (asm/mvcc, including writing the problem into its memory) against the TypeScript reference,
 * both through `validateBlockMvcc` (boundary check included in both). Also the cost of building
 * the problem from decoded rwsets (interning, sorting; state reads from a Map).
 */
import type { BenchSuite } from '../harness.js'
import { runMvccBench } from '../mvcc-workload.js'

export const suite: BenchSuite = {
  names: ['mvcc_500tx_wasm_us', 'mvcc_500tx_ts_us', 'mvcc_500tx_wasm_vs_ts', 'mvcc_500tx_build_us', 'mvcc_500tx_conflicts'],
  async run (report) {
    await runMvccBench('', report)
  }
}
