import type { Signer } from '../crypto/signer.js'
import { sameBytes } from './certificate.js'
import { MspError } from './errors.js'
import type { Identity } from './identity.js'

/**
 * Fabric's SigningIdentity: an identity plus the private key of its certificate. The key is a
 * `Signer`, so it may be a non-extractable WebCrypto key (see keystore.ts).
 */
export class SigningIdentity {
  readonly identity: Identity
  readonly signer: Signer

  constructor (identity: Identity, signer: Signer) {
    if (!sameBytes(identity.publicKey, signer.publicKey)) {
      throw new MspError('MSP_MALFORMED', 'signer key does not match the identity certificate')
    }
    this.identity = identity
    this.signer = signer
    Object.freeze(this)
  }

  get mspId (): string { return this.identity.mspId }

  /** A low-S DER ECDSA signature over SHA-256(message), as Fabric signs proposals and envelopes. */
  async sign (message: Uint8Array): Promise<Uint8Array> {
    if (!(message instanceof Uint8Array)) throw new MspError('MSP_MALFORMED', 'message must be a Uint8Array')
    return await this.signer.sign(message)
  }

  /** SerializedIdentity bytes: the `creator` of proposals and transactions. */
  serialize (): Uint8Array {
    return this.identity.serialize()
  }
}
