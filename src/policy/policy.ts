/**
 * The Policy contract (Fabric's common/policies.Policy): evaluate a set of signatures, or a set
 * of already-verified identities.
 *
 * @module
 */
import type { Identity } from '../msp/index.js'

/** Fabric's protoutil.SignedData: `signature` by `identity` (SerializedIdentity bytes) over `data`. */
export interface SignedData {
  readonly identity: Uint8Array
  readonly data: Uint8Array
  readonly signature: Uint8Array
}

export interface Policy {
  /**
   * Deduplicates the signers (Fabric's SignatureSetToValidIdentities: a signer counts once,
   * identities that do not deserialize or whose signature fails are ignored) and evaluates.
   */
  evaluateSignedData(signedData: readonly SignedData[]): Promise<boolean>
  /** Evaluates identities already known to have signed (duplicates count once). */
  evaluateIdentities(identities: readonly Identity[]): Promise<boolean>
}
