import { WeftError } from '../../shared/errors.js'

export type LifecycleErrorCode =
  | 'LIFECYCLE_BAD_INPUT'
  | 'LIFECYCLE_ALREADY_INSTALLED'
  | 'LIFECYCLE_NOT_INSTALLED'
  | 'LIFECYCLE_BAD_SEQUENCE'
  | 'LIFECYCLE_NOT_APPROVED'
  | 'LIFECYCLE_NOT_FOUND'
  | 'LIFECYCLE_ACCESS_DENIED'

export class LifecycleError extends WeftError {
  static override readonly name: string = 'LifecycleError'
  declare readonly code: LifecycleErrorCode

  constructor (code: LifecycleErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
