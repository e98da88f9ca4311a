import { WeftError } from '../shared/errors.js'

/**
 * SHA-256 misuse at the boundary. (Kept apart from `CryptoError`, whose code union belongs
 * to the MSP layer's file; the codes share its `CRYPTO_` prefix.)
 *
 * - `CRYPTO_SHA256_BAD_INPUT`: a message is not a Uint8Array, the batch is not an array, or an
 *   output buffer is too small.
 * - `CRYPTO_SHA256_FINISHED`: `update`/`digest` on an incremental hasher that already digested.
 * - `CRYPTO_SHA256_UNAVAILABLE`: a backend was requested explicitly that this runtime lacks.
 */
export type Sha256ErrorCode = 'CRYPTO_SHA256_BAD_INPUT' | 'CRYPTO_SHA256_FINISHED' | 'CRYPTO_SHA256_UNAVAILABLE'

export class Sha256Error extends WeftError {
  static override readonly name: string = 'Sha256Error'
  declare readonly code: Sha256ErrorCode

  constructor (code: Sha256ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
