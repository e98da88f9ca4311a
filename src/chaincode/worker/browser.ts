/** Browser adapter: sandboxes in module Web Workers (bundlers resolve the entry from this URL). */
import type { FromWorker, ToWorker, WorkerFactory, WorkerPort } from './messages.js'

export function browserWorkerFactory (entry: URL = new URL('./worker-entry.browser.js', import.meta.url)): WorkerFactory {
  return (): WorkerPort => {
    const worker = new Worker(entry, { type: 'module' })
    let exited = false
    return {
      postMessage: (m: ToWorker) => { if (!exited) worker.postMessage(m) },
      listen: (onMessage, onExit) => {
        worker.addEventListener('message', (e: MessageEvent<FromWorker>) => { onMessage(e.data) })
        worker.addEventListener('error', (e) => { exited = true; onExit(e.message) })
      },
      terminate: () => { exited = true; worker.terminate() }
    }
  }
}
