import { WeftError } from '../shared/errors.js'

/**
 * Crypto-layer failures. Verification never throws (a bad signature is a `false` verdict);
 * these are for misuse at the boundary: bad key material, or a backend missing on this platform.
 */
export type CryptoErrorCode =
  | 'CRYPTO_BAD_KEY'
  | 'CRYPTO_BAD_SIGNATURE_ENCODING'
  | 'CRYPTO_UNAVAILABLE'
  | 'CRYPTO_UNSUPPORTED'

export class CryptoError extends WeftError {
  static override readonly name: string = 'CryptoError'
  declare readonly code: CryptoErrorCode

  constructor (code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
