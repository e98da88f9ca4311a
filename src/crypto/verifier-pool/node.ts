/**
 * The pool on Node's worker_threads (Node-only: never import this from browser code). From the
 * compiled library the worker runs node-worker.js; from TypeScript sources (tests, the bench
 * runner) it runs node-worker.ts through tsx's loader.
 * @module
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { defaultWorkerCount } from './browser.js'
import { PoolVerifier, type PoolVerifierOptions, type PoolWorker } from './pool-verifier.js'

// From the compiled library: node-worker.js. From TypeScript sources (tests; the bench runner
// runs under tsx): node-worker.ts, after registering tsx's ESM loader inside the worker, because
// Node 20 does not apply `--import tsx` from a worker's execArgv to its entry module.
function spawnEntry (): Worker {
  const compiled = new URL('./node-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled)
  const source = new URL('./node-worker.ts', import.meta.url).href
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  return new Worker(`import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`, { eval: true })
}

function threadWorker (): PoolWorker {
  const worker = spawnEntry()
  let failed = false
  return {
    post: (message, transfer) => { worker.postMessage(message, transfer) },
    listen (onMessage, onFailure) {
      const fail = (reason: string): void => {
        if (failed) return
        failed = true
        onFailure(reason)
      }
      worker.on('message', onMessage)
      worker.on('messageerror', () => { fail('message could not be deserialised') })
      worker.on('error', (error) => { fail(error instanceof Error ? error.message : String(error)) })
      worker.on('exit', (code) => { fail(`exited with code ${code}`) })
    },
    // An idle pool must not keep the process alive; a pending job must.
    setBusy: (busy) => { if (busy) worker.ref(); else worker.unref() },
    terminate: () => {
      failed = true
      void worker.terminate()
    }
  }
}

/** A pool of worker_threads (default: one per core, at most 4, none on one core). */
export function createNodeVerifierPool (options: PoolVerifierOptions = {}): PoolVerifier {
  const workers = options.workers ?? defaultWorkerCount(availableParallelism())
  return new PoolVerifier(threadWorker, { ...options, workers })
}
