/**
 * All creator and endorsement signatures of a block, verified in ONE `Verifier.verifyBatch` call
 * (the WASM verifier does a whole block in one call and reuses the tables of recurring keys).
 * Collect first (deserializing identities), verify once, then read verdicts per transaction:
 * the outcome equals Fabric's one-by-one checks (creator: msgvalidation.checkSignatureFromCreator;
 * endorsers: policies.SignatureSetToValidIdentities).
 *
 * @module
 */
import type { Verifier, VerifyRequest } from '../crypto/verifier.js'
import type { Identity } from '../msp/index.js'
import { identityKey, isIdentityError, type MspManager } from '../policy/index.js'
import { endorsementSignedData } from './endorsement.js'
import type { ParsedTx } from './parse.js'

/** Where one transaction's signatures sit in the block's batch. */
export interface TxSignatures {
  /** Set when the creator does not deserialize or is not valid for the channel (BAD_CREATOR_SIGNATURE). */
  creatorError?: string
  creator?: Identity
  creatorRequest: number
  /** Endorsements in order; request -1 when the endorser does not deserialize. */
  endorsers: ReadonlyArray<{ identity?: Identity, request: number }>
}

export class SignatureBatch {
  readonly requests: VerifyRequest[] = []
  #add (identity: Identity, message: Uint8Array, signature: Uint8Array): number {
    this.requests.push({ publicKey: identity.publicKey, message, signature, format: 'der' })
    return this.requests.length - 1
  }

  /** Queues the creator's and endorsers' signatures of `tx`. */
  async collect (tx: ParsedTx, msps: MspManager): Promise<TxSignatures> {
    let creator: Identity
    try {
      creator = msps.deserializeIdentity(tx.creator)
      await msps.validate(creator)
    } catch (err) {
      if (isIdentityError(err)) return { creatorError: `creator: ${(err as Error).message}`, creatorRequest: -1, endorsers: [] }
      throw err
    }
    const creatorRequest = this.#add(creator, tx.payloadBytes, tx.signature)
    // Same endorser and signature bytes within a transaction: one request (so repeating one
    // signature thousands of times costs one verification, as in validIdentities).
    const known = new Map<string, number>()
    const endorsers = endorsementSignedData(tx.proposalResponsePayload, tx.endorsements).map((sd) => {
      let identity: Identity
      try {
        identity = msps.deserializeIdentity(sd.identity)
      } catch (err) {
        if (isIdentityError(err)) return { request: -1 }
        throw err
      }
      const key = `${identityKey(identity)}\u0000${hex(sd.signature)}`
      let request = known.get(key)
      if (request === undefined) { request = this.#add(identity, sd.data, sd.signature); known.set(key, request) }
      return { identity, request }
    })
    return { creator, creatorRequest, endorsers }
  }

  async verify (verifier: Verifier): Promise<boolean[]> {
    if (this.requests.length === 0) return []
    const verdicts = await verifier.verifyBatch(this.requests)
    return verdicts
  }
}

/** The distinct endorsers whose signature verified, first occurrence kept (validIdentities' result). */
export function verifiedEndorsers (sigs: TxSignatures, verdicts: readonly boolean[]): Identity[] {
  const seen = new Set<string>()
  const out: Identity[] = []
  for (const { identity, request } of sigs.endorsers) {
    if (identity === undefined || verdicts[request] !== true) continue
    const key = identityKey(identity)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(identity)
  }
  return out
}

function hex (bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16)
  return s
}
