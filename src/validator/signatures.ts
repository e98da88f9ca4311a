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

/**
 * A bijective byte → string map (WHATWG windows-1252 gives every byte its own code point), native
 * and much faster than building the string in JS: the key of the per-block identity and
 * signature memos.
 */
const identityKeyDecoder = new TextDecoder('windows-1252')

export class SignatureBatch {
  readonly requests: VerifyRequest[] = []
  readonly #msps: MspManager
  /**
   * The block's creators and endorsers are a handful of identities repeated in every
   * transaction: deserialize and validate each once per block (the MSP caches too, but its key
   * costs more than the work saved here).
   */
  readonly #identities = new Map<string, { identity: Identity } | { error: unknown }>()
  readonly #validated = new Map<Identity, Promise<void>>()

  constructor (msps: MspManager) {
    this.#msps = msps
  }

  #deserialize (serialized: Uint8Array): Identity {
    const key = identityKeyDecoder.decode(serialized)
    let entry = this.#identities.get(key)
    if (entry === undefined) {
      try {
        entry = { identity: this.#msps.deserializeIdentity(serialized) }
      } catch (error) {
        entry = { error }
      }
      this.#identities.set(key, entry)
    }
    if ('error' in entry) throw entry.error
    return entry.identity
  }

  async #validate (identity: Identity): Promise<void> {
    let pending = this.#validated.get(identity)
    if (pending === undefined) {
      pending = this.#msps.validate(identity)
      this.#validated.set(identity, pending)
    }
    await pending
  }
  #add (identity: Identity, message: Uint8Array, signature: Uint8Array): number {
    this.requests.push({ publicKey: identity.publicKey, message, signature, format: 'der' })
    return this.requests.length - 1
  }

  /** Queues the creator's and endorsers' signatures of `tx`. */
  async collect (tx: ParsedTx): Promise<TxSignatures> {
    let creator: Identity
    try {
      creator = this.#deserialize(tx.creator)
      await this.#validate(creator)
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
        identity = this.#deserialize(sd.identity)
      } catch (err) {
        if (isIdentityError(err)) return { request: -1 }
        throw err
      }
      const key = `${identityKey(identity)}\u0000${identityKeyDecoder.decode(sd.signature)}`
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
