import { expect } from 'vitest'
import { ProtoError } from '../../../src/protos/index.js'
import type { ProtoErrorCode } from '../../../src/protos/index.js'

/** Runs `fn`, asserting it throws a ProtoError with `code`; returns the error for more checks. */
export function expectProtoError (fn: () => unknown, code: ProtoErrorCode): ProtoError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtoError)
    expect((err as ProtoError).code).toBe(code)
    return err as ProtoError
  }
  throw new Error(`expected ProtoError ${code}, nothing was thrown`)
}
