/**
 * ImplicitMeta policies (Fabric's common/policies/implicitmeta.go): ANY, ALL or MAJORITY of the
 * policy named `subPolicy` in each child group (the channel's organizations).
 *
 * @module
 */
import type { Identity } from '../msp/index.js'
import { PolicyError } from './errors.js'
import type { MspManager } from './msp-manager.js'
import type { Policy, SignedData } from './policy.js'
import { validIdentities } from './signed-data.js'

export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY'

/** How many sub-policies must hold; with no sub-policies Fabric takes 0 to be any and majority. */
export function implicitMetaThreshold (rule: ImplicitMetaRule, subPolicies: number): number {
  if (subPolicies === 0) return 0
  switch (rule) {
    case 'ANY': return 1
    case 'ALL': return subPolicies
    case 'MAJORITY': return Math.floor(subPolicies / 2) + 1
    default: throw new PolicyError('POLICY_MALFORMED', `unknown implicit meta rule ${String(rule)}`)
  }
}

export class ImplicitMetaPolicy implements Policy {
  readonly threshold: number

  constructor (
    readonly rule: ImplicitMetaRule,
    readonly subPolicyName: string,
    private readonly subPolicies: readonly Policy[],
    private readonly msps: MspManager
  ) {
    this.threshold = implicitMetaThreshold(rule, subPolicies.length)
  }

  async evaluateSignedData (signedData: readonly SignedData[]): Promise<boolean> {
    // Verify each signature once, then evaluate every sub-policy over the same identities:
    // the verdicts equal Fabric's per-sub-policy EvaluateSignedData.
    return await this.evaluateIdentities(await validIdentities(signedData, this.msps))
  }

  async evaluateIdentities (identities: readonly Identity[]): Promise<boolean> {
    let remaining = this.threshold
    if (remaining === 0) return true
    for (const policy of this.subPolicies) {
      if (await policy.evaluateIdentities(identities)) {
        remaining--
        if (remaining === 0) return true
      }
    }
    return false
  }
}
