/**
 * The contract every SHA-256 backend implements (WASM SIMD, WASM scalar, @noble/hashes),
 * and the input checks they share. `sha256.ts` picks one engine for the process.
 * @module
 */
import { Sha256Error } from './sha256-errors.js'

export type Sha256Backend = 'wasm-simd' | 'wasm' | 'js'

export const SHA256_DIGEST_LENGTH = 32
/** FIPS 180-4 §5.3.3: initial hash value H(0). */
export const SHA256_IV: readonly number[] = /* @__PURE__ */ Object.freeze([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
])

/** Incremental hashing, in the shape of noble-hashes' `sha256.create()`. */
export interface Sha256Hasher {
  update(data: Uint8Array): this
  /** The digest of everything updated so far; the hasher cannot be used afterwards. */
  digest(): Uint8Array
}

export interface Sha256Engine {
  readonly backend: Sha256Backend
  digest(data: Uint8Array): Uint8Array
  /** One digest per message, in order. */
  digestBatch(messages: readonly Uint8Array[]): Uint8Array[]
  /** Writes digest i to `out[32·i .. 32·i+32)`; `out` must hold 32 bytes per message. */
  digestBatchInto(messages: readonly Uint8Array[], out: Uint8Array): void
  create(): Sha256Hasher
}

export function checkMessage (data: unknown, field = 'data'): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) throw new Sha256Error('CRYPTO_SHA256_BAD_INPUT', `${field}: expected a Uint8Array`)
}

export function checkBatch (messages: unknown): asserts messages is readonly Uint8Array[] {
  if (!Array.isArray(messages)) throw new Sha256Error('CRYPTO_SHA256_BAD_INPUT', 'messages: expected an array of Uint8Array')
  for (let i = 0; i < messages.length; i++) {
    // The field name is built only on failure: this loop runs once per message of every batch.
    if (!(messages[i] instanceof Uint8Array)) checkMessage(messages[i], `messages[${i}]`)
  }
}

export function checkBatchOutput (out: unknown, count: number): asserts out is Uint8Array {
  checkMessage(out, 'out')
  if (out.length < count * SHA256_DIGEST_LENGTH) {
    throw new Sha256Error('CRYPTO_SHA256_BAD_INPUT', `out: needs ${count * SHA256_DIGEST_LENGTH} bytes for ${count} digests, has ${out.length}`)
  }
}
