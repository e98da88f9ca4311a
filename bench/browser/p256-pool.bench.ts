/**
 * ECDSA P-256 verify in Chromium: the Web Worker pool against one thread
 * (bench/p256-pool-workload.ts).
 *
 * bench/run.ts bundles every browser suite into one esbuild file, and esbuild does not emit
 * Vite's `new URL('./worker.js', import.meta.url)` worker chunk. So the bundle doubles as the
 * worker script: started as a worker, this module serves the pool and parks the rest of the
 * bundle's evaluation with a top-level await (the page-only code after it never runs there).
 */
import type { BenchSuite } from '../harness.js'
import { p256PoolFigureNames, runP256PoolBench } from '../p256-pool-workload.js'
import { createBrowserVerifierPool } from '../../src/crypto/verifier-pool/browser.js'
import { serveVerifierWorker } from '../../src/crypto/verifier-pool/serve.js'

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

const inWorker = typeof document === 'undefined' && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function'
if (inWorker) {
  const scope = globalThis as unknown as WorkerScope
  serveVerifierWorker({
    post: (message, transfer) => { scope.postMessage(message, transfer) },
    listen: (handler) => { scope.addEventListener('message', (event) => { handler(event.data) }) }
  })
  await new Promise<never>(() => {})
}

const bundleUrl = import.meta.url

export const suite: BenchSuite = {
  names: p256PoolFigureNames(''),
  run: (report) => runP256PoolBench('', report, (options) => createBrowserVerifierPool({ ...options, workerUrl: bundleUrl }))
}
