import type { Attributes } from './attributes.js'
import { Identity } from './identity.js'
import { decodeSerializedIdentity, type SerializedIdentityFields } from './serialized-identity.js'
import { NobleVerifier } from '../crypto/verifier-noble.js'

/**
 * What the Fabric Node shim's `ClientIdentity` exposes to chaincode, built from the creator
 * bytes of a proposal. Like the shim it parses without validating (the endorser validated the
 * creator already): getID, getMSPID, getIDBytes, getAttributeValue, assertAttributeValue.
 */
export class ClientIdentityInfo {
  readonly #identity: Identity

  constructor (creator: Uint8Array | SerializedIdentityFields | Identity) {
    if (creator instanceof Identity) {
      this.#identity = creator
    } else {
      const fields = creator instanceof Uint8Array ? decodeSerializedIdentity(creator) : creator
      // The verifier is never used for ClientIdentity (no signatures are checked here).
      this.#identity = new Identity(fields.mspid, fields.idBytes, new NobleVerifier({ precomputeWindow: 0 }))
    }
  }

  /** `x509::<subject DN>::<issuer DN>`, e.g. `x509::CN=alice,OU=client,O=Org1,C=US::CN=ca.org1,O=Org1,C=US`. */
  getID (): string { return this.#identity.id }
  getMSPID (): string { return this.#identity.mspId }
  /** The PEM certificate bytes. */
  getIDBytes (): Uint8Array { return this.#identity.idBytes }
  get attributes (): Attributes { return this.#identity.attributes }

  /** The attribute's value, or null when the identity does not have it (the shim's contract). */
  getAttributeValue (name: string): string | null {
    const value = this.#identity.getAttributeValue(name)
    return value === null || value === '' ? null : value
  }

  assertAttributeValue (name: string, value: string): boolean {
    return this.getAttributeValue(name) === value
  }
}
