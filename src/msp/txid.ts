import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256, sha256BatchInto } from '../crypto/sha256.js'
import { randomBytes } from '../crypto/random.js'
import { MspError } from './errors.js'

/** Fabric's nonce length (protoutil.CreateNonce → crypto.GetRandomNonce, 24 bytes). */
export const NONCE_BYTES = 24

export function newNonce (): Uint8Array {
  return randomBytes(NONCE_BYTES)
}

/**
 * Fabric's protoutil.ComputeTxID: hex(SHA-256(nonce ‖ creator)), where `creator` is the
 * SerializedIdentity bytes of the submitter. Binding the ID to a fresh nonce and the creator is
 * what makes a replayed transaction detectable (duplicate txId).
 */
export function computeTxId (nonce: Uint8Array, creator: Uint8Array): string {
  return bytesToHex(sha256(txIdPreimage(nonce, creator, '')))
}

/** nonce ‖ creator, both checked non-empty; `at` prefixes the field names in errors. */
function txIdPreimage (nonce: Uint8Array, creator: Uint8Array, at: string): Uint8Array {
  if (!(nonce instanceof Uint8Array) || nonce.length === 0) throw new MspError('MSP_MALFORMED', `${at}nonce must be a non-empty Uint8Array`)
  if (!(creator instanceof Uint8Array) || creator.length === 0) throw new MspError('MSP_MALFORMED', `${at}creator must be a non-empty Uint8Array`)
  const data = new Uint8Array(nonce.length + creator.length)
  data.set(nonce)
  data.set(creator, nonce.length)
  return data
}

/**
 * `computeTxId` for many transactions in ONE batched SHA-256 call (the WASM multi-buffer path:
 * a block's txIds hash four lanes at a time). Same answers, same input checks.
 */
export function computeTxIds (headers: ReadonlyArray<{ nonce: Uint8Array, creator: Uint8Array }>): string[] {
  const messages = headers.map(({ nonce, creator }, i) => txIdPreimage(nonce, creator, `headers[${i}].`))
  const digests = sha256BatchInto(messages, new Uint8Array(32 * messages.length))
  return messages.map((_, i) => bytesToHex(digests.subarray(32 * i, 32 * i + 32)))
}
