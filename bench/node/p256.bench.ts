/** ECDSA P-256 verify in Node: WASM batch/single vs @noble/curves and WebCrypto (bench/p256-workload.ts). */
import type { BenchSuite } from '../harness.js'
import { p256FigureNames, runP256Bench } from '../p256-workload.js'

export const suite: BenchSuite = {
  names: p256FigureNames('_node'),
  run: (report) => runP256Bench('_node', report)
}
