/**
 * Fabric's NodeOU roles (msp/mspimpl.go): with NodeOUs enabled an identity's certificate carries
 * exactly one role as an OU in its subject, e.g. `OU=client`. Fabric CA writes the identity type
 * there; `admin` identifies MSP admins (Fabric ≥ 1.4.3, instead of listing admin certificates).
 */
export type NodeRole = 'client' | 'peer' | 'admin' | 'orderer'

export const NODE_ROLES: readonly NodeRole[] = Object.freeze(['client', 'peer', 'admin', 'orderer'])

/** The roles a policy principal can require; `member` is any valid identity of the MSP. */
export type PrincipalRole = NodeRole | 'member'

/** A principal of Fabric's MSPRole kind: an MSP and a role within it. */
export interface RolePrincipal {
  mspId: string
  role: PrincipalRole
}

/** Fabric's OrganizationUnit principal: a valid identity of the MSP whose subject has this OU. */
export interface OuPrincipal {
  mspId: string
  organizationalUnit: string
}

/** Fabric's IDENTITY principal: exactly this identity (its SerializedIdentity bytes). */
export interface IdentityPrincipal {
  identity: Uint8Array
}

/** The principal kinds of Fabric's MSPPrincipal (ANONYMITY and COMBINED are not supported). */
export type Principal = RolePrincipal | OuPrincipal | IdentityPrincipal

/** The OU value that stands for each role; Fabric lets an MSP rename them in its config. */
export interface NodeOUs {
  enable: boolean
  client: string
  peer: string
  admin: string
  orderer: string
}

export const DEFAULT_NODE_OUS: NodeOUs = Object.freeze({
  enable: true, client: 'client', peer: 'peer', admin: 'admin', orderer: 'orderer'
})

export function isNodeRole (value: unknown): value is NodeRole {
  return typeof value === 'string' && (NODE_ROLES as readonly string[]).includes(value)
}
