import { WeftError } from '../../shared/errors.js'

/**
 * Failures of the block MVCC solver. An MVCC or phantom conflict is a result (a code), never
 * one of these; these mean the problem itself could not be processed.
 *
 * - `MVCC_BAD_INPUT`: the problem or rwset breaks the contract (ids out of range, bad versions).
 * - `MVCC_WASM_FAILED`: the WASM solver could not run (no WebAssembly, memory could not grow);
 *   `validateBlockMvcc` falls back to the TypeScript reference on it.
 */
export class MvccError extends WeftError {
  static override readonly name: string = 'MvccError'
}

export type MvccErrorCode = 'MVCC_BAD_INPUT' | 'MVCC_WASM_FAILED'
