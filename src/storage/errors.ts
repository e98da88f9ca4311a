/**
 * Errors of the storage layer. Codes are stable; callers branch on `code`.
 * - STORAGE_QUOTA_EXCEEDED: the browser (or a simulated quota) refused the write; nothing was written.
 * - STORAGE_ABORTED: the write transaction was aborted (fault injected, tab closing); nothing was written.
 * - STORAGE_FAILED: any other backend failure.
 * - STORAGE_BAD_INPUT: a key, table or option the store cannot accept.
 * - STORAGE_CLOSED: the store was used after close().
 * - STORAGE_LOCKED: another tab or window of the origin has the store open.
 */
import { WeftError } from '../shared/errors.js'

export type StorageErrorCode =
  | 'STORAGE_QUOTA_EXCEEDED'
  | 'STORAGE_ABORTED'
  | 'STORAGE_FAILED'
  | 'STORAGE_BAD_INPUT'
  | 'STORAGE_CLOSED'
  | 'STORAGE_LOCKED'

export class StorageError extends WeftError {
  static override readonly name: string = 'StorageError'
  declare readonly code: StorageErrorCode

  constructor (code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** Maps whatever a backend threw into a StorageError (QuotaExceededError keeps its meaning). */
export function toStorageError (err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : ''
  if (name === 'QuotaExceededError') {
    return new StorageError('STORAGE_QUOTA_EXCEEDED', `${what}: storage quota exceeded`, { cause: err })
  }
  if (name === 'AbortError') {
    return new StorageError('STORAGE_ABORTED', `${what}: transaction aborted`, { cause: err })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new StorageError('STORAGE_FAILED', `${what}: ${message}`, { cause: err })
}
