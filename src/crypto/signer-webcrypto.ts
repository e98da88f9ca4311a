import { CryptoError } from './errors.js'
import { decodeSignature, encodeDer, toLowS, UNCOMPRESSED_KEY_BYTES } from './ecdsa.js'
import type { Signer } from './signer.js'
import { getSubtle } from './subtle.js'

const ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGN_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }

/**
 * Signer backed by a WebCrypto private key, normally non-extractable so script on the page can
 * use it but never read it. WebCrypto returns P1363 and may return high S; we normalise and
 * DER-encode as Fabric does.
 */
export class WebCryptoSigner implements Signer {
  readonly kind = 'webcrypto' as const
  readonly publicKey: Uint8Array
  readonly privateKey: CryptoKey

  constructor (privateKey: CryptoKey, publicKey: Uint8Array) {
    if (privateKey.type !== 'private' || privateKey.algorithm.name !== 'ECDSA' ||
        (privateKey.algorithm as EcKeyAlgorithm).namedCurve !== 'P-256' || !privateKey.usages.includes('sign')) {
      throw new CryptoError('CRYPTO_BAD_KEY', 'privateKey must be an ECDSA P-256 private CryptoKey with usage "sign"')
    }
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== UNCOMPRESSED_KEY_BYTES) {
      throw new CryptoError('CRYPTO_BAD_KEY', 'publicKey must be a 65-byte uncompressed SEC1 key')
    }
    this.privateKey = privateKey
    this.publicKey = Uint8Array.from(publicKey)
  }

  /** A fresh key pair; the private key is non-extractable unless `extractable` is set. */
  static async generate (options: { extractable?: boolean } = {}): Promise<WebCryptoSigner> {
    const subtle = requireSubtle()
    const pair = await subtle.generateKey(ALGORITHM, options.extractable ?? false, ['sign', 'verify'])
    const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey))
    return new WebCryptoSigner(pair.privateKey, raw)
  }

  async sign (message: Uint8Array): Promise<Uint8Array> {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array')
    const p1363 = new Uint8Array(await requireSubtle().sign(SIGN_PARAMS, this.privateKey, message as Uint8Array<ArrayBuffer>))
    const sig = decodeSignature(p1363, 'p1363')
    if (sig === null) throw new CryptoError('CRYPTO_BAD_SIGNATURE_ENCODING', 'WebCrypto returned a malformed signature')
    return encodeDer(toLowS(sig))
  }
}

function requireSubtle (): SubtleCrypto {
  const subtle = getSubtle()
  if (subtle === undefined) throw new CryptoError('CRYPTO_UNAVAILABLE', 'crypto.subtle is not available (insecure context?)')
  return subtle
}
