/**
 * bench/run.ts bundles every browser suite into one esbuild file, and esbuild does not emit
 * Vite's `new URL('./worker.js', import.meta.url)` worker chunk. So the bundle doubles as the
 * verifier pool's worker script: started as a worker, this module serves the pool and parks the
 * rest of the bundle's evaluation with a top-level await (the page-only code after it never
 * runs there). Suites that need the pool import `benchWorkerUrl` from here.
 */
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

/** The bundle's own URL: pass as `workerUrl` to createBrowserVerifierPool. */
export const benchWorkerUrl = import.meta.url
