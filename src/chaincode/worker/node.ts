/// <reference types="node" />
/**
 * Node adapter (Node only): sandboxes in worker_threads. `entry` defaults to the compiled
 * worker entry next to this file (dist/chaincode/worker/worker-entry.node.js); tests running
 * TypeScript sources pass a bootstrap that registers a TS loader first.
 */
import { Worker } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerFactory, WorkerPort } from './messages.js'

export function nodeWorkerFactory (entry: URL = new URL('./worker-entry.node.js', import.meta.url)): WorkerFactory {
  return (): WorkerPort => {
    const worker = new Worker(entry)
    let exited = false
    return {
      postMessage: (m: ToWorker) => { if (!exited) worker.postMessage(m) },
      listen: (onMessage, onExit) => {
        worker.on('message', (m: FromWorker) => { onMessage(m) })
        worker.on('error', (err) => { exited = true; onExit(err.message) })
        worker.on('exit', (code) => { if (!exited) { exited = true; onExit(`exit code ${code}`) } })
      },
      terminate: () => { exited = true; void worker.terminate() }
    }
  }
}
