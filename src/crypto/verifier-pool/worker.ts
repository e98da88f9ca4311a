/**
 * Entry of a pool worker in a Web Worker (browser; bundled by Vite through
 * `new URL('./worker.js', import.meta.url)` in browser.ts). No Node imports on this path.
 * @module
 */
import { serveVerifierWorker } from './serve.js'

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

const scope = globalThis as unknown as WorkerScope
serveVerifierWorker({
  post: (message, transfer) => { scope.postMessage(message, transfer) },
  listen: (handler) => { scope.addEventListener('message', (event) => { handler(event.data) }) }
})
