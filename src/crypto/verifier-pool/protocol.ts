/**
 * Messages between a `PoolVerifier` and its workers (discriminated on `type`). The main thread
 * sends `init` once, then `verify` jobs; a worker answers each job with `verdicts` (one byte per
 * packed request, 1 = valid) or `failed`, after which the pool verifies that share in-thread.
 * Buffers travel in the transfer list, never structured-cloned.
 * @module
 */
import type { WasmVerifierOptions } from '../p256-wasm/wasm-verifier.js'

export interface InitMessage {
  readonly type: 'init'
  readonly options: WasmVerifierOptions
}

export interface VerifyMessage {
  readonly type: 'verify'
  readonly id: number
  /** `packRequests` output; transferred. */
  readonly packed: ArrayBuffer
}

export type ToWorker = InitMessage | VerifyMessage

export interface VerdictsMessage {
  readonly type: 'verdicts'
  readonly id: number
  /** One byte per packed request; its buffer is transferred. */
  readonly verdicts: Uint8Array
}

export interface FailedMessage {
  readonly type: 'failed'
  /** The job, or −1 when the worker itself could not start (no WebAssembly, compile limit). */
  readonly id: number
  readonly reason: string
}

export type FromWorker = VerdictsMessage | FailedMessage

export function isFromWorker (value: unknown): value is FromWorker {
  if (typeof value !== 'object' || value === null) return false
  const m = value as { type?: unknown, id?: unknown, verdicts?: unknown, reason?: unknown }
  if (typeof m.id !== 'number') return false
  return (m.type === 'verdicts' && m.verdicts instanceof Uint8Array) || (m.type === 'failed' && typeof m.reason === 'string')
}
