import { WeftError } from '../shared/errors.js'

export type ValidatorErrorCode =
  /** The block itself is unusable (no header/data, data hash mismatch): it is not committed. */
  | 'VALIDATOR_BAD_BLOCK'

export class ValidatorError extends WeftError {
  static override readonly name: string = 'ValidatorError'
  declare readonly code: ValidatorErrorCode

  constructor (code: ValidatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
