import { WeftError } from '../shared/errors.js'

export type ChaincodeErrorCode =
  | 'CHAINCODE_BAD_INPUT'
  | 'CHAINCODE_LOAD_FAILED'
  | 'CHAINCODE_TIMEOUT'
  | 'CHAINCODE_OUT_OF_MEMORY'
  | 'CHAINCODE_CRASHED'
  | 'CHAINCODE_CLOSED'
  | 'CHAINCODE_PACKAGE_INVALID'

/** Failures of the chaincode runtime (not of the chaincode's business logic, which is a 500 response). */
export class ChaincodeError extends WeftError {
  static override readonly name: string = 'ChaincodeError'
  declare readonly code: ChaincodeErrorCode

  constructor (code: ChaincodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
