/**
 * Signature policies (Fabric's common/cauthdsl): a compiled SignaturePolicyEnvelope evaluated
 * over identities. Semantics kept from cauthdsl.go:
 * - each identity satisfies at most one SignedBy leaf: a leaf takes the first unused identity
 *   that satisfies its principal and marks it used;
 * - an NOutOf gate tries its rules in order, each on a copy of the used-marks, and keeps the
 *   marks of the rules that succeeded; it holds when at least n did. Greedy, hence dependent
 *   on order exactly as in Fabric (a known property of cauthdsl, kept for identical verdicts).
 *
 * @module
 */
import {
  MSPPrincipal, MSPRole, OrganizationUnit, SignaturePolicyEnvelope, decode
} from '../protos/index.js'
import type { SignaturePolicy } from '../protos/index.js'
import type { Identity, Principal } from '../msp/index.js'
import { roleNameOf } from './builders.js'
import { PolicyError } from './errors.js'
import type { MspManager } from './msp-manager.js'
import type { Policy, SignedData } from './policy.js'
import { dedupIdentities, validIdentities } from './signed-data.js'

type Evaluator = (identities: readonly Identity[], used: boolean[], satisfied: Satisfied) => Promise<boolean>
type Satisfied = (identity: Identity, index: number, principal: number) => Promise<boolean>

const MAX_DEPTH = 64

export class SignaturePolicyEvaluator implements Policy {
  readonly envelope: SignaturePolicyEnvelope
  readonly #principals: ReadonlyArray<Principal | undefined>
  readonly #root: Evaluator
  readonly #msps: MspManager

  constructor (envelope: SignaturePolicyEnvelope | Uint8Array, msps: MspManager) {
    const env = envelope instanceof Uint8Array ? decodeEnvelope(envelope) : envelope
    // cauthdsl.NewPolicy: only version 0 exists; a missing rule is an empty policy element.
    if (env.version !== 0) throw new PolicyError('POLICY_MALFORMED', `signature policy version ${env.version} is not supported`)
    if (env.rule === undefined) throw new PolicyError('POLICY_MALFORMED', 'empty policy element')
    this.envelope = env
    this.#principals = env.identities.map(principalOf)
    this.#root = compile(env.rule, env.identities.length, 0)
    this.#msps = msps
  }

  async evaluateSignedData (signedData: readonly SignedData[]): Promise<boolean> {
    return await this.evaluateIdentities(await validIdentities(signedData, this.#msps))
  }

  async evaluateIdentities (identities: readonly Identity[]): Promise<boolean> {
    const distinct = dedupIdentities(identities)
    // A (identity, principal) verdict is asked repeatedly by greedy evaluation; memoise it.
    const memo = new Map<number, Promise<boolean>>()
    const satisfied: Satisfied = async (identity, index, principalIndex) => {
      const key = index * this.#principals.length + principalIndex
      let verdict = memo.get(key)
      if (verdict === undefined) {
        verdict = this.#satisfies(identity, this.#principals[principalIndex])
        memo.set(key, verdict)
      }
      return await verdict
    }
    return await this.#root(distinct, new Array<boolean>(distinct.length).fill(false), satisfied)
  }

  async #satisfies (identity: Identity, principal: Principal | undefined): Promise<boolean> {
    if (principal === undefined) return false
    const msp = this.#msps.mspOf(identity)
    if (msp === undefined) return false
    return await msp.satisfies(identity, principal)
  }
}

export function decodeEnvelope (bytes: Uint8Array): SignaturePolicyEnvelope {
  try {
    return decode(SignaturePolicyEnvelope, bytes, { what: 'SignaturePolicyEnvelope' })
  } catch (err) {
    throw new PolicyError('POLICY_MALFORMED', 'signature policy does not decode', { cause: err })
  }
}

function compile (rule: SignaturePolicy, identityCount: number, depth: number): Evaluator {
  if (depth > MAX_DEPTH) throw new PolicyError('POLICY_MALFORMED', 'signature policy nested too deep')
  if (rule.nOutOf !== undefined) {
    const n = rule.nOutOf.n
    const rules = rule.nOutOf.rules.map((r) => compile(r, identityCount, depth + 1))
    return async (identities, used, satisfied) => {
      let verified = 0
      const scratch = used.slice()
      for (const evaluate of rules) {
        for (let i = 0; i < used.length; i++) scratch[i] = used[i] as boolean
        if (await evaluate(identities, scratch, satisfied)) {
          verified++
          for (let i = 0; i < used.length; i++) used[i] = scratch[i] as boolean
        }
      }
      return verified >= n
    }
  }
  if (rule.signedBy !== undefined) {
    const index = rule.signedBy
    if (index < 0 || index >= identityCount) throw new PolicyError('POLICY_MALFORMED', `identity index ${index} out of range (${identityCount} identities)`)
    return async (identities, used, satisfied) => {
      for (let i = 0; i < identities.length; i++) {
        if (used[i] === true) continue
        if (await satisfied(identities[i] as Identity, i, index)) {
          used[i] = true
          return true
        }
      }
      return false
    }
  }
  throw new PolicyError('POLICY_MALFORMED', 'empty policy element')
}

/** MSPPrincipal → the MSP layer's Principal; undefined for kinds Weft does not support (never satisfied). */
function principalOf (p: MSPPrincipal): Principal | undefined {
  try {
    switch (p.principalClassification) {
      case MSPPrincipal.Classification.ROLE: {
        const role = decode(MSPRole, p.principal, { what: 'MSPRole' })
        const name = roleNameOf(role.role)
        return name === undefined ? undefined : { mspId: role.mspIdentifier, role: name }
      }
      case MSPPrincipal.Classification.ORGANIZATION_UNIT: {
        const ou = decode(OrganizationUnit, p.principal, { what: 'OrganizationUnit' })
        return { mspId: ou.mspIdentifier, organizationalUnit: ou.organizationalUnitIdentifier }
      }
      case MSPPrincipal.Classification.IDENTITY:
        return { identity: p.principal }
      default:
        // ANONYMITY (idemix) and COMBINED are not supported: such a principal is never satisfied.
        return undefined
    }
  } catch (err) {
    throw new PolicyError('POLICY_MALFORMED', 'policy principal does not decode', { cause: err })
  }
}
