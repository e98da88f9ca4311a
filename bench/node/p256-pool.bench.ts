/** ECDSA P-256 verify in Node: the worker_threads pool against one thread (bench/p256-pool-workload.ts). */
import type { BenchSuite } from '../harness.js'
import { p256PoolFigureNames, runP256PoolBench } from '../p256-pool-workload.js'
import { createNodeVerifierPool } from '../../src/crypto/verifier-pool/node.js'

export const suite: BenchSuite = {
  names: p256PoolFigureNames('_node'),
  run: (report) => runP256PoolBench('_node', report, createNodeVerifierPool)
}
