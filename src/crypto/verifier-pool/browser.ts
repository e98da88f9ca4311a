/**
 * The pool on Web Workers (browsers). The worker entry is referenced as
 * `new URL('./worker.js', import.meta.url)` inside `new Worker(…)`, the pattern Vite detects
 * and bundles as a separate chunk. Bundlers that do not (esbuild) can pass `workerUrl`: a
 * script that calls `serveVerifierWorker` (see worker.ts). No Node imports on this path.
 * @module
 */
import { PoolVerifier, type PoolVerifierOptions, type PoolWorker } from './pool-verifier.js'

export interface BrowserPoolOptions extends PoolVerifierOptions {
  /** URL of a module worker script serving the pool; default: this module's worker.ts. */
  workerUrl?: string | URL
}

/** Workers by default: one per core, at most 4, none on a single core (no second core to use). */
export function defaultWorkerCount (cores: number | undefined): number {
  const n = typeof cores === 'number' && Number.isFinite(cores) ? Math.floor(cores) : 1
  return n < 2 ? 0 : Math.min(n, 4)
}

function webWorker (workerUrl: string | URL | undefined): PoolWorker {
  const worker = workerUrl === undefined
    ? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
    : new Worker(workerUrl, { type: 'module' })
  return {
    post: (message, transfer) => { worker.postMessage(message, transfer) },
    listen (onMessage, onFailure) {
      worker.addEventListener('message', (event) => { onMessage(event.data) })
      worker.addEventListener('messageerror', () => { onFailure('message could not be deserialised') })
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        onFailure(event.message === '' ? 'worker script failed to load or threw' : event.message)
      })
    },
    terminate: () => { worker.terminate() }
  }
}

/** A pool of Web Workers, or an in-thread-only pool where `Worker` does not exist. */
export function createBrowserVerifierPool (options: BrowserPoolOptions = {}): PoolVerifier {
  const hasWorker = typeof Worker === 'function'
  const cores = typeof navigator === 'object' ? navigator.hardwareConcurrency : undefined
  const workers = hasWorker ? options.workers ?? defaultWorkerCount(cores) : 0
  return new PoolVerifier(() => webWorker(options.workerUrl), { ...options, workers })
}
