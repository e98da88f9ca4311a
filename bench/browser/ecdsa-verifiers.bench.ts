/** The Weft ECDSA `Verifier`s in Chromium: WebCrypto (batch/awaited) and noble (tables/plain) vs `p256.verify`. */
import type { BenchSuite } from '../harness.js'
import { ecdsaVerifierFigureNames, runEcdsaVerifierBench } from '../ecdsa-verifiers-workload.js'

export const suite: BenchSuite = {
  names: ecdsaVerifierFigureNames(''),
  run: (report) => runEcdsaVerifierBench('', report)
}
