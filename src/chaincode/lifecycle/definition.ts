/**
 * Chaincode definitions as `_lifecycle` keeps them, and where.
 *
 * Deviation from Fabric (core/chaincode/lifecycle): Fabric serialises each definition field as
 * StateMetadata/StateData records and keeps an org's approval in that org's PRIVATE implicit
 * collection `_implicit_org_<MSPID>`, committed as hashes. Weft has no private data yet, so a
 * definition is one JSON record under `_lifecycle` and an approval is one JSON record in the
 * PUBLIC namespace `_implicit_org_<MSPID>`, whose writes need that org's Endorsement policy —
 * the same trust rule (only the org's peers can record its approval), visible to all.
 *
 * @module
 */
import { ApplicationPolicy, CollectionConfigPackage, decode, encode } from '../../protos/index.js'
import { policyFromString } from '../../policy/index.js'

export const LIFECYCLE_NAMESPACE = '_lifecycle'
export const IMPLICIT_ORG_PREFIX = '_implicit_org_'

/** The parameters orgs approve and the channel commits (Fabric's ChaincodeParameters). */
export interface ChaincodeParameters {
  version: string
  /** Marshalled ApplicationPolicy (Fabric's ValidationInfo.ValidationParameter). */
  endorsementPolicy: Uint8Array
  initRequired: boolean
  /** Marshalled CollectionConfigPackage (empty: none). */
  collections: Uint8Array
}

export interface ChaincodeDefinition extends ChaincodeParameters {
  name: string
  sequence: number
}

export interface Approval extends ChaincodeParameters {
  sequence: number
  /** The package this org's peers run ('' when approved without one). */
  packageId: string
}

/** Fabric's default: the channel's /Channel/Application/Endorsement policy (MAJORITY Endorsement). */
export const DEFAULT_ENDORSEMENT_POLICY_REF = '/Channel/Application/Endorsement'

/** An ApplicationPolicy from the policy language, a channel policy path, or nothing (the default). */
export function applicationPolicy (policy?: string): Uint8Array {
  if (policy === undefined || policy === '') return encode(ApplicationPolicy, { channelConfigPolicyReference: DEFAULT_ENDORSEMENT_POLICY_REF })
  if (policy.startsWith('/')) return encode(ApplicationPolicy, { channelConfigPolicyReference: policy })
  return encode(ApplicationPolicy, { signaturePolicy: policyFromString(policy) })
}

export function decodeApplicationPolicy (bytes: Uint8Array): ApplicationPolicy {
  return decode(ApplicationPolicy, bytes, { what: 'ApplicationPolicy' })
}

export function collectionsOf (bytes: Uint8Array): CollectionConfigPackage {
  return bytes.length === 0 ? { config: [] } : decode(CollectionConfigPackage, bytes, { what: 'CollectionConfigPackage' })
}

export const definitionKey = (name: string): string => `namespaces/fields/${name}`
export const approvalKey = (name: string, sequence: number): string => `namespaces/approvals/${name}#${sequence}`
export const implicitNamespace = (mspId: string): string => `${IMPLICIT_ORG_PREFIX}${mspId}`

const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))
const unb64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

export function encodeDefinition (d: ChaincodeDefinition): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ ...d, endorsementPolicy: b64(d.endorsementPolicy), collections: b64(d.collections) }))
}

export function decodeDefinition (bytes: Uint8Array): ChaincodeDefinition {
  const o = JSON.parse(new TextDecoder().decode(bytes)) as ChaincodeDefinition & { endorsementPolicy: string, collections: string }
  return { ...o, endorsementPolicy: unb64(o.endorsementPolicy), collections: unb64(o.collections) }
}

export function encodeApproval (a: Approval): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ ...a, endorsementPolicy: b64(a.endorsementPolicy), collections: b64(a.collections) }))
}

export function decodeApproval (bytes: Uint8Array): Approval {
  const o = JSON.parse(new TextDecoder().decode(bytes)) as Approval & { endorsementPolicy: string, collections: string }
  return { ...o, endorsementPolicy: unb64(o.endorsementPolicy), collections: unb64(o.collections) }
}

/** Fabric's mismatch names for parameters that differ (CheckCommitReadiness). */
export function mismatches (a: ChaincodeParameters, b: ChaincodeParameters): string[] {
  const out: string[] = []
  if (a.version !== b.version) out.push('Version')
  if (b64(a.endorsementPolicy) !== b64(b.endorsementPolicy)) out.push('ValidationParameter')
  if (a.initRequired !== b.initRequired) out.push('InitRequired')
  if (b64(a.collections) !== b64(b.collections)) out.push('Collections')
  return out
}
