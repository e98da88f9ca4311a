import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js'

/**
 * Cryptographically secure random bytes. `crypto.getRandomValues` exists in every browser
 * context, secure or not (unlike `crypto.subtle`), and in Node ≥ 19; noble's helper wraps it
 * and checks the length.
 */
export function randomBytes (length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`)
  return nobleRandomBytes(length)
}
