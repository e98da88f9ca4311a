import { WeftError } from '../shared/errors.js'

export type ValidatorErrorCode =
  /** The block itself is unusable (no header/data, data hash mismatch): it is not committed. */
  | 'VALIDATOR_BAD_BLOCK'
  /** The block's number or previous hash does not continue the local chain: it is not committed. */
  | 'VALIDATOR_BROKEN_CHAIN'
  /** The orderer signatures are missing, malformed or do not satisfy BlockValidation: not committed. */
  | 'VALIDATOR_BAD_BLOCK_SIGNATURE'

export class ValidatorError extends WeftError {
  static override readonly name: string = 'ValidatorError'
  declare readonly code: ValidatorErrorCode

  constructor (code: ValidatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
