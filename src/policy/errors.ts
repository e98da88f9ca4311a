import { WeftError } from '../shared/errors.js'

/** Why a policy could not be parsed, built or evaluated. */
export type PolicyErrorCode =
  /** The policy string does not follow Fabric's signature-policy language. */
  | 'POLICY_SYNTAX'
  /** A policy structure (envelope, principal, implicit meta rule) is malformed. */
  | 'POLICY_MALFORMED'
  /** A policy path names no policy of the channel. */
  | 'POLICY_NOT_FOUND'
  /** An identity names an MSP the channel does not know. */
  | 'POLICY_UNKNOWN_MSP'
  /** The signed data does not satisfy the policy. */
  | 'POLICY_NOT_SATISFIED'

export class PolicyError extends WeftError {
  static override readonly name: string = 'PolicyError'
  declare readonly code: PolicyErrorCode

  constructor (code: PolicyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
