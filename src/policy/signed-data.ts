import type { Identity } from '../msp/index.js'
import { isIdentityError, type MspManager } from './msp-manager.js'
import type { SignedData } from './policy.js'

/**
 * Fabric's policies.SignatureSetToValidIdentities: the distinct identities whose signature
 * verifies. A duplicate signer is skipped before its signature is checked (so repeating one
 * signature thousands of times costs nothing), but only once an earlier copy verified.
 */
export async function validIdentities (signedData: readonly SignedData[], msps: MspManager): Promise<Identity[]> {
  const seen = new Set<string>()
  const identities: Identity[] = []
  for (const sd of signedData) {
    let identity: Identity
    try {
      identity = msps.deserializeIdentity(sd.identity)
    } catch (err) {
      if (isIdentityError(err)) continue
      throw err
    }
    const key = identityKey(identity)
    if (seen.has(key)) continue
    try {
      await identity.verify(sd.data, sd.signature)
    } catch (err) {
      if (isIdentityError(err)) continue
      throw err
    }
    seen.add(key)
    identities.push(identity)
  }
  return identities
}

/** Fabric's IdentityIdentifier (mspid + id), here the certificate fingerprint. */
export function identityKey (identity: Identity): string {
  return `${identity.mspId}\u0000${identity.fingerprint}`
}

/** Distinct identities, first occurrence kept. */
export function dedupIdentities (identities: readonly Identity[]): Identity[] {
  const seen = new Set<string>()
  return identities.filter((id) => {
    const key = identityKey(id)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
