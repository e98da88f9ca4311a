import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/**
 * Synchronous SHA-256 used by the ECDSA code. The SHA helper is writing `./sha256.ts` (WASM-backed);
 * until it lands this forwards to @noble/hashes, which has the same `(data) => digest` shape.
 */
export function sha256 (data: Uint8Array): Uint8Array {
  return nobleSha256(data)
}
