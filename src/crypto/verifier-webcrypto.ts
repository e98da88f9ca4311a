import { bytesToHex } from '@noble/hashes/utils.js'
import { decodePublicKey, decodeSignature, encodeP1363, isLowS, uncompressedPublicKey } from './ecdsa.js'
import { LruCache } from './lru.js'
import { getSubtle } from './subtle.js'
import type { Verifier, VerifierOptions, VerifyRequest } from './verifier.js'

export interface WebCryptoVerifierOptions extends VerifierOptions {
  /** Imported public keys kept (LRU). Endorsers and orderers recur, so a few hundred is plenty. */
  keyCacheSize?: number
  /**
   * Verifications kept in flight by `verifyBatch`. Node runs them on its thread pool (CRYPTO.md:
   * ~3.5× the awaited rate); Chromium gains nothing. A window bounds memory for huge batches.
   */
  maxInFlight?: number
}

const IMPORT_PARAMS: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' }
const VERIFY_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }

/**
 * `crypto.subtle` ECDSA verification. Each public key is imported once and the CryptoKey (a
 * promise of it, so concurrent first uses share one import) is cached. WebCrypto wants P1363
 * and accepts high S, so DER is converted here and Fabric's low-S rule enforced here.
 * `verifyBatch` keeps up to `maxInFlight` verifications in flight at once.
 */
export class WebCryptoVerifier implements Verifier {
  readonly name = 'webcrypto'
  readonly #lowS: boolean
  readonly #keys: LruCache<string, Promise<CryptoKey | null>>
  readonly #maxInFlight: number

  constructor (options: WebCryptoVerifierOptions = {}) {
    this.#lowS = options.lowS ?? true
    this.#keys = new LruCache(options.keyCacheSize ?? 256)
    this.#maxInFlight = options.maxInFlight ?? 64
    if (!Number.isInteger(this.#maxInFlight) || this.#maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${this.#maxInFlight}`)
    }
  }

  async verify (request: VerifyRequest): Promise<boolean> {
    try {
      const subtle = getSubtle()
      if (subtle === undefined) return false
      const { publicKey, message, signature } = request
      if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false
      const sig = decodeSignature(signature, request.format ?? 'der')
      if (sig === null) return false
      if (this.#lowS && !isLowS(sig.s)) return false
      const key = await this.#importKey(subtle, publicKey)
      if (key === null) return false
      return await subtle.verify(VERIFY_PARAMS, key, encodeP1363(sig) as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>)
    } catch {
      return false
    }
  }

  async verifyBatch (requests: readonly VerifyRequest[]): Promise<boolean[]> {
    const verdicts = new Array<boolean>(requests.length)
    let next = 0
    // Each worker takes the next request when its previous verification settles.
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const i = next++
        verdicts[i] = await this.verify(requests[i] as VerifyRequest)
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.#maxInFlight, requests.length) }, worker))
    return verdicts
  }

  #importKey (subtle: SubtleCrypto, publicKey: Uint8Array): Promise<CryptoKey | null> {
    if (!(publicKey instanceof Uint8Array)) return Promise.resolve(null)
    const id = bytesToHex(publicKey)
    const cached = this.#keys.get(id)
    if (cached !== undefined) return cached
    // Validate with noble first: it also expands compressed keys, which not every WebCrypto imports.
    const point = decodePublicKey(publicKey)
    const imported = point === null
      ? Promise.resolve(null)
      : subtle.importKey('raw', uncompressedPublicKey(point) as Uint8Array<ArrayBuffer>, IMPORT_PARAMS, false, ['verify'])
        .catch(() => null)
    this.#keys.set(id, imported)
    return imported
  }
}
