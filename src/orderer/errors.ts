import { WeftError } from '../shared/errors.js'

/** Codes of the ordering service outside the Raft core (which has RaftError). */
export type OrdererErrorCode =
  | 'ORDERER_INVALID_CONFIG'
  | 'ORDERER_INVALID_ARGUMENT'
  | 'ORDERER_BLOCK_CHAIN_BROKEN'
  | 'ORDERER_LEDGER_CORRUPT'
  | 'ORDERER_STOPPED'
  | 'ORDERER_BROADCAST_REFUSED'

export class OrdererError extends WeftError {
  static override readonly name: string = 'OrdererError'
  declare readonly code: OrdererErrorCode

  constructor (code: OrdererErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
