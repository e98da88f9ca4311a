/**
 * ECDSA P-256 verify in Chromium: the Web Worker pool against one thread
 * (bench/p256-pool-workload.ts). The workers run this same bundle (worker-entry.ts).
 */
import type { BenchSuite } from '../harness.js'
import { p256PoolFigureNames, runP256PoolBench } from '../p256-pool-workload.js'
import { createBrowserVerifierPool } from '../../src/crypto/verifier-pool/browser.js'
import { benchWorkerUrl } from './worker-entry.js'

export const suite: BenchSuite = {
  names: p256PoolFigureNames(''),
  run: (report) => runP256PoolBench('', report, (options) => createBrowserVerifierPool({ ...options, workerUrl: benchWorkerUrl }))
}
