import { p256 } from '@noble/curves/nist.js'
import { CryptoError } from './errors.js'
import type { Signer } from './signer.js'

/**
 * Signer holding the raw 32-byte private key in memory; works without `crypto.subtle`
 * (plain-http pages). noble signs deterministically (RFC 6979 with extra entropy off) and, with
 * `lowS: true`, already returns s ≤ n/2.
 */
export class NobleSigner implements Signer {
  readonly kind = 'noble' as const
  readonly publicKey: Uint8Array
  readonly #privateKey: Uint8Array

  /** Copies `privateKey` (32 bytes, 1 ≤ d < n); throws CRYPTO_BAD_KEY otherwise. */
  constructor (privateKey: Uint8Array) {
    if (!(privateKey instanceof Uint8Array) || !p256.utils.isValidSecretKey(privateKey)) {
      throw new CryptoError('CRYPTO_BAD_KEY', 'privateKey must be a 32-byte P-256 scalar in [1, n-1]')
    }
    this.#privateKey = Uint8Array.from(privateKey)
    this.publicKey = p256.getPublicKey(this.#privateKey, false)
  }

  static generate (): NobleSigner {
    return new NobleSigner(p256.utils.randomSecretKey())
  }

  /** The raw private key, for key stores that must persist it (see docs/msp.md). */
  exportPrivateKey (): Uint8Array {
    return Uint8Array.from(this.#privateKey)
  }

  async sign (message: Uint8Array): Promise<Uint8Array> {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array')
    return p256.sign(message, this.#privateKey, { prehash: true, lowS: true, format: 'der' })
  }
}
