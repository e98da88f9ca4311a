/**
 * Errors of the ledger layer (block store, state DB, history, commit, snapshots).
 * Codes are stable; callers branch on `code`, never on the message.
 */
import { WeftError } from '../shared/errors.js'
import { StorageError } from '../storage/errors.js'

export type LedgerErrorCode =
  /** Block number is not the current height. */
  | 'LEDGER_BAD_BLOCK_NUMBER'
  /** Block's previousHash is not the hash of the last block's header. */
  | 'LEDGER_BAD_PREVIOUS_HASH'
  /** Block header's dataHash does not match its data. */
  | 'LEDGER_BAD_DATA_HASH'
  /** Block or transaction bytes do not decode, or the block lacks header/data. */
  | 'LEDGER_BAD_BLOCK'
  /** Validation codes missing, wrong length, or not bytes. */
  | 'LEDGER_BAD_VALIDATION_CODES'
  /** Arguments the ledger cannot accept (keys that are not UTF-8, namespaces with U+0000...). */
  | 'LEDGER_BAD_INPUT'
  | 'LEDGER_NOT_FOUND'
  /**
   * The txId was committed before the snapshot this ledger was bootstrapped from: it exists (a
   * replay is a duplicate) but its block is not held (Fabric: "Ledger bootstrapped from a
   * snapshot. First available block = N").
   */
  | 'LEDGER_BEFORE_SNAPSHOT'
  /** Storage is full: nothing of the block was written; retry when space returns. */
  | 'LEDGER_QUOTA_EXCEEDED'
  /** The storage transaction failed or was aborted: nothing of the block was written. */
  | 'LEDGER_STORAGE_FAILED'
  | 'LEDGER_CLOSED'
  /** The channel's ledger is open in another tab or window of this origin. */
  | 'LEDGER_LOCKED'
  /** A simulator call that Fabric's txSimulator refuses (write after paginated query, use after done). */
  | 'LEDGER_TX_SIMULATOR'
  | 'LEDGER_SNAPSHOT_INVALID'
  | 'LEDGER_ABORTED'

export class LedgerError extends WeftError {
  static override readonly name: string = 'LedgerError'
  declare readonly code: LedgerErrorCode

  constructor (code: LedgerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** Storage failures surface as ledger codes; a full disk keeps its own code (the caller can wait and retry). */
export function fromStorageError (err: unknown, what: string): LedgerError {
  if (err instanceof LedgerError) return err
  if (err instanceof StorageError) {
    if (err.code === 'STORAGE_QUOTA_EXCEEDED') return new LedgerError('LEDGER_QUOTA_EXCEEDED', `${what}: storage quota exceeded`, { cause: err })
    if (err.code === 'STORAGE_CLOSED') return new LedgerError('LEDGER_CLOSED', `${what}: ledger is closed`, { cause: err })
    if (err.code === 'STORAGE_LOCKED') return new LedgerError('LEDGER_LOCKED', `${what}: ${err.message}`, { cause: err })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new LedgerError('LEDGER_STORAGE_FAILED', `${what}: ${message}`, { cause: err })
}
