import { WeftError } from '../shared/errors.js'

/**
 * Why an identity, certificate or signature was refused. Fabric's MSP returns Go errors with
 * free-text reasons; we give each reason a stable code.
 */
export type MspErrorCode =
  /** The certificate does not chain to any root or intermediate of this MSP. */
  | 'MSP_UNKNOWN_CA'
  /** Outside its validity period: expired, or not yet valid (this cert or one in its chain). */
  | 'MSP_EXPIRED'
  /** Listed on a CRL of its issuer. */
  | 'MSP_REVOKED'
  /** Valid identity, but not the role a principal asks for. */
  | 'MSP_ROLE_MISMATCH'
  /** NodeOUs are enabled and the certificate carries none (or several) of the role OUs. */
  | 'MSP_NO_ROLE'
  /** Tampered certificate or CRL, bad chain signature, a CA certificate used as an identity. */
  | 'MSP_BAD_CERT'
  /** A message signature does not verify under the identity's key. */
  | 'MSP_BAD_SIGNATURE'
  /** The identity belongs to a different MSP. */
  | 'MSP_WRONG_MSP'
  /** Bytes that are not a SerializedIdentity / PEM certificate / P-256 key, or a bad argument. */
  | 'MSP_MALFORMED'

export class MspError extends WeftError {
  static override readonly name: string = 'MspError'
  declare readonly code: MspErrorCode

  constructor (code: MspErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
