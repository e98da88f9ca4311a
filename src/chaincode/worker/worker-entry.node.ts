/// <reference types="node" />
/** worker_threads entry (Node only). */
import { parentPort } from 'node:worker_threads'
import type { FromWorker, ToWorker } from './messages.js'
import { serveSandbox } from './serve.js'

const port = parentPort
if (port === null) throw new Error('worker-entry.node must run in a worker thread')
serveSandbox({
  postMessage: (m: FromWorker) => { port.postMessage(m) },
  listen: (onMessage) => { port.on('message', (m: ToWorker) => { onMessage(m) }) }
})
