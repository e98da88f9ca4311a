/**
 * Entry of a pool worker under Node's worker_threads (Node-only; see node.ts).
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { serveVerifierWorker } from './serve.js'

const port = parentPort
if (port !== null) {
  serveVerifierWorker({
    post: (message, transfer) => { port.postMessage(message, transfer) },
    listen: (handler) => { port.on('message', handler) }
  })
}
