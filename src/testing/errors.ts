import { WeftError } from '../shared/errors.js'

export type TestNetworkErrorCode =
  /** Bad options or arguments. */
  | 'TESTNET_BAD_INPUT'
  /** A peer refused the proposal or the chaincode returned an error (message carries it). */
  | 'TESTNET_ENDORSEMENT_FAILED'
  /** The transaction was ordered but committed invalid; `validationCode` says why. */
  | 'TESTNET_TX_INVALID'
  /** The network is closed. */
  | 'TESTNET_CLOSED'

export class TestNetworkError extends WeftError {
  static override readonly name: string = 'TestNetworkError'
  declare readonly code: TestNetworkErrorCode
  /** Fabric's TxValidationCode name for TESTNET_TX_INVALID (e.g. 'MVCC_READ_CONFLICT'). */
  readonly validationCode?: string
  /** The chaincode or endorser status for TESTNET_ENDORSEMENT_FAILED. */
  readonly status?: number

  constructor (code: TestNetworkErrorCode, message: string, details: { validationCode?: string, status?: number, cause?: unknown } = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause })
    if (details.validationCode !== undefined) this.validationCode = details.validationCode
    if (details.status !== undefined) this.status = details.status
  }
}
