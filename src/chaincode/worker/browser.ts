/** Browser adapter: sandboxes in module Web Workers. */
import type { FromWorker, ToWorker, WorkerFactory, WorkerPort } from './messages.js'

function port (worker: Worker): WorkerPort {
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

/**
 * Workers running worker-entry.browser. Without `create`, the Worker is constructed with the
 * literal `new Worker(new URL(...), { type: 'module' })` form that Vite and other bundlers detect
 * and bundle; pass `create` to use another entry or constructor.
 */
export function browserWorkerFactory (create?: () => Worker): WorkerFactory {
  return () => port(create !== undefined ? create() : new Worker(new URL('./worker-entry.browser.js', import.meta.url), { type: 'module' }))
}
