/**
 * The worker half of the pool, environment-agnostic: give it a way to receive and post
 * messages (`self` in a Web Worker, `parentPort` in worker_threads) and it answers jobs with
 * its own `WasmVerifier`, whose comb tables stay warm for the keys the pool routes to it.
 * @module
 */
import { WasmVerifier } from '../p256-wasm/wasm-verifier.js'
import { unpackRequests } from './packing.js'
import type { FromWorker, ToWorker } from './protocol.js'

export interface WorkerPort {
  post(message: FromWorker, transfer: ArrayBuffer[]): void
  listen(handler: (message: unknown) => void): void
}

const describe = (error: unknown): string => error instanceof Error ? error.message : String(error)

export function serveVerifierWorker (port: WorkerPort): void {
  let verifier: WasmVerifier | undefined
  let startError: string | undefined
  port.listen((raw) => {
    const message = raw as Partial<ToWorker> | null
    if (typeof message !== 'object' || message === null) return
    if (message.type === 'init') {
      try {
        verifier = new WasmVerifier(message.options)
      } catch (error) {
        startError = describe(error)
        port.post({ type: 'failed', id: -1, reason: startError }, [])
      }
      return
    }
    if (message.type !== 'verify' || typeof message.id !== 'number') return
    const id = message.id
    if (verifier === undefined) {
      port.post({ type: 'failed', id, reason: startError ?? 'worker not initialised' }, [])
      return
    }
    const requests = unpackRequests(message.packed)
    if (requests === null) {
      port.post({ type: 'failed', id, reason: 'malformed job buffer' }, [])
      return
    }
    try {
      const verdicts = verifier.verifyBatchSync(requests)
      const out = new Uint8Array(verdicts.length)
      for (let i = 0; i < verdicts.length; i++) out[i] = verdicts[i] === true ? 1 : 0
      port.post({ type: 'verdicts', id, verdicts: out }, [out.buffer])
    } catch (error) {
      port.post({ type: 'failed', id, reason: describe(error) }, [])
    }
  })
}
