/** Messages between the runtime (main thread) and a sandbox Worker. Plain structured-cloneable data. */
import type { ChaincodeErrorCode } from '../errors.js'
import type { WireResponse, WireTxInfo } from '../protocol.js'
import type { ChaincodeFormat } from '../sandbox.js'
import type { LogLevel } from '../types.js'

export type ToWorker =
  | { t: 'start', source: string, format: ChaincodeFormat, memoryLimitBytes: number, maxStackBytes: number, loadTimeoutMs: number }
  | { t: 'invoke', info: WireTxInfo, timeoutMs: number }
  | { t: 'hostResult', txId: string, callId: number, ok: boolean, result: string }

export type FromWorker =
  | { t: 'started', kind: 'contract' | 'shim' }
  | { t: 'failed', code: ChaincodeErrorCode, message: string }
  | { t: 'hostCall', txId: string, callId: number, op: string, args: string }
  | { t: 'result', txId: string, response: WireResponse }
  | { t: 'error', txId: string, code: ChaincodeErrorCode, message: string }
  | { t: 'log', level: LogLevel, message: string }

/** The main thread's view of a Worker (browser Worker or Node worker_threads, adapted). */
export interface WorkerPort {
  postMessage: (message: ToWorker) => void
  /** Registers the message handler and the handler for the worker dying (error or exit). */
  listen: (onMessage: (message: FromWorker) => void, onExit: (reason: string) => void) => void
  terminate: () => void
}

/** The worker's view of its parent. */
export interface ParentPort {
  postMessage: (message: FromWorker) => void
  listen: (onMessage: (message: ToWorker) => void) => void
}

export type WorkerFactory = () => WorkerPort
