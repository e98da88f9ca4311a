/**
 * Packs verify requests into one `ArrayBuffer` that is transferred (not structured-cloned) to a
 * worker, and unpacks it there into requests whose byte fields are views of that buffer (no
 * second copy). Layout, all little-endian:
 *
 *   u32 count
 *   count × (u32 keyLength, u32 messageLength, u32 signatureLength, u32 format)   format: 0 DER, 1 P1363
 *   the bytes of every key, message and signature, in record order
 *
 * Only well-formed requests are packed (`wellFormed` below, the same test as `WasmVerifier`);
 * the pool answers the others `false` itself.
 * @module
 */
import type { SignatureFormat, VerifyRequest } from '../verifier.js'

const HEADER_WORDS = 4

/**
 * True when `request` has the shape `WasmVerifier` verifies at all (three Uint8Arrays and a
 * known format); anything else verifies false. Never throws, even on hostile getters.
 */
export function wellFormed (request: unknown): request is VerifyRequest {
  try {
    if (typeof request !== 'object' || request === null) return false
    const r = request as Partial<VerifyRequest>
    const format = r.format ?? 'der'
    return r.publicKey instanceof Uint8Array && r.message instanceof Uint8Array &&
      r.signature instanceof Uint8Array && (format === 'der' || format === 'p1363')
  } catch {
    return false
  }
}

/** Packs `requests[indices[k]]` for every k; each must have passed `wellFormed`. */
export function packRequests (requests: readonly VerifyRequest[], indices: readonly number[]): ArrayBuffer {
  const count = indices.length
  let total = 0
  for (const i of indices) {
    const r = requests[i] as VerifyRequest
    total += r.publicKey.length + r.message.length + r.signature.length
  }
  const headerBytes = 4 * (1 + HEADER_WORDS * count)
  const buffer = new ArrayBuffer(headerBytes + total)
  const header = new Uint32Array(buffer, 0, 1 + HEADER_WORDS * count)
  const bytes = new Uint8Array(buffer)
  header[0] = count
  let at = headerBytes
  for (let k = 0; k < count; k++) {
    const r = requests[indices[k] as number] as VerifyRequest
    const h = 1 + HEADER_WORDS * k
    header[h] = r.publicKey.length
    header[h + 1] = r.message.length
    header[h + 2] = r.signature.length
    header[h + 3] = (r.format ?? 'der') === 'der' ? 0 : 1
    bytes.set(r.publicKey, at)
    at += r.publicKey.length
    bytes.set(r.message, at)
    at += r.message.length
    bytes.set(r.signature, at)
    at += r.signature.length
  }
  return buffer
}

/**
 * The requests in a packed buffer, as views of it. Returns null when the buffer is not a
 * consistent packing (a worker answers such a job as failed rather than guessing).
 */
export function unpackRequests (buffer: unknown): VerifyRequest[] | null {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < 4) return null
  const count = new Uint32Array(buffer, 0, 1)[0] as number
  const headerBytes = 4 * (1 + HEADER_WORDS * count)
  if (headerBytes > buffer.byteLength) return null
  const header = new Uint32Array(buffer, 0, 1 + HEADER_WORDS * count)
  const out = new Array<VerifyRequest>(count)
  let at = headerBytes
  const take = (length: number): Uint8Array | null => {
    if (at + length > buffer.byteLength) return null
    const view = new Uint8Array(buffer, at, length)
    at += length
    return view
  }
  for (let k = 0; k < count; k++) {
    const h = 1 + HEADER_WORDS * k
    const publicKey = take(header[h] as number)
    const message = take(header[h + 1] as number)
    const signature = take(header[h + 2] as number)
    const code = header[h + 3]
    if (publicKey === null || message === null || signature === null || (code !== 0 && code !== 1)) return null
    const format: SignatureFormat = code === 0 ? 'der' : 'p1363'
    out[k] = { publicKey, message, signature, format }
  }
  return at === buffer.byteLength ? out : null
}
