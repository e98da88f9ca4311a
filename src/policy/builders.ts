/**
 * Small constructors for Fabric's policy structures (policydsl/policydsl_builder.go): SignedBy,
 * NOutOf, role principals and envelopes. Pure; no MSP needed.
 *
 * @module
 */
import { MSPPrincipal, MSPRole, encode } from '../protos/index.js'
import type { SignaturePolicyEnvelope , SignaturePolicy} from '../protos/index.js'
import type { PrincipalRole } from '../msp/index.js'

const ROLE_TYPES: Readonly<Record<PrincipalRole, MSPRole.MSPRoleType>> = Object.freeze({
  member: MSPRole.MSPRoleType.MEMBER,
  admin: MSPRole.MSPRoleType.ADMIN,
  client: MSPRole.MSPRoleType.CLIENT,
  peer: MSPRole.MSPRoleType.PEER,
  orderer: MSPRole.MSPRoleType.ORDERER
})

/** `policydsl.SignedBy`: satisfied by a signature from identity `index` of the envelope. */
export function signedBy (index: number): SignaturePolicy {
  return { signedBy: index }
}

/** `policydsl.NOutOf`: satisfied when `n` of `rules` are. */
export function nOutOf (n: number, rules: SignaturePolicy[]): SignaturePolicy {
  return { nOutOf: { n, rules } }
}

/** An MSPPrincipal of classification ROLE, e.g. `rolePrincipal('Org1MSP', 'peer')`. */
export function rolePrincipal (mspId: string, role: PrincipalRole): MSPPrincipal {
  return {
    principalClassification: MSPPrincipal.Classification.ROLE,
    principal: encode(MSPRole, { mspIdentifier: mspId, role: ROLE_TYPES[role] })
  }
}

/** `policydsl.SignedByAnyMember`-style envelope: 1 out of a member of each MSP with `role`. */
export function signedByAnyOf (mspIds: readonly string[], role: PrincipalRole): SignaturePolicyEnvelope {
  return {
    version: 0,
    rule: nOutOf(1, mspIds.map((_, i) => signedBy(i))),
    identities: mspIds.map((id) => rolePrincipal(id, role))
  }
}

export function roleTypeOf (role: PrincipalRole): MSPRole.MSPRoleType {
  return ROLE_TYPES[role]
}

export function roleNameOf (type: MSPRole.MSPRoleType): PrincipalRole | undefined {
  return (Object.keys(ROLE_TYPES) as PrincipalRole[]).find((r) => ROLE_TYPES[r] === type)
}
