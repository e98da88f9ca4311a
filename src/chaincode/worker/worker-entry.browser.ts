/** Web Worker entry (module worker). */
import type { FromWorker, ToWorker } from './messages.js'
import { serveSandbox } from './serve.js'

const scope = self as unknown as { postMessage: (m: FromWorker) => void, addEventListener: (t: 'message', f: (e: MessageEvent<ToWorker>) => void) => void }
serveSandbox({
  postMessage: (m) => { scope.postMessage(m) },
  listen: (onMessage) => { scope.addEventListener('message', (e) => { onMessage(e.data) }) }
})
