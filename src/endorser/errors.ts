import { WeftError } from '../shared/errors.js'

export type EndorserErrorCode =
  /** Bad input to a proposal or transaction builder. */
  | 'ENDORSER_BAD_INPUT'
  /** Proposal responses that cannot be assembled into one transaction (differing payloads, failures). */
  | 'ENDORSER_MISMATCHED_RESPONSES'

export class EndorserError extends WeftError {
  static override readonly name: string = 'EndorserError'
  declare readonly code: EndorserErrorCode

  constructor (code: EndorserErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
