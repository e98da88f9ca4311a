/**
 * Endorsement policy validation per written namespace, with key-level (state-based)
 * endorsement (Fabric's core/common/validation/statebased/validator_keylevel.go and the v20
 * builtin plugin):
 * - every endorsement signs `proposalResponsePayload ‖ endorser` (protoutil's signed data);
 * - a written key (value or metadata) carrying a VALIDATION_PARAMETER in committed state must
 *   satisfy that SignaturePolicyEnvelope instead of the chaincode's policy;
 * - the chaincode's policy must hold once if any written key lacks one, or if the namespace
 *   has no writes at all (a read-only transaction is checked against the invoked chaincode).
 *
 * @module
 */
import type { Policy, SignedData, MspManager } from '../policy/index.js'
import { PolicyError, SignaturePolicyEvaluator } from '../policy/index.js'
import type { Endorsement } from '../protos/index.js'
import type { Identity } from '../msp/index.js'
import type { NamespaceRwSet } from './parse.js'
import type { CommittedState } from './state.js'

export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER'

export function endorsementSignedData (proposalResponsePayload: Uint8Array, endorsements: readonly Endorsement[]): SignedData[] {
  return endorsements.map((e) => {
    const data = new Uint8Array(proposalResponsePayload.length + e.endorser.length)
    data.set(proposalResponsePayload)
    data.set(e.endorser, proposalResponsePayload.length)
    return { identity: e.endorser, data, signature: e.signature }
  })
}

/**
 * True when the endorsers satisfy every policy the namespace's writes are subject to.
 * `endorsers` are the distinct endorsers whose signatures verified (`validIdentities`), computed
 * once per transaction: the verdicts equal evaluating each policy over the signed data.
 */
export async function namespaceEndorsed (
  rw: NamespaceRwSet | undefined,
  ccPolicy: Policy,
  endorsers: readonly Identity[],
  state: CommittedState,
  msps: MspManager
): Promise<boolean> {
  const keys = rw === undefined ? [] : [...new Set([...rw.kv.writes.map((w) => w.key), ...rw.kv.metadataWrites.map((w) => w.key)])]
  let needCcPolicy = keys.length === 0
  for (const key of keys) {
    const vp = (await state.getMetadata(rw?.namespace as string, key))?.get(VALIDATION_PARAMETER)
    if (vp === undefined || vp.length === 0) { needCcPolicy = true; continue }
    let keyPolicy: SignaturePolicyEvaluator
    try {
      keyPolicy = new SignaturePolicyEvaluator(vp, msps)
    } catch (err) {
      if (err instanceof PolicyError) return false // an unreadable key policy can never be satisfied
      throw err
    }
    if (!await keyPolicy.evaluateIdentities(endorsers)) return false
  }
  return !needCcPolicy || await ccPolicy.evaluateIdentities(endorsers)
}
