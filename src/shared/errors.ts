/**
 * Every failure that crosses a layer boundary is a `WeftError` with a stable `code`.
 * Layers subclass it (`class LedgerError extends WeftError`) and pick codes from their
 * own `SCREAMING_SNAKE` namespace, e.g. `PROTO_TRUNCATED`, `MSP_EXPIRED`, `LEDGER_QUOTA_EXCEEDED`.
 *
 * An invalid transaction is a result (a TxValidationCode), never a thrown error: errors mean
 * the input could not be processed at all or the infrastructure failed (Fabric's habit).
 */
export class WeftError extends Error {
  static override readonly name: string = 'WeftError'
  /** Stable, machine-readable reason; tests and callers branch on this, never on `message`. */
  readonly code: string

  constructor (code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** True when `err` is a WeftError, optionally with the given code. */
export function isWeftError (err: unknown, code?: string): err is WeftError {
  return err instanceof WeftError && (code === undefined || err.code === code)
}
