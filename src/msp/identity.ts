import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256 } from '../crypto/sha256.js'
import type { Verifier } from '../crypto/verifier.js'
import { ATTRIBUTE_EXTENSION_OID, decodeAttributes, type Attributes } from './attributes.js'
import { certificatePublicKey, derOf, parseCertificate, type Certificate } from './certificate.js'
import { clientIdentityId } from './dn.js'
import { MspError } from './errors.js'
import { encodeSerializedIdentity } from './serialized-identity.js'

/**
 * An X.509 identity of one MSP (Fabric's msp.Identity): the certificate, the key it binds, and
 * what policies and chaincode read from it. Produced by `Msp.deserializeIdentity`; immutable.
 * Being deserialized says nothing about validity: call `Msp.validate`.
 */
export class Identity {
  readonly mspId: string
  /** The exact PEM bytes from the SerializedIdentity (signatures cover these bytes). */
  readonly idBytes: Uint8Array
  readonly certificate: Certificate
  /** SEC1 uncompressed P-256 key of the certificate. */
  readonly publicKey: Uint8Array
  /** Subject OUs in certificate order (role first for Fabric CA certificates). */
  readonly organizationalUnits: readonly string[]
  /** Fabric CA attributes (extension 1.2.3.4.5.6.7.8.1); empty when absent. */
  readonly attributes: Attributes
  /** ClientIdentity.getID(): `x509::<subject DN>::<issuer DN>`. */
  readonly id: string
  /** hex SHA-256 of the certificate DER: a cache key that ignores PEM formatting. */
  readonly fingerprint: string
  readonly #verifier: Verifier

  constructor (mspId: string, idBytes: Uint8Array, verifier: Verifier) {
    if (typeof mspId !== 'string' || mspId === '') throw new MspError('MSP_MALFORMED', 'mspId must be a non-empty string')
    let pem: string
    try {
      pem = new TextDecoder('utf-8', { fatal: true }).decode(idBytes)
    } catch (err) {
      throw new MspError('MSP_MALFORMED', 'id_bytes is not PEM text', { cause: err })
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new MspError('MSP_MALFORMED', 'id_bytes is not a PEM certificate')
    this.mspId = mspId
    this.idBytes = Uint8Array.from(idBytes)
    this.certificate = parseCertificate(pem)
    this.publicKey = certificatePublicKey(this.certificate)
    this.organizationalUnits = Object.freeze(this.certificate.subjectName.getField('OU'))
    const ext = this.certificate.getExtension(ATTRIBUTE_EXTENSION_OID)
    this.attributes = ext === null ? Object.freeze({}) : decodeAttributes(new Uint8Array(ext.value))
    this.id = clientIdentityId(this.certificate.subjectName, this.certificate.issuerName)
    this.fingerprint = bytesToHex(sha256(derOf(this.certificate)))
    this.#verifier = verifier
    Object.freeze(this)
  }

  get notBefore (): Date { return this.certificate.notBefore }
  /** Fabric's `Identity.ExpiresAt`. */
  get expiresAt (): Date { return this.certificate.notAfter }

  /** Fabric's SerializedIdentity bytes: mspid + the original PEM. */
  serialize (): Uint8Array {
    return encodeSerializedIdentity({ mspid: this.mspId, idBytes: this.idBytes })
  }

  getAttributeValue (name: string): string | null {
    return Object.hasOwn(this.attributes, name) ? (this.attributes[name] as string) : null
  }

  /** Resolves when `signature` (DER, low-S) over `message` verifies under this identity's key. */
  async verify (message: Uint8Array, signature: Uint8Array): Promise<void> {
    const ok = await this.#verifier.verify({ publicKey: this.publicKey, message, signature, format: 'der' })
    if (!ok) throw new MspError('MSP_BAD_SIGNATURE', `signature by ${this.id} does not verify`)
  }
}
