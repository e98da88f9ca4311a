/**
 * A channel's policy tree (Fabric's policies.Manager over the channel config), for the
 * Application group Weft peers use:
 *
 *   /Channel/Application/<Org>/{Readers,Writers,Admins,Endorsement}   signature policies
 *   /Channel/Application/{Readers,Writers,Admins,Endorsement,LifecycleEndorsement}  ImplicitMeta
 *
 * Defaults are those of Fabric's sample configtx.yaml (the policies every Fabric tutorial
 * channel has). Weft has no orderer group in this model, so `/Channel/X` resolves to the
 * Application group's X (Fabric's /Channel/Readers is ANY over Application and Orderer).
 *
 * @module
 */
import type { SignaturePolicyEnvelope } from '../protos/index.js'
import { PolicyError } from './errors.js'
import { ImplicitMetaPolicy, type ImplicitMetaRule } from './implicit-meta.js'
import type { MspManager } from './msp-manager.js'
import { policyFromString } from './parser.js'
import type { Policy } from './policy.js'
import { SignaturePolicyEvaluator } from './signature-policy.js'

export const ORG_POLICY_NAMES = Object.freeze(['Readers', 'Writers', 'Admins', 'Endorsement'] as const)
export type OrgPolicyName = typeof ORG_POLICY_NAMES[number]

export interface ImplicitMetaSpec { rule: ImplicitMetaRule, subPolicy: string }
/** A policy in configuration: signature-policy language text, an envelope, or ImplicitMeta. */
export type PolicySpec = string | SignaturePolicyEnvelope | ImplicitMetaSpec

export interface ChannelPoliciesInit {
  msps: MspManager
  /** Application organizations (default: every MSP of the manager). */
  orgs?: readonly string[]
  /** Per-org overrides of Readers/Writers/Admins/Endorsement. */
  orgPolicies?: Readonly<Record<string, Partial<Record<OrgPolicyName, PolicySpec>>>>
  /** Overrides and additions at /Channel/Application. */
  application?: Readonly<Record<string, PolicySpec>>
}

/** Fabric's sample configtx.yaml organization policies. */
export function defaultOrgPolicies (mspId: string): Record<OrgPolicyName, string> {
  return {
    Readers: `OR('${mspId}.admin', '${mspId}.peer', '${mspId}.client')`,
    Writers: `OR('${mspId}.admin', '${mspId}.client')`,
    Admins: `OR('${mspId}.admin')`,
    Endorsement: `OR('${mspId}.peer')`
  }
}

/** Fabric's sample configtx.yaml Application policies. */
export const DEFAULT_APPLICATION_POLICIES: Readonly<Record<string, ImplicitMetaSpec>> = Object.freeze({
  Readers: { rule: 'ANY', subPolicy: 'Readers' },
  Writers: { rule: 'ANY', subPolicy: 'Writers' },
  Admins: { rule: 'MAJORITY', subPolicy: 'Admins' },
  LifecycleEndorsement: { rule: 'MAJORITY', subPolicy: 'Endorsement' },
  Endorsement: { rule: 'MAJORITY', subPolicy: 'Endorsement' }
})

export class ChannelPolicies {
  readonly orgs: readonly string[]
  readonly msps: MspManager
  readonly #org = new Map<string, Map<string, Policy>>()
  readonly #application = new Map<string, Policy>()

  constructor (init: ChannelPoliciesInit) {
    this.msps = init.msps
    this.orgs = Object.freeze([...(init.orgs ?? init.msps.mspIds)])
    for (const mspId of this.orgs) {
      const specs = { ...defaultOrgPolicies(mspId), ...init.orgPolicies?.[mspId] }
      const policies = new Map<string, Policy>()
      for (const [name, spec] of Object.entries(specs)) policies.set(name, this.#build(spec, () => undefined))
      this.#org.set(mspId, policies)
    }
    const specs: Record<string, PolicySpec> = { ...DEFAULT_APPLICATION_POLICIES, ...init.application }
    for (const [name, spec] of Object.entries(specs)) {
      this.#application.set(name, this.#build(spec, (sub) => this.orgs.flatMap((org) => {
        const p = this.#org.get(org)?.get(sub)
        return p === undefined ? [] : [p]
      })))
    }
  }

  /** A policy from the language, an envelope, or an ImplicitMeta rule over this channel's orgs. */
  #build (spec: PolicySpec, subPolicies: (name: string) => Policy[] | undefined): Policy {
    if (typeof spec === 'string') return new SignaturePolicyEvaluator(policyFromString(spec), this.msps)
    if ('rule' in spec && typeof spec.rule === 'string' && 'subPolicy' in spec) {
      const subs = subPolicies(spec.subPolicy)
      if (subs === undefined) throw new PolicyError('POLICY_MALFORMED', 'an organization policy cannot be ImplicitMeta')
      return new ImplicitMetaPolicy(spec.rule, spec.subPolicy, subs, this.msps)
    }
    return new SignaturePolicyEvaluator(spec as SignaturePolicyEnvelope, this.msps)
  }

  /**
   * Resolves a policy path: `/Channel/Application/Writers`, `/Channel/Application/Org1MSP/Admins`,
   * `/Channel/Writers`, or a bare name relative to /Channel/Application.
   */
  get (path: string): Policy | undefined {
    if (typeof path !== 'string') return undefined
    const parts = path.startsWith('/') ? path.split('/').slice(1) : ['Channel', 'Application', ...path.split('/')]
    if (parts[0] !== 'Channel') return undefined
    if (parts.length === 2) return this.#application.get(parts[1] as string)
    if (parts[1] !== 'Application') return undefined
    if (parts.length === 3) return this.#application.get(parts[2] as string)
    if (parts.length === 4) return this.#org.get(parts[2] as string)?.get(parts[3] as string)
    return undefined
  }

  /** Like `get`, throwing POLICY_NOT_FOUND. */
  require (path: string): Policy {
    const policy = this.get(path)
    if (policy === undefined) throw new PolicyError('POLICY_NOT_FOUND', `no policy ${path} on the channel`)
    return policy
  }
}
